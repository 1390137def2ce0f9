"""The Slack staff channel end to end: tickets posted, answered in threads, delivered anywhere.

Real bolt ``AsyncApp``, real desk and outbox (through the shared ``Server``),
fake Web API on 127.0.0.1; a recording deliverer stands in for Telegram.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.channels.slack_blocks import (
    FAQ_WITHDRAW,
    LEARNED_BLOCK,
    PUBLISH_QUESTIONS,
    TICKET_BLOCK,
    TICKET_CLOSE,
    TICKET_PUBLISH,
    escape,
)
from bot.conversation import Asker
from bot.escalation.desk import EscalationDesk
from bot.escalation.views import TicketStatus
from bot.runtime import Runtime
from bot.texts import text
from index.search import SearchIndex
from knowledge.model import KnowledgeBase
from tests.fake_slack import (
    STAFF,
    STAFF_CHANNEL,
    FakeSlackApi,
    OtherPlatform,
    RecordingDeliverer,
    SlackHarness,
    block_action,
    build_runtime,
    dm_event,
    slack_settings,
    thread_reply_event,
    view_submission,
)

pytestmark = pytest.mark.model

UNKNOWN = "Hvem er indkøberen med ansvar for kontorstole i Aarhus Kommune?"
INJECTION = "<!channel> <@U123> <https://evil|click> hvem køber kontorstole?"
# The same text as Slack delivers it when a person types it: Slack escapes &, < and >.
INJECTION_TYPED = (
    "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; hvem køber kontorstole?"
)
OUTSIDER = "U0OUTSIDE"


@pytest.fixture
def staff_ids() -> str:
    return ""


@pytest.fixture
def runtime(
    tmp_path: Path,
    api: FakeSlackApi,
    staff_ids: str,
    shipped_knowledge: KnowledgeBase,
    shipped_index: SearchIndex,
) -> Iterator[Runtime]:
    settings = slack_settings(tmp_path, api.base_url, staff_ids=staff_ids)
    runtime = build_runtime(settings, shipped_knowledge, shipped_index)
    yield runtime
    runtime.close()


@pytest.fixture
def telegram() -> RecordingDeliverer:
    return RecordingDeliverer()


@pytest.fixture
async def slack(
    runtime: Runtime, api: FakeSlackApi, telegram: RecordingDeliverer
) -> AsyncIterator[SlackHarness]:
    async with SlackHarness(runtime, api, [OtherPlatform("telegram", telegram)]) as harness:
        yield harness


@pytest.fixture
def desk(runtime: Runtime) -> EscalationDesk:
    assert runtime.desk is not None
    return runtime.desk


def staff_posts(api: FakeSlackApi) -> list[dict[str, Any]]:
    return [p for p in api.of("chat.postMessage") if p["channel"] == STAFF_CHANNEL]


async def ticket_post(api: FakeSlackApi) -> dict[str, Any]:
    """The first ticket posted in the staff channel."""
    for _ in range(200):
        posts = [p for p in staff_posts(api) if "thread_ts" not in p]
        if posts:
            return posts[0]
        await api.wait_for("chat.postMessage", len(api.of("chat.postMessage")) + 1)
    raise AssertionError("no ticket was posted")


def everything_posted(params: dict[str, Any]) -> str:
    return f"{params['text']}\n{params['blocks']}"


async def escalate_from_slack(slack: SlackHarness, api: FakeSlackApi, text: str = UNKNOWN) -> int:
    """A Slack user asks for a person; returns the ticket number."""
    await slack.send_event(dm_event(f"/menneske {text}", user="U0ASKER01", channel="D0ASKER01"))
    post = await ticket_post(api)
    button = next(b for b in post["blocks"] if b.get("block_id") == TICKET_BLOCK)["elements"][0]
    return int(button["value"])


async def answer_in_thread(
    slack: SlackHarness, api: FakeSlackApi, text: str, user: str = STAFF[0]
) -> None:
    """A staff reply in the ticket's thread, once the desk knows the ticket's message."""
    post = await ticket_post(api)
    ticket_id = int(ticket_button(post, TICKET_CLOSE)["value"])
    desk = slack.runtime.desk
    assert desk is not None
    for _ in range(100):
        if await desk.staff_message(ticket_id, "slack"):
            break
        await asyncio.sleep(0.05)
    await slack.send_event(thread_reply_event(text, thread_ts=post["ts"], user=user))


# Tickets and answers ---------------------------------------------------------------------------


async def test_ticket_is_posted_with_question_asker_candidates_and_buttons(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket_id = await escalate_from_slack(slack, api)

    post = await ticket_post(api)
    ticket = await desk.ticket(ticket_id)
    shown = everything_posted(post)
    assert "kontorstole" in shown
    assert ticket.asker is not None and ticket.asker in shown
    assert "U0ASKER01" not in shown
    assert "via slack" in shown
    actions = next(b for b in post["blocks"] if b.get("block_id") == TICKET_BLOCK)["elements"]
    assert [a["action_id"] for a in actions] == [TICKET_PUBLISH, TICKET_CLOSE]
    asker_reply = await wait_for_post(api, lambda p: p["channel"] == "D0ASKER01")
    assert f"#{ticket_id}" in asker_reply["text"]


async def test_staff_reply_in_the_thread_reaches_the_slack_asker(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket_id = await escalate_from_slack(slack, api)
    post = await ticket_post(api)

    await answer_in_thread(slack, api, "Kontakt Indkøb og Udbud på 89 40 60 00 om kontorstole.")

    confirmation = await wait_for_post(api, lambda p: p.get("thread_ts") == post["ts"])
    assert f"#{ticket_id}" in confirmation["text"]
    assert (await desk.ticket(ticket_id)).status is TicketStatus.ANSWERED
    # The server's own outbox loop may be first to send it; either way it goes out once.
    await slack.server.outbox.process_once()

    delivered = await wait_for_post(api, lambda p: "89 40 60 00" in p["text"])
    assert delivered["channel"] == "D0ASKER01"
    for _ in range(200):  # the sender records the delivery once Slack has answered
        if (await desk.ticket(ticket_id)).status is TicketStatus.DELIVERED:
            break
        await asyncio.sleep(0.05)
    assert (await desk.ticket(ticket_id)).status is TicketStatus.DELIVERED
    await slack.server.outbox.process_once()
    to_asker = [p for p in api.of("chat.postMessage") if p["channel"] == "D0ASKER01"]
    assert sum("89 40 60 00" in p["text"] for p in to_asker) == 1


async def test_internal_notes_in_the_thread_stay_with_the_staff(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket_id = await escalate_from_slack(slack, api)
    post = await ticket_post(api)

    await answer_in_thread(slack, api, "intern: Hvem kender kontorstole-aftalen?")
    await answer_in_thread(slack, api, "Internal: Karen does, I'll ask her.")
    await answer_in_thread(slack, api, "Kontakt Indkøb og Udbud på 89 40 60 00 om kontorstole.")

    await wait_for_post(api, lambda p: p.get("thread_ts") == post["ts"])
    await api.settle()
    in_thread = [p for p in api.of("chat.postMessage") if p.get("thread_ts") == post["ts"]]
    assert len(in_thread) == 1 and f"#{ticket_id}" in in_thread[0]["text"]
    await slack.server.outbox.process_once()  # unless the server's own loop was first
    await wait_for_post(api, lambda p: "89 40 60 00" in p["text"])
    await api.settle()
    to_asker = [p["text"] for p in api.of("chat.postMessage") if p["channel"] == "D0ASKER01"]
    assert sum("89 40 60 00" in t for t in to_asker) == 1
    assert not any("kontorstole-aftalen" in t or "Karen" in t for t in to_asker)
    assert (await desk.ticket(ticket_id)).answer.startswith("Kontakt Indkøb")


async def test_staff_reply_reaches_a_telegram_asker_through_the_telegram_deliverer(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk, telegram: RecordingDeliverer
):
    asker = Asker("telegram", "4242", "4242")
    ticket = await desk.open_ticket(UNKNOWN, "da", asker)
    post = await ticket_post(api)
    assert "via telegram" in everything_posted(post)

    await answer_in_thread(slack, api, "/faq Ring til Indkøb og Udbud om kontorstole.")
    await wait_for_post(api, lambda p: p.get("thread_ts") == post["ts"])
    await slack.server.outbox.process_once()  # unless the server's own loop was first
    for _ in range(200):
        if telegram.sent:
            break
        await asyncio.sleep(0.05)
    await slack.server.outbox.process_once()

    [(to, text, language)] = telegram.sent
    assert to == asker
    assert "Ring til Indkøb og Udbud" in text and language == "da"
    assert all(p["channel"] != "4242" for p in api.of("chat.postMessage"))
    assert (await desk.ticket(ticket.id)).learned_id is not None


async def test_follow_up_question_is_posted_in_the_tickets_thread(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    asker = Asker("telegram", "77", "77")
    ticket = await desk.open_ticket(UNKNOWN, "da", asker)
    post = await ticket_post(api)
    await desk.open_ticket("Og hvem køber rengøringsartikler?", "da", asker, follow_up_of=ticket.id)

    follow_up = await wait_for_post(api, lambda p: p.get("thread_ts") == post["ts"])
    assert "rengøringsartikler" in everything_posted(follow_up)


async def test_reminder_is_broadcast_from_the_tickets_thread(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket = await desk.open_ticket(UNKNOWN, "da", Asker("telegram", "78", "78"))
    post = await ticket_post(api)

    reminded = await desk.send_due_reminders(now=ticket.created_at + timedelta(days=7))

    assert reminded == [ticket.id]
    reminder = await wait_for_post(api, lambda p: p.get("thread_ts") == post["ts"])
    assert reminder["reply_broadcast"] in (True, "true", "1")
    assert f"#{ticket.id}" in reminder["text"]


async def test_failed_delivery_is_reported_in_the_thread(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    api.fail("chat.postMessage", "D0GONE001", "channel_not_found")
    ticket = await desk.open_ticket(UNKNOWN, "da", Asker("slack", "U0GONE001", "D0GONE001"))
    post = await ticket_post(api)
    await answer_in_thread(slack, api, "Svaret kommer her.")
    await wait_for_post(api, lambda p: p.get("thread_ts") == post["ts"])

    await slack.server.outbox.process_once()

    report = await wait_for_post(
        api, lambda p: p.get("thread_ts") == post["ts"] and "channel_not_found" in p["text"]
    )
    assert f"#{ticket.id}" in report["text"]
    assert (await desk.ticket(ticket.id)).status is TicketStatus.ANSWERED


# Who may answer --------------------------------------------------------------------------------


async def test_reply_from_someone_outside_the_staff_channel_is_refused(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket_id = await escalate_from_slack(slack, api)

    await answer_in_thread(slack, api, "Jeg svarer bare selv.", user=OUTSIDER)

    [refusal] = await api.wait_for("chat.postEphemeral")
    assert refusal["user"] == OUTSIDER
    assert refusal["thread_ts"] == (await ticket_post(api))["ts"]
    assert (await desk.ticket(ticket_id)).status is TicketStatus.OPEN
    assert await slack.server.outbox.process_once() == 0


@pytest.mark.parametrize("staff_ids", [STAFF[1]])
async def test_channel_member_not_among_configured_staff_ids_is_refused(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket_id = await escalate_from_slack(slack, api)

    await answer_in_thread(slack, api, "Her er svaret.", user=STAFF[0])

    [refusal] = await api.wait_for("chat.postEphemeral")
    assert refusal["user"] == STAFF[0]
    assert (await desk.ticket(ticket_id)).status is TicketStatus.OPEN


async def test_close_button_closes_the_ticket_and_removes_the_buttons(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket_id = await escalate_from_slack(slack, api)
    post = await ticket_post(api)
    close = ticket_button(post, TICKET_CLOSE)

    await slack.send_interaction(block_action(STAFF[1], STAFF_CHANNEL, post, close, TICKET_BLOCK))

    [update] = await api.wait_for("chat.update")
    assert update["ts"] == post["ts"]
    assert all(b.get("block_id") != TICKET_BLOCK for b in update["blocks"])
    assert f"<@{STAFF[1]}>" in str(update["blocks"])
    assert (await desk.ticket(ticket_id)).status is TicketStatus.CLOSED


async def test_close_button_from_an_outsider_is_refused(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket_id = await escalate_from_slack(slack, api)
    post = await ticket_post(api)

    close = ticket_button(post, TICKET_CLOSE)
    await slack.send_interaction(block_action(OUTSIDER, STAFF_CHANNEL, post, close, TICKET_BLOCK))

    [refusal] = await api.wait_for("chat.postEphemeral")
    assert refusal["user"] == OUTSIDER
    assert api.of("chat.update") == []
    assert (await desk.ticket(ticket_id)).status is TicketStatus.OPEN


async def test_publish_button_opens_a_form_whose_answer_is_sent_and_published(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    ticket_id = await escalate_from_slack(slack, api)
    post = await ticket_post(api)
    publish = ticket_button(post, TICKET_PUBLISH)

    await slack.send_interaction(block_action(STAFF[0], STAFF_CHANNEL, post, publish, TICKET_BLOCK))
    [opened] = await api.wait_for("views.open")
    submission = view_submission(STAFF[0], opened["view"], "Kontorstole købes via SKI-aftalen.")
    response = await slack.send_interaction(submission)

    assert response.status == 200
    confirmation = await wait_for_post(api, lambda p: p.get("thread_ts") == post["ts"])
    assert "FAQ" in confirmation["text"]
    ticket = await desk.ticket(ticket_id)
    assert ticket.answer == "Kontorstole købes via SKI-aftalen."
    assert ticket.learned_id is not None


async def test_a_ticket_with_two_questions_is_published_for_the_question_chosen_in_the_form(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    asker = Asker("telegram", "91", "91")
    ticket = await desk.open_ticket(UNKNOWN, "da", asker)
    post = await ticket_post(api)
    await desk.open_ticket("Og til skolerne?", "da", asker, follow_up_of=ticket.id)
    await answer_in_thread(slack, api, "/faq Det gør Indkøb og Udbud.")
    [which] = await api.wait_for("chat.postEphemeral")

    publish = ticket_button(post, TICKET_PUBLISH)
    await slack.send_interaction(block_action(STAFF[0], STAFF_CHANNEL, post, publish, TICKET_BLOCK))
    [opened] = await api.wait_for("views.open")
    blocks = {b.get("block_id"): b for b in opened["view"]["blocks"]}
    options = [o["text"]["text"] for o in blocks[PUBLISH_QUESTIONS]["element"]["options"]]
    unchosen = await slack.send_interaction(view_submission(STAFF[0], opened["view"], "Svar"))
    refused_form = await unchosen.json()
    chosen = view_submission(
        STAFF[0],
        opened["view"],
        "Skolerne køber selv ind.",
        questions=[2],
        also="who buys office chairs for schools?",
    )
    assert (await slack.send_interaction(chosen)).status == 200
    confirmation = await wait_for_post(
        api, lambda p: p.get("thread_ts") == post["ts"] and "FAQ" in p["text"]
    )
    [entry] = await desk.learned_entries()

    assert which["text"] == escape(
        text("staff_which_question_slack", "da", ticket=ticket.id, count=2)
    )
    assert options == [f"1. {UNKNOWN}", "2. Og til skolerne?"]
    assert refused_form == {
        "response_action": "errors",
        "errors": {PUBLISH_QUESTIONS: text("slack_publish_choose", "da")},
    }
    assert entry.texts["da"].question == "Og til skolerne?"
    assert entry.texts["en"].question == "who buys office chairs for schools?"
    assert entry.texts["da"].answer == "Skolerne køber selv ind."
    learned = next(b for b in confirmation["blocks"] if b.get("block_id") == LEARNED_BLOCK)
    assert learned["elements"][0]["value"] == str(entry.number)


async def test_the_withdraw_button_and_the_faq_command_manage_learned_answers(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    await escalate_from_slack(slack, api)
    post = await ticket_post(api)
    await answer_in_thread(slack, api, "/faq Kontorstole købes via SKI-aftalen.")
    confirmation = await wait_for_post(
        api, lambda p: p.get("thread_ts") == post["ts"] and "FAQ" in p["text"]
    )
    button = next(b for b in confirmation["blocks"] if b.get("block_id") == LEARNED_BLOCK)

    async def command(words: str, user: str = STAFF[0]) -> str:
        response = await slack.send_command("/faq", words, user)
        assert response.status == 200
        return await response.text()  # bolt acknowledges a command with its text

    listed = await command("liste")
    outsider = await command("fjern 1", OUTSIDER)
    usage = await command("Kontorstole købes via SKI.")
    corrected = await command("ret 1 Kontorstole købes via SKI-aftalen 50.80.")
    [entry] = await desk.learned_entries()
    await slack.send_interaction(
        block_action(OUTSIDER, STAFF_CHANNEL, confirmation, button["elements"][0], LEARNED_BLOCK)
    )
    [refusal] = await api.wait_for("chat.postEphemeral")
    kept = await desk.learned_entries()
    await slack.send_interaction(
        block_action(STAFF[1], STAFF_CHANNEL, confirmation, button["elements"][0], LEARNED_BLOCK)
    )
    [update] = await api.wait_for("chat.update")

    assert "learned-1" in listed and "kontorstole" in listed
    assert outsider == text("staff_refused", "da")
    assert usage == text("slack_faq_usage", "da")
    assert corrected == text("staff_faq_edited", "da", entry="learned-1")
    assert entry.texts["da"].answer == "Kontorstole købes via SKI-aftalen 50.80."
    assert refusal["user"] == OUTSIDER and [e.number for e in kept] == [1]
    assert await desk.learned_entries() == []
    assert "Jens Udbud" in str(update["blocks"]) and FAQ_WITHDRAW not in str(update["blocks"])


# Injection -----------------------------------------------------------------------------------


async def test_markup_from_a_telegram_asker_is_escaped_in_the_staff_post(
    slack: SlackHarness, api: FakeSlackApi, desk: EscalationDesk
):
    await desk.open_ticket(INJECTION, "da", Asker("telegram", "66", "66"))
    post = await ticket_post(api)

    assert_escaped(everything_posted(post))


async def test_markup_typed_in_slack_is_escaped_in_the_staff_post_and_the_answer(
    slack: SlackHarness, api: FakeSlackApi
):
    await escalate_from_slack(slack, api, INJECTION_TYPED)
    post = await ticket_post(api)
    assert_escaped(everything_posted(post))

    await answer_in_thread(slack, api, "Svar: &lt;!here&gt; kontakt os.")
    await wait_for_post(api, lambda p: p.get("thread_ts") == post["ts"])
    await slack.server.outbox.process_once()

    delivered = await wait_for_post(api, lambda p: "kontakt os" in p["text"])
    assert delivered["channel"] == "D0ASKER01"
    assert_escaped(everything_posted(delivered))
    assert "<!here>" not in everything_posted(delivered)
    assert "&lt;!here&gt;" in delivered["text"]


def assert_not_live(shown: str) -> None:
    for live in ("<!channel>", "<@U123>", "<https://evil|click>", "<https://evil"):
        assert live not in shown


def assert_escaped(shown: str) -> None:
    """None of the markup is live, and it is still visible, escaped."""
    assert_not_live(shown)
    assert "&lt;!channel&gt;" in shown
    assert "&lt;@U123&gt;" in shown
    assert "&lt;https://evil|click&gt;" in shown


# Helpers ---------------------------------------------------------------------------------------


def ticket_button(post: dict[str, Any], action_id: str) -> dict[str, Any]:
    block = next(b for b in post["blocks"] if b.get("block_id") == TICKET_BLOCK)
    return next(e for e in block["elements"] if e["action_id"] == action_id)


async def wait_for_post(api: FakeSlackApi, wanted: Any, timeout: float = 20.0) -> dict[str, Any]:
    """The first chat.postMessage for which ``wanted(params)`` holds, waiting for it."""
    count = 0
    while True:
        posts = api.of("chat.postMessage")
        for params in posts:
            if wanted(params):
                return params
        count = len(posts) + 1
        await api.wait_for("chat.postMessage", count, timeout)
