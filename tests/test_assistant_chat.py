"""Messages as they arrive in chat: junk gets a question back, never an answer or a ticket;
one-word and sloppy questions; what the knowledge says it does not know; bid talk that is
general and bid talk about a tender under way."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.answers import compose
from bot.conversation import Action, Asker, Question, Reply
from bot.runtime import Runtime, term_set
from knowledge.model import Passage

pytestmark = pytest.mark.model

ASKER = Asker(platform="console", user_id="chatter", chat_id="chatter")


async def ask(runtime: Runtime, message: str) -> Reply:
    return await runtime.assistant.reply(Question(text=message, asker=ASKER))


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    return make_runtime()


@pytest.mark.parametrize(
    "message",
    [
        "2026",
        "7",
        "{{7*7}}",
        "`code`",
        "' OR 1=1 --",
        "SELECT * FROM users;",
        "1; SELECT pg_sleep(5) --",
        "<script>alert(1)</script>",
        "asdfgh qwerty",
        "🙂🙂🙂",
        "/udbud/menneske",
        "/kontakt /menneske",
        "/foo",
    ],
)
async def test_junk_is_never_answered_and_never_a_ticket(runtime: Runtime, message: str):
    reply = await ask(runtime, message)
    assert reply.action not in (Action.ANSWER, Action.ESCALATE, Action.REDIRECT)
    assert reply.text
    assert await runtime.desk.tickets() == []


async def test_junk_is_asked_what_the_asker_wants_to_know(runtime: Runtime):
    reply = await ask(runtime, "{{7*7}}")
    assert reply.action is Action.SMALL_TALK
    assert "Hvad vil du gerne vide" in reply.text


async def test_glued_commands_get_the_command_list_pointer(runtime: Runtime):
    reply = await ask(runtime, "/kontakt /menneske")
    assert "/help" in reply.text


async def test_a_one_word_question_with_one_fitting_record_is_answered(runtime: Runtime):
    reply = await ask(runtime, "espd??")
    assert reply.action is Action.ANSWER
    assert "ESPD" in reply.text


@pytest.mark.parametrize(
    ("message", "said"),
    [("hvad er kædeansvar", "kædeansvar"), ("what is the light regime", "light regime")],
)
async def test_a_procurement_term_asked_about_alone_is_answered_not_turned_away(
    runtime: Runtime, message: str, said: str
):
    reply = await ask(runtime, message)
    assert reply.action is Action.ANSWER
    assert said in reply.text.lower()


async def test_a_one_word_question_without_one_fitting_record_is_asked_about(runtime: Runtime):
    reply = await ask(runtime, "udbud")
    assert reply.action is Action.SMALL_TALK
    assert "«udbud»" in reply.text
    assert await runtime.desk.tickets() == []


async def test_what_the_knowledge_says_it_does_not_know_goes_to_a_person(runtime: Runtime):
    reply = await ask(runtime, "Kan jeg se kommunens udbudsplan?")
    assert reply.action is Action.ESCALATE
    assert "ikke fundet en offentlig udgave" in reply.text  # what we know: that we don't know
    assert len(await runtime.desk.tickets()) == 1


async def test_a_general_question_about_ones_own_bid_is_answered_from_the_rules(
    runtime: Runtime,
):
    reply = await ask(runtime, "Må jeg aflevere mit tilbud på papir?")
    assert reply.action is not Action.REDIRECT
    assert "elektronisk" in reply.text


async def test_bid_talk_about_a_tender_under_way_goes_to_its_official_qa(runtime: Runtime):
    reply = await ask(runtime, "Kan vi få mere tid til vores tilbud i det igangværende udbud?")
    assert reply.action is Action.REDIRECT


async def test_a_municipal_question_outside_procurement_is_out_of_scope(runtime: Runtime):
    reply = await ask(runtime, "Hvornår henter kommunen storskrald på min vej?")
    assert reply.action is Action.OUT_OF_SCOPE
    assert await runtime.desk.tickets() == []


async def test_a_misspelt_chat_question_is_still_procurement(runtime: Runtime):
    reply = await ask(runtime, "hva er treshold for varer ift eu udbud rn??")
    assert reply.action in (Action.ANSWER, Action.ESCALATE, Action.CLARIFY)


def test_a_passage_answer_keeps_the_exception_after_the_rule() -> None:
    filler = " ".join(f"Sætning nummer {n} handler om noget andet end tilbud." for n in range(30))
    passage = Passage(
        id="p",
        title="Regler",
        heading_path=("Tildeling",),
        text=f"{filler} Det billigste tilbud vinder, når kriteriet er pris. "
        "Men kommunen kan også tildele på bedste forhold mellem pris og kvalitet.",
        source_url="https://example.org/p",
        language="da",
        source_file="regler.da.md",
    )
    answer = compose(passage, "vinder det billigste tilbud altid?", "da", term_set)
    assert "Det billigste tilbud vinder" in answer
    assert "bedste forhold mellem pris og kvalitet" in answer


async def test_different_facts_that_fit_equally_well_are_offered_as_a_choice(runtime: Runtime):
    # Which threshold? Those for works and for supplies differ.
    reply = await ask(runtime, "hvad er tærskelværdien i 2026?")
    assert reply.action is Action.CLARIFY
    labels = " ".join(choice.label for choice in reply.choices).casefold()
    assert "bygge- og anlæg" in labels and "varer" in labels


async def test_an_acronym_both_languages_use_keeps_the_askers_language(runtime: Runtime):
    reply = await ask(runtime, "espd??")
    assert reply.language == "da"
