"""Dates as staff write them in Danish and English spreadsheets and front matter.

A date given only to the month ("oktober 2025") or quarter ("Q4 2025") means
its first day, which is how tender plans announce expected publication.
"""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS: dict[str, int] = {
    **dict.fromkeys(("januar", "january", "jan"), 1),
    **dict.fromkeys(("februar", "february", "feb"), 2),
    **dict.fromkeys(("marts", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("maj", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("august", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "dec"), 12),
}

_MONTH = r"(?P<month>[a-zæøå]+)\.?"
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})(?:[t ][\d:.+z-]*)?",
        r"(?P<year>\d{4})-(?P<mnum>\d{1,2})",
        r"(?P<day>\d{1,2})[-./](?P<mnum>\d{1,2})[-./](?P<year>\d{4}|\d{2})",
        rf"(?P<day>\d{{1,2}})\.? ?{_MONTH},? (?P<year>\d{{4}})",
        rf"{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<year>\d{{4}})",
        rf"{_MONTH},? (?P<year>\d{{4}})",
        r"q(?P<quarter>[1-4]) ?-? ?(?P<year>\d{4})",
        r"(?P<year>\d{4}) ?-? ?q(?P<quarter>[1-4])",
        r"(?P<quarter>[1-4])\.? ?(?:kvartal|kvt\.?|quarter) (?P<year>\d{4})",
    )
)


_DAY_PATTERNS = tuple(pattern for pattern in _PATTERNS if "day" in pattern.groupindex)
_YEAR = re.compile(r"(?P<year>\d{4})")


def parse_date(value: object) -> date | None:
    """The date ``value`` names, or None when it names none (including impossible days)."""
    return _parse(value, _PATTERNS)


def parse_day(value: object) -> date | None:
    """The date ``value`` names to the day; None for a month or a quarter, which a period's
    first or last day cannot be."""
    return _parse(value, _DAY_PATTERNS)


def parse_approximate(value: object) -> date | None:
    """Like ``parse_date``, and a year alone means its first day (a source dated "2021")."""
    return _parse(value, (*_PATTERNS, _YEAR))


def _parse(value: object, patterns: tuple[re.Pattern[str], ...]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    cleaned = " ".join(str(value).casefold().split())
    for pattern in patterns:
        match = pattern.fullmatch(cleaned)
        found = _from_match(match.groupdict()) if match else None
        if found is not None:
            return found
    return None


def _from_match(parts: dict[str, str | None]) -> date | None:
    year = int(parts["year"] or 0)
    if year < 100:
        year += 2000
    if parts.get("quarter"):
        month = 3 * int(parts["quarter"] or 1) - 2
    elif parts.get("mnum"):
        month = int(parts["mnum"] or 0)
    elif "month" not in parts:
        month = 1
    else:
        found = MONTHS.get(parts.get("month") or "")
        if found is None:
            return None
        month = found
    try:
        return date(year, month, int(parts.get("day") or 1))
    except ValueError:
        return None
