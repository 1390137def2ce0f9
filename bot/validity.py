"""Answers that respect today: the date decides which record holds and what an answer says.

Facts have dates (``knowledge.model.Dates``); this module turns them into
what the asker is told, on the one clock the assistant reads:

- A fact stated per period (a ``series``, such as the thresholds) is answered
  from the record for the years the question names, else from the one in
  force today. When no record covers that time, the bot does not know the
  values: the assistant hands the question to a person rather than give old
  values as current.
- A record whose period has ended is answered with a note that says so and
  when; asked about now ("is there …", "who is …"), the answer starts with
  what the bot last knew and when, and offers a person.
- A tender, or a record about one, gets a line saying where it stands today:
  open only with a deadline ahead; an old notice without a deadline has
  probably closed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot import tender_query
from bot.conversation import Choice
from bot.escalation.workdays import COPENHAGEN
from bot.texts import long_date, text
from index.search import Hit
from knowledge.model import Dates, FaqEntry, KnowledgeBase, Passage, Record, Tender
from knowledge.timing import TenderState, covering_years, in_force, series_of, tender_state


def aarhus_today() -> date:
    """The bot's clock: the date in Aarhus, whatever time zone the server keeps."""
    return datetime.now(COPENHAGEN).date()


_ABOUT_NOW = re.compile(
    r"\b(nu|lige nu|i dag|stadig|fortsat|stadigvæk|for tiden|aktuel\w*|nuværende|nuvaerende|"
    r"åbne?t?|aabne?t?|er der|findes der|hvem er|kører|koerer|now|right now|currently|current|"
    r"today|still|at the moment|is there|are there|who is|who's|open|ongoing|running)\b",
    re.IGNORECASE,
)
_YEAR_SPAN = re.compile(r"\b(20\d\d)\s*[-–/]\s*(20\d\d|\d\d)\b")
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_RELATIVE_YEAR = (
    (re.compile(r"\b(i år|i aar|this year)\b", re.IGNORECASE), 0),
    (re.compile(r"\b(næste år|naeste aar|next year)\b", re.IGNORECASE), 1),
    (re.compile(r"\b(sidste år|sidste aar|i fjor|last year)\b", re.IGNORECASE), -1),
)


def asks_about_now(message: str) -> bool:
    """The question is about the present ("is there an open tender", "who is the contact")."""
    return bool(_ABOUT_NOW.search(message))


def named_years(message: str, today: date) -> set[int]:
    """The calendar years a question names: 2026, 2024–25, 2026/2027, "this year"."""
    years: set[int] = set()
    for first, last in _YEAR_SPAN.findall(message):
        end = int(last) if len(last) == 4 else int(first[:2] + last)
        years.update(range(int(first), max(int(first), end) + 1))
    years.update(int(year) for year in _YEAR.findall(message))
    for pattern, offset in _RELATIVE_YEAR:
        if pattern.search(message):
            years.add(today.year + offset)
    return years


@dataclass(frozen=True, slots=True)
class Resolved:
    """The record to answer from, or (``record`` None) why no record holds for that time."""

    record: Record | None
    missing: str = ""


@dataclass(frozen=True, slots=True)
class Notes:
    """What the date adds to an answer: a lead-in, notes after it, and the offer of a person."""

    lead: str = ""
    tail: tuple[str, ...] = ()
    offer_person: bool = False

    def around(self, body: str) -> str:
        return "\n\n".join(part for part in (self.lead, body, *self.tail) if part)

    def choices(self, language: str) -> tuple[Choice, ...]:
        return (Choice(text("ask_person", language), "/menneske"),) if self.offer_person else ()


