"""Tickets: questions the bot could not answer, and the staff answers that go back.

A ticket is one question. A message that follows up (or repeats) one of the
asker's open tickets joins it as a follow-up (the assistant decides which,
``bot.follow_ups``); any other question opens a ticket of its own, and staff
see the asker's other open tickets beside it. A ticket is committed before
``open_ticket`` returns, so the asker may be told its number. An answer is
committed together with its outbox row before ``answer`` returns, and only
staff may give one: the operator at the command line, or a member of a staff
destination (narrowed by ``Settings.staff_ids``). Refusals are audited.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import texts
from bot.conversation import Asker
from bot.escalation.audit import add_audit
from bot.escalation.errors import (
    EmptyAnswerError,
    TicketClosedError,
    UnknownQuestionError,
    UnknownTicketError,
    WhichQuestionError,
)
from bot.escalation.learned import (
    publish_answer,
    split_phrasings,
    strip_publish_prefix,
    unfound_language,
)
from bot.escalation.privacy import reference
from bot.escalation.schema import ANSWER, NOTICE_TICKET, Delivery, FollowUp, LearnedFaq, Ticket
from bot.escalation.split import one_line
from bot.escalation.staff import StaffCheck
from bot.escalation.views import (
    Candidate,
    StaffMember,
    TicketStatus,
    TicketView,
    read_candidates,
)

_QUOTE_LIMIT = 200


class TicketDesk(StaffCheck):
    """Opening, listing, answering and closing tickets (mixed into ``EscalationDesk``)."""

    async def open_ticket(
        self,
        question: str,
        language: str,
        asker: Asker,
        candidates: Sequence[Candidate] = (),
        confidence: float | None = None,
        *,
        follow_up_of: int | None = None,
    ) -> TicketView:
        """Open a ticket for ``question``, or add it to the asker's open ticket
        ``follow_up_of`` (``view.joined``); then notify staff. A ``view.repeat`` of words
        the ticket already holds is not added again, and staff are not told twice.

        A ticket to follow up that has been answered or closed meanwhile, or
        is not the asker's, gets a new ticket instead. The ticket is committed
        when this returns, so the asker may be told its number.
        """
        work = partial(
            self._open_ticket,
            question=question,
            language=language,
            asker=asker,
            candidates=candidates,
            confidence=confidence,
            follow_up_of=follow_up_of,
        )
        view, notices = await self._db(work)
        await self.send_staff_notices(notices)
        return view

    async def open_tickets_of(self, asker: Asker) -> list[TicketView]:
        """The asker's open tickets, newest first (what a new message may follow up)."""
        key = self._pseudonyms.key(asker.platform, asker.user_id)

        def work(session: Session) -> list[TicketView]:
            found = session.scalars(
                select(Ticket)
                .where(Ticket.asker_key == key, Ticket.status == TicketStatus.OPEN)
                .order_by(Ticket.id.desc())
            )
            return [ticket_view(session, ticket) for ticket in found]

        return await self._db(work)

    def _open_ticket(
        self,
        session: Session,
        *,
        question: str,
        language: str,
        asker: Asker,
        candidates: Sequence[Candidate],
        confidence: float | None,
        follow_up_of: int | None,
    ) -> tuple[TicketView, list[int]]:
        """The ticket, and the staff notices queued about it (none for a repeat)."""
        now = self.clock()
        key = self._pseudonyms.key(asker.platform, asker.user_id)
        ticket = (
            session.get(Ticket, follow_up_of, with_for_update=True)
            if follow_up_of is not None
            else None
        )
        if ticket is not None and ticket.asker_key == key and ticket.status == TicketStatus.OPEN:
            # The same words again add nothing for staff: the ticket keeps one copy.
            said = {_said(text) for text in (ticket.question, *_follow_ups(session, ticket.id))}
            repeat = _said(question) in said
            if not repeat:
                session.add(FollowUp(ticket_id=ticket.id, text=question, created_at=now))
                ticket.updated_at = now
            event = "repeated" if repeat else "joined"
            add_audit(session, now, event, ticket.id, detail=_sources(candidates))
            session.flush()
            view = dataclasses.replace(ticket_view(session, ticket), joined=True, repeat=repeat)
            if repeat:
                return view, []
            notices = self.queue_staff_notices(
                session, NOTICE_TICKET, now, ticket_id=ticket.id, messages=len(view.messages)
            )
            return view, notices
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
        notices = self.queue_staff_notices(session, NOTICE_TICKET, now, ticket_id=ticket.id)
        return ticket_view(session, ticket), notices

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

    async def answer(
        self,
        ticket_id: int,
        staff: StaffMember,
        text: str,
        publish: bool = False,
        *,
        questions: Sequence[int] = (),
        also: Sequence[str] = (),
    ) -> TicketView:
        """Record a staff answer and queue its delivery to the asker (one transaction).

        An answer starting with ``/faq `` is published (the prefix is stripped):
        it becomes a learned FAQ entry without the asker's identity, and its
        ``also: …`` lines (with ``also``) become further phrasings instead of
        being sent. ``questions`` are the numbers of the ticket's messages the
        answer belongs to (1 is the question, then the follow-ups): the first
        is quoted to the asker, and all become the entry's questions.
        Publishing for a ticket with several messages needs them. The view's
        ``published_now`` names the entry. Raises ``NotStaffError``,
        ``EmptyAnswerError``, ``UnknownTicketError``, ``TicketClosedError``,
        ``WhichQuestionError`` or ``UnknownQuestionError``.
        """
        await self._require_staff(staff, "answer", ticket_id)
        body, prefixed = strip_publish_prefix(text)
        publish = publish or prefixed
        phrasings: tuple[str, ...] = ()
        if publish:
            body, phrasings = split_phrasings(body)
        if not body:
            raise EmptyAnswerError()
        work = partial(
            self._answer,
            ticket_id=ticket_id,
            staff=staff,
            body=body,
            publish=publish,
            questions=tuple(dict.fromkeys(questions)),
            also=(*phrasings, *also),
        )
        return await self._db(work)

    def _answer(
        self,
        session: Session,
        *,
        ticket_id: int,
        staff: StaffMember,
        body: str,
        publish: bool,
        questions: tuple[int, ...],
        also: tuple[str, ...],
    ) -> TicketView:
        now = self.clock()
        ticket = _ticket_or_raise(session, ticket_id, for_update=True)
        status = TicketStatus(ticket.status)
        if status.is_final or ticket.erased_at is not None:
            raise TicketClosedError(ticket_id, "erased" if ticket.erased_at else status)
        messages = (ticket.question, *_follow_ups(session, ticket.id))
        for number in questions:
            if not 1 <= number <= len(messages):
                raise UnknownQuestionError(ticket_id, number, len(messages))
        if publish and len(messages) > 1 and not questions:
            raise WhichQuestionError(ticket_id, messages)
        chosen = [messages[number - 1] for number in questions] or [ticket.question]
        # The same answer again (typically "Publish as FAQ" after replying) is not news to
        # the asker: it is published if asked, but not delivered a second time.
        repeated = status is TicketStatus.ANSWERED and ticket.answer == body
        if not repeated:
            ticket.answer = body
            ticket.answered_by = staff.display
            ticket.answered_at = now
            ticket.updated_at = now
            ticket.status = TicketStatus.ANSWERED
            quoted = one_line(chosen[0], _QUOTE_LIMIT)
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
        published = (
            publish_answer(session, ticket, body, staff, now, questions=chosen, also=also)
            if publish
            else None
        )
        session.flush()
        return dataclasses.replace(
            ticket_view(session, ticket),
            published_now=published,
            unfound_in=unfound_language(session, published) if published is not None else None,
        )

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


