"""What in a knowledge pack has gone out of date: warnings for the staff who keep it.

A warning is not an error: the pack still loads and the bot still answers
(never presenting what has ended as current). It tells the project lead
what to update: a record whose period has ended, a series with nothing in
force, a tender whose status contradicts its dates, a fact whose source is
older than the configured age. A record's ``review_note`` is shown with its
warnings, so a warning the pack already accounts for says how.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from knowledge.model import KnowledgeBase, Record, Tender, location
from knowledge.timing import OPEN_STATUSES, TenderState, series_of, tender_state


@dataclass(frozen=True, slots=True)
class ReviewItem:
    where: str
    """``file:line`` of the record."""
    record_id: str
    reason: str
    note: str = ""
    """The pack's own explanation (the record's ``review_note``), if it gives one."""

    def __str__(self) -> str:
        note = f" — pack note: {self.note}" if self.note else ""
        return f"{self.where}: {self.record_id}: {self.reason}{note}"


@dataclass(frozen=True, slots=True)
class ReviewGroup:
    """Warnings with one reason and one pack note: often many records from one source page,
    which staff re-check once."""

    reason: str
    note: str
    items: tuple[ReviewItem, ...]


def grouped(items: list[ReviewItem]) -> list[ReviewGroup]:
    """The warnings by reason and note, in the order each first occurs."""
    groups: dict[tuple[str, str], list[ReviewItem]] = {}
    for item in items:
        groups.setdefault((item.reason, item.note), []).append(item)
    return [ReviewGroup(reason, note, tuple(members)) for (reason, note), members in groups.items()]


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    year, index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review(kb: KnowledgeBase, today: date, stale_after_months: int) -> list[ReviewItem]:
    """Every warning about the pack on ``today``, in file order."""
    stale_before = months_before(today, stale_after_months)
    items = [
        *_series(kb, today),
        *(
            item
            for record in kb.records()
            for item in _record(record, today, stale_before, stale_after_months)
        ),
    ]
    return sorted(set(items), key=lambda i: (_file_order(i.where), i.record_id, i.reason))


def _record(
    record: Record, today: date, stale_before: date, stale_after_months: int
) -> Iterator[ReviewItem]:
    dates = record.dates

    def item(reason: str) -> ReviewItem:
        return ReviewItem(location(record), record.id, reason, dates.review_note)

    if isinstance(record, Tender):
        reason = _tender_contradiction(record, today)
        if reason:
            yield item(reason)
    if dates.as_of is not None and dates.as_of > today:
        yield item(f"as_of {dates.as_of} lies in the future")
    if dates.historical:
        return
    if dates.has_ended(today) and not dates.series:
        yield item(
            f"its period ended on {dates.valid_until}: update it, or mark it historical if it "
            "tells of the past"
        )
    elif dates.as_of is not None and dates.valid_until is None and dates.as_of < stale_before:
        yield item(f"as_of {dates.as_of} is more than {_age(stale_after_months)} old")


def _series(kb: KnowledgeBase, today: date) -> Iterator[ReviewItem]:
    """One warning per series with no record in force: on its latest record."""
    for (series, _), members in series_of(kb.records()).items():
        if any(member.dates.covers(today) for member in members):
            continue
        latest = max(members, key=lambda r: r.dates.valid_until or r.dates.valid_from or date.min)
        if latest.dates.has_begun(today):
            reason = (
                f"nothing in series '{series}' holds today: the latest period ended on "
                f"{latest.dates.valid_until}; add the current one"
            )
        else:
            reason = f"nothing in series '{series}' holds yet today: add the current period"
        yield ReviewItem(location(latest), latest.id, reason, latest.dates.review_note)


def _tender_contradiction(tender: Tender, today: date) -> str:
    """What in a tender row's status its dates contradict today; empty when nothing does."""
    status = tender.status.casefold()
    state = tender_state(tender, today)
    if tender.published is not None and tender.published > today and status != "planlagt":
        return f"status '{tender.status}' but published {tender.published} lies in the future"
    if tender.deadline is not None and tender.deadline >= today and state is TenderState.CLOSED:
        return f"status '{tender.status}' but the deadline {tender.deadline} is still ahead"
    if state is TenderState.CLOSED and status in OPEN_STATUSES | {"annonceret"}:
        return f"status '{tender.status}' but the deadline {tender.deadline} has passed"
    if state is TenderState.PROBABLY_CLOSED:
        return (
            f"status '{tender.status}' since {tender.published} without a deadline: the "
            "deadline has probably passed"
        )
    if state is TenderState.DEADLINE_UNKNOWN and status in OPEN_STATUSES:
        return f"status '{tender.status}' without a deadline: a tender is open only until it"
    if state is TenderState.PLANNED_OVERDUE:
        return f"planned for {tender.expected_publication}, which has passed"
    return ""


def _age(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'' if years == 1 else 's'}"
    return f"{months} months"


def _file_order(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return (path, int(line)) if line.isdigit() else (where, 0)
