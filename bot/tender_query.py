"""Answer "which tenders …" questions from the tender data, never from free text.

A listing question is turned into a filter (keywords, period, open-only,
future-looking) and applied to the tender rows; rows are shown with their
fields exactly as in the data. The known list holds published notices only,
so a question about the future that no planned row answers is not answered
with "none": only a person who knows the real tender plan can say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.texts import text
from knowledge.model import GlossaryGroup, Tender
from knowledge.timing import PLANNED_STATUSES, TenderState, tender_state

_FUTURE = re.compile(
    r"\b(kommer|kommende|planlagt\w*|planer|på vej|paa vej|forventet|fremtidig\w*|næste|naeste|"
    r"udbyde[rs]?|upcoming|coming|planned|plan(s|ning)?|will|future|next|expected|"
    r"going to)\b",
    re.IGNORECASE,
)
_OPEN_NOW = re.compile(
    r"\b(åbne?|aabne?|åbent|aabent|i gang|igangværende|aktuelle|lige nu|nu|open|now|current|"
    r"currently|ongoing|live)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(20\d\d)\b")
_QUARTER = re.compile(
    r"\bq([1-4])\b|\b(første|anden|andet|tredje|fjerde|first|second|third|fourth|[1-4])\.?"
    r"\s+(?:kvartal|quarter)\b",
    re.IGNORECASE,
)
_QUARTER_NUMBERS = {
    "første": 1,
    "first": 1,
    "anden": 2,
    "andet": 2,
    "second": 2,
    "tredje": 3,
    "third": 3,
    "fjerde": 4,
    "fourth": 4,
}
_NEXT_YEAR = re.compile(r"\b(næste år|naeste aar|next year)\b", re.IGNORECASE)
_THIS_YEAR = re.compile(r"\b(i år|i aar|this year)\b", re.IGNORECASE)

# Words that make a message a listing request rather than a topic to filter on.
_LISTING_WORDS = frozenset(
    """
    hvilke hvad for nogle kommer kommende planlagte planer aktuelle nye åbne aabne er der har i
    udbud udbuddene licitation licitationer udbyde udbyder offentlige inden indenfor om på paa
    til med i af fra kommunen aarhus kommune kommunes kvartal første anden tredje fjerde næste
    naeste år aar nu lige gang vej which what any upcoming planned current open new list of show
    me tenders tender calls call for public about on in within coming will the a an are is there
    publish published municipality city quarter first second third fourth next year this now
    s udbud/tenders tenders? please og and or vil
    """.split()
)


@dataclass(frozen=True, slots=True)
class TenderFilter:
    keywords: tuple[str, ...]
    period: tuple[date, date] | None
    future: bool
    open_only: bool


def parse_request(message: str, today: date) -> TenderFilter:
    """Read keywords, period and intent (future, open now) from a listing request."""
    lowered = message.casefold()
    words = re.findall(r"[^\W\d_][\w-]*", lowered)
    keywords = tuple(word for word in words if word not in _LISTING_WORDS and len(word) > 1)
    period = _period(lowered, today)
    future = bool(_FUTURE.search(lowered)) or (period is not None and period[1] >= today)
    open_only = bool(_OPEN_NOW.search(lowered)) and not future
    return TenderFilter(keywords=keywords, period=period, future=future, open_only=open_only)


def _period(lowered: str, today: date) -> tuple[date, date] | None:
    year_match = _YEAR.search(lowered)
    if year_match:
        year = int(year_match.group(1))
    elif _NEXT_YEAR.search(lowered):
        year = today.year + 1
    elif _THIS_YEAR.search(lowered):
        year = today.year
    else:
        return None
    quarter = _QUARTER.search(lowered)
    if quarter:
        word = quarter.group(1) or quarter.group(2)
        number = int(word) if word.isdigit() else _QUARTER_NUMBERS[word.casefold()]
        first_month = 3 * number - 2
        last_day = date(year + (number == 4), (first_month + 3 - 1) % 12 + 1, 1).toordinal() - 1
        return date(year, first_month, 1), date.fromordinal(last_day)
    return date(year, 1, 1), date(year, 12, 31)


class KeywordMatcher:
    """Whether a tender is about any of some keywords: the one rule for listings and watches.

    A keyword matches when one of its stems (Danish or English) occurs in the
    tender's title, category, notes or buyer, or when every stem of a glossary
    synonym does (``rengøring`` finds a row that only says *cleaning services*).
    """

    def __init__(
        self,
        terms: Callable[[str, str], set[str]],
        glossary: Iterable[GlossaryGroup] = (),
    ) -> None:
        self._terms = terms
        self._groups: list[list[frozenset[str]]] = []
        for group in glossary:
            members = [
                frozenset(terms(word, language))
                for language, words in (("da", group.da), ("en", group.en))
                for word in words
            ]
            self._groups.append([stems for stems in members if stems])

    def __call__(self, tender: Tender, keywords: Sequence[str]) -> bool:
        fields = " ".join((tender.title, tender.category, tender.notes, tender.buyer))
        have = self._terms(fields, "da") | self._terms(fields, "en")
        return any(any(stems <= have for stems in self._alternatives(word)) for word in keywords)

    def _alternatives(self, word: str) -> list[frozenset[str]]:
        own = self._terms(word, "da") | self._terms(word, "en")
        alternatives = [frozenset({stem}) for stem in own]
        for members in self._groups:
            if any(stems <= own for stems in members):
                alternatives.extend(members)
        return alternatives


def is_open(tender: Tender, today: date) -> bool:
    """Open for bids: only a deadline still ahead says so, whatever the status column says."""
    return tender_state(tender, today) is TenderState.OPEN


def _relevant_date(tender: Tender) -> date | None:
    return tender.expected_publication or tender.published or tender.deadline


def select(
    tenders: Iterable[Tender],
    wanted: TenderFilter,
    today: date,
    matches: Callable[[Tender, Sequence[str]], bool],
) -> list[Tender]:
    """Rows that pass every part of the filter, newest first."""
    chosen = []
    for tender in tenders:
        if wanted.keywords and not matches(tender, wanted.keywords):
            continue
        if wanted.open_only and not is_open(tender, today):
            continue
        if wanted.future and not (
            tender.status.casefold() in PLANNED_STATUSES or is_open(tender, today)
        ):
            continue
        when = _relevant_date(tender)
        if wanted.period and (when is None or not wanted.period[0] <= when <= wanted.period[1]):
            continue
        chosen.append(tender)
    return sorted(chosen, key=lambda t: _relevant_date(t) or date.min, reverse=True)


def render(tender: Tender, language: str) -> str:
    """One tender as text, every value exactly as stored."""
    labels = text("tender_fields", language).split("|")
    values = (
        tender.status,
        _iso(tender.published),
        _iso(tender.deadline),
        _iso(tender.expected_publication),
        tender.estimated_value,
        tender.contract_period,
        tender.notice,
        tender.buyer,
        tender.category,
        tender.contact,
        tender.notes,
    )
    details = [f"{label}: {value}" for label, value in zip(labels, values, strict=True) if value]
    lines = [f"• {tender.title}", *(f"  {line}" for line in details)]
    if tender.source_url:
        lines.append(f"  {tender.source_url}")
    return "\n".join(lines)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""