def ticket_view(session: Session, ticket: Ticket) -> TicketView:
    """The ticket as staff see it: its messages, its learned entry (the latest one not
    withdrawn) and the asker's other open tickets."""
    learned_id = session.scalar(
        select(func.max(LearnedFaq.id)).where(
            LearnedFaq.ticket_id == ticket.id, LearnedFaq.withdrawn_at.is_(None)
        )
    )
    other_open = (
        tuple(
            session.scalars(
                select(Ticket.id)
                .where(
                    Ticket.asker_key == ticket.asker_key,
                    Ticket.status == TicketStatus.OPEN,
                    Ticket.id != ticket.id,
                )
                .order_by(Ticket.id)
            )
        )
        if ticket.asker_key is not None
        else ()
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
        follow_ups=_follow_ups(session, ticket.id),
        answer=ticket.answer,
        answered_by=ticket.answered_by,
        answered_at=ticket.answered_at,
        delivered_at=ticket.delivered_at,
        closed_at=ticket.closed_at,
        reminded_at=ticket.reminded_at,
        erased_at=ticket.erased_at,
        learned_id=learned_id,
        problem=problem,
        other_open=other_open,
    )


def _said(text: str) -> str:
    """A message as compared for repeats: case and spacing set aside."""
    return " ".join(text.casefold().split())


def _follow_ups(session: Session, ticket_id: int) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(FollowUp.text).where(FollowUp.ticket_id == ticket_id).order_by(FollowUp.id)
        )
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
