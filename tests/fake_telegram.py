"""A small Bot API server on 127.0.0.1 for end-to-end tests of the Telegram channel.

The real python-telegram-bot code talks to it over HTTP exactly as it would
to Telegram (``TELEGRAM_API_BASE_URL`` points here). It records every call,
serves queued updates to ``getUpdates``, keeps the messages the bot sent so
they can be edited and replied to, checks HTML the way Telegram does
(unsupported tags and over-long texts are rejected with 400), and can be told
to fail the next call of a method (flood control, blocked user, network) or
a random share of its calls (``make_flaky``, for the chaos benchmark).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from tests.flaky import RATE_LIMITED, Flakiness

TOKEN = "123456:TEST-token"
BOT_ID = 123456
BOT_USERNAME = "udbud_test_bot"
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Udbudsbot",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
        "scope",
        "entities",
    }
)
INT_FIELDS = frozenset(
    {"chat_id", "user_id", "message_id", "offset", "limit", "timeout", "message_thread_id"}
)
# Telegram's HTML parse mode: these tags and nothing else.
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
TEXT_LIMIT = 4096


class BadHtmlError(ValueError):
    pass


class _TelegramHtml(HTMLParser):
    """Visible text of a Telegram HTML message; raises on what Telegram would reject."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise BadHtmlError(f'Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise BadHtmlError(f'Unmatched end tag "{tag}"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


def visible_text(value: str) -> str:
    parser = _TelegramHtml()
    parser.feed(value)
    parser.close()
    if parser.open:
        raise BadHtmlError(f'Unclosed start tag "{parser.open[-1]}"')
    return "".join(parser.visible)


