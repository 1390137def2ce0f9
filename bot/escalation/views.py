"""Values the desk hands out: what staff see of a ticket, who answers, what was erased.

Views never carry the asker's platform identity; staff see a pseudonymous
reference instead (see ``privacy``).
"""

from __future__ import annotations

import getpass
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.texts import text

log = logging.getLogger(__name__)

CLI_PLATFORM = "cli"


class TicketStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    DELIVERED = "delivered"
    CLOSED = "closed"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        return self in (TicketStatus.CLOSED, TicketStatus.EXPIRED)


def learned_id(number: int) -> str:
    """The record id of learned FAQ entry ``number`` (what staff and the index call it)."""
    return f"learned-{number}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record the bot considered but was not confident enough to answer with."""

    title: str
    record_id: str
    confidence: float


def read_candidates(ticket_id: int, stored: str | None) -> tuple[tuple[Candidate, ...], str | None]:
    """A ticket's candidates from their stored JSON, and a note for staff when it cannot be
    read: the ticket is still shown, and the raw value stays in the database."""
    try:
        raw = json.loads(stored or "[]")
        return tuple(
            Candidate(str(c["title"]), str(c["record_id"]), float(c["confidence"])) for c in raw
        ), None
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("Ticket %s has unreadable candidates: %s", ticket_id, exc)
        return (
            (),
            f"The bot's candidates for this ticket could not be read ({exc}); kept as stored.",
        )


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A person answering from a channel or the command line.

    ``in_staff_destination`` is the channel's word that the person belongs to
    the configured staff chat/channel; the desk may narrow further by
    ``Settings.staff_ids``. The command line (platform ``cli``) is the
    operator at the machine and always counts as staff.
    """

    platform: str
    user_id: str
    display: str
    in_staff_destination: bool = False

    @classmethod
    def operator(cls) -> StaffMember:
        user = getpass.getuser()
        return cls(platform=CLI_PLATFORM, user_id=user, display=user)

    @property
    def qualified_id(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class TicketView:
    """A ticket as staff see it.

    ``follow_ups`` are later messages from the same asker that follow up (or
    repeat) this ticket's question; a notification for a ticket with
    follow-ups announces the newest one. ``other_open`` are the asker's other
    open tickets, which staff see beside this one. ``asker`` is a pseudonym
    (``asker-7f3a9c``), ``None`` once the asker's data has been erased.
    ``problem`` explains a stored field that could not be read (the raw value
    stays in the database). Only on the view that ``open_ticket`` returns,
    ``joined`` says the message joined this open ticket (``repeat``: in words it
    already held); only on the one ``answer`` returns, ``published_now`` is the
    learned entry the answer was published as.
    """

    id: int
    status: TicketStatus
    question: str
    language: str
    platform: str
    asker: str | None
    candidates: tuple[Candidate, ...]
    confidence: float
    created_at: datetime
    updated_at: datetime
    follow_ups: tuple[str, ...] = ()
    answer: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    delivered_at: datetime | None = None
    closed_at: datetime | None = None
    reminded_at: datetime | None = None
    erased_at: datetime | None = None
    learned_id: int | None = None
    problem: str | None = None
    other_open: tuple[int, ...] = ()
    published_now: int | None = None
    unfound_in: str | None = None
    joined: bool = False
    repeat: bool = False

    @property
    def messages(self) -> tuple[str, ...]:
        """The question and its follow-ups, in order: staff name them 1, 2, …"""
        return (self.question, *self.follow_ups)

    def heading(self, language: str) -> str:
        """The one-line summary staff see above a ticket, in the staff language."""
        return text(
            "staff_ticket",
            language,
            ticket=self.id,
            asked_in=self.language,
            asker=self.asker or "–",
            platform=self.platform,
        )

    def answered_note(self, language: str) -> str:
        """Staff's thanks for the answer just given (and the entry it was published as)."""
        number = self.published_now
        if number is None:
            return text("staff_answered", language, ticket=self.id)
        entry = learned_id(number)
        note = text("staff_published", language, ticket=self.id, entry=entry, number=number)
        if self.unfound_in is None:
            return note
        hint = text(
            "staff_published_unfound",
            language,
            number=number,
            other=text(f"language_name_{self.unfound_in}", language),
        )
        return f"{note}\n{hint}"

    def other_open_note(self, language: str) -> str:
        """The asker's other open tickets, named beside this one for staff."""
        tickets = ", ".join(f"#{number}" for number in self.other_open)
        return text("staff_other_open", language, tickets=tickets)


@dataclass(frozen=True, slots=True)
class LearnedView:
    """A learned FAQ entry as staff manage it (``udbudsbot faq list``, ``/faq liste``).

    ``phrasings`` are the further questions and staff phrasings, each with its
    language; ``withdrawn_at`` is set once staff withdrew it.
    """

    number: int
    ticket_id: int | None
    language: str
    question: str
    answer: str
    answer_language: str
    phrasings: tuple[tuple[str, str], ...]
    published_by: str
    published_at: datetime
    updated_at: datetime | None = None
    updated_by: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True, slots=True)
class Erasure:
    """What ``forget_user`` erased."""

    tickets: tuple[int, ...] = ()
    deliveries: int = 0
    feedback: int = 0
    subscriptions: int = 0

    @property
    def total(self) -> int:
        return len(self.tickets) + self.deliveries + self.feedback + self.subscriptions


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What ``apply_retention`` did."""

    expired: int = 0
    erased_tickets: int = 0
    erased_deliveries: int = 0
    erased_feedback: int = 0
    pruned_events: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryFailure:
    """A message the outbox gave up on, as staff are told about it.

    ``ticket`` is set for messages about a ticket (a staff answer, a
    reminder, the notice that a question was escalated); ``asker`` is the
    asker's pseudonym and ``preview`` the start of the message, so staff can
    tell which conversation went quiet without seeing who it was.
    """

    reason: str
    platform: str
    asker: str | None
    preview: str
    ticket: TicketView | None = None

    def line(self, language: str) -> str:
        """The notice for staff, in the staff language."""
        if self.ticket is not None:
            return text(
                "staff_delivery_failed", language, ticket=self.ticket.id, reason=self.reason
            )
        return text(
            "staff_reply_undelivered",
            language,
            asker=self.asker or "–",
            platform=self.platform,
            reason=self.reason,
            preview=self.preview,
        )


@dataclass(frozen=True, slots=True)
class Backlog:
    """What waits in the inbox or the outbox: how many, and the oldest one's age in seconds."""

    waiting: int = 0
    oldest_seconds: float = 0.0

    @classmethod
    def of(cls, waiting: int, oldest: datetime | None, now: datetime) -> Backlog:
        age = (now - oldest).total_seconds() if oldest is not None else 0.0
        return cls(int(waiting), round(max(0.0, age), 1))
