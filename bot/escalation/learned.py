"""Learned FAQ entries: staff answers published from escalations.

Staff publish an answer with ``/faq `` (or ``--publish``, or the Slack
button); it is stored in the same transaction as the answer, and every
worker's index picks it up by polling ``learned_entries``. A learned entry
keeps the question (contact details redacted) and the staff answer in the
ticket's language, and nothing about the asker. Its source is
``udbudsbot:learned/<n>``: an honest reference to the desk, not a web page,
which channels show as "answer from procurement staff"
(``bot.texts`` key ``learned_source``) instead of a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalation.audit import add_audit
from bot.escalation.base import DeskBase
from bot.escalation.privacy import redact_contacts
from bot.escalation.schema import LearnedFaq, Ticket
from bot.escalation.views import StaffMember
from knowledge.model import FaqEntry, FaqText

PUBLISH_PREFIX = "/faq "
_PUBLISH = re.compile(r"/faq(?:\s+|$)", re.IGNORECASE)
LEARNED_SOURCE_PREFIX = "udbudsbot:learned/"
LEARNED_TAG = "learned"


def strip_publish_prefix(answer: str) -> tuple[str, bool]:
    """The answer without a leading ``/faq``, and whether it was there (meaning: publish)."""
    answer = answer.strip()
    match = _PUBLISH.match(answer)
    return (answer[match.end() :].strip(), True) if match else (answer, False)


def learned_id(number: int) -> str:
    return f"learned-{number}"


def is_learned_source(url: str) -> bool:
    return url.startswith(LEARNED_SOURCE_PREFIX)


def learned_entry(row: LearnedFaq) -> FaqEntry:
    return FaqEntry(
        id=learned_id(row.id),
        texts={row.language: FaqText(question=row.question, answer=row.answer)},
        source_url=f"{LEARNED_SOURCE_PREFIX}{row.id}",
        tags=(LEARNED_TAG,),
        learned=True,
    )


class LearnedEntryDesk(DeskBase):
    """The desk's learned FAQ entries (mixed into ``EscalationDesk``)."""

    async def learned_entries(self, after_id: int = 0) -> list[tuple[int, FaqEntry]]:
        """Published answers with id above ``after_id``, oldest first, for an index to add."""

        def work(session: Session) -> list[tuple[int, FaqEntry]]:
            rows = session.scalars(
                select(LearnedFaq).where(LearnedFaq.id > after_id).order_by(LearnedFaq.id)
            )
            return [(row.id, learned_entry(row)) for row in rows]

        return await self._db(work)


def publish_answer(
    session: Session, ticket: Ticket, answer: str, staff: StaffMember, now: datetime
) -> None:
    """Make a ticket's answer a learned entry, unless exactly this answer already is one
    (publishing twice must not give the index two copies)."""
    if _published(session, ticket.id, answer):
        return
    learned = LearnedFaq(
        ticket_id=ticket.id,
        language=ticket.language,
        question=redact_contacts(ticket.question),
        answer=answer,
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


def _published(session: Session, ticket_id: int, answer: str) -> bool:
    """Whether this ticket's answer is already a learned FAQ entry with exactly this text."""
    found = session.scalar(
        select(LearnedFaq.id).where(LearnedFaq.ticket_id == ticket_id, LearnedFaq.answer == answer)
    )
    return found is not None


def faq_yaml(entries: Iterable[FaqEntry], source_url: str | None = None) -> str:
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
            text = entry.texts[language]
            item[language] = {"question": text.question, "answer": text.answer}
            if text.alternates:
                item[language]["alternates"] = list(text.alternates)
        documents.append(item)
    return yaml.safe_dump(documents, allow_unicode=True, sort_keys=False, width=100)
