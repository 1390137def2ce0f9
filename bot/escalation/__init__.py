"""The escalation desk: questions the bot cannot answer go to staff, and answers come back.

Public API for the assistant and the channels::

    desk = EscalationDesk.open(settings)           # creates/migrates the database
    desk.add_notifier(notifier)                    # a StaffNotifier per staff destination
    view = await desk.open_ticket(question, language, asker, candidates, follow_up_of=None)
    await desk.answer(ticket_id, StaffMember(...), text, publish=False, questions=(1,))
    changes = await desk.learned_changes(after=revision)   # what every worker polls
    OutboxWorker(desk, {"telegram": deliverer, ...}).run()

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
    TicketClosedError,
    UnknownLearnedError,
    UnknownQuestionError,
    UnknownTicketError,
    WhichQuestionError,
)
from bot.escalation.interfaces import Deliverer, StaffNotifier
from bot.escalation.learned import LEARNED_SOURCE_PREFIX, PUBLISH_PREFIX, is_learned_source
from bot.escalation.outbox import OutboxWorker
from bot.escalation.split import split_message
from bot.escalation.views import (
    Candidate,
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
    "Candidate",
    "ConsoleDeliverer",
    "ConsoleNotifier",
    "Deliverer",
    "DeskError",
    "DeskUnavailableError",
    "EmptyAnswerError",
    "Erasure",
    "EscalationDesk",
    "LearnedWithdrawnError",
    "NotStaffError",
    "OutboxWorker",
    "PermanentDeliveryError",
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
