"""Record types of the knowledge base.

One type per source kind, so that retrieval and answers can treat each the way
its source deserves: a policy passage is quoted with its heading, an FAQ entry
is answered in the asker's language, a tender row is shown field by field as
it stands in the data (never paraphrased, so no date or value is invented).
All records are immutable; every one carries the URL it was written from,
and may carry ``Dates`` saying when its facts hold, so that the bot never
presents as current what has ended.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("da", "en")


class Kind(StrEnum):
    """What a record is; the index can filter on it."""

    PASSAGE = "passage"
    FAQ = "faq"
    TENDER = "tender"


@dataclass(frozen=True, slots=True)
class Citation:
    """A source shown under an answer."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Dates:
    """When a record's facts hold, as its source tells.

    ``as_of`` is the date the source describes (a page's date, a notice's
    date); ``valid_from``/``valid_until`` bound a period in which the facts
    hold (thresholds, a contract, a funded project), both days included.
    Records in one ``series`` state the same fact for different periods (the
    thresholds of 2024–25 and of 2026–27), so the bot can pick the one in
    force. A ``historical`` record tells of the past in the past tense and
    never goes stale. ``review_note`` is staff's explanation, shown next to
    the record's warnings in ``knowledge check`` and the insights report.
    """

    as_of: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    series: str = ""
    historical: bool = False
    review_note: str = ""

    def has_begun(self, day: date) -> bool:
        return self.valid_from is None or self.valid_from <= day

    def has_ended(self, day: date) -> bool:
        return self.valid_until is not None and self.valid_until < day

    def covers(self, day: date) -> bool:
        return self.has_begun(day) and not self.has_ended(day)

    def covers_year(self, year: int) -> bool:
        """The period overlaps the calendar year (a record without a period overlaps all)."""
        return self.has_begun(date(year, 12, 31)) and not self.has_ended(date(year, 1, 1))


@dataclass(frozen=True, slots=True)
class Passage:
    """One section of a document (policy, rules), found by its heading path."""

    id: str
    title: str
    heading_path: tuple[str, ...]
    text: str
    source_url: str
    language: str
    source_file: str
    line: int = 0
    dates: Dates = Dates()
    tender: str = ""
    """The id of the tender row this passage is about, whose state today the answer shows."""
    gap: bool = False
    """The passage tells what the knowledge does not know: shown, but a person answers."""

    kind = Kind.PASSAGE

    @property
    def heading(self) -> str:
        """The innermost heading, or the document title for text before any heading."""
        return self.heading_path[-1] if self.heading_path else self.title

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language,)

    def citation(self, language: str | None = None) -> Citation:
        """Document title and the heading chain, so the asker can find the place."""
        return Citation(title=" › ".join((self.title, *self.heading_path)), url=self.source_url)


@dataclass(frozen=True, slots=True)
class FaqText:
    """An FAQ entry in one language."""

    question: str
    answer: str
    alternates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """A question businesses ask, answered in Danish and/or English.

    ``learned`` marks entries that staff published from an escalation; they
    live in the database rather than in the pack files.
    """

    id: str
    texts: Mapping[str, FaqText]
    source_url: str
    tags: tuple[str, ...] = ()
    source_file: str = ""
    learned: bool = False
    line: int = 0
    dates: Dates = Dates()
    tender: str = ""
    """The id of the tender row this entry is about, whose state today the answer shows."""
    gap: bool = False
    """The entry tells what the knowledge does not know: shown, but a person answers."""
    special_case: tuple[str, ...] = ()
    """Words (Danish or English) naming the special case the entry is about, when it is not
    the general one a supplier to Aarhus Kommune means: another kind of buyer (the state,
    utilities), a special regime or small lots. Asked without naming it, the general record
    answers; the entry only when the question names its case."""

    kind = Kind.FAQ

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if lang in self.texts)

    def text_for(self, language: str) -> tuple[str, FaqText]:
        """The text in ``language`` if present, else the first available, with its language."""
        if language in self.texts:
            return language, self.texts[language]
        other = self.languages[0]
        return other, self.texts[other]

    def citation(self, language: str | None = None) -> Citation:
        _, text = self.text_for(language or LANGUAGES[0])
        return Citation(title=text.question, url=self.source_url)


@dataclass(frozen=True, slots=True)
class LearnedEntry(FaqEntry):
    """An FAQ entry staff published from an escalation (``learned`` is always True).

    It may be written in two languages with one answer: staff can answer a
    Danish question in English, and add phrasings in the other language so
    that askers of both languages find it. ``answer_language`` is the
    language the answer is written in, whatever language it is found by;
    ``answered_on`` (and ``updated_on`` after a correction) is the day staff
    gave the answer, which every reply citing it shows; ``dates.as_of`` is the
    later of the two, the day the answer was last stated.
    """

    number: int = 0
    answer_language: str = "da"
    answered_on: date | None = None
    updated_on: date | None = None


@dataclass(frozen=True, slots=True)
class Tender:
    """One row of the tender list, with values exactly as in the source file.

    Free-text fields (value, period, notes) are kept verbatim: the bot shows
    them, it never computes with them.
    """

    id: str
    title: str
    source_url: str
    category: str = ""
    buyer: str = ""
    procedure: str = ""
    notice: str = ""
    status: str = ""
    published: date | None = None
    deadline: date | None = None
    expected_publication: date | None = None
    estimated_value: str = ""
    contract_period: str = ""
    contact: str = ""
    notes: str = ""
    source_file: str = ""
    row: int = 0
    dates: Dates = Dates()

    kind = Kind.TENDER

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGUAGES

    def citation(self, language: str | None = None) -> Citation:
        return Citation(title=self.title, url=self.source_url)


@dataclass(frozen=True, slots=True)
class GlossaryGroup:
    """Danish and English words that mean the same thing in procurement."""

    da: tuple[str, ...]
    en: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return (*self.da, *self.en)


Record = Passage | FaqEntry | Tender


def location(record: Record) -> str:
    """Where staff find a record: ``file:line`` (a tender's row), or its id when it has no file."""
    line = record.row if isinstance(record, Tender) else record.line
    if not record.source_file:
        return record.id
    return f"{record.source_file}:{line}" if line else record.source_file


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """Something wrong in one knowledge file; the rest of the pack still loads."""

    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.message}"


@dataclass(slots=True)
class KnowledgeBase:
    """Everything the bot knows, plus what could not be loaded."""

    passages: list[Passage] = field(default_factory=list)
    faqs: list[FaqEntry] = field(default_factory=list)
    tenders: list[Tender] = field(default_factory=list)
    glossary: list[GlossaryGroup] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)

    def records(self) -> Iterator[Record]:
        yield from self.passages
        yield from self.faqs
        yield from self.tenders
