"""The Slack channel: a slack-bolt ``AsyncApp`` in front of the assistant and the desk.

Events arrive over Socket Mode when ``SLACK_APP_TOKEN`` is set, otherwise as
signed HTTP requests to ``POST /slack/events`` on the shared server (events
and interactivity alike; bolt answers a bad or stale signature with 401).

Receiving: a middleware after bolt's signature check writes every event the
bot acts on (direct messages, mentions, replies in the staff channel's
ticket threads) to the inbox, keyed by ``event_id``, and only then
acknowledges it; when the database cannot take it, Slack gets a 500 and
sends the event again. A click on a choice or on "Ask a person" is a
question too and goes the same way. The inbox tells Slack's retries from new
events, also across restarts and workers.

Handling: the inbox hands each event back to ``handle``, which asks an
assistant on its own thread (``assistant_thread``, so that retrieval never
holds up an acknowledgement) and returns the reply as Block Kit for the
outbox. A direct message is answered in the DM; a mention in a channel in a
thread under it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt import BoltResponse
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.assistant_thread import AssistantThread
from bot.channels.slack_blocks import (
    ASK_ACTION,
    FAQ_WITHDRAW,
    FEEDBACK_ACTION,
    FEEDBACK_UP,
    PUBLISH_QUESTIONS,
    PUBLISH_VIEW,
    TICKET_CLOSE,
    TICKET_PUBLISH,
    feedback_blocks,
    notice_message,
    parse_feedback_value,
    picked_blocks,
    plain_text,
    read_publish_form,
    reply_message,
)
from bot.channels.slack_staff import PLATFORM, SlackStaff
from bot.conversation import Asker, Question
from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import PermanentDeliveryError, RateLimitedError
from bot.escalation.inbox import Inbox
from bot.escalation.interfaces import OutboxMessage, ReceivedEvent, StaffNotifier
from bot.runtime import Runtime
from bot.texts import text

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
FAQ_COMMAND = "/faq"
METADATA_TYPE = "udbudsbot_delivery"
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
STOP_SECONDS = 10.0
# Message subtypes that carry something a person wrote to the bot; others
# (edits, deletions, joins, bot posts) are not questions.
_READ_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
# Errors after which retrying a delivery cannot help.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "account_inactive",
        "not_in_channel",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "team_access_not_granted",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
    }
)


class SlackDeliverer:
    """Posts messages to Slack askers (in their DM, or in the thread they asked in), one attempt
    each: the outbox retries, so this client has no retry handlers of its own.

    Each message carries the outbox's name for it in Slack's message metadata, so
    that ``arrived`` can find it in the conversation: a message posted just
    before a worker died is not posted a second time by the next.
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def arrived(self, message: OutboxMessage, since: datetime) -> bool | None:
        if message.ref is None:
            return None
        where: dict[str, Any] = {
            "channel": message.chat_id,
            "oldest": f"{since.timestamp() - 1:.6f}",
            "include_all_metadata": True,
            "limit": 200,
        }
        try:
            if message.thread:
                page = await self.client.conversations_replies(ts=message.thread, **where)
            else:
                page = await self.client.conversations_history(**where)
        except SlackApiError as error:
            reason = _code(error) or f"HTTP {error.response.status_code}"
            log.warning("Cannot look for delivery %s in Slack: %s", message.ref, reason)
            return None
        return any(_delivery_ref(posted) == message.ref for posted in page.get("messages") or [])

    async def deliver(self, message: OutboxMessage) -> None:
        if message.rendered is None:
            notice = notice_message(message.text)
            fallback, blocks = notice.text, notice.blocks
        else:
            fallback, blocks = message.text, message.rendered["blocks"]
        try:
            await self.client.chat_postMessage(
                channel=message.chat_id,
                thread_ts=message.thread,
                text=fallback,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_TYPE, "event_payload": {"delivery": message.ref}}
                if message.ref
                else None,
            )
        except SlackApiError as error:
            response = error.response
            code = _code(error)
            if code in PERMANENT_ERRORS:
                raise PermanentDeliveryError(f"Slack refused the message: {code}") from error
            if response.status_code == 429 or code == "ratelimited":
                wait = response.headers.get("Retry-After", "1")
                raise RateLimitedError(_seconds(wait), "Slack rate limit") from error
            detail = f"HTTP {response.status_code}" + (f", {code}" if code else "")
            raise ConnectionError(f"Slack did not take the message ({detail})") from error


