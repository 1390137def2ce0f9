"""The shipped pack answered on different days: thresholds, the green-area tender, the Erhverv
Aarhus contact and the daycare-lunch system, with the clock before, inside and after their
periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from bot.conversation import Action, Asker, Question, Reply
from bot.runtime import Runtime

pytestmark = pytest.mark.model

ASKER = Asker(platform="console", user_id="tester", chat_id="tester")
DONE_DAY = date(2026, 12, 4)


async def ask(make_runtime: Callable[..., Runtime], day: date, message: str) -> Reply:
    runtime = make_runtime(today=day)
    return await runtime.assistant.reply(Question(text=message, asker=ASKER))


def digits(reply: Reply) -> str:
    return reply.text.replace(",", "").replace(".", "")


@pytest.mark.parametrize(
    ("day", "amount"),
    [(date(2025, 6, 1), "1644638"), (DONE_DAY, "1611360"), (date(2027, 12, 31), "1611360")],
)
async def test_threshold_without_a_year_is_the_one_in_force(
    make_runtime: Callable[..., Runtime], day: date, amount: str
) -> None:
    reply = await ask(
        make_runtime, day, "Hvad er EU-tærskelværdien for kommunens køb af tjenesteydelser?"
    )
    assert reply.action is Action.ANSWER
    [other] = {"1644638", "1611360"} - {amount}
    assert amount in digits(reply)
    assert other not in digits(reply)


@pytest.mark.parametrize("message", ["tærskelværdi varer?", "threshold for goods"])
async def test_a_short_threshold_question_gets_the_municipal_threshold_in_force(
    make_runtime: Callable[..., Runtime], message: str
) -> None:
    reply = await ask(make_runtime, DONE_DAY, message)
    assert reply.action is Action.ANSWER
    assert reply.record_ids == ("rules-threshold-supplies-2026",)
    assert "1611360" in digits(reply)


SPECIAL_CASES = {
    "rules-threshold-central-government-2026",
    "rules-threshold-utilities",
    "rules-threshold-small-lots",
    "rules-light-regime-threshold",
}


@pytest.mark.parametrize(
    "message", ["threshold supplies 2026", "tærskelværdi tjenesteydelser 2026"]
)
async def test_a_threshold_asked_without_naming_a_special_case_is_the_municipal_one(
    make_runtime: Callable[..., Runtime], message: str
) -> None:
    """The state's, utilities' and small lots' figures say "supplies 2026" as well; a supplier
    to Aarhus Kommune asking plainly means the municipality's, not a choice between them."""
    reply = await ask(make_runtime, DONE_DAY, message)
    assert reply.action is Action.ANSWER
    assert not set(reply.record_ids) & SPECIAL_CASES
    assert "1611360" in digits(reply)


@pytest.mark.parametrize(
    ("message", "record"),
    [
        ("er grænsen lavere for staten?", "rules-threshold-central-government-2026"),
        ("threshold for utilities 2026", "rules-threshold-utilities"),
        ("beløbsgrænse for små delkontrakter", "rules-threshold-small-lots"),
    ],
)
async def test_a_question_naming_a_special_case_gets_it(
    make_runtime: Callable[..., Runtime], message: str, record: str
) -> None:
    reply = await ask(make_runtime, DONE_DAY, message)
    assert reply.action is Action.ANSWER
    assert reply.record_ids == (record,)


async def test_threshold_for_a_named_year_is_given_in_the_past_tense_with_its_period(
    make_runtime: Callable[..., Runtime],
) -> None:
    reply = await ask(make_runtime, DONE_DAY, "What was the EU threshold for services in 2025?")
    assert reply.action is Action.ANSWER
    assert "1644638" in digits(reply)
    assert "1 January 2024 – 31 December 2025, which has ended" in reply.text


async def test_after_the_last_known_period_the_threshold_goes_to_a_person(
    make_runtime: Callable[..., Runtime],
) -> None:
    question = "what is the EU threshold for supplies and services?"
    reply = await ask(make_runtime, date(2028, 1, 2), question)
    assert reply.action is Action.ESCALATE
    assert reply.ticket_id is not None
    assert "not what applies today (2 January 2028)" in reply.text
    assert "1611360" not in digits(reply) and "216000" not in digits(reply)


