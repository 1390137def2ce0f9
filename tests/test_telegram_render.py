"""Replies and tickets as Telegram HTML: escaping, links, buttons and the 4096 limit."""

from __future__ import annotations

from bot.channels.telegram import file_base_url, language_hint, webhook_secret
from bot.channels.telegram_render import (
    CALLBACK_LIMIT,
    MESSAGE_LIMIT,
    Outgoing,
    Vote,
    chosen_value,
    feedback_vote,
    fit,
    render_reply,
    render_ticket,
    utf16_length,
)
from bot.conversation import Action, Choice, Reply, short_id
from bot.escalation.views import Candidate
from bot.texts import text
from knowledge.model import Citation
from tests.desk_support import open_ticket
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
    assert votes(messages[-1]) == [
        Vote(True, "da", (short_id("invoice-format"),)),
        Vote(False, "da", (short_id("invoice-format"),)),
    ]
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
    assert votes(message) == []
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


def votes(message: Outgoing) -> list[Vote]:
    rows = message.keyboard.inline_keyboard if message.keyboard else ()
    found = [feedback_vote(str(button.callback_data)) for row in rows for button in row]
    return [vote for vote in found if vote is not None]


def test_feedback_buttons_name_the_answer_within_telegrams_limit() -> None:
    many = tuple(f"rules-thresholds.da#section-{n}" for n in range(20))
    [message] = render_reply(Reply(Action.ANSWER, "Svar.", "en", record_ids=many))
    up, down = votes(message)
    assert up.helpful and not down.helpful
    assert up.language == "en"
    assert up.short_ids == tuple(short_id(r) for r in many[: len(up.short_ids)])
    assert len(up.short_ids) >= 3
    assert message.keyboard is not None
    assert all(
        len(str(b.callback_data).encode()) <= CALLBACK_LIMIT
        for row in message.keyboard.inline_keyboard
        for b in row
    )


def test_feedback_buttons_from_before_the_records_were_named_still_count() -> None:
    assert feedback_vote("f:1") == Vote(True, None, ())
    assert feedback_vote("f:0") == Vote(False, None, ())
    assert feedback_vote("f:x") is None
    assert feedback_vote("c:/menneske") is None


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
    ticket = open_ticket(
        "<b>x</b><script> & co?", "slack", Candidate("Betaling <frist>", "payment-terms", 0.41)
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
