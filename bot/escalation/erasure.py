"""Erasing personal data: after the retention period, and at once on request (``/slet``).

What is erased is what identifies the asker or came from them: the address to
write back to, the question, answer and follow-up texts, queued messages and
who gave feedback; on request also their feedback and tender-watch
subscriptions. Retention also prunes the inbox's old platform event ids. What
stays is what the audit needs: status, times, language, sources and
confidence, who answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.escalation.audit import add_audit
from bot.escalation.base import DeskBase
from bot.escalation.schema import (
    CANCELLED,
    PENDING,
    Delivery,
    Feedback,
    FollowUp,
    InboxEvent,
    StaffNotice,
    Ticket,
)
from bot.escalation.subscriptions import forget_subscriptions
from bot.escalation.views import Erasure, RetentionReport, TicketStatus


class ErasureDesk(DeskBase):
    """The desk's retention policy and the asker's right to erasure (mixed into
    ``EscalationDesk``)."""

    async def apply_retention(self, now: datetime | None = None) -> RetentionReport:
        """Erase personal fields older than ``Settings.retention_days``.

        Tickets still open by then expire; their question, answer and the
        asker's address are erased, as are old outbox rows and feedback
        authorship. What stays is what the audit needs: status, times,
        language, sources and confidence, who answered.
        """
        moment = now or self.clock()
        cutoff = moment - timedelta(days=self.settings.retention_days)

        def work(session: Session) -> RetentionReport:
            stale = session.scalars(
                select(Ticket).where(Ticket.erased_at.is_(None), Ticket.updated_at < cutoff)
            ).all()
            expired = 0
            for ticket in stale:
                if ticket.status == TicketStatus.OPEN:
                    ticket.status = TicketStatus.EXPIRED
                    ticket.closed_at = moment
                    add_audit(session, moment, "expired", ticket.id)
                    expired += 1
                _erase_ticket(session, ticket, moment)
            deliveries = _erase_deliveries(session, Delivery.created_at < cutoff)
            feedback = session.execute(
                update(Feedback)
                .where(Feedback.created_at < cutoff, Feedback.asker_key.is_not(None))
                .values(asker_key=None)
            ).rowcount  # type: ignore[attr-defined]
            events = session.execute(
                delete(InboxEvent).where(InboxEvent.received_at < cutoff)
            ).rowcount  # type: ignore[attr-defined]
            session.execute(delete(StaffNotice).where(StaffNotice.created_at < cutoff))
            if stale:
                add_audit(session, moment, "retention", None, detail={"tickets": len(stale)})
            return RetentionReport(expired, len(stale), deliveries, feedback, events)

        return await self._db(work)

    async def forget_user(self, platform: str, user_id: str) -> Erasure:
        """Erase everything personal about one asker now (``/slet``, ``/delete``), tender-watch
        subscriptions included."""
        key = self._pseudonyms.key(platform, user_id)

        def work(session: Session) -> Erasure:
            now = self.clock()
            tickets = session.scalars(
                select(Ticket).where(Ticket.asker_key == key).order_by(Ticket.id)
            ).all()
            for ticket in tickets:
                if not TicketStatus(ticket.status).is_final:
                    ticket.status = TicketStatus.CLOSED
                    ticket.closed_at = now
                _erase_ticket(session, ticket, now)
                add_audit(session, now, "forgotten", ticket.id)
            deliveries = _erase_deliveries(
                session, (Delivery.platform == platform) & (Delivery.user_id == user_id)
            )
            feedback = session.execute(delete(Feedback).where(Feedback.asker_key == key)).rowcount  # type: ignore[attr-defined]
            subscriptions = forget_subscriptions(session, key)
            return Erasure(tuple(t.id for t in tickets), deliveries, feedback, subscriptions)

        return await self._db(work)


def _erase_ticket(session: Session, ticket: Ticket, now: datetime) -> None:
    ticket.user_id = ticket.chat_id = ticket.thread = ticket.asker_key = None
    ticket.question = ""
    ticket.answer = None
    ticket.erased_at = now
    ticket.updated_at = now
    session.execute(delete(FollowUp).where(FollowUp.ticket_id == ticket.id))


def _erase_deliveries(session: Session, condition: Any) -> int:
    """Erase address and text of matching outbox rows; pending ones are cancelled."""
    session.execute(
        update(Delivery)
        .where(condition, Delivery.status == PENDING)
        .values(status=CANCELLED, claimed_until=None)
    )
    return session.execute(
        update(Delivery)
        .where(condition, Delivery.user_id.is_not(None))
        .values(user_id=None, chat_id=None, thread=None, text="", rendered=None)
    ).rowcount  # type: ignore[attr-defined]
