"""Tables of the escalation desk (SQLAlchemy 2 ORM).

The migrations in ``migrations/versions`` create exactly these tables;
``tests/test_desk_store.py`` checks that the two agree. Timestamps are
stored in UTC and always read back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the desk; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Delivery kinds: a staff answer, a reminder to the asker, the bot's own reply to a question.
ANSWER = "answer"
REMINDER = "reminder"
REPLY = "reply"
# States of deliveries and inbox events.
# What a staff notice tells (``StaffNotice.kind``).
NOTICE_TICKET = "ticket"
NOTICE_REMINDER = "reminder"
NOTICE_DELIVERY_FAILED = "delivery_failed"

PENDING = "pending"
DELIVERED = "delivered"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"


class Reachable(Protocol):
    """Where a message goes: the asker fields shared by tickets, subscriptions and replies."""

    @property
    def platform(self) -> str: ...
    @property
    def user_id(self) -> str | None: ...
    @property
    def chat_id(self) -> str | None: ...
    @property
    def thread(self) -> str | None: ...
    @property
    def language(self) -> str: ...


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Per-installation values shared by all workers (the pseudonym secret)."""

    __tablename__ = "desk_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Ticket(Base):
    """One question an asker could not get answered; an asker may have several open."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    language: Mapped[str] = mapped_column(String(8))
    platform: Mapped[str] = mapped_column(String(32))
    # Personal fields: erased by retention and on request.
    user_id: Mapped[str | None] = mapped_column(String(255))
    chat_id: Mapped[str | None] = mapped_column(String(255))
    thread: Mapped[str | None] = mapped_column(String(255))
    asker_key: Mapped[str | None] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    # What the bot almost said, as JSON: [{"title", "record_id", "confidence"}].
    candidates: Mapped[str] = mapped_column(Text, default="[]")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    answered_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FollowUp(Base):
    """A later message from the same asker that follows up (or repeats) an open ticket's
    question; with the question it forms the ticket's numbered messages (question = 1)."""

    __tablename__ = "ticket_follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StaffMessage(Base):
    """Where a notifier posted a ticket, so a staff reply to that message finds the ticket;
    ``question`` is the number of the ticket's message it shows (None for notices)."""

    __tablename__ = "staff_messages"
    __table_args__ = (UniqueConstraint("platform", "message_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    message_ref: Mapped[str] = mapped_column(String(255))
    question: Mapped[int | None] = mapped_column(Integer)


class Delivery(Base):
    """Outbox row: a message to an asker, sent by whichever worker claims it.

    Messages to one conversation (platform, chat, thread) go out in the order
    of their ids; ``rendered`` is the channel's own form of the message
    (blocks, buttons) as JSON, or None for plain ``text``.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "due_at"),
        Index("ix_deliveries_conversation", "platform", "chat_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for a delivery that answers no ticket (a tender-watch notice).
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(255))
    chat_id: Mapped[str | None] = mapped_column(String(255))
    thread: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    rendered: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @classmethod
    def queued(
        cls,
        to: Reachable,
        *,
        kind: str,
        text: str,
        now: datetime,
        ticket_id: int | None = None,
        rendered: str | None = None,
    ) -> Delivery:
        """A pending message to the asker of a ticket, a subscription or a question, due at once."""
        return cls(
            ticket_id=ticket_id,
            kind=kind,
            status=PENDING,
            platform=to.platform,
            user_id=to.user_id,
            chat_id=to.chat_id,
            thread=to.thread,
            language=to.language,
            text=text,
            rendered=rendered,
            attempts=0,
            due_at=now,
            created_at=now,
        )


class StaffNotice(Base):
    """A notice owed to one staff destination: a new ticket or question, a reminder, a
    message the outbox gave up on. Queued in the transaction that makes it due, so that a
    notifier that fails, or a worker that dies before it calls the notifier, cannot leave
    staff unaware of a question; whichever worker claims it (``next_attempt_at`` serves as
    the claim's expiry and as the time of the next try) sends it.

    ``destination`` names the notifier; ``messages`` is how many messages a ticket had when
    a question joined it (the notice announces that one); ``delivery_id`` is the outbox row
    a failure notice is about.
    """

    __tablename__ = "staff_notices"
    __table_args__ = (Index("ix_staff_notices_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    messages: Mapped[int | None] = mapped_column(Integer)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LearnedFaq(Base):
    """A staff answer published as an FAQ entry, without the asker's identity.

    ``language`` is the question's, ``answer_language`` the answer's (staff may answer
    a Danish question in English). ``revision`` grows with every change to any entry
    (publishing, editing, withdrawing), so a worker polling ``revision > last seen``
    learns of each change once; a withdrawn entry keeps its row and leaves the index.
    """

    __tablename__ = "learned_faq"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    answer_language: Mapped[str] = mapped_column(String(8))
    published_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revision: Mapped[int] = mapped_column(Integer, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(255))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(String(255))


class LearnedPhrasing(Base):
    """Another way a learned entry's question is asked: a further question of its ticket
    that staff confirmed, or a phrasing staff added ("also: …"), in its own language."""

    __tablename__ = "learned_faq_phrasings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learned_id: Mapped[int] = mapped_column(
        ForeignKey("learned_faq.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)


class InboxEvent(Base):
    """An incoming platform event (a question, a staff reply, a button), kept until handled.

    The unique key (platform, platform id) is what makes a platform's retry a
    duplicate, across workers and restarts. ``payload`` (the event as JSON)
    and ``order_key`` (who sent it) are personal and are cleared once the
    event is done; the key stays until retention prunes it.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "event_id"),
        Index("ix_inbox_waiting", "status", "claimed_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(255))
    order_key: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asker_key: Mapped[str | None] = mapped_column(String(64), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    record_ids: Mapped[str] = mapped_column(Text, default="[]")
    helpful: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Who did what to which ticket, when. Never holds the asker's identity."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[str | None] = mapped_column(Text)
