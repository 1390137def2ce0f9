"""The outbox worker: carries staff answers, reminders and tender-watch notices to askers, on
their own platform.

A worker claims due deliveries in one short transaction (PostgreSQL:
``SELECT … FOR UPDATE SKIP LOCKED``; SQLite: one ``UPDATE`` under the write
lock), stamping them with a lease; sends each through the deliverer of the
asker's platform; and marks it delivered. A worker that dies after claiming
leaves the row to become due again when the lease runs out, so any worker
(or the same one, restarted) sends it then; the claim token makes sure only
the holder of the current lease marks it. What remains is the unavoidable
window between the platform accepting a message and the "delivered" commit:
a crash exactly there sends that message again after the lease.

Transient failures are retried with exponential back-off; a
``PermanentDeliveryError`` or the last allowed attempt marks the delivery
failed and tells staff. ``run`` also sends due reminders and applies the
retention policy every ``housekeeping_interval`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.conversation import Asker
from bot.escalation.audit import add_audit
from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import DeskError, PermanentDeliveryError
from bot.escalation.interfaces import Deliverer
from bot.escalation.schema import ANSWER, DELIVERED, FAILED, PENDING, Delivery, Ticket
from bot.escalation.views import TicketStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    id: int
    ticket_id: int | None
    kind: str
    asker: Asker
    text: str
    language: str
    attempts: int
    token: str


class OutboxWorker:
    """Sends queued messages to askers; several workers may share one desk."""

    def __init__(
        self,
        desk: EscalationDesk,
        deliverers: Mapping[str, Deliverer],
        *,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 8,
        first_retry: timedelta = timedelta(seconds=15),
        max_retry: timedelta = timedelta(hours=1),
        batch_size: int = 10,
        poll_interval: float = 2.0,
        housekeeping_interval: float = 300.0,
    ) -> None:
        if not deliverers:
            raise ValueError("an outbox worker needs at least one deliverer")
        self.desk = desk
        self.deliverers = dict(deliverers)
        self.lease = lease
        self.max_attempts = max_attempts
        self.first_retry = first_retry
        self.max_retry = max_retry
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.housekeeping_interval = housekeeping_interval

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until ``stop`` is set; a database outage is logged and waited out."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        next_housekeeping = loop.time()
        while not stop.is_set():
            sent = 0
            try:
                if loop.time() >= next_housekeeping:
                    await self.desk.send_due_reminders()
                    await self.desk.apply_retention()
                    next_housekeeping = loop.time() + self.housekeeping_interval
                sent = await self.process_once()
            except DeskError as exc:
                log.error("Outbox paused: %s", exc)
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_interval)

    async def process_once(self) -> int:
        """Claim the deliveries due now and send them; returns how many were claimed."""
        token = uuid.uuid4().hex
        claimed = await asyncio.to_thread(
            self.desk.store.transaction, lambda s: self._claim(s, token)
        )
        for delivery in claimed:
            await self._send(delivery)
        return len(claimed)

    def _claim(self, session: Session, token: str) -> list[ClaimedDelivery]:
        now = self.desk.clock()
        due = (
            select(Delivery.id)
            .where(
                Delivery.status == PENDING,
                Delivery.due_at <= now,
                Delivery.platform.in_(self.deliverers),
                or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
            )
            .order_by(Delivery.due_at, Delivery.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(due.scalar_subquery()))
            .values(
                claimed_until=now + self.lease,
                claim_token=token,
                attempts=Delivery.attempts + 1,
            )
        )
        rows = session.scalars(
            select(Delivery).where(Delivery.claim_token == token).order_by(Delivery.id)
        )
        return [
            ClaimedDelivery(
                id=row.id,
                ticket_id=row.ticket_id,
                kind=row.kind,
                asker=Asker(row.platform, row.user_id or "", row.chat_id or "", row.thread),
                text=row.text,
                language=row.language,
                attempts=row.attempts,
                token=token,
            )
            for row in rows
        ]

    async def _send(self, delivery: ClaimedDelivery) -> None:
        deliverer = self.deliverers[delivery.asker.platform]
        try:
            await deliverer.deliver(delivery.asker, delivery.text, delivery.language)
        except PermanentDeliveryError as exc:
            await self._fail(delivery, f"{exc}" or type(exc).__name__)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if delivery.attempts >= self.max_attempts:
                await self._fail(delivery, f"gave up after {delivery.attempts} attempts ({reason})")
            else:
                delay = min(self.first_retry * 2 ** (delivery.attempts - 1), self.max_retry)
                log.warning(
                    "Delivery %s (ticket %s) failed, retry in %s: %s",
                    delivery.id,
                    delivery.ticket_id,
                    delay,
                    reason,
                )
                await self._settle(delivery, PENDING, due_in=delay, error=reason)
        else:
            await self._settle(delivery, DELIVERED)

    async def _fail(self, delivery: ClaimedDelivery, reason: str) -> None:
        log.error(
            "Delivery %s (ticket %s) failed for good: %s", delivery.id, delivery.ticket_id, reason
        )
        settled = await self._settle(delivery, FAILED, error=reason)
        if settled and delivery.ticket_id is not None:
            await self.desk.notify_delivery_failed(delivery.ticket_id, reason)

    async def _settle(
        self,
        delivery: ClaimedDelivery,
        status: str,
        *,
        due_in: timedelta | None = None,
        error: str | None = None,
    ) -> bool:
        """Record the outcome, if this worker still holds the claim; returns whether it did."""

        def work(session: Session) -> bool:
            now = self.desk.clock()
            values: dict[str, object] = {
                "status": status,
                "claimed_until": None,
                "last_error": error,
            }
            if status == DELIVERED:
                values["delivered_at"] = now
            if due_in is not None:
                values["due_at"] = now + due_in
            result = session.execute(
                update(Delivery)
                .where(Delivery.id == delivery.id, Delivery.claim_token == delivery.token)
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return False
            if status == DELIVERED and delivery.kind == ANSWER:
                session.execute(
                    update(Ticket)
                    .where(Ticket.id == delivery.ticket_id, Ticket.status == TicketStatus.ANSWERED)
                    .values(status=TicketStatus.DELIVERED, delivered_at=now, updated_at=now)
                )
            if status != PENDING:
                detail = {"kind": delivery.kind, "attempts": delivery.attempts}
                if error:
                    detail["error"] = error
                event = "delivered" if status == DELIVERED else "delivery_failed"
                add_audit(session, now, event, delivery.ticket_id, detail=detail)
            return True

        settled = await asyncio.to_thread(self.desk.store.transaction, work)
        if not settled:
            log.warning(
                "Delivery %s outlived its lease; another worker has taken it over", delivery.id
            )
        return settled
