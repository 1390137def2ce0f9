"""Learned FAQ entries: staff answers published from escalations, and their corrections.

Staff publish an answer with ``/faq `` (or ``--publish``, or the Slack
button); it is stored in the same transaction as the answer. A ticket whose
asker wrote several messages needs the question(s) the answer belongs to,
and staff may add further phrasings ("also: …" lines), in either language,
so that askers who put it differently or write the other language find it.

Every change (publishing, an added phrasing, an edit, a withdrawal) gives the
entry the next value of one counter (``desk_meta`` ``learned_revision``,
taken under a row lock, so revisions grow in commit order). Every worker
polls ``learned_changes(after=last seen)``: changed entries are (re)indexed,
withdrawn ones leave the index, each change once.

A learned entry keeps the question (contact details redacted) and the staff
answer, and nothing about the asker. Its source is ``udbudsbot:learned/<n>``:
an honest reference to the desk, not a web page; replies cite it as
"answered by Indkøb og Udbud on DATE" (``learned_citation``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalation.audit import add_audit
from bot.escalation.errors import (
    EmptyAnswerError,
    LearnedWithdrawnError,
    UnknownLearnedError,
)
from bot.escalation.privacy import redact_contacts
from bot.escalation.schema import LearnedFaq, LearnedPhrasing, Meta, Ticket
from bot.escalation.staff import StaffCheck
from bot.escalation.views import LearnedView, StaffMember, learned_id
from bot.escalation.workdays import COPENHAGEN
from bot.language import LanguageDetector
from bot.texts import long_date, text
from knowledge.model import LANGUAGES, Citation, Dates, FaqText, LearnedEntry

PUBLISH_PREFIX = "/faq "
_PUBLISH = re.compile(r"/faq(?:\s+|$)", re.IGNORECASE)
_ALSO = re.compile(r"^\s*(?:also|også|ogsaa|ogsa)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*#?(?:learned-)?(\d{1,9})\s*$", re.IGNORECASE)
LEARNED_SOURCE_PREFIX = "udbudsbot:learned/"
LEARNED_TAG = "learned"
LEARNED_REVISION = "learned_revision"

_languages = LanguageDetector()


def strip_publish_prefix(answer: str) -> tuple[str, bool]:
    """The answer without a leading ``/faq``, and whether it was there (meaning: publish)."""
    answer = answer.strip()
    match = _PUBLISH.match(answer)
    return (answer[match.end() :].strip(), True) if match else (answer, False)


def split_phrasings(answer: str) -> tuple[str, tuple[str, ...]]:
    """A published answer without its ``also: …`` (``også: …``) lines, and those phrasings.

    The lines are other ways to ask the question, for the index; the asker
    never sees them.
    """
    kept: list[str] = []
    phrasings: list[str] = []
    for line in answer.splitlines():
        match = _ALSO.match(line)
        if match is None:
            kept.append(line)
        elif match.group(1):
            phrasings.append(match.group(1))
    return "\n".join(kept).strip(), tuple(phrasings)


def parse_learned_number(value: str) -> int | None:
    """``3``, ``#3`` or ``learned-3`` as the number of a learned entry; None otherwise."""
    match = _NUMBER.match(value)
    return int(match.group(1)) if match else None


def is_learned_source(url: str) -> bool:
    return url.startswith(LEARNED_SOURCE_PREFIX)


def learned_citation(entry: LearnedEntry, language: str) -> Citation:
    """The citation "answered by Indkøb og Udbud on DATE" (and a correction's day)."""
    answered = long_date(entry.answered_on, language) if entry.answered_on else "–"
    title = text("learned_source", language, date=answered)
    if entry.updated_on and entry.updated_on != entry.answered_on:
        title += text("learned_corrected", language, date=long_date(entry.updated_on, language))
    return Citation(title=title, url="")


def detect_language(value: str, hint: str | None = None) -> str:
    return _languages.detect(value, hint=hint)


@dataclass(frozen=True, slots=True)
class LearnedChanges:
    """What changed after a revision: entries to (re)index and ids to drop."""

    revision: int
    published: tuple[LearnedEntry, ...] = ()
    withdrawn: tuple[str, ...] = ()


