"""The escalation desk: the one object the assistant, the channels and the CLI talk to.

It is the sum of its concerns, each a mixin on ``base.DeskBase`` in a module
named after it: ``tickets`` (opening, answering, closing), ``staff_messages``
(where staff saw a ticket), ``staff_notices`` (what staff are owed, sent until
it arrives), ``learned`` (published answers, their corrections
and withdrawal), ``staff`` (who may act as staff), ``reminders``,
``erasure`` (retention and ``/slet``), ``feedback``, ``audit``,
``subscriptions`` (tender watch) and ``interactions`` (the insights log).
Incoming events and outgoing messages have workers of their own next to it:
``inbox`` and ``outbox``.
"""

from __future__ import annotations

from bot.escalation.audit import AuditLog
from bot.escalation.erasure import ErasureDesk
from bot.escalation.feedback import FeedbackDesk
from bot.escalation.interactions import InteractionLog
from bot.escalation.learned import LearnedEntryDesk
from bot.escalation.reminders import ReminderDesk
from bot.escalation.staff_messages import StaffMessageDesk
from bot.escalation.staff_notices import StaffNoticeDesk
from bot.escalation.subscriptions import SubscriptionDesk
from bot.escalation.tickets import TicketDesk


class EscalationDesk(
    TicketDesk,
    StaffMessageDesk,
    LearnedEntryDesk,
    ReminderDesk,
    StaffNoticeDesk,
    ErasureDesk,
    FeedbackDesk,
    AuditLog,
    SubscriptionDesk,
    InteractionLog,
):
    """Tickets, staff answers, the learning loop, reminders, the asker's privacy, tender
    watch and the logs, on one database.

    Construct with ``EscalationDesk.open(settings)`` (creates the database and
    runs migrations); channels that host staff register with
    ``add_notifier``.
    """
