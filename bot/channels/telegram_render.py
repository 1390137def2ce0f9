"""Replies and staff tickets as Telegram messages: HTML text, inline keyboards, size limits.

Telegram's HTML parse mode accepts a handful of tags and rejects anything
else, so every piece of text that comes from a user or from the knowledge is
escaped and only the tags written here reach Telegram. Button presses come
back as ``callback_data`` (at most 64 bytes): ``c:<value>`` for a choice,
whose value is then asked as the next question, and
``f:<1|0>:<language>:<short ids>`` for feedback, which names the answer's
records itself so that a vote still counts after a restart or at another
worker.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.conversation import Action, Choice, Reply, short_id
from bot.escalation.split import split_message
from bot.escalation.views import TicketView
from bot.texts import text
from knowledge.model import LANGUAGES, Citation

log = logging.getLogger(__name__)

MESSAGE_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
CALLBACK_LIMIT = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
CHOICE_PREFIX = "c:"
_TAG = re.compile(r"<[^>]*>")
FEEDBACK_PREFIX = "f:"
WITHDRAW_PREFIX = "w:"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: HTML text and an optional keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None

    @property
    def plain(self) -> str:
        """The text as it shows, without the tags this module writes."""
        return html.unescape(_TAG.sub("", self.html))


@dataclass(frozen=True, slots=True)
class Vote:
    """A 👍/👎 press: the vote, and the language and (short ids of the) records of the answer."""

    helpful: bool
    language: str | None
    short_ids: tuple[str, ...]


def escape(value: str) -> str:
    """Text that Telegram shows literally in an HTML message."""
    return html.escape(value, quote=False)


def utf16_length(value: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji may count twice)."""
    return len(value.encode("utf-16-le")) // 2


def fit(value: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """``value`` in parts Telegram accepts (at most ``limit`` UTF-16 units each).

    Parts are cut at paragraphs, lines, sentences or words (``split_message``);
    a part that is too long only because of characters outside the Basic
    Multilingual Plane is cut again at half the limit, which always fits.
    """
    parts: list[str] = []
    for part in split_message(value, limit):
        if utf16_length(part) <= limit:
            parts.append(part)
        else:
            parts.extend(split_message(part, limit // 2))
    return parts


def render_reply(reply: Reply) -> list[Outgoing]:
    """A reply as one or more messages; sources and buttons go with the last one."""
    visible = fit(reply.text)
    parts = [escape(part) for part in visible]
    sources_plain, sources_html = _sources(reply.citations, reply.language)
    if sources_html:
        joined = utf16_length(visible[-1]) + 2 + utf16_length(sources_plain) if visible else None
        if joined is not None and joined <= MESSAGE_LIMIT:
            parts[-1] = f"{parts[-1]}\n\n{sources_html}"
        else:
            parts.append(sources_html)
    messages = [Outgoing(part) for part in parts]
    keyboard = _keyboard(reply)
    if keyboard is not None and messages:
        messages[-1] = Outgoing(messages[-1].html, keyboard)
    return messages


def _sources(citations: tuple[Citation, ...], language: str) -> tuple[str, str]:
    """The sources block as (visible text, HTML); links only to web pages."""
    if not citations:
        return "", ""
    header = text("sources", language)
    plain_lines = [f"{header}:"]
    html_lines = [f"<b>{escape(header)}:</b>"]
    for citation in citations:
        if not citation.url:  # an answer staff published cites them, not a page
            plain_lines.append(f"• {citation.title}")
            html_lines.append(f"• {escape(citation.title)}")
        elif citation.url.startswith(("https://", "http://")):
            plain_lines.append(f"• {citation.title}")
            href = html.escape(citation.url, quote=True)
            html_lines.append(f'• <a href="{href}">{escape(citation.title)}</a>')
        else:
            plain_lines.append(f"• {citation.title} – {citation.url}")
            html_lines.append(f"• {escape(citation.title)} – {escape(citation.url)}")
    return "\n".join(plain_lines), "\n".join(html_lines)


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if reply.choices:
        rows = [[button] for button in map(choice_button, reply.choices) if button is not None]
        return InlineKeyboardMarkup(rows) if rows else None
    if reply.action is Action.ANSWER:
        return feedback_keyboard(reply)
    return None


def choice_button(choice: Choice) -> InlineKeyboardButton | None:
    """A button that sends ``choice.value`` back; None if the value exceeds Telegram's limit."""
    data = CHOICE_PREFIX + choice.value
    if len(data.encode()) > CALLBACK_LIMIT:
        log.warning("choice value too long for a Telegram button, left out: %r", choice.value)
        return None
    return InlineKeyboardButton(choice.label, callback_data=data)


def feedback_keyboard(reply: Reply) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("👍", callback_data=_vote_data(reply, helpful=True)),
                InlineKeyboardButton("👎", callback_data=_vote_data(reply, helpful=False)),
            ]
        ]
    )