class LearnedEntryDesk(StaffCheck):
    """The desk's learned FAQ entries (mixed into ``EscalationDesk``)."""

    async def learned_entries(self) -> list[LearnedEntry]:
        """Every published entry that is not withdrawn, oldest first."""
        changes = await self.learned_changes(after=0)
        return list(changes.published)

    def learned_changes_now(self, after: int) -> LearnedChanges:
        """``learned_changes`` for a caller without an event loop (the runtime at start)."""
        return self.store.transaction(partial(_changes, after=after))

    async def learned_changes(self, after: int) -> LearnedChanges:
        """Entries published, corrected or withdrawn since revision ``after`` (0: all)."""
        return await self._db(partial(_changes, after=after))

    async def learned_list(self, include_withdrawn: bool = False) -> list[LearnedView]:
        """Entries for staff to manage, oldest first."""

        def work(session: Session) -> list[LearnedView]:
            query = select(LearnedFaq).order_by(LearnedFaq.id)
            if not include_withdrawn:
                query = query.where(LearnedFaq.withdrawn_at.is_(None))
            rows = list(session.scalars(query))
            phrasings = _phrasings(session, [row.id for row in rows])
            return [_view(row, phrasings.get(row.id, ())) for row in rows]

        return await self._db(work)

    async def learned(self, number: int) -> LearnedView:
        """One entry (withdrawn or not), or ``UnknownLearnedError``."""

        def work(session: Session) -> LearnedView:
            row = _row_or_raise(session, number)
            return _view(row, _phrasings(session, [row.id]).get(row.id, ()))

        return await self._db(work)

    async def edit_learned(
        self,
        number: int,
        staff: StaffMember,
        *,
        answer: str | None = None,
        question: str | None = None,
        also: Sequence[str] = (),
    ) -> LearnedView:
        """Correct an entry's answer or question, or add phrasings; every worker re-indexes it.

        The asker who got the first answer is not written to again: a
        correction serves the next askers. Audited as ``faq_edited``.
        """
        await self._require_staff(staff, "edit_faq", None, learned=number)
        if answer is not None and not answer.strip():
            raise EmptyAnswerError()

        def work(session: Session) -> LearnedView:
            now = self.clock()
            row = _row_or_raise(session, number, for_update=True)
            if row.withdrawn_at is not None:
                raise LearnedWithdrawnError(number)
            changed: list[str] = []
            if answer is not None and answer.strip() != row.answer:
                row.answer = answer.strip()
                row.answer_language = detect_language(row.answer, row.language)
                changed.append("answer")
            if question is not None and question.strip() and question.strip() != row.question:
                row.question = redact_contacts(question.strip())
                row.language = detect_language(row.question, row.language)
                changed.append("question")
            if _add_phrasings(session, row, also):
                changed.append("phrasings")
            if changed:
                _corrected(session, row, staff, now, changed=changed)
            session.flush()
            return _view(row, _phrasings(session, [row.id]).get(row.id, ()))

        return await self._db(work)

    async def withdraw_learned(self, number: int, staff: StaffMember) -> LearnedView:
        """Withdraw an entry: it is never answered again, and leaves every worker's index
        at its next poll. Audited as ``faq_withdrawn``."""
        await self._require_staff(staff, "withdraw_faq", None, learned=number)

        def work(session: Session) -> LearnedView:
            now = self.clock()
            row = _row_or_raise(session, number, for_update=True)
            if row.withdrawn_at is not None:
                raise LearnedWithdrawnError(number)
            row.withdrawn_at = now
            row.withdrawn_by = staff.display
            _changed(session, row, "faq_withdrawn", staff, now)
            session.flush()
            return _view(row, _phrasings(session, [row.id]).get(row.id, ()))

        return await self._db(work)


