"""Replies and tickets as Telegram HTML: escaping, links, buttons and the 4096 limit."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.channels.telegram import file_base_url, language_hint, webhook_secret
from bot.channels.telegram_render import (
    CALLBACK_LIMIT,
    MESSAGE_LIMIT,
    chosen_value,
    feedback_value,
    fit,
    render_reply,
    render_ticket,
    utf16_length,
)
from bot.conversation import Action, Choice, Reply
from bot.escalation.views import Candidate, TicketStatus, TicketView
from bot.texts import text
from knowledge.model import Citation
from tests.fake_telegram import visible_text


def test_a_long_answer_is_split_under_the_limit_with_sources_and_buttons_last() -> None:
    paragraph = "Fakturaen skal sendes elektronisk med EAN-nummer & ordrenummer. " * 20
    body = "\n\n".join([paragraph.strip()] * 12)
    reply = Reply(
        Action.ANSWER,
        body,
        "da",
        citations=(Citation("Fakturering", "https://aarhus.dk/faktura"),),
        record_ids=("invoice-format",),
    )

    messages = render_reply(reply)

    assert len(messages) >= 4
    shown = [visible_text(m.html) for m in messages]
    assert all(utf16_length(s) <= MESSAGE_LIMIT for s in shown)
    assert "&amp; ordrenummer" in messages[0].html
    assert "\n\n".join(shown).startswith(body[:1000])
    assert all(m.keyboard is None for m in messages[:-1])
    assert messages[-1].asks_feedback
    assert '<a href="https://aarhus.dk/faktura">Fakturering</a>' in messages[-1].html
    assert sum(s.count("ordrenummer") for s in shown) == body.count("ordrenummer")


def test_emoji_count_twice_towards_the_limit() -> None:
    parts = fit("😀" * 5000)
    assert all(utf16_length(p) <= MESSAGE_LIMIT for p in parts)
    assert "".join(parts) == "😀" * 5000


def test_choices_become_buttons_and_a_clarification_asks_no_feedback() -> None:
    reply = Reply(
        Action.CLARIFY,
        "Handler det om et af disse emner?",
        "da",
        choices=(Choice("Betaling <30 dage>", "pick:0123456789"), Choice("Ingen", "/menneske")),
    )

    [message] = render_reply(reply)

    assert message.keyboard is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in message.keyboard.inline_keyboard]
    assert rows == [[("Betaling <30 dage>", "c:pick:0123456789")], [("Ingen", "c:/menneske")]]
    assert not message.asks_feedback
    assert chosen_value("c:pick:0123456789") == "pick:0123456789"
    assert chosen_value("f:1") is None


def test_a_choice_too_long_for_telegram_is_left_out() -> None:
    reply = Reply(
        Action.CLARIFY,
        "?",
        "da",
        choices=(Choice("long", "x" * CALLBACK_LIMIT), Choice("Ingen", "/menneske")),
    )
    [message] = render_reply(reply)
    assert message.keyboard is not None
    assert [row[0].text for row in message.keyboard.inline_keyboard] == ["Ingen"]


def test_feedback_buttons_carry_the_vote() -> None:
    assert feedback_value("f:1") is True
    assert feedback_value("f:0") is False
    assert feedback_value("c:/menneske") is None


def test_staff_and_non_web_sources_are_not_links() -> None:
    reply = Reply(
        Action.ANSWER,
        "Svar.",
        "en",
        citations=(
            Citation(text("learned_source", "en"), ""),
            Citation("Udbudsplan <2026>", "fil://plan.xlsx"),
            Citation('Quote " and <tag>', 'https://example.org/?a="b"&c=<d>'),
        ),
    )
    [message] = render_reply(reply)
    assert f"• {text('learned_source', 'en')}\n" in message.html
    assert "• Udbudsplan &lt;2026&gt; – fil://plan.xlsx" in message.html
    assert (
        '<a href="https://example.org/?a=&quot;b&quot;&amp;c=&lt;d&gt;">Quote " and &lt;tag&gt;</a>'
    ) in message.html
    assert visible_text(message.html).count("•") == 3


def test_an_escalation_reply_has_no_buttons() -> None:
    [message] = render_reply(Reply(Action.ESCALATE, "Sendt videre (sag #4).", "da", ticket_id=4))
    assert message.keyboard is None


def test_a_ticket_for_staff_escapes_everything_from_the_asker() -> None:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    ticket = TicketView(
        id=7,
        status=TicketStatus.OPEN,
        question="<b>x</b><script> & co?",
        language="en",
        platform="slack",
        asker="asker-7f3a9c",
        candidates=(Candidate("Betaling <frist>", "payment-terms", 0.41),),
        confidence=0.41,
        created_at=now,
        updated_at=now,
    )
    shown = render_ticket(ticket, "da")
    assert "&lt;b&gt;x&lt;/b&gt;&lt;script&gt; &amp; co?" in shown
    assert "Betaling &lt;frist&gt; (0.41)" in shown
    visible = visible_text(shown)
    assert "Sag #7 · sprog en · spørger asker-7f3a9c · via slack" in visible
    assert text("staff_how_to_answer", "da") in visible


def test_settings_helpers() -> None:
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"
    assert language_hint("da") == "da"
    assert language_hint("en-GB") == "en"
    assert language_hint("de") is None
    assert language_hint(None) is None
    derived = webhook_secret("1:abc", None)
    assert derived == webhook_secret("1:abc", None) != webhook_secret("1:abd", None)
    assert derived.isalnum() and len(derived) <= 256
    assert webhook_secret("1:abc", "mine") == "mine"
