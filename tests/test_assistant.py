"""The assistant on the shipped knowledge: each action, both languages, bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.conversation import Action, Asker, Question, Reply
from bot.escalation.views import StaffMember, TicketStatus
from bot.escalation.workdays import COPENHAGEN
from bot.runtime import Runtime
from bot.texts import long_date
from knowledge.model import Citation

pytestmark = pytest.mark.model

ASKER = Asker(platform="console", user_id="tester", chat_id="tester")


async def ask(runtime: Runtime, message: str, asker: Asker = ASKER) -> Reply:
    return await runtime.assistant.reply(Question(text=message, asker=asker))


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    return make_runtime()


async def test_danish_invoice_question_is_answered_in_danish_with_a_source(runtime: Runtime):
    reply = await ask(runtime, "Hvordan sender jeg en faktura til Aarhus Kommune?")
    assert reply.action is Action.ANSWER
    assert reply.language == "da"
    assert "EAN" in reply.text
    assert reply.citations and all(c.url.startswith("http") for c in reply.citations)


async def test_sloppy_synonym_question_finds_the_invoice_answer(runtime: Runtime):
    reply = await ask(runtime, "hvor finder jeg ean nr til regningen")
    assert reply.action is Action.ANSWER
    assert "EAN" in reply.text


async def test_english_question_is_answered_in_english_and_names_the_danish_text(
    runtime: Runtime,
):
    reply = await ask(runtime, "What is the EU threshold for municipal services in 2026?")
    assert reply.action is Action.ANSWER
    assert reply.language == "en"
    assert "1,611,360" in reply.text or "1611360" in reply.text.replace(",", "")


async def test_english_answer_from_danish_site_says_danish_text_rules(runtime: Runtime):
    reply = await ask(runtime, "Where do I find Aarhus Kommune's EAN numbers?")
    assert reply.action is Action.ANSWER
    assert "Danish text is the authoritative" in reply.text


async def test_language_switch_sticks_for_later_danish_questions(runtime: Runtime):
    switched = await ask(runtime, "English please")
    assert switched.language == "en"
    reply = await ask(runtime, "hvornår blev SKI stiftet?")
    assert reply.language == "en"
    assert "1994" in reply.text


async def test_a_language_asked_for_inside_a_question_is_used_and_not_searched_for(
    runtime: Runtime,
):
    reply = await ask(runtime, "serviceattest – english pls, hvor får jeg den?")
    assert reply.action is Action.ANSWER
    assert reply.language == "en"
    assert reply.record_ids == (await ask(runtime, "serviceattest, hvor får jeg den?")).record_ids
    later = await ask(runtime, "hvornår blev SKI stiftet?")
    assert later.language == "en"


async def test_a_chat_style_language_request_alone_switches_without_a_search(runtime: Runtime):
    reply = await ask(runtime, "english pls")
    assert reply.action is Action.SMALL_TALK
    assert reply.language == "en"
    assert await runtime.desk.tickets() == []


async def test_unanswerable_procurement_question_opens_a_ticket(runtime: Runtime):
    reply = await ask(runtime, "Hvem er indkøberen med ansvar for kontorstole i Aarhus Kommune?")
    assert reply.action is Action.ESCALATE
    assert reply.ticket_id is not None
    assert f"#{reply.ticket_id}" in reply.text
    ticket = await runtime.desk.ticket(reply.ticket_id)
    assert ticket.status is TicketStatus.OPEN
    assert "kontorstole" in ticket.question


async def test_a_new_question_opens_its_own_ticket_and_a_follow_up_joins_its_own(
    runtime: Runtime,
):
    chairs = await ask(runtime, "Hvem er indkøberen med ansvar for kontorstole i Aarhus Kommune?")
    fees = await ask(runtime, "Tager kommunen gebyr for at modtage papirfakturaer?")
    narrower = await ask(runtime, "Hvem køber kontorstole ind til skolerne?")
    repeated = await ask(runtime, "Tager kommunen gebyr for at modtage papirfakturaer?")

    assert {r.action for r in (chairs, fees, narrower, repeated)} == {Action.ESCALATE}
    assert fees.ticket_id != chairs.ticket_id
    assert narrower.ticket_id == chairs.ticket_id
    assert repeated.ticket_id == fees.ticket_id
    assert "føjet dit spørgsmål til din åbne sag" in narrower.text
    first = await runtime.desk.ticket(chairs.ticket_id)
    assert first.messages == (
        "Hvem er indkøberen med ansvar for kontorstole i Aarhus Kommune?",
        "Hvem køber kontorstole ind til skolerne?",
    )
    assert first.other_open == (fees.ticket_id,)
    assert len(await runtime.desk.tickets()) == 2


async def test_asking_for_a_person_escalates_with_the_last_question(runtime: Runtime):
    await ask(runtime, "Hvad er reglerne for elcykler i kommunens udbud?")
    reply = await ask(runtime, "/menneske")
    assert reply.action is Action.ESCALATE
    tickets = await runtime.desk.tickets()
    assert [t.question for t in tickets] == ["Hvad er reglerne for elcykler i kommunens udbud?"]


async def test_private_help_to_win_a_tender_is_redirected_to_the_official_qa(runtime: Runtime):
    reply = await ask(
        runtime, "Hvad skal vi skrive i vores tilbud på rengøringsudbuddet for at vinde?"
    )
    assert reply.action is Action.REDIRECT
    assert "ligebehandling" in reply.text
    assert await runtime.desk.tickets() == []


async def test_english_request_for_extra_time_in_a_current_tender_is_redirected(
    runtime: Runtime,
):
    reply = await ask(runtime, "Can we get more time for our bid in your current cleaning tender?")
    assert reply.action is Action.REDIRECT
    assert "equally" in reply.text


@pytest.mark.parametrize(
    "message",
    ["Hvordan fornyer jeg mit kørekort?", "What's a good recipe for pancakes?", "Skriv en sang"],
)
async def test_off_topic_messages_are_out_of_scope_without_a_ticket(runtime: Runtime, message: str):
    reply = await ask(runtime, message)
    assert reply.action is Action.OUT_OF_SCOPE
    assert reply.ticket_id is None
    assert await runtime.desk.tickets() == []


@pytest.mark.parametrize(
    ("message", "language"), [("hej", "da"), ("Hello!", "en"), ("mange tak", "da"), ("help", "en")]
)
async def test_greetings_thanks_and_help_get_short_friendly_replies(
    runtime: Runtime, message: str, language: str
):
    reply = await ask(runtime, message)
    assert reply.action is Action.SMALL_TALK
    assert reply.language == language
    assert len(reply.text) < 700


async def test_tender_listing_by_keyword_shows_rows_and_says_it_is_not_the_plan(
    runtime: Runtime,
):
    reply = await ask(runtime, "/udbud rengøring")
    assert reply.action is Action.ANSWER
    assert "211" in reply.text or "Børn og Unge" in reply.text
    assert "ikke Aarhus Kommunes officielle udbudsplan" in reply.text
    assert all(t.category == "rengøring" for t in _tenders(runtime, reply))


async def test_tenders_about_it_in_english(runtime: Runtime):
    reply = await ask(runtime, "tenders about IT")
    assert reply.action is Action.ANSWER
    assert reply.language == "en"
    assert _tenders(runtime, reply)
    assert "not Aarhus Kommune's official tender plan" in reply.text


async def test_future_tenders_the_list_cannot_know_go_to_a_person(runtime: Runtime):
    reply = await ask(runtime, "Which tenders will Aarhus Kommune publish in 2027?")
    assert reply.action is Action.ESCALATE
    assert "don't know" in reply.text
    assert reply.ticket_id is not None


async def test_delete_my_data_erases_tickets(runtime: Runtime):
    escalated = await ask(runtime, "Hvem er indkøberen med ansvar for kontorstole?")
    reply = await ask(runtime, "/slet")
    assert reply.action is Action.SMALL_TALK
    assert "slettet" in reply.text
    ticket = await runtime.desk.ticket(escalated.ticket_id)
    assert ticket.asker is None


async def test_published_staff_answer_is_given_to_the_next_asker(runtime: Runtime):
    question = "Må man medbringe sin hund til et informationsmøde om udbud?"
    escalated = await ask(runtime, question)
    assert escalated.action is Action.ESCALATE
    await runtime.desk.answer(
        escalated.ticket_id,
        StaffMember.operator(),
        "Kontakt arrangøren af mødet; det afhænger af stedet.",
        publish=True,
    )
    assert await runtime.refresh_learned() == 1
    other = Asker(platform="telegram", user_id="42", chat_id="42")
    reply = await ask(runtime, question, other)
    assert reply.action is Action.ANSWER
    assert "arrangøren" in reply.text
    [citation] = reply.citations
    today = long_date(datetime.now(UTC).astimezone(COPENHAGEN).date(), "da")
    assert citation == Citation(f"Besvaret af Indkøb og Udbud den {today}", "")


@pytest.mark.parametrize(
    ("question", "first"),
    [
        (
            "Kan I tjekke, om vores firma står på listen over godkendte vinduespudsere?",
            Action.ESCALATE,
        ),
        ("Hvilke udbud kommer der inden for vinduespudsning i 2027?", Action.ESCALATE),
        ("Må vi aflevere vores tilbud i det igangværende udbud på en USB-nøgle?", Action.REDIRECT),
    ],
    ids=["own-case", "future-tenders", "own-bid"],
)
async def test_a_rule_that_sends_a_question_away_yields_to_a_published_answer(
    runtime: Runtime, question: str, first: Action
):
    assert (await ask(runtime, question)).action is first
    escalated = await ask(runtime, f"/menneske {question}")
    assert escalated.action is Action.ESCALATE
    answer = "Indkøb og Udbud offentliggør det på udbud.dk, når det er besluttet."
    await runtime.desk.answer(escalated.ticket_id, StaffMember.operator(), answer, publish=True)
    await runtime.refresh_learned()

    reply = await ask(runtime, question, Asker(platform="slack", user_id="U9", chat_id="D9"))
    assert reply.action is Action.ANSWER
    # The published question heads the answer, as an FAQ entry's own question does.
    assert reply.text.startswith(f"{question}\n{answer}")
    assert reply.record_ids == ("learned-1",)
    assert reply.confidence >= runtime.settings.answer_threshold


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "?!?!",
        "\x00\x07\x1b[31m",
        "这是一个关于天气的问题吗",
        "<b>hej</b><script>alert(1)</script>",
        "a " * 5000,
        "faktura " * 2000,
    ],
)
async def test_bad_input_never_raises_nor_gets_a_wrong_confident_answer(
    runtime: Runtime, message: str
):
    reply = await ask(runtime, message)
    assert reply.text
    if reply.action is Action.ANSWER:
        assert "faktura" in message


async def test_ten_thousand_characters_are_cut_and_the_asker_is_told(runtime: Runtime):
    reply = await ask(runtime, "hvordan sender jeg en faktura " + "x" * 10_000)
    assert "meget langt" in reply.text


async def test_without_a_desk_escalation_points_to_the_procurement_unit(
    make_runtime: Callable[..., Runtime],
):
    runtime = make_runtime(with_desk=False)
    reply = await ask(runtime, "Hvem er indkøberen med ansvar for kontorstole i Aarhus Kommune?")
    assert reply.action is Action.ESCALATE
    assert "bedreindkoeb@ba.aarhus.dk" in reply.text


def _tenders(runtime: Runtime, reply: Reply):
    ids = set(reply.record_ids)
    return [t for t in runtime.knowledge.tenders if t.id in ids]


async def test_a_failure_inside_the_bot_still_gets_the_asker_a_reply(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index on fire")

    monkeypatch.setattr(runtime.index, "search", broken)
    reply = await ask(runtime, "Hvordan sender jeg en faktura?")
    assert reply.action is Action.SMALL_TALK
    assert "/menneske" in reply.text