def publish_answer(
    session: Session,
    ticket: Ticket,
    answer: str,
    staff: StaffMember,
    now: datetime,
    *,
    questions: Sequence[str],
    also: Sequence[str] = (),
) -> int:
    """Make a ticket's answer a learned entry for ``questions`` (the first is its question,
    the rest phrasings) plus the ``also`` phrasings; returns the entry's number.

    Publishing exactly the answer of an entry that stands adds the questions and
    phrasings to it instead of making a second copy: staff may confirm a further
    question of the ticket, press the button after replying, or give a later
    asker who put the question differently the same answer, which then teaches
    the bot that wording too.
    """
    wanted = [redact_contacts(q.strip()) for q in questions if q.strip()]
    extra = [*wanted[1:], *(p.strip() for p in also)]
    existing = session.scalar(
        select(LearnedFaq)
        .where(LearnedFaq.answer == answer, LearnedFaq.withdrawn_at.is_(None))
        .order_by(LearnedFaq.ticket_id != ticket.id, LearnedFaq.id)
    )
    if existing is not None:
        if _add_phrasings(session, existing, [*wanted[:1], *extra]):
            _corrected(session, existing, staff, now, changed=["phrasings"], ticket=ticket.id)
        return existing.id
    question = wanted[0] if wanted else redact_contacts(ticket.question)
    language = detect_language(question, ticket.language)
    learned = LearnedFaq(
        ticket_id=ticket.id,
        language=language,
        question=question,
        answer=answer,
        answer_language=detect_language(answer, language),
        published_by=staff.display,
        created_at=now,
        revision=next_revision(session),
    )
    session.add(learned)
    session.flush()
    _add_phrasings(session, learned, extra)
    add_audit(
        session,
        now,
        "published",
        ticket.id,
        actor=staff.display,
        detail={"learned": learned.id, "questions": len(wanted) or 1, "phrasings": len(also)},
    )
    return learned.id


def unfound_language(session: Session, number: int) -> str | None:
    """The language ("da"/"en") in which entry ``number`` has neither question, phrasing nor
    answer, if any: askers writing in it will hardly find the entry, as the bundled model
    reads English only and a learned entry has no translated alternates (measured in
    ``benchmarks/learned.py``: 0.00 found in the other language without a phrasing)."""
    row = _row_or_raise(session, number)
    covered = {row.language, row.answer_language}
    covered |= {language for language, _ in _phrasings(session, [row.id]).get(row.id, ())}
    missing = [language for language in LANGUAGES if language not in covered]
    return missing[0] if missing else None


def _corrected(
    session: Session, row: LearnedFaq, staff: StaffMember, now: datetime, **detail: Any
) -> None:
    row.updated_at = now
    row.updated_by = staff.display
    _changed(session, row, "faq_edited", staff, now, **detail)


def _changed(
    session: Session, row: LearnedFaq, event: str, staff: StaffMember, now: datetime, **detail: Any
) -> None:
    """Give a changed entry the next revision (so every worker polls it) and audit it."""
    row.revision = next_revision(session)
    detail = {"learned": row.id, **detail}
    add_audit(session, now, event, row.ticket_id, actor=staff.display, detail=detail)


def next_revision(session: Session) -> int:
    """The next value of the learned-entry revision counter, taken under a row lock so that
    concurrent changes get revisions in the order they commit."""
    counter = session.get(Meta, LEARNED_REVISION, with_for_update=True)
    if counter is None:
        counter = Meta(key=LEARNED_REVISION, value="0")
        session.add(counter)
    value = int(counter.value) + 1
    counter.value = str(value)
    return value


def _add_phrasings(session: Session, row: LearnedFaq, phrasings: Iterable[str]) -> bool:
    """Add the phrasings the entry does not have yet (compared case-insensitively)."""
    known = {row.question.casefold()} | {
        p.casefold()
        for p in session.scalars(
            select(LearnedPhrasing.text).where(LearnedPhrasing.learned_id == row.id)
        )
    }
    added = False
    for phrasing in phrasings:
        cleaned = redact_contacts(" ".join(phrasing.split()))
        if not cleaned or cleaned.casefold() in known:
            continue
        known.add(cleaned.casefold())
        session.add(
            LearnedPhrasing(learned_id=row.id, language=detect_language(cleaned), text=cleaned)
        )
        added = True
    session.flush()
    return added


