"""Block Kit for Slack: replies to askers, tickets for staff, and the Slack text they send us.

Everything that comes from a person or from the knowledge is escaped
(``&``, ``<``, ``>``) and put in ``mrkdwn`` objects with ``verbatim`` set,
so no question, answer or title can become ``<!channel>``, a ``<@U…>``
mention or a disguised link; only links this module builds itself (the
sources) are live. ``plain_text`` objects (button labels) are never parsed
by Slack and are left as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.conversation import Action, Choice, Reply
from bot.escalation.learned import is_learned_source
from bot.escalation.split import one_line, split_message
from bot.escalation.views import TicketView
from bot.texts import text

Block = dict[str, Any]

HUMAN_COMMAND = "/menneske"
ASK_ACTION = re.compile(r"^ask_\d+$")
FEEDBACK_ACTION = re.compile(r"^feedback_(up|down)$")
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
TICKET_PUBLISH = "ticket_publish"
TICKET_CLOSE = "ticket_close"
FAQ_WITHDRAW = "faq_withdraw"
PUBLISH_VIEW = "publish_faq"
PUBLISH_INPUT = "answer"
PUBLISH_QUESTIONS = "questions"
PUBLISH_ALSO = "also"

CHOICES_BLOCK = "choices"
FEEDBACK_BLOCK = "feedback"
TICKET_BLOCK = "ticket"
LEARNED_BLOCK = "learned"

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3000
LABEL_LIMIT = 75
OPTIONS_LIMIT = 10
VALUE_LIMIT = 2000
CONTEXT_ELEMENTS = 10
MAX_BLOCKS = 50

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LINK_SCHEMES = ("https://", "http://", "mailto:")
_SLACK_TOKEN = re.compile(r"<([^<>]*)>")
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """What ``chat.postMessage`` needs: the notification/fallback ``text`` and the blocks."""

    text: str
    blocks: list[Block]


def escape(raw: str) -> str:
    """``raw`` with Slack's three control characters escaped, so it shows as typed."""
    return raw.translate(_ESCAPES)


def mrkdwn(escaped: str) -> Block:
    """A ``mrkdwn`` text object Slack will not auto-link or auto-mention in."""
    return {"type": "mrkdwn", "text": escaped, "verbatim": True}


def plain(raw: str, limit: int = LABEL_LIMIT) -> Block:
    return {"type": "plain_text", "text": _shorten(raw, limit), "emoji": True}


def sections(raw: str) -> list[Block]:
    """``raw`` escaped, as section blocks that each fit Slack's 3000-character limit."""
    return [
        {"type": "section", "text": mrkdwn(part)} for part in _escaped_parts(raw, SECTION_LIMIT)
    ]


def fallback(raw: str) -> str:
    """The escaped ``text=`` of a message (notifications, screen readers, old clients)."""
    return _shorten(escape(raw.strip()), FALLBACK_LIMIT) or "…"


def user_mention(user_id: str) -> str:
    """``<@U…>`` for a Slack user id, and only for one (anything else is shown escaped)."""
    return f"<@{user_id}>" if _USER_ID.match(user_id) else escape(user_id)


# Replies to askers -----------------------------------------------------------------------------


def reply_message(reply: Reply) -> SlackMessage:
    """The assistant's reply: the text, its sources, choices as buttons, feedback for answers."""
    blocks = sections(reply.text)
    if reply.citations:
        blocks.append(_sources(reply))
    if reply.choices:
        blocks.append(_actions(CHOICES_BLOCK, _ask_buttons(reply.choices)))
    if reply.action is Action.ANSWER:
        blocks.append(_actions(FEEDBACK_BLOCK, _feedback_buttons(reply, len(reply.choices))))
    elif reply.action is Action.OUT_OF_SCOPE:
        person = Choice(text("ask_person", reply.language), HUMAN_COMMAND)
        blocks.append(_actions(FEEDBACK_BLOCK, _ask_buttons([person])))
    return SlackMessage(fallback(reply.text), blocks[:MAX_BLOCKS])


