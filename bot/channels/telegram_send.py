"""Sending to Telegram without losing messages to flood control or a flaky network.

Messages to askers go through the outbox, which retries them on its own
schedule: ``TelegramDeliverer`` makes one attempt and says what went wrong
(flood control with its wait, a refusal that retrying cannot help, or
anything else, which is retried). Other calls (staff group posts, buttons,
set-up) go through ``retrying``: Telegram's flood control (HTTP 429,
``RetryAfter``) says how long to wait, and network errors and time-outs are
retried with doubling pauses. A request Telegram rejected (``BadRequest``,
``Forbidden``) is not retried: sending it again cannot help.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import warnings
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram_render import Outgoing, fit
from bot.escalation.errors import PermanentDeliveryError, RateLimitedError
from bot.escalation.interfaces import OutboxMessage

log = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 4
FIRST_PAUSE = 0.5
MAX_FLOOD_WAIT = 60.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def flood_wait(error: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (PTB 22 returns int or timedelta, and warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def retrying(call: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """``await call()``, again after flood control or a network error, up to ``attempts`` times.

    A flood-control wait longer than ``MAX_FLOOD_WAIT`` is not waited out
    here (it would hold up every other update): the error is raised.
    """
    pause = FIRST_PAUSE
    for attempt in range(1, attempts):
        try:
            return await call()
        except RetryAfter as error:
            wait = flood_wait(error)
            if wait > MAX_FLOOD_WAIT:
                raise
            log.warning("Telegram flood control: waiting %.1f s (attempt %d)", wait, attempt)
        except BadRequest:
            raise
        except NetworkError as error:
            wait, pause = pause, pause * 2
            log.warning("Telegram network error (%s): retrying in %.1f s", error, wait)
        await asyncio.sleep(wait)
    return await call()


async def answer_button(
    query: CallbackQuery, notice: str | None = None, *, alert: bool = False
) -> None:
    """Stop the button's spinner (and show ``notice`` briefly, or as an alert)."""
    try:
        await retrying(partial(query.answer, text=notice, show_alert=alert))
    except BadRequest as error:  # the query is too old to answer
        log.debug("could not answer button press: %s", error)


def rendered(outgoing: Outgoing, reply_to: int | None) -> dict[str, Any]:
    """What the outbox keeps of a message the channel rendered (HTML, buttons, the message it
    replies to in a group), for ``TelegramDeliverer`` to send."""
    return {
        "html": outgoing.html,
        "keyboard": outgoing.keyboard.to_dict() if outgoing.keyboard else None,
        "reply_to": reply_to,
    }


class TelegramDeliverer:
    """Sends messages to askers in their Telegram chat, one attempt each (the outbox retries)."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def deliver(self, message: OutboxMessage) -> None:
        chat_id = int(message.chat_id)
        thread = int(message.thread) if message.thread else None
        try:
            if message.rendered is None:
                for part in fit(message.text):
                    chat_id = await self._send(chat_id, text=part, message_thread_id=thread)
            else:
                await self._send(chat_id, message_thread_id=thread, **self._html(message.rendered))
        except RetryAfter as error:
            raise RateLimitedError(flood_wait(error), "Telegram flood control") from error
        except (Forbidden, BadRequest) as error:
            raise PermanentDeliveryError(f"Telegram refused the message: {error}") from error

    def _html(self, stored: dict[str, Any]) -> dict[str, Any]:
        keyboard, reply_to = stored.get("keyboard"), stored.get("reply_to")
        return {
            "text": stored["html"],
            "parse_mode": ParseMode.HTML,
            "reply_markup": InlineKeyboardMarkup.de_json(keyboard, self._bot) if keyboard else None,
            "reply_parameters": ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to
            else None,
        }

    async def _send(self, chat_id: int, **fields: Any) -> int:
        """Send one message; returns the chat id it went to (a group may have become a
        supergroup)."""
        try:
            await self._bot.send_message(chat_id=chat_id, link_preview_options=NO_PREVIEW, **fields)
        except ChatMigrated as moved:
            chat_id = moved.new_chat_id
            await self._bot.send_message(chat_id=chat_id, link_preview_options=NO_PREVIEW, **fields)
        return chat_id
