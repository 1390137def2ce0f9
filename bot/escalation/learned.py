"""Learned FAQ entries: staff answers published from escalations.

A learned entry keeps the question (contact details redacted) and the staff
answer in the ticket's language, and nothing about the asker. Its source is
``udbudsbot:learned/<n>``: an honest reference to the desk, not a web page,
which channels show as "answer from procurement staff"
(``bot.texts`` key ``learned_source``) instead of a link.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from bot.escalation.schema import LearnedFaq
from knowledge.model import FaqEntry, FaqText

PUBLISH_PREFIX = "/faq "
LEARNED_SOURCE_PREFIX = "udbudsbot:learned/"
LEARNED_TAG = "learned"


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


def faq_yaml(entries: Iterable[FaqEntry]) -> str:
    """Entries in the knowledge pack's FAQ format (a YAML list), for staff to review or
    move into the pack."""
    documents: list[dict[str, Any]] = []
    for entry in entries:
        item: dict[str, Any] = {
            "id": entry.id,
            "tags": list(entry.tags),
            "source_url": entry.source_url,
        }
        for language in entry.languages:
            text = entry.texts[language]
            item[language] = {"question": text.question, "answer": text.answer}
            if text.alternates:
                item[language]["alternates"] = list(text.alternates)
        documents.append(item)
    return yaml.safe_dump(documents, allow_unicode=True, sort_keys=False, width=100)
