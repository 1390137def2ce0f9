"""What every part of the escalation desk shares: the database, the settings, the clock, the
askers' pseudonyms and the staff notifiers.

Each concern of the desk (tickets, learned entries, reminders, erasure, …) is a
mixin on this base in its own module; ``desk.EscalationDesk`` combines them into
the one object the channels and the CLI talk to.

Every method that touches the database runs in a worker thread
(``asyncio.to_thread``), so a busy database never stalls a channel's event
loop. Writes happen in one transaction each. What staff must be told is
queued in the same transaction, one notice per staff destination
(``queue_staff_notices``), and sent after the commit by ``staff_notices``,
again later if the notifier fails.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import Self, TypeVar

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.escalation.interfaces import StaffNotifier
from bot.escalation.privacy import SECRET_KEY, Pseudonyms, reference
from bot.escalation.schema import PENDING, Meta, StaffNotice
from bot.escalation.store import DeskStore

log = logging.getLogger(__name__)

T = TypeVar("T")

NOTICE_CLAIM = timedelta(minutes=2)
"""How long a worker holds a staff notice it queued or took over to send: a notifier call is
far shorter, and a worker that dies with a notice in hand leaves it to others after this."""


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

    @property
    def destinations(self) -> dict[str, StaffNotifier]:
        """The staff destinations by name (the notifier's class; workers configured alike
        name theirs alike, so any of them can send a notice another one queued)."""
        named: dict[str, StaffNotifier] = {}
        for notifier in self.notifiers:
            name = type(notifier).__name__
            named[name if name not in named else f"{name}#{len(named) + 1}"] = notifier
        return named

    def queue_staff_notices(
        self,
        session: Session,
        kind: str,
        now: datetime,
        *,
        ticket_id: int | None = None,
        messages: int | None = None,
        delivery_id: int | None = None,
    ) -> list[int]:
        """Queue a notice for every staff destination, in the caller's transaction; the ids,
        for ``send_staff_notices``."""
        if not self.notifiers:
            log.warning("No staff destination is configured; staff are not notified")
            return []
        notices = [
            StaffNotice(
                destination=name,
                kind=kind,
                ticket_id=ticket_id,
                messages=messages,
                delivery_id=delivery_id,
                status=PENDING,
                attempts=0,
                # The queuing worker sends it at once; others take it over only if it dies.
                next_attempt_at=now + NOTICE_CLAIM,
                created_at=now,
            )
            for name in self.destinations
        ]
        session.add_all(notices)
        session.flush()
        return [notice.id for notice in notices]

    async def send_staff_notices(self, ids: Collection[int] | None = None) -> int:
        """Send queued notices (see ``staff_notices.StaffNoticeDesk``, which the desk mixes
        in); declared here so that every concern can send what it queued."""
        raise NotImplementedError

    def dispose(self) -> None:
        self.store.dispose()

    def asker_reference(self, platform: str, user_id: str) -> str | None:
        """The pseudonym staff know an asker by (``asker-7f3a9c``)."""
        return reference(self._pseudonyms.key(platform, user_id))

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self.store.transaction, work)
