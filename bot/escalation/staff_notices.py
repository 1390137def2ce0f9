"""Staff hear of every ticket: notices are queued with the change and sent until they arrive.

A question the bot escalates is only as good as staff's knowing of it. A
notice (a new ticket, a question that joined one, a reminder, a message the
outbox gave up on) is queued in the transaction that makes it due, one per
staff destination (``DeskBase.queue_staff_notices``); right after the
commit the worker sends it. When the notifier fails (Slack or Telegram down,
a rate limit) the notice waits and is tried again with doubling pauses, by
whichever worker's housekeeping comes first; when the worker dies before it
sends, the claim runs out and another worker sends it. A notice is sent at
least once: a worker killed after the platform took it and before it
recorded that sends it again.

What a notice shows is read when it is sent: a ticket whose asker has been
erased meanwhile is not announced, and a reminder for a ticket that has been
answered is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.escalation.base import NOTICE_CLAIM, DeskBase
from bot.escalation.errors import DeskError
from bot.escalation.interfaces import StaffNotifier
from bot.escalation.leases import backlog
from bot.escalation.schema import (
    DONE,
    NOTICE_DELIVERY_FAILED,
    NOTICE_REMINDER,
    PENDING,
    Delivery,
    StaffNotice,
    Ticket,
)
from bot.escalation.tickets import ticket_view
from bot.escalation.views import Backlog, DeliveryFailure, TicketStatus, TicketView

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(minutes=15)
PREVIEW_CHARS = 120


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    attempts: int
    destination: str
    kind: str
    ticket: TicketView | None
    failure: DeliveryFailure | None


class StaffNoticeDesk(DeskBase):
    """Sending the queued staff notices (mixed into ``EscalationDesk``)."""

    async def send_staff_notices(self, ids: Collection[int] | None = None) -> int:
        """Send the notices that are due for this worker's destinations (only ``ids``, when
        given: those just queued); returns how many arrived."""
        if not self.notifiers:
            return 0
        try:
            claimed = await self._db(partial(self._claim_notices, ids=ids))
        except DeskError as exc:
            # The notices are safe in the database; housekeeping sends them when it can.
            log.error("Staff notices wait: %s", exc)
            return 0
        sent = 0
        for notice in claimed:
            sent += await self._send_notice(notice)
        return sent

    async def staff_notice_backlog(self) -> Backlog:
        """What staff have not been told yet (a growing backlog: their platform is down)."""
        return await backlog(self, StaffNotice, StaffNotice.created_at)

    def _claim_notices(self, session: Session, *, ids: Collection[int] | None) -> list[_Claimed]:
        now = self.clock()
        query = select(StaffNotice).where(
            StaffNotice.status == PENDING,
            StaffNotice.destination.in_(list(self.destinations)),
        )
        # Notices just queued go out at once, unless another worker has taken them already;
        # the others when their next attempt is due.
        if ids is not None:
            query = query.where(StaffNotice.id.in_(list(ids)), StaffNotice.attempts == 0)
        else:
            query = query.where(StaffNotice.next_attempt_at <= now)
        claimed = []
        for notice in session.scalars(query.order_by(StaffNotice.id)).all():
            attempt = notice.attempts + 1
            taken = session.execute(
                update(StaffNotice)
                .where(
                    StaffNotice.id == notice.id,
                    StaffNotice.status == PENDING,
                    StaffNotice.attempts == attempt - 1,
                )
                .values(next_attempt_at=now + NOTICE_CLAIM, attempts=attempt)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker took it first
            subject = self._subject(session, notice)
            if subject is None:
                notice.status = DONE
                notice.last_error = "nothing to tell any more"
                continue
            ticket, failure = subject
            claimed.append(
                _Claimed(notice.id, attempt, notice.destination, notice.kind, ticket, failure)
            )
        return claimed

    def _subject(
        self, session: Session, notice: StaffNotice
    ) -> tuple[TicketView | None, DeliveryFailure | None] | None:
        """What the notice is about, as of now; None when there is nothing to tell any more."""
        ticket = session.get(Ticket, notice.ticket_id) if notice.ticket_id is not None else None
        view = ticket_view(session, ticket) if ticket is not None else None
        if notice.kind == NOTICE_DELIVERY_FAILED:
            delivery = session.get(Delivery, notice.delivery_id)
            return None if delivery is None else (view, self._failure(delivery, view))
        if view is None or view.erased_at is not None:
            return None
        if notice.kind == NOTICE_REMINDER:
            return (view, None) if view.status is TicketStatus.OPEN else None
        if notice.messages is not None and notice.messages > 1:
            # A question that joined the ticket: announce that one, not a later one.
            follow_ups = view.follow_ups[: notice.messages - 1]
            return replace(view, follow_ups=follow_ups, joined=True), None
        return view, None

    def _failure(self, delivery: Delivery, view: TicketView | None) -> DeliveryFailure:
        return DeliveryFailure(
            reason=delivery.last_error or "not delivered",
            platform=delivery.platform,
            asker=self.asker_reference(delivery.platform, delivery.user_id)
            if delivery.user_id
            else None,
            preview=preview(delivery.text),
            ticket=view,
        )

    async def _send_notice(self, notice: _Claimed) -> bool:
        notifier = self.destinations.get(notice.destination)
        if notifier is None:
            return False
        error: Exception | None = None
        wait: timedelta | None = None
        try:
            await _deliver(notifier, notice)
        except Exception as exc:  # any failure of a notifier is retried
            error, wait = exc, min(FIRST_RETRY * 2 ** (notice.attempts - 1), MAX_RETRY)
            log.warning(
                "Staff notice %s (%s to %s) failed, retry in %.0f s: %r",
                notice.id,
                notice.kind,
                notice.destination,
                wait.total_seconds(),
                exc,
            )
        try:
            await self._db(partial(self._settle_notice, notice=notice, retry_in=wait, error=error))
        except DeskError as exc:
            # Unrecorded: when the claim runs out, the notice is sent (again).
            log.error("Staff notice %s: outcome not recorded: %s", notice.id, exc)
        return error is None

    def _settle_notice(
        self,
        session: Session,
        *,
        notice: _Claimed,
        retry_in: timedelta | None,
        error: Exception | None,
    ) -> None:
        now = self.clock()
        values: dict[str, object] = (
            {"status": DONE, "sent_at": now, "last_error": None}
            if retry_in is None
            else {
                "next_attempt_at": now + retry_in,
                "last_error": f"{type(error).__name__}: {error}",
            }
        )
        session.execute(
            update(StaffNotice)
            .where(StaffNotice.id == notice.id, StaffNotice.attempts == notice.attempts)
            .values(**values)
        )


async def _deliver(notifier: StaffNotifier, notice: _Claimed) -> None:
    if notice.kind == NOTICE_DELIVERY_FAILED and notice.failure is not None:
        await notifier.notify_delivery_failed(notice.failure)
    elif notice.kind == NOTICE_REMINDER and notice.ticket is not None:
        await notifier.notify_reminder(notice.ticket)
    elif notice.ticket is not None:
        await notifier.notify_ticket(notice.ticket)


def preview(text: str) -> str:
    """The start of a message on one line, so staff can tell which conversation it was."""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"
