"""The Slack channel end to end: signed events through bolt, replies through the Web API.

Real ``AsyncApp`` and ``AsyncWebClient``, a real runtime on the shipped
knowledge, and the fake Web API of ``tests.fake_slack`` on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.serve import Server
from bot.channels.slack import SlackChannel
from bot.channels.slack_blocks import CHOICES_BLOCK, FEEDBACK_BLOCK, FEEDBACK_DOWN, FEEDBACK_UP
from bot.conversation import Action, Asker, Question
from bot.escalation.schema import Feedback
from bot.runtime import Runtime, build_assistant
from index.search import SearchIndex
from knowledge.model import KnowledgeBase
from tests.fake_slack import (
    APP_TOKEN,
    BOT_USER,
    FakeSlackApi,
    SlackHarness,
    block_action,
    build_runtime,
    dm_event,
    event_payload,
    mention_event,
    slack_settings,
)

pytestmark = pytest.mark.model

INBOX_LOGGER = "bot.escalation.inbox"
INVOICE = "Hvordan sender jeg en faktura til Aarhus Kommune?"
# Questions that are ambiguous on the shipped pack; the first that clarifies is used.
AMBIGUOUS = ("kontrakt", "udbud", "tender", "licitation", "tilbud", "kvalificering")


@pytest.fixture
def runtime(
    tmp_path: Path,
    api: FakeSlackApi,
    shipped_knowledge: KnowledgeBase,
    shipped_index: SearchIndex,
) -> Iterator[Runtime]:
    runtime = build_runtime(
        slack_settings(tmp_path, api.base_url), shipped_knowledge, shipped_index
    )
    yield runtime
    runtime.close()


@pytest.fixture
async def slack(runtime: Runtime, api: FakeSlackApi) -> AsyncIterator[SlackHarness]:
    async with SlackHarness(runtime, api) as harness:
        yield harness


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Bolt only logs what goes wrong in a listener: a test fails on any such error."""
    caplog.set_level(logging.ERROR)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def section_texts(message: dict[str, Any]) -> str:
    return "\n".join(
        block["text"]["text"] for block in message["blocks"] if block["type"] == "section"
    )


def buttons(message: dict[str, Any], block_id: str) -> list[dict[str, Any]]:
    block = next(b for b in message["blocks"] if b.get("block_id") == block_id)
    return block["elements"]


def posted(params: dict[str, Any]) -> dict[str, Any]:
    """A posted message as Slack would return it in an interaction payload."""
    return {
        "type": "message",
        "ts": params["ts"],
        "text": params["text"],
        "blocks": params["blocks"],
        **({"thread_ts": params["thread_ts"]} if params.get("thread_ts") else {}),
    }


async def nth_post(api: FakeSlackApi, number: int) -> dict[str, Any]:
    return (await api.wait_for("chat.postMessage", number))[number - 1]


# Asking ---------------------------------------------------------------------------------------


async def test_direct_message_is_answered_in_the_dm_with_sources_and_buttons(
    slack: SlackHarness, api: FakeSlackApi
):
    response = await slack.send_event(dm_event(INVOICE, channel="D0ASKER01"))
    assert response.status == 200

    [reply] = await api.wait_for("chat.postMessage")
    assert reply["channel"] == "D0ASKER01"
    assert "thread_ts" not in reply
    assert "EAN" in section_texts(reply)
    assert "EAN" in reply["text"]
    context = next(b for b in reply["blocks"] if b["type"] == "context")
    assert any("<https://" in element["text"] for element in context["elements"])
    labels = [b["action_id"] for b in buttons(reply, FEEDBACK_BLOCK)]
    assert labels[:2] == [FEEDBACK_UP, FEEDBACK_DOWN]
    assert buttons(reply, FEEDBACK_BLOCK)[2]["value"] == "/menneske"


async def test_mention_in_a_channel_is_answered_in_a_thread_under_it(
    slack: SlackHarness, api: FakeSlackApi
):
    event = mention_event("How do I send an invoice to Aarhus Kommune?", channel="C0PUBLIC1")
    await slack.send_event(event)

    [reply] = await api.wait_for("chat.postMessage")
    assert reply["channel"] == "C0PUBLIC1"
    assert reply["thread_ts"] == event["ts"]
    assert "EAN" in section_texts(reply)
    assert f"<@{BOT_USER}>" not in reply["text"]