async def test_a_choice_between_records_never_offers_a_period_that_has_ended(
    make_runtime: Callable[..., Runtime],
) -> None:
    reply = await ask(make_runtime, DONE_DAY, "what's the EU threshold for services?")
    shown = " ".join([reply.text, *(choice.label for choice in reply.choices)])
    assert reply.action in (Action.ANSWER, Action.CLARIFY)
    assert "2024" not in shown
    assert "1644638" not in digits(reply)


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (date(2025, 11, 1), "published on 24 October 2025; the deadline is not in our data — see"),
        (
            DONE_DAY,
            "published on 24 October 2025; the deadline is not in our data and has "
            "probably passed — check the notice",
        ),
    ],
)
async def test_the_green_area_tender_says_where_it_stands_on_the_day(
    make_runtime: Callable[..., Runtime], day: date, status: str
) -> None:
    reply = await ask(
        make_runtime, day, "Is there an open tender for green-area maintenance and winter service?"
    )
    assert reply.action is Action.ANSWER
    assert status in reply.text
    assert not reply.text.startswith("Yes")
    assert [choice.value for choice in reply.choices] == ["/menneske"]


async def test_the_project_contact_before_the_project(make_runtime: Callable[..., Runtime]):
    reply = await ask(make_runtime, date(2021, 3, 1), "Who leads the Erhverv Aarhus project?")
    assert reply.action is Action.ANSWER
    assert "only applies from 6 May 2021" in reply.text


async def test_the_project_contact_during_the_project_is_answered_as_current(
    make_runtime: Callable[..., Runtime],
) -> None:
    reply = await ask(
        make_runtime, date(2023, 3, 1), "hvem er kontaktperson for erhverv aarhus samarbejdet?"
    )
    assert reply.action is Action.ANSWER
    assert "Sara Villemoes" in reply.text
    assert "Det seneste, jeg ved" not in reply.text
    assert reply.choices == ()


async def test_the_project_contact_after_the_project_is_what_was_last_known_and_a_person(
    make_runtime: Callable[..., Runtime],
) -> None:
    reply = await ask(
        make_runtime, DONE_DAY, "hvem er kontaktperson for erhverv aarhus samarbejdet?"
    )
    assert reply.action is Action.ANSWER
    assert reply.text.startswith("Det seneste, jeg ved (oplysninger pr. ")
    assert "Sara Villemoes" in reply.text
    assert "31. december 2025, som er slut" in reply.text
    assert [choice.value for choice in reply.choices] == ["/menneske"]


@pytest.mark.parametrize(("day", "ended"), [(date(2023, 6, 1), False), (DONE_DAY, True)])
async def test_the_lunch_system_is_not_presented_as_running_after_its_six_years(
    make_runtime: Callable[..., Runtime], day: date, ended: bool
) -> None:
    reply = await ask(make_runtime, day, "How can a caterer supply lunches to daycare in Aarhus?")
    assert reply.action is Action.ANSWER
    assert "2019/S 020-043380" in reply.text
    assert ("up to 31 December 2025, which has ended" in reply.text) is ended


async def test_a_tender_listing_shows_each_rows_state_today(make_runtime: Callable[..., Runtime]):
    reply = await ask(make_runtime, DONE_DAY, "/udbud grøn pleje")
    assert reply.action is Action.ANSWER
    assert (
        "Status pr. 4. december 2026: offentliggjort 24. oktober 2025; tilbudsfristen står ikke "
        "i vores data og er sandsynligvis overskredet"
    ) in reply.text


async def test_no_open_tender_is_said_honestly_and_goes_to_a_person(
    make_runtime: Callable[..., Runtime],
) -> None:
    reply = await ask(make_runtime, DONE_DAY, "hvilke åbne udbud er der om grøn pleje?")
    assert reply.action is Action.ESCALATE
    assert reply.text.startswith(
        "Vores liste har intet udbud om «grøn pleje» med en tilbudsfrist, der endnu ikke er "
        "overskredet."
    )
