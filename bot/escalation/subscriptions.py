"""Tender-watch subscriptions in the desk's database, and their notices through the outbox.

A business subscribes on its own platform (``/abonner rengøring``); the
subscription keeps the address to write back to, like a ticket does, and is
erased by ``/afmeld`` or ``/slet``. When the tender rows change, one
transaction compares them with the stored snapshot, updates it, and queues a
notice for each matching subscription as an outbox delivery (kind
``watch``). The notice table's unique key (subscription, tender, change)
makes each step reach a subscriber once, across restarts and workers; on
PostgreSQL an advisory lock also keeps two workers from scanning at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.conversation import Asker
from bot.escalation.base import DeskBase
from bot.escalation.schema import Base, Delivery, Meta, UTCDateTime
from bot.watch.changes import TenderChange, Values, diff, digest

WATCH = "watch"
"""Delivery kind of a tender-watch notice."""
WATCH_SINCE_KEY = "tender_watch_since"
# Any constant works; it only has to be the same in every udbudsbot process.
_WATCH_LOCK = 0x77617463
_ALL = frozenset({"alle", "all", "*"})


class Subscription(Base):
    """A business's standing request to hear about tenders matching some keywords."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("asker_key", "keywords"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asker_key: Mapped[str] = mapped_column(String(64), index=True)
    # Where to write: personal, erased with the subscription.
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(255))
    chat_id: Mapped[str] = mapped_column(String(255))
    thread: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8))
    keywords: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TenderSnapshot(Base):
    """The tender rows as last seen, to tell new and changed rows after a restart."""

    __tablename__ = "tender_snapshot"

    tender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    # The watched fields as a JSON object, to say what changed.
    fields: Mapped[str] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WatchNotice(Base):
    """A change a subscriber has been sent; the unique key is what makes it "once"."""

    __tablename__ = "watch_notices"
    __table_args__ = (UniqueConstraint("subscription_id", "tender_id", "change_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    tender_id: Mapped[str] = mapped_column(String(255))
    change_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """A subscription as its owner sees it; ``number`` is its place in their list."""

    number: int
    keywords: str
    language: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Subscriber:
    """What composing a notice may know of a subscription."""

    id: int
    keywords: tuple[str, ...]
    language: str


@dataclass(frozen=True, slots=True)
class WatchScan:
    """What one look at the tender rows did.

    ``baseline`` is the very first look: rows are recorded, nobody is told.
    """

    changes: int = 0
    notices: int = 0
    baseline: bool = False


Compose = Callable[[Subscriber, TenderChange], str | None]


class SubscriptionDesk(DeskBase):
    """The desk's tender-watch methods (mixed into ``EscalationDesk``)."""

    async def subscribe(
        self, asker: Asker, keywords: str, language: str
    ) -> tuple[SubscriptionView, bool]:
        """Subscribe ``asker`` to ``keywords``; False when they already were (address renewed)."""
        key = self._pseudonyms.key(asker.platform, asker.user_id)
        work = partial(self._subscribe, key=key, asker=asker, keywords=keywords, language=language)
        try:
            return await self._db(work)
        except IntegrityError:
            # The same subscription was made at the same moment by another worker.
            return await self._db(work)

    def _subscribe(
        self, session: Session, *, key: str, asker: Asker, keywords: str, language: str
    ) -> tuple[SubscriptionView, bool]:
        existing = session.scalar(
            select(Subscription).where(
                Subscription.asker_key == key, Subscription.keywords == keywords
            )
        )
        created = existing is None
        row = existing or Subscription(
            asker_key=key, keywords=keywords, created_at=self.clock(), language=language
        )
        row.platform, row.user_id, row.chat_id = asker.platform, asker.user_id, asker.chat_id
        row.thread = asker.thread
        row.language = language
        if created:
            session.add(row)
        session.flush()
        views = _views(_owned(session, key))
        return next(v for v in views if v.keywords == keywords), created

    async def subscriptions(self, asker: Asker) -> list[SubscriptionView]:
        """The asker's subscriptions, oldest first."""
        key = self._pseudonyms.key(asker.platform, asker.user_id)
        return await self._db(lambda session: _views(_owned(session, key)))

    async def unsubscribe(self, asker: Asker, which: str) -> list[SubscriptionView]:
        """Remove subscriptions by number (``2``), by keyword (``rengøring``) or all
        (``alle``/``all``); returns the removed ones as they were listed."""
        key = self._pseudonyms.key(asker.platform, asker.user_id)
        wanted = " ".join(which.casefold().split())

        def work(session: Session) -> list[SubscriptionView]:
            rows = _owned(session, key)
            views = _views(rows)
            chosen = [
                (row, view)
                for row, view in zip(rows, views, strict=True)
                if wanted in _ALL
                or wanted == str(view.number)
                or wanted == row.keywords
                or wanted in row.keywords.split()
            ]
            for row, _ in chosen:
                session.delete(row)
            return [view for _, view in chosen]

        return await self._db(work)

    async def record_tender_changes(
        self, current: Mapping[str, Values], compose: Compose
    ) -> WatchScan:
        """Compare the tender rows with the snapshot, store them, and queue a notice for each
        subscription ``compose`` words a message for (None: not interested)."""
        return await self._db(partial(self._record_changes, current=current, compose=compose))

    def _record_changes(
        self, session: Session, *, current: Mapping[str, Values], compose: Compose
    ) -> WatchScan:
        now = self.clock()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(sql("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _WATCH_LOCK})
        baseline = session.get(Meta, WATCH_SINCE_KEY) is None
        if baseline:
            session.add(Meta(key=WATCH_SINCE_KEY, value=now.isoformat()))
        stored = {row.tender_id: row for row in session.scalars(select(TenderSnapshot))}
        changes = diff({tid: json.loads(row.fields) for tid, row in stored.items()}, current)
        for change in changes:
            row = stored.get(change.tender_id) or TenderSnapshot(tender_id=change.tender_id)
            row.digest = digest(change.after)
            row.fields = json.dumps(dict(change.after), ensure_ascii=False)
            row.seen_at = now
            session.add(row)
        if baseline or not changes:
            return WatchScan(len(changes), 0, baseline)
        notices = 0
        subscriptions = session.scalars(select(Subscription).order_by(Subscription.id)).all()
        for change in changes:
            for row in subscriptions:
                subscriber = Subscriber(row.id, tuple(row.keywords.split()), row.language)
                message = compose(subscriber, change)
                if message is not None and _queue_notice(session, row, change, message, now):
                    notices += 1
        return WatchScan(len(changes), notices, baseline)


def _owned(session: Session, key: str) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription).where(Subscription.asker_key == key).order_by(Subscription.id)
        )
    )


def _views(rows: list[Subscription]) -> list[SubscriptionView]:
    return [
        SubscriptionView(number, row.keywords, row.language, row.created_at)
        for number, row in enumerate(rows, start=1)
    ]


def _queue_notice(
    session: Session, row: Subscription, change: TenderChange, message: str, now: datetime
) -> bool:
    """Record the notice and its delivery, unless this subscriber already has it."""
    try:
        with session.begin_nested():
            session.add(
                WatchNotice(
                    subscription_id=row.id,
                    tender_id=change.tender_id,
                    change_hash=change.change_hash,
                    created_at=now,
                )
            )
    except IntegrityError:
        return False
    session.add(Delivery.queued(row, kind=WATCH, text=message, now=now))
    return True


def forget_subscriptions(session: Session, asker_key: str) -> int:
    """Delete every subscription of one asker (with its notices); returns how many."""
    return session.execute(delete(Subscription).where(Subscription.asker_key == asker_key)).rowcount  # type: ignore[attr-defined]