def notice_message(raw: str) -> SlackMessage:
    """A plain notice (a staff answer on its way to the asker, a reminder)."""
    return SlackMessage(fallback(raw), sections(raw)[:MAX_BLOCKS])


def _sources(reply: Reply) -> Block:
    elements = [mrkdwn(f"*{escape(text('sources', reply.language))}:*")]
    for citation in reply.citations[: CONTEXT_ELEMENTS - 1]:
        if is_learned_source(citation.url):
            elements.append(mrkdwn(escape(text("learned_source", reply.language))))
        else:
            elements.append(mrkdwn(link(citation.url, citation.title)))
    return {"type": "context", "elements": elements}


def link(url: str, title: str) -> str:
    """A Slack link to a web address, or just the escaped title when ``url`` is not one."""
    label = escape(_shorten(title.replace("\n", " "), 300)) or escape(url)
    if not url.startswith(_LINK_SCHEMES):
        return label
    target = escape(quote(url, safe=":/?#[]@!$&'()*+,;=%~"))
    return f"<{target}|{label}>"


def _ask_buttons(choices: Sequence[Choice], first: int = 0) -> list[Block]:
    return [
        {
            "type": "button",
            "action_id": f"ask_{number}",
            "text": plain(choice.label),
            "value": choice.value[:VALUE_LIMIT],
        }
        for number, choice in enumerate(choices, first)
    ]


def _feedback_buttons(reply: Reply, first: int) -> list[Block]:
    value = feedback_value(reply.record_ids, reply.language)
    person = Choice(text("ask_person", reply.language), HUMAN_COMMAND)
    return [
        {
            "type": "button",
            "action_id": FEEDBACK_UP,
            "text": plain("👍"),
            "value": value,
            "accessibility_label": text("slack_feedback_helpful", reply.language),
        },
        {
            "type": "button",
            "action_id": FEEDBACK_DOWN,
            "text": plain("👎"),
            "value": value,
            "accessibility_label": text("slack_feedback_unhelpful", reply.language),
        },
        *_ask_buttons([person], first),
    ]


def feedback_value(record_ids: Sequence[str], language: str) -> str:
    """What a feedback button carries: the answer's records and language, within 2000 chars."""
    ids = list(record_ids)
    while True:
        value = json.dumps({"r": ids, "l": language}, ensure_ascii=False, separators=(",", ":"))
        if len(value) <= VALUE_LIMIT or not ids:
            return value
        ids.pop()


def parse_feedback_value(value: str) -> tuple[tuple[str, ...], str | None]:
    """The record ids and language of a feedback button (empty when it cannot be read)."""
    try:
        data = json.loads(value)
        ids = tuple(str(item) for item in data.get("r", ()))
        language = data.get("l")
    except (ValueError, AttributeError, TypeError):
        return (), None
    return ids, language if isinstance(language, str) else None


def _actions(block_id: str, elements: list[Block]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": elements}


def replace_block(
    blocks: Sequence[Block], block_id: str, replacement: Sequence[Block]
) -> list[Block]:
    """``blocks`` with the block ``block_id`` swapped for ``replacement`` (after a click)."""
    out: list[Block] = []
    for block in blocks:
        if block.get("block_id") == block_id:
            out.extend(replacement)
        else:
            out.append(block)
    return out


def context(escaped: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(escaped)]}


def picked_blocks(blocks: Sequence[Block], block_id: str, label: str) -> list[Block]:
    """The message once a button of ``block_id`` was clicked: the buttons give way to the pick,
    so a second click cannot ask again."""
    return replace_block(blocks, block_id, [context(f"✓ {escape(label)}")])


def feedback_blocks(blocks: Sequence[Block], helpful: bool, language: str) -> list[Block]:
    """The answer once rated: thanks for 👍; for 👎 an apology and the way to a person."""
    if helpful:
        return replace_block(
            blocks, FEEDBACK_BLOCK, [context(escape(text("feedback_thanks", language)))]
        )
    person = Choice(text("ask_person", language), HUMAN_COMMAND)
    return replace_block(
        blocks,
        FEEDBACK_BLOCK,
        [
            context(escape(text("feedback_sorry", language))),
            _actions(FEEDBACK_BLOCK, _ask_buttons([person])),
        ],
    )


