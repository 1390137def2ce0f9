"""The escalation desk: tickets for questions the bot could not answer, and their way back.

Every method that touches the database runs in a worker thread
(``asyncio.to_thread``), so a busy database never stalls a channel's event
loop. Writes happen in one transaction each; a ticket is committed before
``open_ticket`` returns, and an answer is committed together with its outbox
row before ``answer`` returns. Staff notifications go out after the commit;
a failing notifier is logged and does not undo anything.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import texts
from bot.config import Settings
from bot.conversation import Asker
from bot.escalation.errors import (
    EmptyAnswerError,
    NotStaffError,
    TicketClosedError,
    UnknownTicketError,
)
from bot.escalation.interactions import InteractionLog
from bot.escalation.interfaces import StaffNotifier
from bot.escalation.learned import learned_entry, strip_publish_prefix
from bot.escalation.privacy import SECRET_KEY, Pseudonyms, redact_contacts, reference
from bot.escalation.schema import (
    ANSWER,
    CANCELLED,
    PENDING,
    REMINDER,
    AuditEvent,
    Delivery,
    Feedback,
    FollowUp,
    LearnedFaq,
    Meta,
    ProcessedEvent,
    StaffMessage,
    Ticket,
)
from bot.escalation.store import DeskStore
from bot.escalation.subscriptions import SubscriptionDesk, forget_subscriptions
from bot.escalation.views import (
    CLI_PLATFORM,
    Candidate,
    Erasure,
    RetentionReport,
    StaffMember,
    TicketStatus,
    TicketView,
)
from bot.escalation.workdays import add_working_days
from knowledge.model import FaqEntry

log = logging.getLogger(__name__)

T = TypeVar("T")

_QUOTE_LIMIT = 200


def utcnow() -> datetime:
    return datetime.now(UTC)


class EscalationDesk(SubscriptionDesk, InteractionLog):
    """Tickets, staff answers, the learning loop and the asker's privacy, on one database;
    tender-watch subscriptions and the interaction log come from the two mixins.

    Construct with ``EscalationDesk.open(settings)`` (creates the database and
    runs migrations); channels that host staff register with
    ``add_notifier``.
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
    def open(cls, settings: Settings, notifiers: Iterable[StaffNotifier] = ()) -> EscalationDesk:
        store = DeskStore(settings.resolved_database_url)
        store.migrate()
        return cls(store, settings, notifiers)

    def add_notifier(self, notifier: StaffNotifier) -> None:
        self.notifiers.append(notifier)

    def dispose(self) -> None:
        self.store.dispose()

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self.store.transaction, work)

    # Tickets -------------------------------------------------------------------------------

    async def open_ticket(
        self,
        question: str,
        language: str,
        asker: Asker,
        candidates: Sequence[Candidate] = (),
        confidence: float | None = None,
    ) -> TicketView:
        """Open a ticket, or join the asker's open one (``view.joined``); then notify staff.

        The ticket is committed when this returns, so the asker may be told its number.
        """
        work = partial(
            self._open_ticket,
            question=question,
            language=language,
            asker=asker,
            candidates=candidates,
            confidence=confidence,
        )
        try:
            view = await self._db(work)
        except IntegrityError:
            # Another worker opened this asker's ticket at the same moment: join it.
            view = await self._db(work)
        await self._notify(lambda notifier: notifier.notify_ticket(view))
        return view

    def _open_ticket(
        self,
        session: Session,
        *,
        question: str,
        language: str,
        asker: Asker,
        candidates: Sequence[Candidate],
        confidence: float | None,
    ) -> TicketView:
        now = self.clock()
        key = self._pseudonyms.key(asker.platform, asker.user_id)
        ticket = session.scalar(
            select(Ticket)
            .where(Ticket.asker_key == key, Ticket.status == TicketStatus.OPEN)
            .with_for_update()
        )
        if ticket is not None:
            session.add(FollowUp(ticket_id=ticket.id, text=question, created_at=now))
            ticket.updated_at = now
            add_audit(session, now, "joined", ticket.id, detail=_sources(candidates))
            session.flush()
            return self._view(session, ticket)
        ticket = Ticket(
            status=TicketStatus.OPEN,
            language=language,
            platform=asker.platform,
            user_id=asker.user_id,
            chat_id=asker.chat_id,
            thread=asker.thread,
            asker_key=key,
            question=question,
            candidates=json.dumps(
                [
                    {"title": c.title, "record_id": c.record_id, "confidence": c.confidence}
                    for c in candidates
                ],
                ensure_ascii=False,
            ),
            confidence=confidence
            if confidence is not None
            else max((c.confidence for c in candidates), default=0.0),
            created_at=now,
            updated_at=now,
        )
        session.add(ticket)
        session.flush()
        add_audit(session, now, "opened", ticket.id, detail=_sources(candidates))
        return self._view(session, ticket)

    async def ticket(self, ticket_id: int) -> TicketView:
        """The ticket, or ``UnknownTicketError``."""

        def work(session: Session) -> TicketView:
            return self._view(session, _ticket_or_raise(session, ticket_id))

        return await self._db(work)

    async def tickets(self, status: TicketStatus | None = None) -> list[TicketView]:
        """Tickets, newest first, optionally only those in ``status``."""

        def work(session: Session) -> list[TicketView]:
            query = select(Ticket).order_by(Ticket.id.desc())
            if status is not None:
                query = query.where(Ticket.status == status)
            return [self._view(session, ticket) for ticket in session.scalars(query)]

        return await self._db(work)

    def is_staff(self, staff: StaffMember) -> bool:
        """Whether ``staff`` may answer: the operator at the command line, or a member of
        the staff destination who (when ``Settings.staff_ids`` is set) is listed there."""
        if staff.platform == CLI_PLATFORM:
            return True
        if not staff.in_staff_destination:
            return False
        allowed = self.settings.staff_ids
        return not allowed or staff.qualified_id in allowed or staff.user_id in allowed

    async def answer(
        self, ticket_id: int, staff: StaffMember, text: str, publish: bool = False
    ) -> TicketView:
        """Record a staff answer and queue its delivery to the asker (one transaction).

        An answer starting with ``/faq `` is published (the prefix is stripped):
        it becomes a learned FAQ entry without the asker's identity. Raises
        ``NotStaffError``, ``EmptyAnswerError``, ``UnknownTicketError`` or
        ``TicketClosedError``.
        """
        await self._require_staff(staff, "answer", ticket_id)
        body, prefixed = strip_publish_prefix(text)
        publish = publish or prefixed
        if not body:
            raise EmptyAnswerError()
        return await self._db(
            partial(self._answer, ticket_id=ticket_id, staff=staff, body=body, publish=publish)
        )

    def _answer(
        self, session: Session, *, ticket_id: int, staff: StaffMember, body: str, publish: bool
    ) -> TicketView:
        now = self.clock()
        ticket = _ticket_or_raise(session, ticket_id, for_update=True)
        status = TicketStatus(ticket.status)
        if status.is_final or ticket.erased_at is not None:
            raise TicketClosedError(ticket_id, "erased" if ticket.erased_at else status)
        # The same answer again (typically "Publish as FAQ" after replying) is not news to
        # the asker: it is published if asked, but not delivered a second time.
        repeated = status is TicketStatus.ANSWERED and ticket.answer == body
        if not repeated:
            ticket.answer = body
            ticket.answered_by = staff.display
            ticket.answered_at = now
            ticket.updated_at = now
            ticket.status = TicketStatus.ANSWERED
            quoted = _shorten(ticket.question, _QUOTE_LIMIT)
            message = texts.text("answer_from_staff", ticket.language, question=quoted, answer=body)
            _queue(session, ticket, ANSWER, message, now)
            add_audit(
                session,
                now,
                "answered",
                ticket.id,
                actor=staff.display,
                detail={"published": publish},
            )
        if publish and not _published(session, ticket.id, body):
            learned = LearnedFaq(
                ticket_id=ticket.id,
                language=ticket.language,
                question=redact_contacts(ticket.question),
                answer=body,
                published_by=staff.display,
                created_at=now,
            )
            session.add(learned)
            session.flush()
            add_audit(
                session,
                now,
                "published",
                ticket.id,
                actor=staff.display,
                detail={"learned": learned.id},
            )
        session.flush()
        return self._view(session, ticket)

    async def close(self, ticket_id: int, staff: StaffMember) -> TicketView:
        """Close a ticket (answered or not); raises if it is unknown or already closed."""
        await self._require_staff(staff, "close", ticket_id)

        def work(session: Session) -> TicketView:
            now = self.clock()
            ticket = _ticket_or_raise(session, ticket_id, for_update=True)
            status = TicketStatus(ticket.status)
            if status.is_final:
                raise TicketClosedError(ticket_id, status)
            ticket.status = TicketStatus.CLOSED
            ticket.closed_at = now
            ticket.updated_at = now
            add_audit(session, now, "closed", ticket.id, actor=staff.display)
            return self._view(session, ticket)

        return await self._db(work)

    async def _require_staff(self, staff: StaffMember, action: str, ticket_id: int) -> None:
        if self.is_staff(staff):
            return
        who = reference(self._pseudonyms.key(staff.platform, staff.user_id))
        log.warning("Refused %s on ticket %s by non-staff %s", action, ticket_id, who)

        def work(session: Session) -> None:
            add_audit(
                session, self.clock(), "refused", ticket_id, actor=who, detail={"action": action}
            )

        await self._db(work)
        raise NotStaffError(f"{staff.display} ({staff.platform})")

    # Staff messages ------------------------------------------------------------------------

    async def set_staff_message(self, ticket_id: int, platform: str, message_ref: str) -> None:
        """Remember where a notifier posted a ticket (idempotent)."""

        def work(session: Session) -> None:
            existing = session.scalar(
                select(StaffMessage).where(
                    StaffMessage.platform == platform, StaffMessage.message_ref == message_ref
                )
            )
            if existing is None:
                session.add(
                    StaffMessage(ticket_id=ticket_id, platform=platform, message_ref=message_ref)
                )
            else:
                existing.ticket_id = ticket_id

        await self._db(work)

    async def ticket_for_staff_message(self, platform: str, message_ref: str) -> int | None:
        """The ticket a staff message belongs to, so a reply to it answers that ticket."""
        return await self._db(
            lambda session: session.scalar(
                select(StaffMessage.ticket_id).where(
                    StaffMessage.platform == platform, StaffMessage.message_ref == message_ref
                )
            )
        )

    async def staff_message(self, ticket_id: int, platform: str) -> str | None:
        """The first staff message of a ticket on ``platform`` (to thread follow-ups under it)."""
        return await self._db(
            lambda session: session.scalar(
                select(StaffMessage.message_ref)
                .where(StaffMessage.ticket_id == ticket_id, StaffMessage.platform == platform)
                .order_by(StaffMessage.id)
                .limit(1)
            )
        )

    # Learning loop -------------------------------------------------------------------------

    async def learned_entries(self, after_id: int = 0) -> list[tuple[int, FaqEntry]]:
        """Published answers with id above ``after_id``, oldest first, for an index to add."""

        def work(session: Session) -> list[tuple[int, FaqEntry]]:
            rows = session.scalars(
                select(LearnedFaq).where(LearnedFaq.id > after_id).order_by(LearnedFaq.id)
            )
            return [(row.id, learned_entry(row)) for row in rows]

        return await self._db(work)

    # Follow-up -----------------------------------------------------------------------------

    async def send_due_reminders(self, now: datetime | None = None) -> list[int]:
        """Remind staff once, and tell the asker once (via the outbox), about every open
        ticket older than ``Settings.escalation_remind_after`` working days.

        Safe with several workers: each ticket is claimed by exactly one of them.
        Returns the reminded ticket ids.
        """
        moment = now or self.clock()
        views = await self._db(partial(self._claim_reminders, now=moment))
        for view in views:
            await self._notify(partial(_remind, view=view))
        return [view.id for view in views]

    def _claim_reminders(self, session: Session, *, now: datetime) -> list[TicketView]:
        days = self.settings.escalation_remind_after
        # Working-day deadlines are never earlier than calendar ones: a cheap first filter.
        candidates = session.scalars(
            select(Ticket).where(
                Ticket.status == TicketStatus.OPEN,
                Ticket.reminded_at.is_(None),
                Ticket.created_at <= now - timedelta(days=days),
            )
        ).all()
        views = []
        for ticket in candidates:
            if add_working_days(ticket.created_at, days) > now:
                continue
            claimed = session.execute(
                update(Ticket)
                .where(Ticket.id == ticket.id, Ticket.reminded_at.is_(None))
                .values(reminded_at=now)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            session.refresh(ticket)
            message = texts.text("not_forgotten", ticket.language, ticket=ticket.id)
            _queue(session, ticket, REMINDER, message, now)
            add_audit(session, now, "reminded", ticket.id)
            views.append(self._view(session, ticket))
        return views

    # Privacy -------------------------------------------------------------------------------

    async def apply_retention(self, now: datetime | None = None) -> RetentionReport:
        """Erase personal fields older than ``Settings.retention_days``.

        Tickets still open by then expire; their question, answer and the
        asker's address are erased, as are old outbox rows and feedback
        authorship. What stays is what the audit needs: status, times,
        language, sources and confidence, who answered.
        """
        moment = now or self.clock()
        cutoff = moment - timedelta(days=self.settings.retention_days)

        def work(session: Session) -> RetentionReport:
            stale = session.scalars(
                select(Ticket).where(Ticket.erased_at.is_(None), Ticket.updated_at < cutoff)
            ).all()
            expired = 0
            for ticket in stale:
                if ticket.status == TicketStatus.OPEN:
                    ticket.status = TicketStatus.EXPIRED
                    ticket.closed_at = moment
                    add_audit(session, moment, "expired", ticket.id)
                    expired += 1
                _erase_ticket(session, ticket, moment)
            deliveries = _erase_deliveries(session, Delivery.created_at < cutoff)
            feedback = session.execute(
                update(Feedback)
                .where(Feedback.created_at < cutoff, Feedback.asker_key.is_not(None))
                .values(asker_key=None)
            ).rowcount  # type: ignore[attr-defined]
            events = session.execute(
                delete(ProcessedEvent).where(ProcessedEvent.processed_at < cutoff)
            ).rowcount  # type: ignore[attr-defined]
            if stale:
                add_audit(session, moment, "retention", None, detail={"tickets": len(stale)})
            return RetentionReport(expired, len(stale), deliveries, feedback, events)

        return await self._db(work)

    async def forget_user(self, platform: str, user_id: str) -> Erasure:
        """Erase everything personal about one asker now (``/slet``, ``/delete``), tender-watch
        subscriptions included."""
        key = self._pseudonyms.key(platform, user_id)

        def work(session: Session) -> Erasure:
            now = self.clock()
            tickets = session.scalars(
                select(Ticket).where(Ticket.asker_key == key).order_by(Ticket.id)
            ).all()
            for ticket in tickets:
                if not TicketStatus(ticket.status).is_final:
                    ticket.status = TicketStatus.CLOSED
                    ticket.closed_at = now
                _erase_ticket(session, ticket, now)
                add_audit(session, now, "forgotten", ticket.id)
            deliveries = _erase_deliveries(
                session, (Delivery.platform == platform) & (Delivery.user_id == user_id)
            )
            feedback = session.execute(delete(Feedback).where(Feedback.asker_key == key)).rowcount  # type: ignore[attr-defined]
            subscriptions = forget_subscriptions(session, key)
            return Erasure(tuple(t.id for t in tickets), deliveries, feedback, subscriptions)

        return await self._db(work)

    # Events and feedback -------------------------------------------------------------------

    async def mark_event_processed(self, platform: str, event_id: str) -> bool:
        """True the first time an event is seen, False for a duplicate (any worker, any time)."""

        def work(session: Session) -> None:
            session.add(
                ProcessedEvent(platform=platform, event_id=event_id, processed_at=self.clock())
            )

        try:
            await self._db(work)
        except IntegrityError:
            return False
        return True

    async def record_feedback(
        self,
        asker: Asker,
        helpful: bool,
        record_ids: Sequence[str] = (),
        ticket_id: int | None = None,
        language: str | None = None,
    ) -> int:
        """Store whether an answer (its records, or a ticket's answer) helped; returns its id."""

        def work(session: Session) -> int:
            row = Feedback(
                asker_key=self._pseudonyms.key(asker.platform, asker.user_id),
                ticket_id=ticket_id,
                record_ids=json.dumps(list(record_ids)),
                helpful=helpful,
                language=language,
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return row.id

        return await self._db(work)

    async def feedback_counts(self) -> tuple[int, int]:
        """(helpful, not helpful) over all stored feedback."""

        def work(session: Session) -> tuple[int, int]:
            rows = session.execute(
                select(Feedback.helpful, func.count()).group_by(Feedback.helpful)
            ).all()
            counts = {bool(helpful): count for helpful, count in rows}
            return counts.get(True, 0), counts.get(False, 0)

        return await self._db(work)

    # Audit ---------------------------------------------------------------------------------

    async def audit_rows(self) -> list[dict[str, str]]:
        """The audit trail with each ticket's question, sources and confidence, no personal data.

        Questions are shown with contact details redacted, and not at all once erased.
        """

        def work(session: Session) -> list[dict[str, str]]:
            rows = session.execute(
                select(AuditEvent, Ticket)
                .outerjoin(Ticket, Ticket.id == AuditEvent.ticket_id)
                .order_by(AuditEvent.id)
            ).all()
            return [_audit_row(event, ticket) for event, ticket in rows]

        return await self._db(work)

    # Helpers -------------------------------------------------------------------------------

    async def notify_delivery_failed(self, ticket_id: int, reason: str) -> None:
        view = await self.ticket(ticket_id)
        await self._notify(lambda notifier: notifier.notify_delivery_failed(view, reason))

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

    def _view(self, session: Session, ticket: Ticket) -> TicketView:
        follow_ups = tuple(
            session.scalars(
                select(FollowUp.text).where(FollowUp.ticket_id == ticket.id).order_by(FollowUp.id)
            )
        )
        learned_id = session.scalar(
            select(func.min(LearnedFaq.id)).where(LearnedFaq.ticket_id == ticket.id)
        )
        candidates, problem = _read_candidates(ticket)
        return TicketView(
            id=ticket.id,
            status=TicketStatus(ticket.status),
            question=ticket.question,
            language=ticket.language,
            platform=ticket.platform,
            asker=reference(ticket.asker_key),
            candidates=candidates,
            confidence=ticket.confidence,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            follow_ups=follow_ups,
            answer=ticket.answer,
            answered_by=ticket.answered_by,
            answered_at=ticket.answered_at,
            delivered_at=ticket.delivered_at,
            closed_at=ticket.closed_at,
            reminded_at=ticket.reminded_at,
            erased_at=ticket.erased_at,
            learned_id=learned_id,
            problem=problem,
        )


async def _remind(notifier: StaffNotifier, view: TicketView) -> None:
    await notifier.notify_reminder(view)


def _published(session: Session, ticket_id: int, answer: str) -> bool:
    """Whether this ticket's answer is already a learned FAQ entry with exactly this text."""
    found = session.scalar(
        select(LearnedFaq.id).where(LearnedFaq.ticket_id == ticket_id, LearnedFaq.answer == answer)
    )
    return found is not None


def _ticket_or_raise(session: Session, ticket_id: int, for_update: bool = False) -> Ticket:
    ticket = session.get(Ticket, ticket_id, with_for_update=for_update)
    if ticket is None:
        raise UnknownTicketError(ticket_id)
    return ticket


def _queue(session: Session, ticket: Ticket, kind: str, text: str, now: datetime) -> None:
    session.add(Delivery.queued(ticket, kind=kind, text=text, now=now, ticket_id=ticket.id))


def add_audit(
    session: Session,
    now: datetime,
    event: str,
    ticket_id: int | None,
    *,
    actor: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=now,
            event=event,
            ticket_id=ticket_id,
            actor=actor,
            detail=json.dumps(detail, ensure_ascii=False) if detail else None,
        )
    )


def _sources(candidates: Sequence[Candidate]) -> dict[str, Any] | None:
    if not candidates:
        return None
    return {"sources": [[c.record_id, round(c.confidence, 3)] for c in candidates]}


def _erase_ticket(session: Session, ticket: Ticket, now: datetime) -> None:
    ticket.user_id = ticket.chat_id = ticket.thread = ticket.asker_key = None
    ticket.question = ""
    ticket.answer = None
    ticket.erased_at = now
    ticket.updated_at = now
    session.execute(delete(FollowUp).where(FollowUp.ticket_id == ticket.id))


def _erase_deliveries(session: Session, condition: Any) -> int:
    """Erase address and text of matching outbox rows; pending ones are cancelled."""
    session.execute(
        update(Delivery)
        .where(condition, Delivery.status == PENDING)
        .values(status=CANCELLED, claimed_until=None)
    )
    return session.execute(
        update(Delivery)
        .where(condition, Delivery.user_id.is_not(None))
        .values(user_id=None, chat_id=None, thread=None, text="")
    ).rowcount  # type: ignore[attr-defined]


def _read_candidates(ticket: Ticket) -> tuple[tuple[Candidate, ...], str | None]:
    try:
        raw = json.loads(ticket.candidates or "[]")
        return tuple(
            Candidate(str(c["title"]), str(c["record_id"]), float(c["confidence"])) for c in raw
        ), None
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("Ticket %s has unreadable candidates: %s", ticket.id, exc)
        return (
            (),
            f"The bot's candidates for this ticket could not be read ({exc}); kept as stored.",
        )


def _audit_row(event: AuditEvent, ticket: Ticket | None) -> dict[str, str]:
    candidates, problem = _read_candidates(ticket) if ticket else ((), None)
    return {
        "time": event.at.isoformat(timespec="seconds"),
        "event": event.event,
        "ticket": str(event.ticket_id or ""),
        "status": ticket.status if ticket else "",
        "language": ticket.language if ticket else "",
        "channel": ticket.platform if ticket else "",
        "question": redact_contacts(ticket.question) if ticket else "",
        "sources": "; ".join(f"{c.record_id} ({c.confidence:.2f})" for c in candidates)
        or (problem or ""),
        "confidence": f"{ticket.confidence:.2f}" if ticket else "",
        "actor": event.actor or "",
        "answered_by": (ticket.answered_by or "") if ticket else "",
        "detail": event.detail or "",
    }


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