def utf16_length(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass
class Failure:
    status: int
    description: str
    parameters: dict[str, Any] | None = None


def user(user_id: int, first_name: str = "Alice", language: str | None = "da") -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language:
        data["language_code"] = language
    return data


def chat(chat_id: int) -> dict[str, Any]:
    """A private chat for positive ids, a supergroup for negative ones (as in Telegram)."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Alice"}
    return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}


def entities_for(text: str) -> list[dict[str, Any]]:
    """The entities Telegram would attach: a leading /command and @mentions (UTF-16 offsets)."""
    found = []
    for match in re.finditer(r"^/\w+(@\w+)?|(?<!\w)@\w+", text):
        kind = "bot_command" if match.group().startswith("/") else "mention"
        offset = utf16_length(text[: match.start()])
        found.append({"type": kind, "offset": offset, "length": utf16_length(match.group())})
    return found


@dataclass
class FakeTelegram:
    """The fake server. ``base_url`` goes into ``TELEGRAM_API_BASE_URL``."""

    calls: list[Call] = field(default_factory=list)
    members: dict[int, str] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=lambda: defaultdict(list))
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    flaky: dict[str, Flakiness] = field(default_factory=dict)
    base_url: str = ""
    _runner: web.AppRunner | None = None
    _changed: asyncio.Condition | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/bot"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # What tests set up -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.failures[method].append(Failure(status, description, parameters))

    def make_flaky(self, method: str, flakiness: Flakiness) -> None:
        """Fail a share of the calls of ``method`` with 503 and another with flood control."""
        self.flaky[method] = flakiness

    def new_update(self, **content: Any) -> dict[str, Any]:
        """An update with a fresh ``update_id`` (``message=…``, ``callback_query=…``, …)."""
        return {"update_id": next(self._update_ids), **content}

    async def push(self, update: dict[str, Any]) -> None:
        """Queue an update for ``getUpdates``."""
        assert self._changed is not None
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()

    def message(
        self,
        text: str | None,
        *,
        sender: dict[str, Any],
        chat_id: int,
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message from a person, as Telegram would send it."""
        data: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat(chat_id),
            "from": sender,
            **extra,
        }
        if text is not None:
            data["text"] = text
            if entities := entities_for(text):
                data["entities"] = entities
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        return data

    def button_press(
        self, message: dict[str, Any], data: str, sender: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "from": sender,
            "chat_instance": "fake-instance",
            "message": message,
            "data": data,
        }

    # What tests look at ----------------------------------------------------------------------

    def called(self, method: str, **params: Any) -> list[Call]:
        """Successful calls of ``method`` whose parameters include ``params``."""
        return [
            call
            for call in self.calls
            if call.method == method
            and call.status == 200
            and all(call.params.get(k) == v for k, v in params.items())
        ]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """Parameters of every message successfully sent into ``chat_id``, in order."""
        return [call.params for call in self.called("sendMessage", chat_id=chat_id)]

    def sent_message(self, chat_id: int, index: int = -1) -> dict[str, Any]:
        """The message object the bot sent (for replying to it or pressing its buttons)."""
        sent = [m for (c, _), m in self.messages.items() if c == chat_id]
        return sent[index]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 10.0, **params: Any
    ) -> list[Call]:
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.called(method, **params)) >= count),
                timeout,
            )
        return self.called(method, **params)

    # The server ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        failures = self.failures.get(method)
        failure = failures.pop(0) if failures else self._flaky_failure(method)
        if failure is not None:
            await self._record(method, params, failure.status)
            return _error(failure.status, failure.description, failure.parameters)
        handler = getattr(self, f"_api_{_snake(method)}", None)
        if handler is None:
            await self._record(method, params, 404)
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except BadHtmlError as error:
            await self._record(method, params, 400)
            return _error(400, f"Bad Request: can't parse entities: {error}")
        except ValueError as error:
            await self._record(method, params, 400)
            return _error(400, f"Bad Request: {error}")
        await self._record(method, params, 200)
        return web.json_response({"ok": True, "result": result})

    def _flaky_failure(self, method: str) -> Failure | None:
        flaky = self.flaky.get(method)
        status = flaky.draw() if flaky is not None else None
        if flaky is None or status is None:
            return None
        if status == RATE_LIMITED:
            wait = int(flaky.retry_after)
            return Failure(status, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        return Failure(status, "Service Unavailable")

    async def _record(self, method: str, params: dict[str, Any], status: int) -> None:
        assert self._changed is not None
        async with self._changed:
            self.calls.append(Call(method, params, status, time.monotonic()))
            self._changed.notify_all()

    async def _api_get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def _api_get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._changed is not None
        offset = params.get("offset") or 0
        wait = min(float(params.get("timeout") or 0), 0.2)

        def pending() -> list[dict[str, Any]]:
            return [u for u in self.updates if u["update_id"] >= offset]

        async with self._changed:
            if not pending() and wait:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())), wait)
            return pending()

    async def _api_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text", "")
        shown = visible_text(text) if params.get("parse_mode") == "HTML" else text
        if not shown.strip():
            raise ValueError("message text is empty")
        if utf16_length(shown) > TEXT_LIMIT:
            raise ValueError("message is too long")
        chat_id = params["chat_id"]
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat(chat_id),
            "from": BOT_USER,
            "text": shown,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _api_edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._stored(params)
        text = params.get("text", "")
        message["text"] = visible_text(text) if params.get("parse_mode") == "HTML" else text
        return message

    async def _api_edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._stored(params)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        return message

    def _stored(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages.get((params.get("chat_id"), params.get("message_id")))
        if message is None:
            raise ValueError("message to edit not found")
        return message

    async def _api_answer_callback_query(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_set_my_commands(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_set_webhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_delete_webhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params["user_id"]
        status = self.members.get(user_id, "left")
        member: dict[str, Any] = {"status": status, "user": user(user_id, "Someone")}
        if status == "creator":
            member["is_anonymous"] = False
        if status == "kicked":
            member["until_date"] = 0
        return member


def _snake(method: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower()


async def _params(request: web.Request) -> dict[str, Any]:
    """Parameters as Telegram reads them: form fields (JSON-encoded objects) or a JSON body."""
    if request.content_type == "application/json":
        return dict(await request.json())
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        raw = str(value)
        if key in JSON_FIELDS:
            params[key] = json.loads(raw)
        elif key in INT_FIELDS:
            params[key] = int(raw)
        else:
            params[key] = raw
    return params


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
