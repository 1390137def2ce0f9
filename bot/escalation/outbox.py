"""The outbox: every message to an asker leaves through here, so none is lost to a crash or an
outage.

Replies to questions (answers, clarifications, escalation notices), staff
answers, reminders and tender-watch notices are all rows in ``deliveries``
before anything is sent. A fresh reply is queued already claimed by the
worker that produced it, which sends it at once (``send_now``): the row is
only the safety net. Everything else — a retry, a staff answer, a message
whose worker died — is claimed by the polling loop (PostgreSQL:
``SELECT … FOR UPDATE SKIP LOCKED``; SQLite: under the write lock).

Claims are leases (see ``leases``), renewed while the worker lives and
released when it stops, so a killed worker's messages are sent by another
worker, or the restarted one, once its leases run out; the claim token makes
sure only the holder marks a row. What remains is the window between the
platform accepting a message and the "delivered" commit: a message whose
worker died there looks unsent. Before such a message is sent again, a
deliverer that can look on the platform is asked (``ArrivalCheck``, Slack);
otherwise (Telegram) it is sent again. To keep that window short, the
"delivered" mark is written on threads of its own and, on PostgreSQL,
without waiting for the disk: if the database server itself crashes then,
the worst outcome is the same message once more.

Order: messages to one conversation (platform, chat, thread) go out in the
order they were queued; a message waits while an earlier one to the same
conversation is still pending.

Failures: network errors, 5xx and anything unknown are retried with
exponential back-off and jitter; a platform's "retry after" is honoured
(``RateLimitedError``); a ``PermanentDeliveryError`` (chat gone, bot
blocked) fails the message at once. A message not delivered within
``Settings.delivery_give_up_hours`` is given up. Either way staff are told.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy import text as sql
from sqlalchemy.orm import Session, aliased

from bot.conversation import Asker
from bot.escalation.audit import add_audit
from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import DeskError, PermanentDeliveryError, RateLimitedError
from bot.escalation.interfaces import ArrivalCheck, Deliverer, OutboxMessage
from bot.escalation.leases import Leases, backlog
from bot.escalation.schema import (
    ANSWER,
    DELIVERED,
    FAILED,
    NOTICE_DELIVERY_FAILED,
    PENDING,
    Delivery,
    Ticket,
)
from bot.escalation.views import Backlog, TicketStatus

log = logging.getLogger(__name__)

T = TypeVar("T")


Conversation = tuple[str, str | None, str | None]
"""Where messages must keep their order: platform, chat and thread."""


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """An outbox row this worker holds, with the message to send."""

    id: int
    message: OutboxMessage
    attempts: int
    created_at: datetime
    # The previous holder's lease ran out: it may have sent the message before it died.
    in_doubt: bool = False

    @property
    def conversation(self) -> Conversation:
        return (self.message.platform, self.message.chat_id, self.message.thread)


class OutboxWorker:
    """Sends queued messages to askers; several workers may share one desk."""

    def __init__(
        self,
        desk: EscalationDesk,
        deliverers: Mapping[str, Deliverer],
        *,
        lease: timedelta = timedelta(seconds=15),
        first_retry: timedelta = timedelta(seconds=1),
        max_retry: timedelta = timedelta(minutes=5),
        give_up_after: timedelta | None = None,
        batch_size: int = 20,
        poll_interval: float = 1.0,
        housekeeping_interval: float = 300.0,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if not deliverers:
            raise ValueError("an outbox worker needs at least one deliverer")
        self.desk = desk
        self.deliverers = dict(deliverers)
        self.leases = Leases(desk, Delivery, lease)
        self.first_retry = first_retry
        self.max_retry = max_retry
        self.give_up_after = give_up_after or timedelta(hours=desk.settings.delivery_give_up_hours)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.housekeeping_interval = housekeeping_interval
        self._jitter = jitter
        # Outcomes are recorded on threads of their own, never queued behind other desk work.
        self._marking = ThreadPoolExecutor(max_workers=2, thread_name_prefix="outbox-mark")

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until ``stop`` is set; a database outage is logged and waited out."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        next_housekeeping = loop.time()
        async with self.leases.kept(stop):
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

    async def close(self) -> None:
        """Let go of the messages still held, so another worker sends them at once."""
        await self.leases.release()
        self._marking.shutdown(wait=False)

    async def process_once(self) -> int:
        """Claim the deliveries due now and send them; returns how many were claimed."""
        claimed = await self._db(self._claim)
        await self._send_in_order(claimed, drain=True)
        return len(claimed)

    def enqueue(
        self, session: Session, messages: Iterable[OutboxMessage], now: datetime
    ) -> list[ClaimedDelivery]:
        """Queue ``messages`` in the caller's transaction; returns those this worker may send
        at once (``send_now``, after the commit): all but those that must wait for an
        earlier message to the same conversation."""
        free: dict[Conversation, bool] = {}
        rows: list[tuple[Delivery, OutboxMessage]] = []
        for message in messages:
            row = Delivery.queued(
                message,
                kind=message.kind,
                text=message.text,
                now=now,
                ticket_id=message.ticket_id,
                rendered=json.dumps(message.rendered, ensure_ascii=False)
                if message.rendered is not None
                else None,
            )
            place = (message.platform, message.chat_id, message.thread)
            if place not in free:
                free[place] = message.platform in self.deliverers and not _busy(session, place)
            if free[place]:
                row.claim_token = self.leases.token
                row.claimed_until = self.leases.until(now)
                row.attempts = 1
            session.add(row)
            rows.append((row, message))
        session.flush()
        return [
            ClaimedDelivery(row.id, replace(message, ref=str(row.id)), row.attempts, now)
            for row, message in rows
            if row.claim_token is not None
        ]

    async def send_now(self, claimed: Sequence[ClaimedDelivery]) -> None:
        """Send what ``enqueue`` handed this worker, in order per conversation."""
        await self._send_in_order(claimed, drain=False)

    async def backlog(self) -> Backlog:
        """How many messages wait to be delivered, and for how long the oldest has waited."""
        return await backlog(self.desk, Delivery, Delivery.created_at)

    # Claiming ------------------------------------------------------------------------------------

    def _claim(self, session: Session, place: Conversation | None = None) -> list[ClaimedDelivery]:
        """Claim due messages that no earlier pending message of their conversation holds up
        (only ``place``'s, when given)."""
        now = self.desk.clock()
        query = (
            select(Delivery.id, Delivery.claimed_until)
            .where(
                Delivery.status == PENDING,
                Delivery.due_at <= now,
                Delivery.platform.in_(self.deliverers),
                or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
                ~_earlier_pending(),
            )
            .order_by(Delivery.due_at, Delivery.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )
        held = frozenset(self.leases.held)
        if held:
            query = query.where(Delivery.id.not_in(held))
        if place is not None:
            query = query.where(*_in_conversation(Delivery, place))
        lapsed = {row.id: row.claimed_until is not None for row in session.execute(query)}
        ids = list(lapsed)
        if not ids:
            return []
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(
                claimed_until=self.leases.until(now),
                claim_token=self.leases.token,
                attempts=Delivery.attempts + 1,
            )
        )
        rows = session.scalars(select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id))
        return [
            ClaimedDelivery(row.id, _message(row), row.attempts, row.created_at, lapsed[row.id])
            for row in rows
        ]

    # Sending -------------------------------------------------------------------------------------

    async def _send_in_order(self, claimed: Sequence[ClaimedDelivery], *, drain: bool) -> None:
        """Send each conversation's messages in order, conversations side by side."""
        self.leases.held.update(delivery.id for delivery in claimed)
        conversations: dict[Conversation, list[ClaimedDelivery]] = {}
        for delivery in sorted(claimed, key=lambda d: d.id):
            conversations.setdefault(delivery.conversation, []).append(delivery)
        await asyncio.gather(
            *(self._send_conversation(rows, drain) for rows in conversations.values())
        )

    async def _send_conversation(self, rows: list[ClaimedDelivery], drain: bool) -> None:
        """Send ``rows`` one after another; stop at a failure, letting go of the rest. With
        ``drain``, go on with the conversation's next message (one that waited behind)."""
        queue = list(rows)
        while queue:
            delivery = queue.pop(0)
            if not await self._send(delivery):
                await self._let_go([d.id for d in queue])
                return
            if not queue and drain:
                queue = await self._db(lambda s, d=delivery: self._claim(s, d.conversation))
                self.leases.held.update(d.id for d in queue)

    async def _send(self, delivery: ClaimedDelivery) -> bool:
        """One attempt; True when the conversation may go on (delivered, or failed for good)."""
        message = delivery.message
        deliverer = self.deliverers[message.platform]
        if delivery.in_doubt and await self._arrived(deliverer, delivery):
            log.info(
                "Delivery %s had arrived before its worker stopped; not sent again", delivery.id
            )
            await self._settle(delivery, DELIVERED)
            return True
        try:
            await deliverer.deliver(message)
        except PermanentDeliveryError as exc:
            await self._fail(delivery, str(exc) or type(exc).__name__)
            return True
        except RateLimitedError as exc:
            wait = timedelta(seconds=exc.retry_after * (1 + 0.1 * self._jitter()))
            await self._retry(delivery, wait, str(exc))
            return False
        except Exception as exc:
            await self._retry(delivery, self._back_off(delivery.attempts), _reason(exc))
            return False
        await self._settle(delivery, DELIVERED)
        return True

    async def _arrived(self, deliverer: Deliverer, delivery: ClaimedDelivery) -> bool:
        """Whether the platform already has the message (False when it cannot tell)."""
        if not isinstance(deliverer, ArrivalCheck):
            return False
        try:
            return bool(await deliverer.arrived(delivery.message, delivery.created_at))
        except Exception as exc:
            log.warning("Could not check whether delivery %s arrived: %s", delivery.id, exc)
            return False

    def _back_off(self, attempts: int) -> timedelta:
        """Doubling pauses up to ``max_retry``, each shortened by up to half at random, so that
        messages that failed together do not all come back together."""
        ceiling = min(self.first_retry * 2 ** max(0, attempts - 1), self.max_retry)
        return ceiling * (0.5 + 0.5 * self._jitter())

    async def _retry(self, delivery: ClaimedDelivery, wait: timedelta, reason: str) -> None:
        now = self.desk.clock()
        deadline = delivery.created_at + self.give_up_after
        if now >= deadline:
            await self._fail(
                delivery, f"not delivered within {_span(self.give_up_after)} ({reason})"
            )
            return
        due = min(now + wait, deadline)
        log.warning(
            "Delivery %s (%s to %s) failed, retry in %.1f s: %s",
            delivery.id,
            delivery.message.kind,
            delivery.message.platform,
            (due - now).total_seconds(),
            reason,
        )
        await self._settle(delivery, PENDING, due_at=due, error=reason)

    async def _fail(self, delivery: ClaimedDelivery, reason: str) -> None:
        """Give up on the message; staff are told (a notice queued with the failure)."""
        message = delivery.message
        log.error(
            "Delivery %s (%s to %s) failed for good: %s",
            delivery.id,
            message.kind,
            message.platform,
            reason,
        )
        notices: list[int] = []
        if await self._settle(delivery, FAILED, error=reason, notices=notices):
            await self.desk.send_staff_notices(notices)

    async def _let_go(self, ids: list[int]) -> None:
        """Give back claimed rows unsent (they wait behind a message that failed)."""
        if not ids:
            return
        self.leases.held.difference_update(ids)
        token = self.leases.token

        def work(session: Session) -> None:
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.claim_token == token)
                .values(claimed_until=None, attempts=Delivery.attempts - 1)
            )

        await self._db(work)

    async def _settle(
        self,
        delivery: ClaimedDelivery,
        status: str,
        *,
        due_at: datetime | None = None,
        error: str | None = None,
        notices: list[int] | None = None,
    ) -> bool:
        """Record the outcome, if this worker still holds the claim; returns whether it did.
        A message given up on gets staff notices, whose ids go into ``notices``."""
        token = self.leases.token

        def work(session: Session) -> bool:
            now = self.desk.clock()
            values: dict[str, object] = {
                "status": status,
                "claimed_until": None,
                "last_error": error,
            }
            if status == DELIVERED:
                values["delivered_at"] = now
                if session.get_bind().dialect.name == "postgresql":
                    session.execute(sql("SET LOCAL synchronous_commit TO OFF"))
            if due_at is not None:
                values["due_at"] = due_at
            result = session.execute(
                update(Delivery)
                .where(Delivery.id == delivery.id, Delivery.claim_token == token)
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return False
            kind = delivery.message.kind
            if status == DELIVERED and kind == ANSWER:
                session.execute(
                    update(Ticket)
                    .where(
                        Ticket.id == delivery.message.ticket_id,
                        Ticket.status == TicketStatus.ANSWERED,
                    )
                    .values(status=TicketStatus.DELIVERED, delivered_at=now, updated_at=now)
                )
            if status != PENDING and delivery.message.ticket_id is not None:
                detail = {"kind": kind, "attempts": delivery.attempts}
                if error:
                    detail["error"] = error
                event = "delivered" if status == DELIVERED else "delivery_failed"
                add_audit(session, now, event, delivery.message.ticket_id, detail=detail)
            if status == FAILED and notices is not None:
                notices.extend(
                    self.desk.queue_staff_notices(
                        session,
                        NOTICE_DELIVERY_FAILED,
                        now,
                        ticket_id=delivery.message.ticket_id,
                        delivery_id=delivery.id,
                    )
                )
            return True

        try:
            settled = await asyncio.get_running_loop().run_in_executor(
                self._marking, self.desk.store.transaction, work
            )
        finally:
            self.leases.held.discard(delivery.id)
        if not settled:
            log.warning(
                "Delivery %s outlived its lease; another worker has taken it over", delivery.id
            )
        return settled

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self.desk.store.transaction, work)


