"""Danish working days, for "remind staff after N working days".

A working day is Monday to Friday unless it is a Danish public holiday
(helligdag). The Easter-based holidays are computed here (Gregorian
computus), so no calendar dependency is needed. Store bededag was abolished
from 2024. Grundlovsdag, 24 and 31 December are days off by agreement in many
workplaces but not public holidays, so they count as working days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
_LAST_YEAR_WITH_STORE_BEDEDAG = 2023


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def danish_public_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    after_easter = [-3, -2, 0, 1, 39, 49, 50]  # skærtorsdag … 2. pinsedag
    if year <= _LAST_YEAR_WITH_STORE_BEDEDAG:
        after_easter.append(26)
    return frozenset(
        {date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)}
        | {easter + timedelta(days=offset) for offset in after_easter}
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in danish_public_holidays(day.year)


def add_working_days(start: datetime, days: float) -> datetime:
    """The moment ``days`` working days after ``start`` (aware), in UTC.

    Only time on working days (Copenhagen calendar) counts: a ticket opened
    Friday 14:00 is one working day old on Monday 14:00.
    """
    remaining = timedelta(days=days)
    cursor = start.astimezone(COPENHAGEN).replace(tzinfo=None)
    while True:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
        if is_working_day(cursor.date()):
            if midnight - cursor >= remaining:
                cursor += remaining
                break
            remaining -= midnight - cursor
        cursor = midnight
    return cursor.replace(tzinfo=COPENHAGEN).astimezone(UTC)
