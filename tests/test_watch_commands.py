"""Subscribing through the assistant: the commands, the button under tender listings, /slet."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.conversation import Action, Asker, Question, Reply
from bot.runtime import Runtime

pytestmark = pytest.mark.model

ASKER = Asker(platform="telegram", user_id="4711", chat_id="4711")


async def ask(runtime: Runtime, message: str, hint: str | None = None) -> Reply:
    return await runtime.assistant.reply(Question(message, ASKER, language_hint=hint))


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    return make_runtime()


async def test_subscribe_list_and_unsubscribe_in_danish(runtime: Runtime) -> None:
    subscribed = await ask(runtime, "/abonner rengøring")
    assert subscribed.action is Action.SMALL_TALK
    assert "Du abonnerer nu på udbud om «rengøring»" in subscribed.text
    assert "/afmeld 1" in subscribed.text
    await ask(runtime, "/abonner grøn pleje")

    listed = await ask(runtime, "/abonnementer")
    assert "1. rengøring\n2. grøn pleje" in listed.text

    stopped = await ask(runtime, "/afmeld 1")
    assert "Stoppet: 1. rengøring" in stopped.text
    assert "1. grøn pleje" in (await ask(runtime, "/abonnementer")).text
    missing = await ask(runtime, "/afmeld vinduespudsning")
    assert "Jeg fandt intet abonnement, der passer til «vinduespudsning»" in missing.text


async def test_subscribe_in_english_and_without_keywords(runtime: Runtime) -> None:
    reply = await ask(runtime, "/subscribe IT", hint="en")
    assert reply.language == "en"
    assert "You are now subscribed to tenders about “it”" in reply.text
    assert "already subscribed" in (await ask(runtime, "/subscribe it", hint="en")).text
    usage = await ask(runtime, "/subscribe", hint="en")
    assert "Write one or more keywords after /subscribe" in usage.text
    assert "1. it" in (await ask(runtime, "/subscriptions", hint="en")).text


async def test_tender_listing_offers_a_subscribe_button_that_subscribes(runtime: Runtime) -> None:
    listing = await ask(runtime, "/udbud rengøring")
    assert listing.action is Action.ANSWER
    [choice] = listing.choices
    assert choice.value == "/abonner rengøring"
    assert "rengøring" in choice.label

    picked = await ask(runtime, choice.value)
    assert "Du abonnerer nu på udbud om «rengøring»" in picked.text


async def test_an_empty_listing_also_offers_the_button(runtime: Runtime) -> None:
    reply = await ask(runtime, "/udbud vinduespudsning")
    assert [c.value for c in reply.choices] == ["/abonner vinduespudsning"]


async def test_delete_erases_subscriptions(runtime: Runtime) -> None:
    await ask(runtime, "/abonner rengøring")
    await ask(runtime, "/abonner it", hint="da")
    deleted = await ask(runtime, "/slet", hint="da")
    assert "(2 poster)" in deleted.text
    listed = await ask(runtime, "/abonnementer", hint="da")
    assert "Du har ingen abonnementer" in listed.text