async def test_event_is_acknowledged_before_its_reply_is_sent(
    slack: SlackHarness, api: FakeSlackApi
):
    gate = api.hold("chat.postMessage")
    response = await asyncio.wait_for(slack.send_event(dm_event(INVOICE)), timeout=3)
    assert response.status == 200  # while the reply cannot have been sent: the gate is shut
    gate.set()
    [reply] = await api.wait_for("chat.postMessage")
    assert "EAN" in section_texts(reply)


async def test_clicked_choice_is_the_askers_next_question(
    slack: SlackHarness, api: FakeSlackApi, runtime: Runtime
):
    question = await clarifying_question(runtime)
    await slack.send_event(dm_event(question, user="U0PICKER1", channel="D0PICKER1"))
    clarify = await nth_post(api, 1)
    choices = buttons(clarify, CHOICES_BLOCK)
    first = choices[0]
    assert first["value"].startswith("pick:") and len(first["value"]) == len("pick:") + 10

    click = block_action("U0PICKER1", "D0PICKER1", posted(clarify), first, CHOICES_BLOCK)
    assert (await slack.send_interaction(click)).status == 200

    _, answer = await api.wait_for("chat.postMessage", 2)
    assert answer["channel"] == "D0PICKER1"
    assert buttons(answer, FEEDBACK_BLOCK)[0]["action_id"] == FEEDBACK_UP
    [update] = await api.wait_for("chat.update")
    assert update["ts"] == clarify["ts"]
    assert all(b.get("block_id") != CHOICES_BLOCK for b in update["blocks"])
    assert first["text"]["text"][:20] in str(update["blocks"])


async def clarifying_question(runtime: Runtime) -> str:
    """A question the assistant answers with choices (asked without a desk: no side effects)."""
    probe = build_assistant(runtime.settings, runtime.knowledge, runtime.index, None)
    glossary_words = [word for group in runtime.knowledge.glossary for word in group.da]
    for number, candidate in enumerate([*AMBIGUOUS, *glossary_words]):
        reply = await probe.reply(Question(candidate, Asker("probe", f"probe-{number}", "p")))
        if reply.action is Action.CLARIFY:
            return candidate
    raise AssertionError("no single word or glossary term is ambiguous on the shipped pack")


async def test_thumbs_up_is_recorded_and_thanked(
    slack: SlackHarness, api: FakeSlackApi, runtime: Runtime
):
    await slack.send_event(dm_event(INVOICE, user="U0RATER01", channel="D0RATER01"))
    answer = await nth_post(api, 1)
    up = buttons(answer, FEEDBACK_BLOCK)[0]

    await slack.send_interaction(
        block_action("U0RATER01", "D0RATER01", posted(answer), up, FEEDBACK_BLOCK)
    )

    [update] = await api.wait_for("chat.update")
    assert "Tak for din tilbagemelding" in str(update["blocks"])
    assert runtime.desk is not None
    assert await runtime.desk.feedback_counts() == (1, 0)
    rows = runtime.desk.store.transaction(lambda s: s.query(Feedback.record_ids).all())
    assert rows and rows[0][0] != "[]"


async def test_thumbs_down_offers_a_person(
    slack: SlackHarness, api: FakeSlackApi, runtime: Runtime
):
    await slack.send_event(dm_event(INVOICE, user="U0RATER02", channel="D0RATER02"))
    answer = await nth_post(api, 1)
    down = buttons(answer, FEEDBACK_BLOCK)[1]

    await slack.send_interaction(
        block_action("U0RATER02", "D0RATER02", posted(answer), down, FEEDBACK_BLOCK)
    )

    [update] = await api.wait_for("chat.update")
    assert "Ærgerligt" in str(update["blocks"])
    assert [b["value"] for b in buttons(update, FEEDBACK_BLOCK)] == ["/menneske"]
    assert runtime.desk is not None
    assert await runtime.desk.feedback_counts() == (0, 1)


# Retries and signatures ------------------------------------------------------------------------


