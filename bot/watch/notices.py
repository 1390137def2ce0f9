"""The message a subscriber gets about one new or changed tender.

It says what changed, field by field with the old value ("ny tilbudsfrist:
2026-01-15 (før: 2025-12-01)"), then shows the row as tender listings do,
every value exactly as in the data.
"""

from __future__ import annotations

from bot import tender_query
from bot.texts import text
from bot.watch.changes import WATCHED_FIELDS, TenderChange
from knowledge.model import Tender

VALUE_LIMIT = 160
"""Longer old/new values (notes) are cut in the change lines; the row below shows them whole."""


def compose(change: TenderChange, tender: Tender, keywords: str, language: str) -> str:
    if change.before is None:
        parts = [text("watch_new", language, keywords=keywords)]
    else:
        labels = dict(
            zip(WATCHED_FIELDS, text("watch_change_fields", language).split("|"), strict=True)
        )
        lines = [
            text(
                "watch_change_line",
                language,
                label=labels[name],
                new=_short(change.after.get(name, "")),
                old=_short(change.before.get(name, "")),
            )
            for name in change.fields
        ]
        parts = [text("watch_changed", language, keywords=keywords), "\n".join(lines)]
    parts.append(tender_query.render(tender, language))
    parts.append(text("watch_footer", language))
    return "\n\n".join(parts)


def _short(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        return "–"
    return value if len(value) <= VALUE_LIMIT else value[: VALUE_LIMIT - 1].rstrip() + "…"