class SlackChannel:
    """Slack for askers (DMs, mentions) and, with ``SLACK_STAFF_CHANNEL``, for staff."""

    platform = PLATFORM

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        if runtime.desk is None:
            raise ValueError("the Slack channel needs the escalation desk")
        if settings.slack_bot_token is None:
            raise ValueError("SLACK_BOT_TOKEN is not set")
        self._app_token = (
            settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
        )
        signing_secret = (
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else ""
        )
        if not self._app_token and not signing_secret:
            raise ValueError(
                "Slack needs SLACK_SIGNING_SECRET for HTTP mode, or SLACK_APP_TOKEN for Socket Mode"
            )
        self._desk: EscalationDesk = runtime.desk
        self.client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=settings.slack_api_base_url.rstrip("/") + "/",
        )
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        self.app = AsyncApp(
            client=self.client,
            signing_secret=signing_secret,
            process_before_response=False,
            name="udbudsbot",
        )
        self._assistant = AssistantThread(runtime)
        self._deliverer = SlackDeliverer(
            AsyncWebClient(
                token=settings.slack_bot_token.get_secret_value(),
                base_url=self.client.base_url,
                retry_handlers=[],
            )
        )
        staff_channel = settings.slack_staff_channel
        if staff_channel and not _CHANNEL_ID.match(staff_channel):
            log.warning(
                "SLACK_STAFF_CHANNEL=%r does not look like a channel id (C0123ABCD): staff "
                "answers are matched by id, so use the id from the channel's details",
                staff_channel,
            )
        self._staff_language = settings.staff_language
        self._staff = (
            SlackStaff(self.client, self._desk, staff_channel, settings.staff_language)
            if staff_channel
            else None
        )
        self._inbox: Inbox | None = None
        self._inflight: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self._socket: Any = None
        self._register()

    # Channel protocol ---------------------------------------------------------------------------

    @property
    def deliverer(self) -> SlackDeliverer:
        return self._deliverer

    @property
    def notifier(self) -> StaffNotifier | None:
        return self._staff

    def add_routes(self, app: web.Application) -> None:
        if not self._app_token:
            app.router.add_post(EVENTS_PATH, self.handle_http)

    async def start(self, inbox: Inbox) -> None:
        # One connection pool for every Web API call (without it, each call opens its own).
        self.client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self._deliverer.client.session = self.client.session
        self._assistant.start()
        self._inbox = inbox  # only now can events be handled; until then Slack gets 503
        if self._app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.app, self._app_token, web_client=self.client)
            await self._socket.connect_async()
            log.info("Slack: connected in Socket Mode")
        else:
            log.info("Slack: receiving events at POST %s", EVENTS_PATH)

    async def stop(self) -> None:
        """Stop taking events (the inbox keeps handling what it has), let the button clicks in
        hand finish (briefly), then stop the assistant."""
        self._stopping = True
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()
            self._socket = None
        if self._inflight:
            _, unfinished = await asyncio.wait(set(self._inflight), timeout=STOP_SECONDS)
            for task in unfinished:
                task.cancel()
        await self._assistant.stop()
        session, self.client.session = self.client.session, None
        self._deliverer.client.session = None
        if session is not None:
            await session.close()

    async def handle_http(self, request: web.Request) -> web.Response:
        """``POST /slack/events``: verified, acknowledged and dispatched by bolt."""
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    # Receiving ----------------------------------------------------------------------------------

    def _register(self) -> None:
        self.app.middleware(self._receive_event)
        self.app.action(ASK_ACTION)(self._on_ask_button)
        guard = self._guarded
        self.app.action(FEEDBACK_ACTION)(guard(self._on_feedback))
        self.app.action(TICKET_CLOSE)(guard(self._on_close))
        self.app.action(TICKET_PUBLISH)(guard(self._on_publish))
        self.app.action(FAQ_WITHDRAW)(guard(self._on_withdraw))
        self.app.view(PUBLISH_VIEW)(guard(self._on_publish_form))
        self.app.command(FAQ_COMMAND)(guard(self._on_faq_command))

    async def _receive_event(
        self, body: dict[str, Any], context: Any, next: Callable[[], Awaitable[None]], response: Any
    ) -> BoltResponse | None:
        """Events API callbacks: the ones the bot acts on into the inbox, then every one
        acknowledged. Anything else (buttons, forms) goes on to bolt's listeners.

        A failure to record raises, so bolt answers 500 and Slack sends the event again.
        """
        if body.get("type") != "event_callback":
            await next()
            return response
        if self._inbox is None:
            return BoltResponse(status=503, body="starting")
        event = body.get("event") or {}
        if self._wanted(event):
            key = body.get("event_id") or event.get("client_msg_id") or event.get("event_ts")
            payload = {"event": event, "bot_user_id": context.get("bot_user_id")}
            received = await self._receive(str(key), payload, event.get("user"))
            if received is not None:
                self._handle_soon(received)
        return BoltResponse(status=200, body="")

    def _wanted(self, event: dict[str, Any]) -> bool:
        """Mentions, direct messages, and replies in the threads of the staff channel; other
        messages in channels the bot is in are not for it."""
        kind = event.get("type")
        if not event.get("user"):
            return False
        if kind == "app_mention":
            return True
        if kind != "message" or event.get("subtype") not in _READ_SUBTYPES or event.get("bot_id"):
            return False
        if event.get("channel_type") == "im":
            return True
        thread = event.get("thread_ts")
        return (
            self._staff is not None
            and event.get("channel") == self._staff.channel
            and bool(thread)
            and thread != event.get("ts")
        )

    async def _receive(
        self, key: str, payload: dict[str, Any], sender: str | None
    ) -> ReceivedEvent | None:
        if self._inbox is None:
            raise RuntimeError("the Slack channel is not started")
        return await self._inbox.receive(PLATFORM, key, payload, sender)

    def _handle_soon(self, event: ReceivedEvent) -> None:
        assert self._inbox is not None
        self._inbox.process_soon(event)

    async def _on_ask_button(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A clarify choice or "Ask a person": its value is the person's next question, kept
        in the inbox before the click is acknowledged."""
        channel, ts, thread = _message_place(body)
        user = body.get("user", {}).get("id", "")
        question = {"user": user, "channel": channel, "thread": thread, "text": action.get("value")}
        key = f"action:{body.get('trigger_id') or action.get('action_ts')}"
        received = await self._receive(key, {"ask": question}, user)
        await ack()
        message = body.get("message") or {}
        label = action.get("text", {}).get("text", "")
        picked = picked_blocks(message.get("blocks") or [], action.get("block_id", ""), label)
        await self._update(channel, ts, message.get("text", ""), picked)
        if received is not None:
            self._handle_soon(received)

    def _guarded(self, listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """``listener`` as a task ``stop`` waits for; once stopping, it only acknowledges.

        Bolt reads the listener's arguments through ``functools.wraps``.
        """

        @functools.wraps(listener)
        async def guarded(*args: Any, **kwargs: Any) -> None:
            if self._stopping:
                if "ack" in kwargs:
                    await kwargs["ack"]()
                return
            task = asyncio.current_task()
            if task is not None:
                self._inflight.add(task)
            try:
                await listener(*args, **kwargs)
            finally:
                if task is not None:
                    self._inflight.discard(task)

        return guarded

    async def _on_feedback(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """👍/👎 under an answer: recorded in the desk; the buttons make way for a thank-you."""
        await ack()
        channel, ts, thread = _message_place(body)
        asker = Asker(PLATFORM, body.get("user", {}).get("id", ""), channel, thread)
        helpful = action.get("action_id") == FEEDBACK_UP
        record_ids, language = parse_feedback_value(action.get("value", ""))
        language = language or "da"
        message = body.get("message") or {}
        await self._desk.record_feedback(asker, helpful, record_ids, language=language)
        rated = feedback_blocks(message.get("blocks") or [], helpful, language)
        await self._update(channel, ts, message.get("text", ""), rated)

    async def _on_close(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        if self._staff is None or (ticket_id := _button_number(action)) is None:
            return
        _, ts, _ = _message_place(body)
        blocks = body.get("message", {}).get("blocks") or []
        await self._staff.close(ticket_id, body.get("user", {}).get("id", ""), ts, blocks)

    async def _on_publish(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        if self._staff is None or (ticket_id := _button_number(action)) is None:
            return
        _, ts, _ = _message_place(body)
        user = body.get("user", {}).get("id", "")
        await self._staff.open_publish(ticket_id, user, ts, body.get("trigger_id", ""))

    async def _on_publish_form(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The "Publish as FAQ" form; a ticket with several questions needs one chosen, which
        Slack shows under the field while the form stays open."""
        form = read_publish_form(view)
        if form.asks_question and not form.questions:
            choose = text("slack_publish_choose", self._staff_language)
            await ack(response_action="errors", errors={PUBLISH_QUESTIONS: choose})
            return
        await ack()
        if self._staff is None:
            return
        user = body.get("user", {}).get("id", "")
        await self._staff.publish(user, view.get("private_metadata", ""), form)

    async def _on_withdraw(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        if self._staff is None or (number := _button_number(action)) is None:
            return
        _, ts, _ = _message_place(body)
        blocks = body.get("message", {}).get("blocks") or []
        await self._staff.withdraw(number, body.get("user", {}).get("id", ""), ts, blocks)

    async def _on_faq_command(self, ack: Any, command: dict[str, Any]) -> None:
        """``/faq …`` for staff; the reply is shown to whoever typed it only."""
        if self._staff is None:
            await ack(text=text("slack_staff_only", self._staff_language))
            return
        reply = await self._staff.faq_command(command.get("user_id", ""), command.get("text", ""))
        await ack(text=reply)

    # Handling (from the inbox) ------------------------------------------------------------------

    async def handle(self, event: ReceivedEvent) -> Sequence[OutboxMessage]:
        """An event from the inbox: a question gets its reply; a staff reply answers a ticket."""
        payload = event.payload
        if "ask" in payload:
            ask = payload["ask"]
            asker = Asker(PLATFORM, ask["user"], ask["channel"], ask.get("thread"))
            return [await self._answer(asker, ask.get("text") or "")]
        slack_event, bot_user = payload["event"], payload.get("bot_user_id")
        if slack_event.get("type") == "app_mention":
            return await self._on_mention(slack_event, bot_user)
        return await self._on_message(slack_event, bot_user)

    async def _on_mention(self, event: dict[str, Any], bot_user: str | None) -> list[OutboxMessage]:
        """A mention in a channel: answered in a thread under it (staff threads excepted)."""
        thread = event.get("thread_ts")
        channel = event.get("channel", "")
        if (
            self._staff is not None
            and thread
            and await self._staff.ticket_for_thread(channel, thread) is not None
        ):
            return []  # a staff answer that mentions the bot: the message event takes it
        asker = Asker(PLATFORM, event.get("user", ""), channel, thread or event.get("ts"))
        return [await self._answer(asker, plain_text(event.get("text", ""), bot_user))]

    async def _on_message(self, event: dict[str, Any], bot_user: str | None) -> list[OutboxMessage]:
        """A direct message is a question; a reply in a ticket's thread is a staff answer."""
        user, channel = event.get("user", ""), event.get("channel", "")
        text_in = event.get("text", "")
        if event.get("channel_type") == "im":
            asker = Asker(PLATFORM, user, channel, event.get("thread_ts"))
            question = plain_text(text_in, bot_user)
            if not question and event.get("files"):
                note = "\n".join(text("unsupported_message", lang) for lang in ("da", "en"))
                return [OutboxMessage(asker, note, "da")]
            return [await self._answer(asker, question)]
        thread = event.get("thread_ts", "")
        ticket_id = await self._staff.ticket_for_thread(channel, thread) if self._staff else None
        if self._staff is not None and ticket_id is not None:
            await self._staff.take_answer(ticket_id, user, text_in, thread, bot_user)
        return []

    async def _answer(self, asker: Asker, question: str) -> OutboxMessage:
        """The assistant's reply to this person, as Block Kit for where they asked."""
        reply = await self._assistant.reply(Question(text=question, asker=asker))
        message = reply_message(reply)
        return OutboxMessage(
            asker,
            message.text,
            reply.language,
            rendered={"blocks": message.blocks},
            ticket_id=reply.ticket_id,
        )

    async def _update(
        self, channel: str, ts: str, fallback_text: str, blocks: list[dict[str, Any]]
    ) -> None:
        """Replace a message's blocks; its (already escaped) text stays as it was."""
        if not channel or not ts or self._stopping:
            return
        try:
            await self.client.chat_update(
                channel=channel, ts=ts, text=fallback_text or "…", blocks=blocks
            )
        except SlackApiError as error:
            log.warning("Could not update message %s: %s", ts, error.response.get("error"))


def _message_place(body: dict[str, Any]) -> tuple[str, str, str | None]:
    """Channel, message ts and thread of the message a button was clicked on."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    ts = container.get("message_ts") or message.get("ts", "")
    thread = message.get("thread_ts") or container.get("thread_ts")
    return channel, ts, thread


def _code(error: SlackApiError) -> str | None:
    """Slack's error code; None when the answer was no JSON (an outage answers with a page)."""
    data = error.response.data
    return data.get("error") if isinstance(data, dict) else None


def _delivery_ref(posted: dict[str, Any]) -> str | None:
    """The outbox's name for a message the bot posted, from its metadata."""
    metadata = posted.get("metadata") or {}
    if metadata.get("event_type") != METADATA_TYPE:
        return None
    return str((metadata.get("event_payload") or {}).get("delivery"))


def _seconds(value: str) -> float:
    """Seconds from a ``Retry-After`` header (one second when it cannot be read)."""
    try:
        return float(value)
    except ValueError:
        return 1.0


def _button_number(action: dict[str, Any]) -> int | None:
    """The number a staff button carries (a ticket's, or a learned entry's)."""
    value = str(action.get("value", ""))
    return int(value) if re.fullmatch(r"\d{1,12}", value) else None