def _vote_data(reply: Reply, *, helpful: bool) -> str:
    """``f:1:da:<id>,<id>``, with as many of the answer's records as fit in 64 bytes."""
    head = f"{FEEDBACK_PREFIX}{int(helpful)}:{reply.language}:"
    ids: list[str] = []
    for record_id in reply.record_ids:
        longer = [*ids, short_id(record_id)]
        if len((head + ",".join(longer)).encode()) > CALLBACK_LIMIT:
            break
        ids = longer
    return head + ",".join(ids)


def withdraw_keyboard(number: int, language: str) -> InlineKeyboardMarkup:
    """The button under a "published" confirmation that withdraws the learned entry again."""
    label = text("staff_faq_withdraw_button", language)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"{WITHDRAW_PREFIX}{number}")]]
    )


def withdrawn_number(data: str) -> int | None:
    """The learned entry a withdraw button names; None for any other button."""
    number = data.removeprefix(WITHDRAW_PREFIX)
    return int(number) if data.startswith(WITHDRAW_PREFIX) and number.isdigit() else None


def chosen_value(data: str) -> str | None:
    """The choice value carried by a button's callback data, if it is a choice."""
    return data.removeprefix(CHOICE_PREFIX) if data.startswith(CHOICE_PREFIX) else None


def feedback_vote(data: str) -> Vote | None:
    """The vote a feedback button carries; None for any other button.

    Buttons sent before votes named their answer (``f:1``, ``f:0``) still count,
    without records.
    """
    if not data.startswith(FEEDBACK_PREFIX):
        return None
    vote, _, rest = data.removeprefix(FEEDBACK_PREFIX).partition(":")
    if vote not in ("0", "1"):
        return None
    language, _, ids = rest.partition(":")
    return Vote(
        helpful=vote == "1",
        language=language if language in LANGUAGES else None,
        short_ids=tuple(i for i in ids.split(",") if i),
    )


# Staff messages -------------------------------------------------------------------------------


def render_ticket(ticket: TicketView, language: str) -> str:
    """A new ticket for the staff group: who (pseudonymous), what, and the bot's best guesses."""
    head = ticket.heading(language)
    lines = [f"<b>{escape(head)}</b>", f"<blockquote>{escape(ticket.question)}</blockquote>"]
    if ticket.candidates:
        lines.append(escape(text("staff_candidates", language)))
        lines.extend(
            f"• {escape(c.title)} ({c.confidence:.2f}) <code>{escape(c.record_id)}</code>"
            for c in ticket.candidates
        )
    else:
        lines.append(escape(text("staff_no_candidates", language)))
    if ticket.problem:
        lines.append(escape(ticket.problem))
    if ticket.other_open:
        lines.append(escape(ticket.other_open_note(language)))
    lines.append(f"<i>{escape(text('staff_how_to_answer', language))}</i>")
    return "\n".join(lines)


def render_follow_up(ticket: TicketView, language: str) -> str:
    """A later message that joined an open ticket: a question line of its own to reply to."""
    head = text("staff_follow_up", language, ticket=ticket.id, number=len(ticket.messages))
    return "\n".join(
        (
            f"<b>{escape(head)}</b>",
            f"<blockquote>{escape(ticket.messages[-1])}</blockquote>",
            f"<i>{escape(text('staff_how_to_answer', language))}</i>",
        )
    )


def render_reminder(ticket: TicketView, language: str) -> str:
    line = text("staff_reminder", language, ticket=ticket.id, question=ticket.question)
    how = text("staff_how_to_answer", language)
    return f"<b>{escape(line)}</b>\n<i>{escape(how)}</i>"
