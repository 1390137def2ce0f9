"""Claims on inbox and outbox rows: leases that a living worker keeps renewing; and what
waits in those two queues.

A worker claims a row by writing its token and an expiry (``claimed_until``).
While it works on the row it renews the expiry, so a slow platform or a
long queue of questions never makes a living worker lose its claim (which
would let a second worker do the same work); when it stops cleanly it lets
go at once. A worker that is killed stops renewing: its rows become free
when the lease runs out, and another worker, or the restarted one, takes
them over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.escalation.base import DeskBase
from bot.escalation.errors import DeskError
from bot.escalation.schema import PENDING, Delivery, InboxEvent, StaffNotice
from bot.escalation.views import Backlog

log = logging.getLogger(__name__)


class Leases:
    """The rows of one table this worker holds, under one token for the worker's life."""

    def __init__(
        self, desk: DeskBase, model: type[Delivery] | type[InboxEvent], duration: timedelta
    ) -> None:
        self.desk = desk
        self.model = model
        self.duration = duration
        self.token = uuid.uuid4().hex
        self.held: set[int] = set()

    def until(self, now: datetime) -> datetime:
        return now + self.duration

    async def renew(self) -> None:
        """Push the expiry of every held row a full lease ahead."""
        await self._set_expiry(self.until)

    async def release(self) -> None:
        """Let go of every held row now (a clean stop), so another worker takes it at once."""
        await self._set_expiry(lambda now: None)
        self.held.clear()

    @contextlib.asynccontextmanager
    async def kept(self, stop: asyncio.Event) -> AsyncIterator[None]:
        """Keep the leases renewed in the background for as long as the block runs."""
        keeper = asyncio.create_task(self.keep(stop), name=f"{self.model.__tablename__}-leases")
        try:
            yield
        finally:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)

    async def keep(self, stop: asyncio.Event) -> None:
        """Renew every third of a lease until ``stop``; a database hiccup is logged, not fatal."""
        period = self.duration.total_seconds() / 3
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=period)
            try:
                await self.renew()
            except DeskError as exc:
                log.error("Could not renew the claims on %s: %s", self.model.__tablename__, exc)

    async def _set_expiry(self, expiry: Callable[[datetime], datetime | None]) -> None:
        ids = frozenset(self.held)
        if not ids:
            return
        model = self.model

        def work(session: Session) -> None:
            session.execute(
                update(model)
                .where(model.id.in_(ids), model.claim_token == self.token, model.status == PENDING)
                .values(claimed_until=expiry(self.desk.clock()))
            )

        await asyncio.to_thread(self.desk.store.transaction, work)


async def backlog(
    desk: DeskBase,
    model: type[Delivery] | type[InboxEvent] | type[StaffNotice],
    since: InstrumentedAttribute[datetime],
) -> Backlog:
    """How many rows of ``model`` are pending, and how long ago (``since``) the oldest came."""

    def work(session: Session) -> Backlog:
        count, oldest = session.execute(
            select(func.count(), func.min(since)).where(model.status == PENDING)
        ).one()
        return Backlog.of(count, oldest, desk.clock())

    return await asyncio.to_thread(desk.store.transaction, work)
