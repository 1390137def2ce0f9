"""What changed in the tender rows since the last look, by tender id.

A tender is reduced to its shown fields as strings (dates in ISO form), and
a digest of those values is stored per id. A row whose id is new is *new*; a
row whose digest differs is *changed*, with the fields that differ. The
change hash names the step (old digest → new digest), so a subscriber hears
about each step once, however often or by however many workers it is seen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from knowledge.model import Tender

# The fields a subscriber sees, in the order ``bot.tender_query.render`` shows them.
WATCHED_FIELDS: tuple[str, ...] = (
    "title",
    "status",
    "published",
    "deadline",
    "expected_publication",
    "estimated_value",
    "contract_period",
    "notice",
    "buyer",
    "category",
    "contact",
    "notes",
    "source_url",
)

Values = Mapping[str, str]


def tender_values(tender: Tender) -> dict[str, str]:
    """The watched fields of one row as strings; an empty field is ``""``."""
    values = {}
    for name in WATCHED_FIELDS:
        value = getattr(tender, name)
        values[name] = value.isoformat() if isinstance(value, date) else (value or "")
    return values


def digest(values: Values) -> str:
    """A stable fingerprint of a row's values."""
    canonical = json.dumps([values.get(name, "") for name in WATCHED_FIELDS], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class TenderChange:
    """One new or changed tender row: ``before`` is None for a new row."""

    tender_id: str
    before: Values | None
    after: Values

    @property
    def fields(self) -> tuple[str, ...]:
        """The watched fields whose value differs (every field for a new row)."""
        if self.before is None:
            return WATCHED_FIELDS
        return tuple(n for n in WATCHED_FIELDS if self.before.get(n, "") != self.after.get(n, ""))

    @property
    def change_hash(self) -> str:
        """Names this step of this row: the same step seen twice is one notice."""
        before = digest(self.before) if self.before is not None else "new"
        step = f"{self.tender_id}\0{before}\0{digest(self.after)}"
        return hashlib.sha256(step.encode()).hexdigest()


def diff(snapshot: Mapping[str, Values], current: Mapping[str, Values]) -> list[TenderChange]:
    """New and changed rows of ``current`` against ``snapshot``, in ``current``'s order.

    Rows that disappeared are not changes a subscriber is told about.
    """
    changes = []
    for tender_id, after in current.items():
        before = snapshot.get(tender_id)
        if before is None or digest(before) != digest(after):
            changes.append(TenderChange(tender_id, before, after))
    return changes
