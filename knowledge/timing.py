"""What the pack's dates mean on a given day: the record of a series in force, a tender's state.

The bot (answers), ``knowledge check`` and the insights report all ask these
questions, so the rules live here once: a tender is open only until its
deadline; a notice without a deadline is probably closed once it is older
than the longest bid period the rules set; and of the records that state one
fact for different periods (a ``series``), the one whose period covers the
day is the one in force.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from pathlib import Path

from knowledge.model import KnowledgeBase, LoadProblem, Passage, Record, Tender, location

LONGEST_BID_PERIOD = timedelta(days=60)
"""The longest minimum time from notice to bid deadline in the rules (restricted procedure:
30 days to apply, then 30 days to bid; the open procedure's is 35). A notice without a
deadline that is older than this has probably closed; a shorter cut would risk telling a
business that a tender still open has closed."""

OPEN_STATUSES = frozenset({"åben", "aaben", "open", "åbent"})
ANNOUNCED_STATUSES = frozenset({"annonceret", "announced", *OPEN_STATUSES})
PLANNED_STATUSES = frozenset({"planlagt", "planned", "forventet", "expected"})
FINISHED_STATUSES = frozenset({"historisk", "historical", "tildelt", "awarded"})


class TenderState(StrEnum):
    """Where a tender stands on a day, as far as its row can tell."""

    OPEN = "open"
    """The deadline is today or later."""
    CLOSED = "closed"
    """The deadline has passed."""
    PROBABLY_CLOSED = "probably_closed"
    """Announced without a deadline, longer ago than ``LONGEST_BID_PERIOD``."""
    DEADLINE_UNKNOWN = "deadline_unknown"
    """Announced without a deadline, recently or on an unknown day."""
    PLANNED = "planned"
    """Planned, expected to be published today or later (or on an unknown day)."""
    PLANNED_OVERDUE = "planned_overdue"
    """Planned, but the expected publication day has passed."""
    FINISHED = "finished"
    """Awarded, historical, or of unknown status without a deadline: not for bidding."""


def tender_state(tender: Tender, day: date) -> TenderState:
    status = tender.status.casefold()
    if status in FINISHED_STATUSES:
        return TenderState.CLOSED if tender.deadline else TenderState.FINISHED
    if tender.deadline is not None:
        return TenderState.OPEN if tender.deadline >= day else TenderState.CLOSED
    if status in ANNOUNCED_STATUSES:
        if tender.published is not None and tender.published + LONGEST_BID_PERIOD < day:
            return TenderState.PROBABLY_CLOSED
        return TenderState.DEADLINE_UNKNOWN
    if status in PLANNED_STATUSES:
        overdue = tender.expected_publication is not None and tender.expected_publication < day
        return TenderState.PLANNED_OVERDUE if overdue else TenderState.PLANNED
    return TenderState.FINISHED


Series = dict[tuple[str, str], list[Record]]
"""Records by (series, language); an FAQ entry is a member in each of its languages."""


def series_of(records: Iterable[Record]) -> Series:
    found: Series = defaultdict(list)
    for record in records:
        if record.dates.series:
            for language in record.languages:
                found[(record.dates.series, language)].append(record)
    return dict(found)


def in_force(members: Sequence[Record], day: date) -> list[Record]:
    return [record for record in members if record.dates.covers(day)]


def covering_years(members: Sequence[Record], years: Iterable[int]) -> list[Record]:
    wanted = tuple(years)
    return [record for record in members if any(record.dates.covers_year(y) for y in wanted)]


def link_problems(kb: KnowledgeBase) -> list[LoadProblem]:
    """What is wrong between records: a series member without a period, two members of one
    series whose periods overlap, a link to a tender that is not in the list."""
    problems: list[LoadProblem] = []
    for (series, _), members in sorted(series_of(kb.records()).items()):
        dated = []
        for record in members:
            if record.dates.valid_from is None and record.dates.valid_until is None:
                problems.append(
                    _problem(record, f"in series '{series}' but has no valid_from/valid_until")
                )
            else:
                dated.append(record)
        dated.sort(key=lambda r: r.dates.valid_from or date.min)
        for earlier, later in pairwise(dated):
            if _same_section(earlier, later):
                continue
            if earlier.dates.valid_until is None or (
                later.dates.valid_from is not None
                and later.dates.valid_from <= earlier.dates.valid_until
            ):
                problems.append(
                    _problem(
                        later,
                        f"its period overlaps that of {earlier.id} ({location(earlier)}) in "
                        f"series '{series}': only one may hold on a day",
                    )
                )
    tenders = {tender.id for tender in kb.tenders}
    for record in (*kb.passages, *kb.faqs):
        if record.tender and record.tender not in tenders:
            problems.append(
                _problem(record, f"links to tender '{record.tender}', which is not in the list")
            )
    return list(dict.fromkeys(problems))  # an FAQ entry is in its series once per language


def _same_section(one: Record, other: Record) -> bool:
    """Two passages cut from one long section share its period by design."""
    return (
        isinstance(one, Passage)
        and isinstance(other, Passage)
        and (one.source_file, one.line) == (other.source_file, other.line)
    )


def _problem(record: Record, message: str) -> LoadProblem:
    line = record.row if isinstance(record, Tender) else record.line
    path = Path(record.source_file or record.id)
    return LoadProblem(path, f"{record.id}: {message}", line or None)
