"""What every part of the escalation desk shares: the database, the settings, the clock, the
askers' pseudonyms and the staff notifiers.

Each concern of the desk (tickets, learned entries, reminders, erasure, …) is a
mixin on this base in its own module; ``desk.EscalationDesk`` combines them into
the one object the channels and the CLI talk to.

Every method that touches the database runs in a worker thread
(``asyncio.to_thread``), so a busy database never stalls a channel's event
loop. Writes happen in one transaction each. Staff notifications go out after
the commit; a failing notifier is logged and does not undo anything.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Self, TypeVar

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.escalation.interfaces import StaffNotifier
from bot.escalation.privacy import SECRET_KEY, Pseudonyms, reference
from bot.escalation.schema import Meta
from bot.escalation.store import DeskStore
from bot.escalation.views import DeliveryFailure

log = logging.getLogger(__name__)

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


class DeskBase:
    """The state the desk's mixins work on.

    Construct with ``open(settings)`` (creates the database and runs
    migrations); channels that host staff register with ``add_notifier``.
    """

    def __init__(
        self,
        store: DeskStore,
        settings: Settings,
        notifiers: Iterable[StaffNotifier] = (),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.settings = settings
        self.notifiers: list[StaffNotifier] = list(notifiers)
        self.clock = clock
        secret = store.transaction(lambda s: s.get(Meta, SECRET_KEY))
        if secret is None:
            raise RuntimeError("the desk database has no pseudonym secret; run its migrations")
        self._pseudonyms = Pseudonyms(secret.value)

    @classmethod
    def open(cls, settings: Settings, notifiers: Iterable[StaffNotifier] = ()) -> Self:
        store = DeskStore(settings.resolved_database_url)
        store.migrate()
        return cls(store, settings, notifiers)

    def add_notifier(self, notifier: StaffNotifier) -> None:
        self.notifiers.append(notifier)

    def dispose(self) -> None:
        self.store.dispose()

    def asker_reference(self, platform: str, user_id: str) -> str | None:
        """The pseudonym staff know an asker by (``asker-7f3a9c``)."""
        return reference(self._pseudonyms.key(platform, user_id))

    async def notify_delivery_failed(self, failure: DeliveryFailure) -> None:
        """Tell staff that a message will not reach its asker (the outbox gave up on it)."""
        await self._notify(lambda notifier: notifier.notify_delivery_failed(failure))

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self.store.transaction, work)

    async def _notify(self, call: Callable[[StaffNotifier], Awaitable[None]]) -> None:
        if not self.notifiers:
            log.warning("No staff destination is configured; staff are not notified")
            return
        results = await asyncio.gather(
            *(call(notifier) for notifier in self.notifiers), return_exceptions=True
        )
        for notifier, result in zip(self.notifiers, results, strict=True):
            if isinstance(result, BaseException):
                log.error(
                    "Staff notifier %s failed: %r",
                    type(notifier).__name__,
                    result,
                    exc_info=result,
                )
