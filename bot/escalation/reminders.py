"""Reminders: an open ticket that has waited too long is brought up again, once.

After ``Settings.escalation_remind_after`` Danish working days (see
``workdays``) staff get a reminder in the ticket's thread (a staff notice), and
the asker a short "we have not forgotten you" through the outbox. The ticket is
claimed with a conditional update, so several workers remind each ticket
exactly once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import texts
from bot.escalation.audit import add_audit
from bot.escalation.base import DeskBase
from bot.escalation.schema import NOTICE_REMINDER, REMINDER, Ticket
from bot.escalation.tickets import queue_to_asker
from bot.escalation.views import TicketStatus
from bot.escalation.workdays import add_working_days


class ReminderDesk(DeskBase):
    """The desk's reminders about waiting tickets (mixed into ``EscalationDesk``)."""

    async def send_due_reminders(self, now: datetime | None = None) -> list[int]:
        """Remind staff once, and tell the asker once (via the outbox), about every open
        ticket older than ``Settings.escalation_remind_after`` working days.

        Safe with several workers: each ticket is claimed by exactly one of them.
        Returns the reminded ticket ids.
        """
        moment = now or self.clock()
        reminded, notices = await self._db(partial(self._claim_reminders, now=moment))
        await self.send_staff_notices(notices)
        return reminded

    def _claim_reminders(self, session: Session, *, now: datetime) -> tuple[list[int], list[int]]:
        """The tickets reminded now, and the staff notices queued for them."""
        days = self.settings.escalation_remind_after
        # Working-day deadlines are never earlier than calendar ones: a cheap first filter.
        candidates = session.scalars(
            select(Ticket).where(
                Ticket.status == TicketStatus.OPEN,
                Ticket.reminded_at.is_(None),
                Ticket.created_at <= now - timedelta(days=days),
            )
        ).all()
        reminded: list[int] = []
        notices: list[int] = []
        for ticket in candidates:
            if add_working_days(ticket.created_at, days) > now:
                continue
            claimed = session.execute(
                update(Ticket)
                .where(Ticket.id == ticket.id, Ticket.reminded_at.is_(None))
                .values(reminded_at=now)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            session.refresh(ticket)
            message = texts.text("not_forgotten", ticket.language, ticket=ticket.id)
            queue_to_asker(session, ticket, REMINDER, message, now)
            add_audit(session, now, "reminded", ticket.id)
            notices += self.queue_staff_notices(session, NOTICE_REMINDER, now, ticket_id=ticket.id)
            reminded.append(ticket.id)
        return reminded, notices
