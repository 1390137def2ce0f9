"""Block Kit rendering: escaping, Slack's size limits, buttons, and Slack text read back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.channels.slack_blocks import (
    CHOICES_BLOCK,
    FEEDBACK_BLOCK,
    LABEL_LIMIT,
    SECTION_LIMIT,
    VALUE_LIMIT,
    feedback_blocks,
    feedback_value,
    link,
    parse_feedback_value,
    picked_blocks,
    plain_text,
    reply_message,
    ticket_message,
)
from bot.conversation import Action, Choice, Reply
from bot.escalation.views import Candidate
from knowledge.model import Citation
from tests.desk_support import open_ticket

EVIL = "<!channel> <@U123> <https://evil|click> & co"


def mrkdwn_objects(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


def test_reply_text_is_escaped_and_never_auto_parsed():
    message = reply_message(Reply(Action.ANSWER, EVIL, "da"))

    body = message.blocks[0]["text"]["text"]
    assert body == "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; &amp; co"
    assert message.text == body
    assert all(obj["verbatim"] is True for obj in mrkdwn_objects(message.blocks))


def test_sources_are_links_with_escaped_titles_and_safe_addresses():
    citations = (
        Citation("Faktura <!here> & betaling", "https://aarhus.dk/a?b=1&c=2|x>y"),
        Citation("javascript", "javascript:alert(1)"),
        Citation("Staff answer", "udbudsbot:learned/4"),
    )
    message = reply_message(Reply(Action.ANSWER, "Svar.", "da", citations=citations))

    context = next(b for b in message.blocks if b["type"] == "context")
    texts = [element["text"] for element in context["elements"]]
    assert texts[0] == "*Kilder:*"
    assert (
        texts[1] == "<https://aarhus.dk/a?b=1&amp;c=2%7Cx%3Ey|Faktura &lt;!here&gt; &amp; betaling>"
    )
    assert texts[2] == "javascript"
    assert "<" not in texts[3] and "learned" not in texts[3]


def test_link_keeps_the_title_when_the_address_is_not_a_web_address():
    assert link("ftp://x", "<b>") == "&lt;b&gt;"


def test_long_answer_is_split_into_sections_within_slacks_limit():
    paragraph = "Fakturaen skal sendes som OIOUBL. " * 40
    message = reply_message(Reply(Action.ANSWER, "\n\n".join([paragraph] * 8), "da"))

    sections = [b for b in message.blocks if b["type"] == "section"]
    assert len(sections) > 1
    assert all(len(s["text"]["text"]) <= SECTION_LIMIT for s in sections)
    assert len(message.text) <= SECTION_LIMIT


def test_escaping_growth_never_breaks_the_section_limit():
    message = reply_message(Reply(Action.SMALL_TALK, "&" * 5000, "da"))

    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert all(len(text) <= SECTION_LIMIT for text in sections)
    assert "".join(sections) == "&amp;" * 5000


def test_clarify_choices_become_buttons_carrying_their_values():
    choices = (
        Choice("Tærskelværdier for varer og tjenesteydelser i 2026 " * 3, "pick:0123456789"),
        Choice("Ingen af dem – spørg en medarbejder", "/menneske"),
    )
    message = reply_message(Reply(Action.CLARIFY, "Mener du …", "da", choices=choices))

    block = next(b for b in message.blocks if b.get("block_id") == CHOICES_BLOCK)
    assert [e["value"] for e in block["elements"]] == ["pick:0123456789", "/menneske"]
    assert all(len(e["text"]["text"]) <= LABEL_LIMIT for e in block["elements"])
    assert len({e["action_id"] for e in block["elements"]}) == 2
    assert not any(b.get("block_id") == FEEDBACK_BLOCK for b in message.blocks)


@pytest.mark.parametrize(
    ("action", "buttons"),
    [
        (Action.ANSWER, ["feedback_up", "feedback_down", "ask_0"]),
        (Action.OUT_OF_SCOPE, ["ask_0"]),
        (Action.ESCALATE, []),
        (Action.SMALL_TALK, []),
    ],
)
def test_answers_get_feedback_and_a_person_out_of_scope_only_a_person(
    action: Action, buttons: list[str]
):
    message = reply_message(Reply(action, "Tekst.", "en", record_ids=("faq-1",)))

    block = next((b for b in message.blocks if b.get("block_id") == FEEDBACK_BLOCK), None)
    shown = [e["action_id"] for e in block["elements"]] if block else []
    assert shown == buttons
    if action is Action.ANSWER:
        assert block is not None
        assert parse_feedback_value(block["elements"][0]["value"]) == (("faq-1",), "en")
        assert block["elements"][2]["text"]["text"] == "Ask a person"


def test_feedback_value_stays_within_slacks_limit():
    ids = [f"aarhus-tender-row-{n:04d}-with-a-long-identifier" for n in range(100)]
    value = feedback_value(ids, "da")

    assert len(value) <= VALUE_LIMIT
    record_ids, language = parse_feedback_value(value)
    assert language == "da" and record_ids == tuple(ids[: len(record_ids)]) and record_ids


def test_unreadable_feedback_value_gives_nothing():
    assert parse_feedback_value("not json") == ((), None)


def test_rated_answer_loses_its_buttons_and_a_thumbs_down_keeps_a_person():
    blocks = reply_message(Reply(Action.ANSWER, "Svar.", "da")).blocks

    thanked = feedback_blocks(blocks, True, "da")
    sorry = feedback_blocks(blocks, False, "da")

    assert not any(b["type"] == "actions" for b in thanked)
    actions = [b for b in sorry if b["type"] == "actions"]
    assert [e["value"] for a in actions for e in a["elements"]] == ["/menneske"]


def test_picked_choice_replaces_the_buttons_with_the_escaped_choice():
    choices = (Choice("A <b> & c", "pick:0000000000"),)
    blocks = reply_message(Reply(Action.CLARIFY, "?", "da", choices=choices)).blocks

    picked = picked_blocks(blocks, CHOICES_BLOCK, "A <b> & c")

    assert not any(b["type"] == "actions" for b in picked)
    assert "✓ A &lt;b&gt; &amp; c" in json.dumps(picked, ensure_ascii=False)


def test_ticket_for_staff_escapes_question_and_candidates():
    ticket = open_ticket(EVIL, "telegram", Candidate("Title <!here>", "faq-1", 0.42))
    message = ticket_message(ticket, "da")
    shown = json.dumps(message.blocks, ensure_ascii=False) + message.text

    for live in ("<!channel>", "<@U123>", "<https://evil", "<!here>"):
        assert live not in shown
    assert "&lt;!channel&gt;" in shown and "Title &lt;!here&gt; (0.42)" in shown
    assert "asker-7f3a9c" in shown and "via telegram" in shown


@pytest.mark.parametrize(
    ("slack_text", "readable"),
    [
        ("<@UBOT> hvordan sender jeg en faktura?", "hvordan sender jeg en faktura?"),
        ("spørg <@U42|karen> om det", "spørg @karen om det"),
        ("se <#C1|indkøb> og <!here>", "se #indkøb og @here"),
        ("læs <https://aarhus.dk/x|politikken>", "læs politikken (https://aarhus.dk/x)"),
        ("<https://aarhus.dk/x>", "https://aarhus.dk/x"),
        ("<mailto:a@b.dk|a@b.dk>", "a@b.dk"),
        ("&lt;!channel&gt; A &amp; B", "<!channel> A & B"),
    ],
)
def test_slack_markup_is_read_back_as_the_person_wrote_it(slack_text: str, readable: str):
    assert plain_text(slack_text, bot_user_id="UBOT") == readable