def _in_conversation(model: type[Delivery], place: Conversation) -> list[ColumnElement[bool]]:
    platform, chat_id, thread = place
    return [
        model.platform == platform,
        model.chat_id == chat_id,
        model.thread.is_not_distinct_from(thread),
    ]


def _earlier_pending() -> ColumnElement[bool]:
    """An earlier message to the same conversation is still pending (this one must wait)."""
    earlier = aliased(Delivery)
    return exists().where(
        earlier.status == PENDING,
        earlier.platform == Delivery.platform,
        earlier.chat_id == Delivery.chat_id,
        earlier.thread.is_not_distinct_from(Delivery.thread),
        earlier.id < Delivery.id,
    )


def _busy(session: Session, place: Conversation) -> bool:
    """Whether a message to ``place`` is still pending (a new one must queue behind it)."""
    return bool(
        session.scalar(
            select(exists().where(Delivery.status == PENDING, *_in_conversation(Delivery, place)))
        )
    )


def _message(row: Delivery) -> OutboxMessage:
    return OutboxMessage(
        asker=Asker(row.platform, row.user_id or "", row.chat_id or "", row.thread),
        text=row.text,
        language=row.language,
        rendered=json.loads(row.rendered) if row.rendered else None,
        kind=row.kind,
        ticket_id=row.ticket_id,
        ref=str(row.id),
    )


def _span(duration: timedelta) -> str:
    """``24 h``, ``90 min``: how long a message was tried, for staff."""
    minutes = duration.total_seconds() / 60
    return f"{minutes / 60:g} h" if minutes >= 120 else f"{minutes:g} min"


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