def _changes(session: Session, *, after: int) -> LearnedChanges:
    rows = list(
        session.scalars(
            select(LearnedFaq).where(LearnedFaq.revision > after).order_by(LearnedFaq.revision)
        )
    )
    if not rows:
        return LearnedChanges(revision=after)
    live = [row for row in rows if row.withdrawn_at is None]
    phrasings = _phrasings(session, [row.id for row in live])
    return LearnedChanges(
        revision=max(row.revision for row in rows),
        published=tuple(learned_entry(row, phrasings.get(row.id, ())) for row in live),
        withdrawn=tuple(learned_id(row.id) for row in rows if row.withdrawn_at is not None),
    )


def _phrasings(session: Session, ids: Sequence[int]) -> dict[int, tuple[tuple[str, str], ...]]:
    """(language, text) of each entry's phrasings, in the order they were added."""
    found: dict[int, list[tuple[str, str]]] = {}
    if ids:
        rows = session.execute(
            select(LearnedPhrasing.learned_id, LearnedPhrasing.language, LearnedPhrasing.text)
            .where(LearnedPhrasing.learned_id.in_(ids))
            .order_by(LearnedPhrasing.id)
        )
        for learned, language, phrasing in rows:
            found.setdefault(learned, []).append((language, phrasing))
    return {key: tuple(value) for key, value in found.items()}


def learned_entry(row: LearnedFaq, phrasings: Sequence[tuple[str, str]] = ()) -> LearnedEntry:
    """The record the index holds: the questions of each language, each with the one answer.

    The answer's language always gets a text, so the entry is found in the
    language staff answered in too; a text whose answer is in the other
    language makes the reply say so (``answers.compose``).
    """
    questions: dict[str, list[str]] = {row.language: [row.question]}
    for language, phrasing in phrasings:
        questions.setdefault(language, []).append(phrasing)
    questions.setdefault(row.answer_language, [row.question])
    return LearnedEntry(
        id=learned_id(row.id),
        texts={
            language: FaqText(question=asked[0], answer=row.answer, alternates=tuple(asked[1:]))
            for language, asked in questions.items()
        },
        source_url=f"{LEARNED_SOURCE_PREFIX}{row.id}",
        tags=(LEARNED_TAG,),
        learned=True,
        dates=Dates(as_of=_local_day(row.updated_at or row.created_at)),
        number=row.id,
        answer_language=row.answer_language,
        answered_on=_local_day(row.created_at),
        updated_on=_local_day(row.updated_at) if row.updated_at else None,
    )


def _local_day(moment: datetime) -> date:
    return moment.astimezone(COPENHAGEN).date()


def _view(row: LearnedFaq, phrasings: Sequence[tuple[str, str]]) -> LearnedView:
    return LearnedView(
        number=row.id,
        ticket_id=row.ticket_id,
        language=row.language,
        question=row.question,
        answer=row.answer,
        answer_language=row.answer_language,
        phrasings=tuple(phrasings),
        published_by=row.published_by,
        published_at=row.created_at,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        withdrawn_at=row.withdrawn_at,
        withdrawn_by=row.withdrawn_by,
    )


def _row_or_raise(session: Session, number: int, for_update: bool = False) -> LearnedFaq:
    row = session.get(LearnedFaq, number, with_for_update=for_update)
    if row is None:
        raise UnknownLearnedError(number)
    return row


def faq_yaml(entries: Iterable[LearnedEntry], source_url: str | None = None) -> str:
    """Entries in the knowledge pack's FAQ format (a YAML list), for staff to review or
    move into the pack.

    The pack wants a web address as every entry's source; ``source_url`` (the page
    where staff publish such answers) replaces the desk reference when given.
    """
    documents: list[dict[str, Any]] = []
    for entry in entries:
        item: dict[str, Any] = {
            "id": entry.id,
            "tags": list(entry.tags),
            "source_url": source_url or entry.source_url,
        }
        for language in entry.languages:
            faq_text = entry.texts[language]
            item[language] = {"question": faq_text.question, "answer": faq_text.answer}
            if faq_text.alternates:
                item[language]["alternates"] = list(faq_text.alternates)
        documents.append(item)
    return yaml.safe_dump(documents, allow_unicode=True, sort_keys=False, width=100)
