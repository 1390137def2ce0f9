"""The date fields any record may carry, read one way wherever staff write them.

Markdown front matter and section markers, sidecar files, FAQ entries and
tender columns all go through ``read_dates``, so a date, a yes/no or a
period means the same in every file, and every bad value is reported with
the place it was written.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import replace

from knowledge.loaders import flags
from knowledge.loaders.dates import parse_approximate, parse_day
from knowledge.model import Dates

DATE_KEYS: tuple[str, ...] = ("as_of", "valid_from", "valid_until")
KEYS: tuple[str, ...] = (*DATE_KEYS, "series", "historical", "review_note")
TENDER_KEY = "tender"
# The older front-matter name of a document's start date.
ALIASES: dict[str, str] = {"effective_date": "valid_from"}

Report = Callable[[str, str], None]
"""Called with the key as written and a message, for each value that cannot be read."""


def read_dates(values: Mapping[str, str], report: Report) -> Dates:
    """The ``Dates`` of the keys in ``values`` (as written, aliases allowed); a value that
    cannot be read is reported and left out, and so is a period that ends before it begins."""
    parsed: dict[str, object] = {}
    written: dict[str, str] = {}
    for key, raw in values.items():
        name = ALIASES.get(key, key)
        if name not in KEYS or not raw.strip():
            continue
        value = _parse(name, raw.strip())
        if value is None:
            report(key, _problem(key, name, raw.strip()))
            continue
        parsed[name] = value
        written[name] = key
    dates = Dates(**parsed)  # type: ignore[arg-type]
    if dates.valid_from and dates.valid_until and dates.valid_from > dates.valid_until:
        report(
            written["valid_until"],
            f"'{written['valid_until']}' {dates.valid_until} is before "
            f"'{written['valid_from']}' {dates.valid_from}; the period is left out",
        )
        dates = replace(dates, valid_from=None, valid_until=None)
    return dates


def _parse(name: str, raw: str) -> object | None:
    if name == "as_of":
        return parse_approximate(raw)
    if name in DATE_KEYS:
        return parse_day(raw)
    if name == "historical":
        return flags.yes_no(raw)
    return raw


def _problem(key: str, name: str, raw: str) -> str:
    if name == "historical":
        return flags.problem(key, raw)
    if name != "as_of" and parse_approximate(raw) is not None:
        return f"'{key}' needs a day, not only a month or year: {raw!r} (write e.g. 2025-12-31)"
    return f"unparseable date in '{key}': {raw!r} (write e.g. 2025-12-31)"


def suggestion(key: str) -> str | None:
    """The date key a misspelt marker most likely meant, if any is close."""
    known = (*KEYS, TENDER_KEY, flags.GAP_KEY, *ALIASES)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
    return close[0] if close else None
