"""Learned FAQ entries: staff answers published from escalations.

A learned entry keeps the question (contact details redacted) and the staff
answer in the ticket's language, and nothing about the asker. Its source is
``udbudsbot:learned/<n>``: an honest reference to the desk, not a web page,
which channels show as "answer from procurement staff"
(``bot.texts`` key ``learned_source``) instead of a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from bot.escalation.schema import LearnedFaq
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