async def test_retried_event_gets_one_reply(
    slack: SlackHarness, api: FakeSlackApi, inbox_log: pytest.LogCaptureFixture
):
    event = dm_event(INVOICE, user="U0RETRY01")
    event_id = f"Ev{uuid.uuid4().hex[:10]}"
    first = await slack.send_event(event, event_id)
    retry = await slack.send_event(event, event_id, retry=1)

    assert (first.status, retry.status) == (200, 200)
    await retry_ignored(inbox_log, event_id)
    await api.wait_for("chat.postMessage")
    await api.settle()
    assert len(api.of("chat.postMessage")) == 1


async def test_retry_after_a_restart_gets_no_second_reply(
    runtime: Runtime, api: FakeSlackApi, inbox_log: pytest.LogCaptureFixture
):
    event = dm_event(INVOICE, user="U0RESTART")
    event_id = f"Ev{uuid.uuid4().hex[:10]}"
    async with SlackHarness(runtime, api) as before:
        await before.send_event(event, event_id)
        await api.wait_for("chat.postMessage")

    async with SlackHarness(runtime, api) as after:
        response = await after.send_event(event, event_id, retry=2)
        assert response.status == 200
        await retry_ignored(inbox_log, event_id)
        await api.settle()
    assert len(api.of("chat.postMessage")) == 1


@pytest.fixture
def inbox_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger=INBOX_LOGGER)
    return caplog


async def retry_ignored(caplog: pytest.LogCaptureFixture, event_id: str) -> None:
    """Wait until the inbox has seen the retry of ``event_id`` and let it go."""
    for _ in range(200):
        records = [r.getMessage() for r in caplog.records if r.name == INBOX_LOGGER]
        if any(event_id in message and "ignoring" in message for message in records):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the retry of {event_id} was not recognised")


@pytest.mark.parametrize(
    ("secret", "age"),
    [("wrong-secret", 0), ("test-signing-secret", 10 * 60)],
    ids=["bad signature", "stale timestamp"],
)
async def test_unsigned_or_stale_requests_are_refused(
    slack: SlackHarness, api: FakeSlackApi, secret: str, age: int
):
    response = await slack.send_event(
        dm_event(INVOICE), secret=secret, timestamp=int(time.time()) - age
    )
    assert response.status == 401
    await api.settle()
    assert api.of("chat.postMessage") == []


async def test_url_verification_is_answered_with_the_challenge(slack: SlackHarness):
    body = '{"type": "url_verification", "challenge": "c-123", "token": "t"}'
    from tests.fake_slack import signed_headers

    response = await slack.post_raw(body, signed_headers(body), "application/json")
    assert response.status == 200
    assert "c-123" in await response.text()


# Socket Mode ---------------------------------------------------------------------------------


async def test_socket_mode_event_is_acknowledged_and_answered(
    tmp_path: Path,
    api: FakeSlackApi,
    shipped_knowledge: KnowledgeBase,
    shipped_index: SearchIndex,
):
    settings = slack_settings(
        tmp_path, api.base_url, slack_app_token=APP_TOKEN, slack_signing_secret=None
    )
    runtime = build_runtime(settings, shipped_knowledge, shipped_index)
    channel = SlackChannel(runtime)
    server = Server(runtime, [channel])
    try:
        await channel.start(server.inbox)
        await api.wait_for("apps.connections.open")
        envelope = {
            "envelope_id": "env-1",
            "type": "events_api",
            "accept_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": event_payload(dm_event(INVOICE, channel="D0SOCKET1")),
        }
        await api.socket_envelopes.put(envelope)
        await api.wait_for_socket_ack("env-1")
        [reply] = await api.wait_for("chat.postMessage")
        assert reply["channel"] == "D0SOCKET1"
        assert "EAN" in section_texts(reply)
    finally:
        await channel.stop()
        runtime.close()


async def test_http_mode_without_a_signing_secret_does_not_start(
    tmp_path: Path,
    api: FakeSlackApi,
    shipped_knowledge: KnowledgeBase,
    shipped_index: SearchIndex,
):
    settings = slack_settings(tmp_path, api.base_url, slack_signing_secret=None)
    runtime = build_runtime(settings, shipped_knowledge, shipped_index)
    try:
        with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
            SlackChannel(runtime)
    finally:
        runtime.close()
