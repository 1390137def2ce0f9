"""Tickets: questions the bot could not answer, and the staff answers that go back.

A ticket is committed before ``open_ticket`` returns, so the asker may be told
its number; an asker's next question joins their open ticket. An answer is
committed together with its outbox row before ``answer`` returns, and only
staff may give one: the operator at the command line, or a member of a staff
destination (narrowed by ``Settings.staff_ids``). Refusals are audited.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import texts
from bot.conversation import Asker
from bot.escalation.audit import add_audit
from bot.escalation.base import DeskBase
from bot.escalation.errors import (
    EmptyAnswerError,
    NotStaffError,
    TicketClosedError,
    UnknownTicketError,
)
from bot.escalation.learned import publish_answer, strip_publish_prefix
from bot.escalation.privacy import reference
from bot.escalation.schema import ANSWER, Delivery, FollowUp, LearnedFaq, Ticket
from bot.escalation.views import (
    CLI_PLATFORM,
    Candidate,
    StaffMember,
    TicketStatus,
    TicketView,
    read_candidates,
)

log = logging.getLogger(__name__)

_QUOTE_LIMIT = 200


class TicketDesk(DeskBase):
    """Opening, listing, answering and closing tickets (mixed into ``EscalationDesk``)."""

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
            return ticket_view(session, ticket)
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
        return ticket_view(session, ticket)

    async def ticket(self, ticket_id: int) -> TicketView:
        """The ticket, or ``UnknownTicketError``."""

        def work(session: Session) -> TicketView:
            return ticket_view(session, _ticket_or_raise(session, ticket_id))

        return await self._db(work)

    async def tickets(self, status: TicketStatus | None = None) -> list[TicketView]:
        """Tickets, newest first, optionally only those in ``status``."""

        def work(session: Session) -> list[TicketView]:
            query = select(Ticket).order_by(Ticket.id.desc())
            if status is not None:
                query = query.where(Ticket.status == status)
            return [ticket_view(session, ticket) for ticket in session.scalars(query)]

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
            queue_to_asker(session, ticket, ANSWER, message, now)
            add_audit(
                session,
                now,
                "answered",
                ticket.id,
                actor=staff.display,
                detail={"published": publish},
            )
        if publish:
            publish_answer(session, ticket, body, staff, now)
        session.flush()
        return ticket_view(session, ticket)

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
            return ticket_view(session, ticket)

        return await self._db(work)

    async def notify_delivery_failed(self, ticket_id: int, reason: str) -> None:
        view = await self.ticket(ticket_id)
        await self._notify(lambda notifier: notifier.notify_delivery_failed(view, reason))

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


def ticket_view(session: Session, ticket: Ticket) -> TicketView:
    """The ticket as staff see it, with its follow-ups and learned entry."""
    follow_ups = tuple(
        session.scalars(
            select(FollowUp.text).where(FollowUp.ticket_id == ticket.id).order_by(FollowUp.id)
        )
    )
    learned_id = session.scalar(
        select(func.min(LearnedFaq.id)).where(LearnedFaq.ticket_id == ticket.id)
    )
    candidates, problem = read_candidates(ticket.id, ticket.candidates)
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


def queue_to_asker(session: Session, ticket: Ticket, kind: str, text: str, now: datetime) -> None:
    """Queue a message to the ticket's asker in the outbox, in the caller's transaction."""
    session.add(Delivery.queued(ticket, kind=kind, text=text, now=now, ticket_id=ticket.id))


def _ticket_or_raise(session: Session, ticket_id: int, for_update: bool = False) -> Ticket:
    ticket = session.get(Ticket, ticket_id, with_for_update=for_update)
    if ticket is None:
        raise UnknownTicketError(ticket_id)
    return ticket


def _sources(candidates: Sequence[Candidate]) -> dict[str, Any] | None:
    if not candidates:
        return None
    return {"sources": [[c.record_id, round(c.confidence, 3)] for c in candidates]}


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