class Timeline:
    """The pack's dated records, read once per knowledge base, asked about one day at a time."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._series = series_of(knowledge.records())
        self._tenders = {tender.id: tender for tender in knowledge.tenders}

    def resolve(
        self, record: Record, ranked: Sequence[Record], message: str, today: date, language: str
    ) -> Resolved:
        """For a record of a series, the member for the years asked about, else for today,
        preferring the best ranked; any other record stands as it is."""
        if not record.dates.series:
            return Resolved(record)
        members = self._series.get((record.dates.series, _language(record, language)), [record])
        years = named_years(message, today)
        holding = covering_years(members, years) if years else in_force(members, today)
        holding_ids = {member.id for member in holding}
        if record.id in holding_ids:
            return Resolved(record)
        if holding:
            return Resolved(next((r for r in ranked if r.id in holding_ids), holding[0]))
        known = _period(_span(members), language)
        if years:
            listed = ", ".join(str(year) for year in sorted(years))
            return Resolved(None, text("dated_unknown_years", language, period=known, years=listed))
        return Resolved(
            None,
            text("dated_unknown_today", language, period=known, today=long_date(today, language)),
        )

    def current(self, hits: Sequence[Hit], message: str, today: date, language: str) -> list[Hit]:
        """The hits as they hold for the time asked about: each series member replaced by the
        one in force, keeping the better-ranked hit's place. An old period's record is no
        choice to offer beside today's (the 2024–25 thresholds when 2026–27 hold), and a
        series that holds nothing for that time is none either; only as the best hit does
        it stay, to be handed to a person with the reason (see :meth:`resolve`)."""
        ranked = [hit.record for hit in hits]
        kept: dict[str, Hit] = {}
        for position, hit in enumerate(hits):
            holding = self.resolve(hit.record, ranked, message, today, language)
            if holding.record is None and position > 0:
                continue
            record = holding.record or hit.record
            now = hit if record is hit.record else dataclasses.replace(hit, record=record)
            kept.setdefault(now.record.id, now)
        return list(kept.values())

    def notes(self, record: Record, message: str, today: date, language: str) -> Notes:
        """What the answer from ``record`` must say about time on ``today``."""
        now = asks_about_now(message)
        tail: list[str] = []
        offer = False
        tender = record if isinstance(record, Tender) else self._tenders.get(record.tender)
        if tender is not None:
            line = self.tender_line(tender, today, language)
            if line:
                tail.append(line)
            offer = now and tender_state(tender, today) is not TenderState.OPEN
        dates = record.dates
        lead = ""
        if dates.has_ended(today):
            period = _period(dates, language)
            if now:
                when = (
                    text("dated_as_of", language, day=long_date(dates.as_of, language))
                    if dates.as_of
                    else period
                )
                lead = text("dated_last_known", language, when=when)
                tail.append(text("dated_ended_now", language, period=period))
                offer = True
            else:
                tail.append(text("dated_ended", language, period=period))
        elif not dates.has_begun(today) and dates.valid_from is not None:
            tail.append(
                text("dated_not_yet", language, start=long_date(dates.valid_from, language))
            )
        return Notes(lead, tuple(tail), offer)

    def listed(self, tender: Tender, language: str, today: date) -> str:
        """A tender row as stored, then where it stands today."""
        row = tender_query.render(tender, language)
        state = self.tender_line(tender, today, language)
        return f"{row}\n  {state}" if state else row

    def tender_line(self, tender: Tender, today: date, language: str) -> str:
        """Where a tender stands today, in one sentence; empty when it is not up for bidding."""
        state = tender_state(tender, today)
        key = _STATE_TEXTS.get(state)
        if state is TenderState.DEADLINE_UNKNOWN and tender.published is None:
            key = "tender_state_undated"
        if key is None:
            return ""
        values = {"today": long_date(today, language)}
        for name in ("deadline", "published", "expected_publication"):
            day = getattr(tender, name)
            values[name] = long_date(day, language) if day else ""
        return text(key, language, **values)


_STATE_TEXTS = {
    TenderState.OPEN: "tender_state_open",
    TenderState.CLOSED: "tender_state_closed",
    TenderState.PROBABLY_CLOSED: "tender_state_probably_closed",
    TenderState.DEADLINE_UNKNOWN: "tender_state_deadline_unknown",
    TenderState.PLANNED_OVERDUE: "tender_state_planned_overdue",
}


def _language(record: Record, asked: str) -> str:
    """The language a record is a series member in: a passage's own, an entry's asked one."""
    if isinstance(record, Passage):
        return record.language
    if isinstance(record, FaqEntry) and asked not in record.languages:
        return record.languages[0]
    return asked


def _span(members: Sequence[Record]) -> Dates:
    """The time all members of a series cover together (an open end stays open)."""
    starts = [m.dates.valid_from for m in members]
    ends = [m.dates.valid_until for m in members]
    return Dates(
        valid_from=None if None in starts else min(d for d in starts if d is not None),
        valid_until=None if None in ends else max(d for d in ends if d is not None),
    )


def _period(dates: Dates, language: str) -> str:
    start = long_date(dates.valid_from, language) if dates.valid_from else ""
    end = long_date(dates.valid_until, language) if dates.valid_until else ""
    if start and end:
        return text("period_between", language, start=start, end=end)
    if end:
        return text("period_until", language, end=end)
    return text("period_from", language, start=start)
