"""What the date does to an answer, on small records made here (no index, no model)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.validity import Timeline, asks_about_now, named_years
from knowledge.model import Dates, FaqEntry, FaqText, KnowledgeBase, Tender


def entry(entry_id: str, dates: Dates, tender: str = "") -> FaqEntry:
    return FaqEntry(
        id=entry_id,
        texts={"da": FaqText("Spørgsmål?", "Svar."), "en": FaqText("Question?", "Answer.")},
        source_url="https://kfst.dk/t",
        dates=dates,
        tender=tender,
    )


T2024 = entry("t-2024", Dates(None, date(2024, 1, 1), date(2025, 12, 31), "eu-threshold"))
T2026 = entry("t-2026", Dates(None, date(2026, 1, 1), date(2027, 12, 31), "eu-threshold"))
CONTACT = entry("contact", Dates(date(2022, 2, 9), date(2021, 5, 6), date(2025, 12, 31)))
GREEN = Tender(
    id="T01",
    title="Grøn pleje og vintertjeneste",
    source_url="https://ted.europa.eu/702101-2025",
    status="annonceret",
    published=date(2025, 10, 24),
)
GREEN_FAQ = entry("green", Dates(as_of=date(2025, 10, 24)), tender="T01")
TIMELINE = Timeline(KnowledgeBase(faqs=[T2024, T2026, CONTACT, GREEN_FAQ], tenders=[GREEN]))


@pytest.mark.parametrize(
    ("message", "years"),
    [
        ("what's the EU threshold for services?", set()),
        ("tærskelværdi 2025", {2025}),
        ("thresholds 2024–25", {2024, 2025}),
        ("tærskelværdier 2026/2027", {2026, 2027}),
        ("hvad er tærskelværdien næste år", {2027}),
    ],
)
def test_years_named_in_a_question(message: str, years: set[int]) -> None:
    assert named_years(message, date(2026, 12, 4)) == years


@pytest.mark.parametrize(
    ("message", "now"),
    [
        ("er der et åbent udbud på grønne områder og vintertjeneste?", True),
        ("hvem er kontaktperson for erhverv aarhus samarbejdet?", True),
        ("is the project still running?", True),
        ("hvem vandt udbuddet i 2019?", False),
        ("how was the project funded?", False),
    ],
)
def test_questions_about_the_present(message: str, now: bool) -> None:
    assert asks_about_now(message) is now


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2025, 6, 1), "t-2024"), (date(2026, 12, 4), "t-2026"), (date(2027, 12, 31), "t-2026")],
)
def test_a_threshold_question_without_a_year_gets_the_period_in_force(
    today: date, expected: str
) -> None:
    for hit in (T2024, T2026):
        resolved = TIMELINE.resolve(
            hit, [hit], "what's the EU threshold for services?", today, "en"
        )
        assert resolved.record is not None and resolved.record.id == expected


def test_a_named_year_picks_its_period_even_when_another_is_in_force() -> None:
    resolved = TIMELINE.resolve(T2026, [T2026, T2024], "tærskelværdi 2025", date(2026, 12, 4), "da")
    assert resolved.record is T2024


@pytest.mark.parametrize("today", [date(2028, 1, 1), date(2023, 12, 31)])
def test_outside_every_known_period_no_record_holds_and_the_reason_says_which_are_known(
    today: date,
) -> None:
    resolved = TIMELINE.resolve(
        T2026, [T2026], "what's the EU threshold for services?", today, "en"
    )
    assert resolved.record is None
    assert "the period 1 January 2024 – 31 December 2027" in resolved.missing
    assert "not what applies today" in resolved.missing


def test_a_named_year_outside_every_period_is_unknown_too() -> None:
    resolved = TIMELINE.resolve(T2026, [T2026], "tærskelværdi 2029", date(2026, 12, 4), "da")
    assert resolved.record is None
    assert resolved.missing.endswith("og ikke for 2029.")


def test_inside_the_period_the_contact_is_answered_as_current() -> None:
    notes = TIMELINE.notes(CONTACT, "hvem er kontaktperson?", date(2023, 3, 1), "da")
    assert notes.around("Svar.") == "Svar."
    assert notes.choices("da") == ()


def test_before_the_period_the_answer_says_when_it_begins() -> None:
    notes = TIMELINE.notes(CONTACT, "who leads the project?", date(2021, 1, 1), "en")
    assert notes.around("Answer.") == "Answer.\n\nNote: this only applies from 6 May 2021."


def test_after_the_period_a_question_about_now_gets_what_was_last_known_and_a_person() -> None:
    notes = TIMELINE.notes(CONTACT, "hvem er kontaktperson?", date(2026, 12, 4), "da")
    text = notes.around("Svar.")
    assert text.startswith("Det seneste, jeg ved (oplysninger pr. 9. februar 2022):\n\nSvar.")
    assert "perioden 6. maj 2021 – 31. december 2025, som er slut" in text
    assert [choice.value for choice in notes.choices("da")] == ["/menneske"]


def test_after_the_period_other_questions_get_the_period_in_the_past_tense() -> None:
    notes = TIMELINE.notes(CONTACT, "how was the project funded?", date(2026, 12, 4), "en")
    assert notes.around("Answer.") == (
        "Answer.\n\nNote: our information on this covers the period 6 May 2021 – "
        "31 December 2025, which has ended."
    )
    assert notes.choices("en") == ()


@pytest.mark.parametrize(
    ("today", "line"),
    [
        (date(2025, 11, 1), "published on 24 October 2025; the deadline is not in our data — see"),
        (
            date(2026, 12, 4),
            "published on 24 October 2025; the deadline is not in our data and has "
            "probably passed — check the notice.",
        ),
    ],
)
def test_an_answer_about_a_tender_says_where_it_stands_today(today: date, line: str) -> None:
    notes = TIMELINE.notes(GREEN_FAQ, "is there an open tender for green areas?", today, "en")
    assert line in notes.around("Answer.")
    assert notes.choices("en")


def test_a_tender_is_open_only_with_a_deadline_ahead() -> None:
    with_deadline = Tender(
        id="T9",
        title="X",
        source_url="https://ted.europa.eu/9",
        status="åben",
        deadline=date(2026, 12, 15),
    )
    assert "open for bids, the deadline is 15 December 2026" in TIMELINE.tender_line(
        with_deadline, date(2026, 12, 4), "en"
    )
    assert "has passed" in TIMELINE.tender_line(with_deadline, date(2026, 12, 16), "en")
