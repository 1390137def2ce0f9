"""The escalation desk: questions the bot cannot answer go to staff, and answers come back.

Public API for the assistant and the channels::

    desk = EscalationDesk.open(settings)           # creates/migrates the database
    desk.add_notifier(notifier)                    # a StaffNotifier per staff destination
    view = await desk.open_ticket(question, language, asker, candidates, follow_up_of=None)
    await desk.answer(ticket_id, StaffMember(...), text, publish=False, questions=(1,))
    changes = await desk.learned_changes(after=revision)   # what every worker polls
    outbox = OutboxWorker(desk, {"telegram": deliverer, ...})    # every message to askers
    inbox = Inbox(desk, outbox, {"telegram": handler, ...})      # every event from platforms
    event = await inbox.receive("telegram", update_id, update)  # before acknowledging
    if event: inbox.process_soon(event)

See ``interfaces`` for what channels implement.
"""

from bot.escalation.console import CONSOLE_PLATFORM, ConsoleDeliverer, ConsoleNotifier
from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import (
    DeskError,
    DeskUnavailableError,
    EmptyAnswerError,
    LearnedWithdrawnError,
    NotStaffError,
    PermanentDeliveryError,
    RateLimitedError,
    TicketClosedError,
    UnknownLearnedError,
    UnknownQuestionError,
    UnknownTicketError,
    WhichQuestionError,
)
from bot.escalation.inbox import Inbox
from bot.escalation.interfaces import (
    ArrivalCheck,
    Deliverer,
    EventHandler,
    OutboxMessage,
    ReceivedEvent,
    StaffNotifier,
)
from bot.escalation.learned import LEARNED_SOURCE_PREFIX, PUBLISH_PREFIX, is_learned_source
from bot.escalation.outbox import OutboxWorker
from bot.escalation.split import split_message
from bot.escalation.views import (
    Backlog,
    Candidate,
    DeliveryFailure,
    Erasure,
    RetentionReport,
    StaffMember,
    TicketStatus,
    TicketView,
)

__all__ = [
    "CONSOLE_PLATFORM",
    "LEARNED_SOURCE_PREFIX",
    "PUBLISH_PREFIX",
    "ArrivalCheck",
    "Backlog",
    "Candidate",
    "ConsoleDeliverer",
    "ConsoleNotifier",
    "Deliverer",
    "DeliveryFailure",
    "DeskError",
    "DeskUnavailableError",
    "EmptyAnswerError",
    "Erasure",
    "EscalationDesk",
    "EventHandler",
    "Inbox",
    "LearnedWithdrawnError",
    "NotStaffError",
    "OutboxMessage",
    "OutboxWorker",
    "PermanentDeliveryError",
    "RateLimitedError",
    "ReceivedEvent",
    "RetentionReport",
    "StaffMember",
    "StaffNotifier",
    "TicketClosedError",
    "TicketStatus",
    "TicketView",
    "UnknownLearnedError",
    "UnknownQuestionError",
    "UnknownTicketError",
    "WhichQuestionError",
    "is_learned_source",
    "split_message",
]
