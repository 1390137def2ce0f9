"""Sending to Telegram without losing messages to flood control or a flaky network.

Every call the bot makes to send something goes through ``retrying``:
Telegram's flood control (HTTP 429, ``RetryAfter``) says how long to wait,
and network errors and time-outs are retried with doubling pauses. A
request Telegram rejected (``BadRequest``, ``Forbidden``) is not retried:
sending it again cannot help.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import warnings
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

from telegram import Bot, CallbackQuery, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram_render import fit
from bot.conversation import Asker
from bot.escalation.errors import PermanentDeliveryError

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
    here (it would hold up every other update): the error is raised, and the
    outbox retries a delivery later on its own schedule.
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


class TelegramDeliverer:
    """Carries staff answers (plain text) to askers in their Telegram chat."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def deliver(self, asker: Asker, text: str, language: str) -> None:
        chat_id = int(asker.chat_id)
        thread = int(asker.thread) if asker.thread else None
        for part in fit(text):
            try:
                chat_id = await self._send(chat_id, thread, part)
            except (Forbidden, BadRequest) as error:
                raise PermanentDeliveryError(f"Telegram refused the message: {error}") from error

    async def _send(self, chat_id: int, thread: int | None, part: str) -> int:
        """Send one part; returns the chat id it went to (a group may have become a supergroup)."""
        send = partial(
            self._bot.send_message,
            text=part,
            message_thread_id=thread,
            link_preview_options=NO_PREVIEW,
        )
        try:
            await retrying(partial(send, chat_id=chat_id))
        except ChatMigrated as moved:
            chat_id = moved.new_chat_id
            await retrying(partial(send, chat_id=chat_id))
        return chat_id