# Tickets for staff -----------------------------------------------------------------------------


def ticket_message(ticket: TicketView, language: str) -> SlackMessage:
    """A new ticket: who (pseudonymous), the question, the bot's best guesses, two buttons."""
    head = ticket.heading(language)
    blocks: list[Block] = [
        {"type": "section", "text": mrkdwn(f"*{escape(head)}*")},
        *_quoted(ticket.question),
    ]
    if ticket.candidates:
        lines = [escape(text("staff_candidates", language))]
        lines += [
            f"• {escape(c.title)} ({c.confidence:.2f}) `{escape(c.record_id)}`"
            for c in ticket.candidates
        ]
        blocks.append(context("\n".join(lines)))
    else:
        blocks.append(context(escape(text("staff_no_candidates", language))))
    if ticket.problem:
        blocks.append(context(escape(ticket.problem)))
    if ticket.other_open:
        blocks.append(context(escape(ticket.other_open_note(language))))
    blocks.append(context(f"_{escape(text('slack_how_to_answer', language))}_"))
    blocks.append(_actions(TICKET_BLOCK, _ticket_buttons(ticket.id, language)))
    return SlackMessage(fallback(f"{head}: {ticket.question}"), blocks[:MAX_BLOCKS])


def _quoted(raw: str) -> list[Block]:
    return [
        {"type": "section", "text": mrkdwn("&gt; " + part.replace("\n", "\n&gt; "))}
        for part in _escaped_parts(raw, SECTION_LIMIT - 200)
    ]


def _ticket_buttons(ticket_id: int, language: str) -> list[Block]:
    return [
        {
            "type": "button",
            "action_id": TICKET_PUBLISH,
            "text": plain(text("slack_publish_button", language)),
            "value": str(ticket_id),
            "style": "primary",
        },
        {
            "type": "button",
            "action_id": TICKET_CLOSE,
            "text": plain(text("slack_close_button", language)),
            "value": str(ticket_id),
        },
    ]


def follow_up_message(ticket: TicketView, language: str) -> SlackMessage:
    """A later message from the same asker, posted in the ticket's thread."""
    head = text("staff_follow_up", language, ticket=ticket.id, number=len(ticket.messages))
    question = ticket.messages[-1]
    blocks = [
        {"type": "section", "text": mrkdwn(f"*{escape(head)}*")},
        *_quoted(question),
        context(f"_{escape(text('slack_how_to_answer', language))}_"),
    ]
    return SlackMessage(fallback(f"{head} {question}"), blocks[:MAX_BLOCKS])


def closed_blocks(blocks: Sequence[Block], closer: str, language: str) -> list[Block]:
    """The ticket message once closed: no buttons, and who closed it."""
    note = escape(text("slack_closed_by", language, who="\0")).replace("\0", user_mention(closer))
    return replace_block(blocks, TICKET_BLOCK, [context(note)])


