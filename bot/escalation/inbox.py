"""The inbox: every incoming platform event is in the database before it is acknowledged.

A channel hands each event it receives (a Slack event, a Telegram update, a
button press that asks a question) to ``Inbox.receive`` before it answers
the platform's request or moves its polling offset past it. The row is keyed
by the platform's own id, so the insert itself tells a retry from a new
event: a retry of an event that is done (its reply queued or already sent)
is ignored, and one for an event that nobody holds any more (its worker
died before answering) is taken over and answered.

A fresh event is claimed by the worker that received it and handled at
once (``process_soon``): the channel's ``EventHandler`` turns it into
replies, and one transaction marks the event done and queues the replies in
the outbox, already claimed, so that the same worker sends them straight
away. Claims are leases (see ``leases``): a killed worker's events become
free when its leases run out, and the polling loop of any worker (or of the
restarted one) takes them over. An event whose handler fails is tried again
after a pause, a few times, then set aside as failed and logged.

Events from one sender are handled in the order they arrived (per worker), and
a worker handles a bounded number at once (``concurrency``): a burst waits in
the inbox, claimed, instead of crowding the platform's connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import DeskError
from bot.escalation.interfaces import EventHandler, OutboxMessage, ReceivedEvent
from bot.escalation.leases import Leases, backlog
from bot.escalation.outbox import ClaimedDelivery, OutboxWorker
from bot.escalation.schema import DONE, FAILED, PENDING, InboxEvent
from bot.escalation.views import Backlog

log = logging.getLogger(__name__)

T = TypeVar("T")


class InOrder:
    """One lock per sender, so one sender's events are handled in the order they came."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Inbox:
    """Receives events durably, and has the channels handle them; one per worker."""

    def __init__(
        self,
        desk: EscalationDesk,
        outbox: OutboxWorker,
        handlers: Mapping[str, EventHandler],
        *,
        lease: timedelta = timedelta(seconds=15),
        retry_after: timedelta = timedelta(seconds=10),
        max_attempts: int = 5,
        batch_size: int = 20,
        poll_interval: float = 2.0,
        stop_timeout: float = 10.0,
        concurrency: int = 16,
    ) -> None:
        self.desk = desk
        self.outbox = outbox
        self.handlers = dict(handlers)
        self.leases = Leases(desk, InboxEvent, lease)
        self.retry_after = retry_after
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.stop_timeout = stop_timeout
        self._in_order = InOrder()
        self._turns = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    # Receiving -----------------------------------------------------------------------------------

    async def receive(
        self,
        platform: str,
        event_id: str,
        payload: dict[str, Any],
        order_key: str | None = None,
    ) -> ReceivedEvent | None:
        """Record an event (committed when this returns); the event to handle now, or None.

        None means there is nothing for this worker to do: the event was handled
        before (a retry), another worker holds it, or this worker is stopping
        (then the event is recorded unclaimed, for another worker to take at once).
        Raises ``DeskError`` when the database cannot record it: do not
        acknowledge the event then, so the platform sends it again.
        """
        claim = not self._closing
        body = json.dumps(payload, ensure_ascii=False)

        def record(session: Session) -> int:
            now = self.desk.clock()
            row = InboxEvent(
                platform=platform,
                event_id=event_id,
                order_key=order_key,
                payload=body,
                status=PENDING,
                attempts=1 if claim else 0,
                claimed_until=self.leases.until(now) if claim else None,
                claim_token=self.leases.token if claim else None,
                received_at=now,
            )
            session.add(row)
            session.flush()
            return row.id

        try:
            row_id = await self._db(record)
        except IntegrityError:
            return await self._take_over(platform, event_id) if claim else None
        if not claim:
            return None
        self.leases.held.add(row_id)
        return ReceivedEvent(row_id, platform, event_id, payload, order_key)

    async def _take_over(self, platform: str, event_id: str) -> ReceivedEvent | None:
        """A platform's retry: the event again, if it still waits for a worker."""

        def work(session: Session) -> ReceivedEvent | None:
            now = self.desk.clock()
            row = session.scalar(
                select(InboxEvent)
                .where(InboxEvent.platform == platform, InboxEvent.event_id == event_id)
                .with_for_update()
            )
            if row is None or not _waiting(row, now):
                return None
            _claim_row(row, self.leases, now)
            return _received(row)

        event = await self._db(work)
        if event is None:
            log.info("%s event %s was handled before; ignoring the retry", platform, event_id)
            return None
        log.warning("%s event %s was never answered; answering it now", platform, event_id)
        self.leases.held.add(event.id)
        return event

    # Handling ------------------------------------------------------------------------------------

    def process_soon(self, event: ReceivedEvent) -> None:
        """Handle ``event`` in the background (the platform is acknowledged meanwhile)."""
        task = asyncio.create_task(self.process(event), name=f"inbox-{event.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def process(self, event: ReceivedEvent) -> None:
        """Handle a claimed event, queue its replies with the event marked done, send them."""
        try:
            sender = event.order_key or f"{event.platform}:{event.id}"
            async with self._in_order.hold(sender), self._turns:
                claimed = await self._handle(event)
                if claimed:
                    await self.outbox.send_now(claimed)
        finally:
            self.leases.held.discard(event.id)

    async def _handle(self, event: ReceivedEvent) -> list[ClaimedDelivery]:
        handler = self.handlers.get(event.platform)
        try:
            if handler is None:
                raise LookupError(f"no channel handles {event.platform} events here")
            messages = list(await handler.handle(event))
        except Exception as exc:
            log.exception("Handling %s event %s failed", event.platform, event.event_id)
            await self._try_later(event, f"{type(exc).__name__}: {exc}")
            return []
        try:
            claimed = await self._db(lambda session: self._complete(session, event, messages))
        except DeskError as exc:
            log.error("Could not record the reply to %s event %s: %s", *_name(event), exc)
            return []
        if claimed is None:
            log.warning(
                "%s event %s outlived its lease; another worker has taken it over", *_name(event)
            )
            return []
        return claimed

    def _complete(
        self, session: Session, event: ReceivedEvent, messages: list[OutboxMessage]
    ) -> list[ClaimedDelivery] | None:
        """Mark the event done and queue its replies, in one transaction; None when this worker
        no longer holds the event."""
        now = self.desk.clock()
        done = session.execute(
            update(InboxEvent)
            .where(
                InboxEvent.id == event.id,
                InboxEvent.claim_token == self.leases.token,
                InboxEvent.status == PENDING,
            )
            .values(
                status=DONE,
                payload=None,
                order_key=None,
                claimed_until=None,
                last_error=None,
                done_at=now,
            )
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return self.outbox.enqueue(session, messages, now)

    async def _try_later(self, event: ReceivedEvent, error: str) -> None:
        """After a failed attempt: free the event after a pause, or set it aside for good."""

        def work(session: Session) -> int:
            row = session.get(InboxEvent, event.id)
            if row is None or row.claim_token != self.leases.token or row.status != PENDING:
                return 0
            row.last_error = error
            if row.attempts >= self.max_attempts:
                row.status = FAILED
                row.claimed_until = None
            else:
                row.claimed_until = self.desk.clock() + self.retry_after
            return row.attempts

        try:
            attempts = await self._db(work)
        except DeskError as exc:
            log.error("Could not record the failure of %s event %s: %s", *_name(event), exc)
            return
        if attempts >= self.max_attempts:
            log.error(
                "Gave up on %s event %s after %d attempts: %s", *_name(event), attempts, error
            )

    # Taking over ---------------------------------------------------------------------------------

    async def process_once(self) -> int:
        """Claim events that wait for a worker (theirs died, or a retry is due) and handle
        them; returns how many were claimed."""
        held = frozenset(self.leases.held)

        def work(session: Session) -> list[ReceivedEvent]:
            now = self.desk.clock()
            query = (
                select(InboxEvent)
                .where(
                    InboxEvent.status == PENDING,
                    or_(InboxEvent.claimed_until.is_(None), InboxEvent.claimed_until < now),
                    InboxEvent.platform.in_(self.handlers),
                )
                .order_by(InboxEvent.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            )
            if held:
                query = query.where(InboxEvent.id.not_in(held))
            rows = list(session.scalars(query))
            for row in rows:
                _claim_row(row, self.leases, now)
            return [_received(row) for row in rows]

        events = await self._db(work)
        for event in events:
            log.info("Taking over %s event %s that waited for a worker", *_name(event))
        self.leases.held.update(event.id for event in events)
        await asyncio.gather(*(self.process(event) for event in events))
        return len(events)

    async def run(self, stop: asyncio.Event) -> None:
        """Take over waiting events and keep this worker's claims alive until ``stop``."""
        async with self.leases.kept(stop):
            while not stop.is_set():
                try:
                    await self.process_once()
                except DeskError as exc:
                    log.error("Inbox paused: %s", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_interval)

    async def close(self) -> None:
        """Stop claiming, let the events in hand finish (briefly), and free the rest."""
        self._closing = True
        if self._tasks:
            _, unfinished = await asyncio.wait(set(self._tasks), timeout=self.stop_timeout)
            cut_off = set(self.leases.held)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
            self.leases.held.update(cut_off)  # those done meanwhile are not pending: untouched
        try:
            await self.leases.release()
        except DeskError as exc:
            log.error("Could not free the events in hand (their leases run out instead): %s", exc)

    async def backlog(self) -> Backlog:
        """How many events wait to be handled, and for how long the oldest has waited."""
        return await backlog(self.desk, InboxEvent, InboxEvent.received_at)

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self.desk.store.transaction, work)


def _waiting(row: InboxEvent, now: datetime) -> bool:
    """Pending and held by nobody (never claimed, released, or its lease ran out)."""
    return row.status == PENDING and (row.claimed_until is None or row.claimed_until < now)


def _claim_row(row: InboxEvent, leases: Leases, now: datetime) -> None:
    row.claim_token = leases.token
    row.claimed_until = leases.until(now)
    row.attempts += 1


def _received(row: InboxEvent) -> ReceivedEvent:
    return ReceivedEvent(
        row.id, row.platform, row.event_id, json.loads(row.payload or "{}"), row.order_key
    )


def _name(event: ReceivedEvent) -> tuple[str, str]:
    return event.platform, event.event_id
