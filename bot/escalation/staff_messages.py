"""Where each ticket was posted to staff, so that a reply there answers that ticket.

A notifier records the message it posted for a ticket (a Slack thread, a
Telegram message id); a staff reply to that message maps back to the ticket,
and reminders and follow-ups are threaded under the first one. A message that
shows one of the ticket's questions records its number, so a reply to it says
which question the answer belongs to. See ``interfaces.StaffNotifier``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalation.base import DeskBase
from bot.escalation.schema import StaffMessage


class StaffMessageDesk(DeskBase):
    """The desk's map from staff messages to tickets (mixed into ``EscalationDesk``)."""

    async def set_staff_message(
        self, ticket_id: int, platform: str, message_ref: str, question: int | None = None
    ) -> None:
        """Remember where a notifier posted about a ticket, and which of its questions
        (1 = the ticket's question) that post shows, if any (idempotent)."""

        def work(session: Session) -> None:
            existing = session.scalar(
                select(StaffMessage).where(
                    StaffMessage.platform == platform, StaffMessage.message_ref == message_ref
                )
            )
            if existing is None:
                session.add(
                    StaffMessage(
                        ticket_id=ticket_id,
                        platform=platform,
                        message_ref=message_ref,
                        question=question,
                    )
                )
            else:
                existing.ticket_id = ticket_id
                existing.question = question

        await self._db(work)

    async def ticket_for_staff_message(self, platform: str, message_ref: str) -> int | None:
        """The ticket a staff message belongs to, so a reply to it answers that ticket."""
        return await self._db(
            lambda session: session.scalar(
                select(StaffMessage.ticket_id).where(
                    StaffMessage.platform == platform, StaffMessage.message_ref == message_ref
                )
            )
        )

    async def question_for_staff_message(self, platform: str, message_ref: str) -> int | None:
        """The number of the ticket question a staff message shows (None for notices)."""
        return await self._db(
            lambda session: session.scalar(
                select(StaffMessage.question).where(
                    StaffMessage.platform == platform, StaffMessage.message_ref == message_ref
                )
            )
        )

    async def staff_message(self, ticket_id: int, platform: str) -> str | None:
        """The first staff message of a ticket on ``platform`` (to thread follow-ups under it)."""
        return await self._db(
            lambda session: session.scalar(
                select(StaffMessage.message_ref)
                .where(StaffMessage.ticket_id == ticket_id, StaffMessage.platform == platform)
                .order_by(StaffMessage.id)
                .limit(1)
            )
        )