def publish_view(ticket: TicketView, language: str, channel: str) -> Block:
    """The modal behind "Publish as FAQ": the answer to send and save (prefilled if answered),
    which of the ticket's questions it answers (when it holds several), and other ways to
    ask it."""
    answer_input: Block = {
        "type": "plain_text_input",
        "action_id": PUBLISH_INPUT,
        "multiline": True,
        "max_length": 3000,
    }
    if ticket.answer:
        answer_input["initial_value"] = ticket.answer[:3000]
    blocks: list[Block] = []
    if len(ticket.messages) > 1:
        options = [
            {"text": plain(f"{number}. {one_line(message, LABEL_LIMIT)}"), "value": str(number)}
            for number, message in enumerate(ticket.messages[:OPTIONS_LIMIT], start=1)
        ]
        blocks.append(
            {
                "type": "input",
                "block_id": PUBLISH_QUESTIONS,
                "label": plain(text("slack_publish_questions", language), 2000),
                "element": {
                    "type": "checkboxes",
                    "action_id": PUBLISH_QUESTIONS,
                    "options": options,
                },
            }
        )
    else:
        blocks.append(
            {"type": "section", "text": mrkdwn(_shorten(escape(ticket.question), SECTION_LIMIT))}
        )
    blocks += [
        {
            "type": "input",
            "block_id": PUBLISH_INPUT,
            "label": plain(text("slack_publish_label", language), 2000),
            "element": answer_input,
        },
        {
            "type": "input",
            "block_id": PUBLISH_ALSO,
            "optional": True,
            "label": plain(text("slack_publish_also", language), 2000),
            "element": {
                "type": "plain_text_input",
                "action_id": PUBLISH_ALSO,
                "multiline": True,
                "max_length": 3000,
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": PUBLISH_VIEW,
        "private_metadata": json.dumps({"ticket": ticket.id, "channel": channel}),
        "title": plain(text("slack_publish_title", language), 24),
        "submit": plain(text("slack_publish_submit", language), 24),
        "close": plain(text("slack_cancel", language), 24),
        "blocks": blocks,
    }


@dataclass(frozen=True, slots=True)
class PublishForm:
    """What staff sent in the "Publish as FAQ" modal. ``asks_question``: the form had the
    question choice (the ticket holds several questions)."""

    answer: str
    questions: tuple[int, ...]
    also: tuple[str, ...]
    asks_question: bool


def read_publish_form(view: Block) -> PublishForm:
    """The submitted modal's values (Slack sends them under block and action ids)."""
    values = (view.get("state") or {}).get("values") or {}

    def value(block_id: str) -> Any:
        return (values.get(block_id) or {}).get(block_id) or {}

    selected = value(PUBLISH_QUESTIONS).get("selected_options") or []
    also = value(PUBLISH_ALSO).get("value") or ""
    return PublishForm(
        answer=value(PUBLISH_INPUT).get("value") or "",
        questions=tuple(
            int(option["value"]) for option in selected if str(option.get("value")).isdigit()
        ),
        also=tuple(line.strip() for line in also.splitlines() if line.strip()),
        asks_question=any(
            block.get("block_id") == PUBLISH_QUESTIONS for block in view.get("blocks") or ()
        ),
    )


def published_message(notice: str, number: int, language: str) -> SlackMessage:
    """The thank-you for a published answer, with a button that withdraws the entry again."""
    button = {
        "type": "button",
        "action_id": FAQ_WITHDRAW,
        "text": plain(text("staff_faq_withdraw_button", language)),
        "value": str(number),
        "style": "danger",
    }
    blocks = [*sections(notice), _actions(LEARNED_BLOCK, [button])]
    return SlackMessage(fallback(notice), blocks)


def withdrawn_blocks(blocks: Sequence[Block], notice: str) -> list[Block]:
    """The confirmation once its entry is withdrawn: the button gives way to ``notice``."""
    return replace_block(blocks, LEARNED_BLOCK, [context(escape(notice))])


# Text from Slack -------------------------------------------------------------------------------


def plain_text(slack_text: str, bot_user_id: str | None = None) -> str:
    """What a person wrote, with Slack's markup turned back into readable text.

    Mentions of the bot disappear; other mentions, channels and links keep
    their visible form (a link becomes "label (address)"); ``&amp;`` and its
    kin become the characters the person typed.
    """

    def token(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            name = target[1:].split("^", 1)[0]
            return label or "@" + name
        if label and label != target and label not in target:
            return f"{label} ({target})"
        return target.removeprefix("mailto:")

    readable = _SLACK_TOKEN.sub(token, slack_text)
    readable = readable.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]{2,}", " ", readable).strip()


# Helpers ---------------------------------------------------------------------------------------


def _escaped_parts(raw: str, limit: int, size: int | None = None) -> list[str]:
    """``raw`` split at natural boundaries so that each escaped part fits ``limit``.

    Escaping can grow a part up to five times (``&`` → ``&amp;``), so a part
    that outgrows the limit is split again, finer.
    """
    parts: list[str] = []
    for piece in split_message(raw, size or limit):
        escaped = escape(piece)
        if len(escaped) <= limit:
            parts.append(escaped)
        else:
            parts.extend(_escaped_parts(piece, limit, max(1, (size or limit) // 2)))
    return parts or ["…"]


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
