"""A small fake Slack Web API on 127.0.0.1, and a harness that runs the real Slack channel on it.

Like slack-bolt's own ``tests/mock_web_api_server``: an aiohttp server that
answers the Web API methods the channel calls (``auth.test``,
``chat.postMessage`` …), records every call, and can be told to fail a
method: with Slack's error for a channel (``fail``), with an HTTP error such
as 503 or 429 with ``Retry-After`` for the next calls or until it recovers
(``fail_next``, ``go_down``), or at random like a flaky network
(``make_flaky``, for the chaos benchmark). It also offers Socket Mode
(``apps.connections.open`` and a WebSocket that sends envelopes and collects
acknowledgements).

``SlackHarness`` wires the real pieces together: a ``Runtime`` on the
shipped knowledge with the bundled embedding model, a fresh SQLite desk,
``SlackChannel`` with bolt's ``AsyncApp`` and ``AsyncWebClient``, the shared
``Server`` (routes, inbox, outbox and their loops), and an aiohttp test
client that posts events signed the way Slack signs them. The benchmarks use
the same fake API.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.signature import SignatureVerifier

from bot.channels.serve import Server
from bot.channels.slack import EVENTS_PATH, SlackChannel
from bot.channels.slack_blocks import PUBLISH_ALSO, PUBLISH_INPUT, PUBLISH_QUESTIONS
from bot.config import Settings
from bot.conversation import Asker
from bot.escalation.desk import EscalationDesk
from bot.escalation.inbox import Inbox
from bot.escalation.interfaces import Deliverer, OutboxMessage, ReceivedEvent, StaffNotifier
from bot.runtime import Runtime, build_assistant
from index.search import SearchIndex
from knowledge.model import KnowledgeBase
from tests.flaky import RATE_LIMITED, Flakiness

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
SIGNING_SECRET = "test-signing-secret"
BOT_USER = "UBOT0001"
TEAM = "T0000001"
STAFF_CHANNEL = "C0STAFF01"
STAFF = ("U0STAFF01", "U0STAFF02")


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200


@dataclass(frozen=True, slots=True)
class HttpFailure:
    """An HTTP error instead of an answer (503, or 429 with ``Retry-After`` seconds)."""

    status: int = 503
    retry_after: float | None = None

    def response(self) -> web.Response:
        headers = {"Retry-After": f"{self.retry_after:g}"} if self.retry_after is not None else {}
        if self.status == 429:
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers=headers
            )
        return web.Response(status=self.status, text="Service Unavailable", headers=headers)


class FakeSlackApi:
    """The Slack Web API methods the channel uses, recording every call."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.members: list[str] = list(STAFF)
        self.names: dict[str, str] = {"U0STAFF01": "Karen Indkøb", "U0STAFF02": "Jens Udbud"}
        self.failures: dict[tuple[str, str], str] = {}
        self.http_failures: dict[str, list[HttpFailure]] = {}
        self.down: dict[str, HttpFailure] = {}
        self.flaky: dict[str, Flakiness] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.socket_envelopes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.socket_acks: list[dict[str, Any]] = []
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host="127.0.0.1", port=0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/api/"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(self, method: str, channel: str, error: str) -> None:
        """Make ``method`` answer ``{"ok": false, "error": error}`` for ``channel``."""
        self.failures[(method, channel)] = error

    def fail_next(self, method: str, failure: HttpFailure, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with an HTTP error."""
        self.http_failures.setdefault(method, []).extend([failure] * times)

    def go_down(self, method: str, failure: HttpFailure | None = None) -> None:
        """Answer every call of ``method`` with an HTTP error (503) until ``recover``."""
        self.down[method] = failure or HttpFailure()

    def recover(self, method: str) -> None:
        self.down.pop(method, None)

    def make_flaky(self, method: str, flakiness: Flakiness) -> None:
        """Fail a share of the calls of ``method`` with 503 and another with 429."""
        self.flaky[method] = flakiness

    def _http_failure(self, method: str) -> HttpFailure | None:
        queued = self.http_failures.get(method)
        if queued:
            return queued.pop(0)
        if method in self.down:
            return self.down[method]
        flaky = self.flaky.get(method)
        status = flaky.draw() if flaky is not None else None
        if flaky is None or status is None:
            return None
        return HttpFailure(status, flaky.retry_after if status == RATE_LIMITED else None)

    def hold(self, method: str) -> asyncio.Event:
        """Record calls of ``method`` but answer them only once the returned event is set."""
        gate = self.gates[method] = asyncio.Event()
        return gate

    def of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call of ``method`` answered so far (not those failed with an
        HTTP error); a posted message's parameters also carry the ``ts`` the fake gave it."""
        return [call.params for call in self.calls if call.method == method and call.status == 200]

    def failed(self, method: str) -> list[Call]:
        """The calls of ``method`` that got an HTTP error."""
        return [call for call in self.calls if call.method == method and call.status != 200]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 20.0
    ) -> list[dict[str, Any]]:
        """The first ``count`` calls of ``method``, waiting for them to arrive."""

        def enough() -> bool:
            return len(self.of(method)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(enough), timeout)
        return self.of(method)[:count]

    async def settle(self, quiet: float = 0.3) -> None:
        """Wait until no call has arrived for ``quiet`` seconds (nothing more is coming)."""
        seen = -1
        while seen != len(self.calls):
            seen = len(self.calls)
            await asyncio.sleep(quiet)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        for key in ("blocks", "view"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        http_failure = self._http_failure(method)
        if http_failure is not None:
            self.calls.append(Call(method, params, status=http_failure.status))
            async with self._changed:
                self._changed.notify_all()
            return http_failure.response()
        failure = self.failures.get((method, str(params.get("channel", ""))))
        result = (
            {"ok": False, "error": failure} if failure else self._result(method, params, request)
        )
        if method == "chat.postMessage" and not failure:
            params["ts"] = result["ts"]
        self.calls.append(Call(method, params))
        async with self._changed:
            self._changed.notify_all()
        if method in self.gates:
            await self.gates[method].wait()
        return web.json_response(result)

    def _result(self, method: str, params: dict[str, Any], request: web.Request) -> dict[str, Any]:
        match method:
            case "auth.test":
                return {
                    "ok": True,
                    "url": "https://example.invalid/",
                    "team": "Test",
                    "user": "udbudsbot",
                    "team_id": TEAM,
                    "user_id": BOT_USER,
                    "bot_id": "B0000001",
                }
            case "chat.postMessage":
                ts = self._new_ts()
                message = {"ts": ts, "text": params.get("text"), "blocks": params.get("blocks")}
                return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}
            case "chat.update":
                return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": self._new_ts()}
            case "conversations.history" | "conversations.replies":
                return {"ok": True, "messages": self._history(method, params), "has_more": False}
            case "conversations.members":
                return {"ok": True, "members": self.members, "response_metadata": {}}
            case "users.info":
                user = str(params.get("user"))
                name = self.names.get(user, user.lower())
                return {"ok": True, "user": {"id": user, "name": name, "profile": {}}}
            case "apps.connections.open":
                host = request.host
                return {"ok": True, "url": f"ws://{host}/link"}
            case _:
                return {"ok": True}

    def _new_ts(self) -> str:
        """A message timestamp as Slack gives them: the time, made unique."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _history(self, method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """What the bot posted in a conversation (``history``) or a thread (``replies``),
        newest first, with metadata when asked for."""
        oldest = float(params.get("oldest") or 0)
        found = []
        for posted in self.of("chat.postMessage"):
            if posted.get("channel") != params.get("channel") or "ts" not in posted:
                continue
            in_thread = posted.get("thread_ts")
            wanted = in_thread == params.get("ts") if method.endswith("replies") else not in_thread
            if wanted and float(posted["ts"]) > oldest:
                message = {"type": "message", "ts": posted["ts"], "text": posted.get("text")}
                if params.get("include_all_metadata") and posted.get("metadata"):
                    message["metadata"] = posted["metadata"]
                found.append(message)
        return found[::-1]

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})

        async def send() -> None:
            while True:
                await socket.send_json(await self.socket_envelopes.get())

        sender = asyncio.create_task(send())
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
                    async with self._changed:
                        self._changed.notify_all()
        finally:
            sender.cancel()
        return socket

    async def wait_for_socket_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        def acked() -> bool:
            return any(ack.get("envelope_id") == envelope_id for ack in self.socket_acks)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(acked), timeout)
        return next(ack for ack in self.socket_acks if ack.get("envelope_id") == envelope_id)


# Requests as Slack sends them ----------------------------------------------------------------


def signed_headers(
    body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None, **extra: str
) -> dict[str, str]:
    """Headers of a request signed like Slack's (``v0=`` HMAC of ``v0:<ts>:<body>``)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
        **extra,
    }


def event_payload(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0000001",
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        "event": event,
    }


def dm_event(text: str, user: str = "U0ASKER01", channel: str = "D0ASKER01") -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "channel": channel,
        "ts": _ts(),
        "event_ts": _ts(),
    }


def mention_event(text: str, user: str = "U0ASKER02", channel: str = "C0PUBLIC1") -> dict[str, Any]:
    ts = _ts()
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "channel": channel,
        "ts": ts,
        "event_ts": ts,
    }


def thread_reply_event(
    text: str, thread_ts: str, user: str = STAFF[0], channel: str = STAFF_CHANNEL
) -> dict[str, Any]:
    ts = _ts()
    return {
        "type": "message",
        "channel_type": "channel",
        "user": user,
        "text": text,
        "channel": channel,
        "ts": ts,
        "thread_ts": thread_ts,
        "event_ts": ts,
    }


def block_action(
    user: str, channel: str, message: dict[str, Any], action: dict[str, Any], block_id: str
) -> dict[str, Any]:
    """The ``block_actions`` payload of a click on ``action`` in a message we posted."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user},
        "api_app_id": "A0000001",
        "trigger_id": f"trigger-{uuid.uuid4().hex[:8]}",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
            **({"thread_ts": message["thread_ts"]} if message.get("thread_ts") else {}),
        },
        "channel": {"id": channel},
        "message": message,
        "actions": [{**action, "block_id": block_id, "action_ts": _ts()}],
    }


def view_submission(
    user: str,
    view: dict[str, Any],
    answer: str,
    *,
    questions: Iterable[int] = (),
    also: str | None = None,
) -> dict[str, Any]:
    """The ``view_submission`` of the "Publish as FAQ" form, filled in as a person would."""
    values: dict[str, dict[str, Any]] = {
        PUBLISH_INPUT: {PUBLISH_INPUT: {"type": "plain_text_input", "value": answer}},
        PUBLISH_ALSO: {PUBLISH_ALSO: {"type": "plain_text_input", "value": also}},
    }
    if any(block.get("block_id") == PUBLISH_QUESTIONS for block in view["blocks"]):
        values[PUBLISH_QUESTIONS] = {
            PUBLISH_QUESTIONS: {
                "type": "checkboxes",
                "selected_options": [{"value": str(number)} for number in questions],
            }
        }
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": user},
        "api_app_id": "A0000001",
        "view": {**view, "id": "V0000001", "state": {"values": values}},
    }


def slash_command(command: str, text: str, user: str, channel: str = STAFF_CHANNEL) -> str:
    """A slash command's form-encoded body, as Slack posts it to the request URL."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "channel_id": channel,
            "user_id": user,
            "command": command,
            "text": text,
            "api_app_id": "A0000001",
            "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": f"trigger-{uuid.uuid4().hex[:8]}",
        }
    )


_ts_counter = itertools.count(1)


def _ts() -> str:
    return f"{1_600_000_000 + next(_ts_counter)}.000001"


# The bot -------------------------------------------------------------------------------------


def slack_settings(data_dir: Path, api_base_url: str, **values: Any) -> Settings:
    """Settings for the channel under test: HTTP mode, a staff channel, the fake API."""
    defaults: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_staff_channel": STAFF_CHANNEL,
        "slack_api_base_url": api_base_url,
    }
    return Settings(data_dir=data_dir, _env_file=None, **{**defaults, **values})  # type: ignore[call-arg]


def build_runtime(settings: Settings, knowledge: KnowledgeBase, index: SearchIndex) -> Runtime:
    """A real runtime (assistant, index, desk) on ``knowledge``, with its own desk."""
    own_index = copy.copy(index)
    desk = EscalationDesk.open(settings)
    assistant = build_assistant(settings, knowledge, own_index, desk)
    return Runtime(settings, knowledge, own_index, assistant, desk)


@dataclass
class RecordingDeliverer:
    """What askers on another platform (Telegram here) received."""

    sent: list[tuple[Asker, str, str]] = field(default_factory=list)

    async def deliver(self, message: OutboxMessage) -> None:
        self.sent.append((message.asker, message.text, message.language))


@dataclass
class OtherPlatform:
    """A channel for another platform that only delivers (stands in for Telegram)."""

    platform: str
    deliverer: Deliverer
    notifier: StaffNotifier | None = None

    def add_routes(self, app: web.Application) -> None:
        return None

    async def start(self, inbox: Inbox) -> None:
        return None

    async def handle(self, event: ReceivedEvent) -> Sequence[OutboxMessage]:
        return ()

    async def stop(self) -> None:
        return None


class SlackHarness:
    """The Slack channel in the shared server, its fake Web API, and a signed-request client."""

    def __init__(self, runtime: Runtime, api: FakeSlackApi, others: Iterable[OtherPlatform] = ()):
        self.runtime = runtime
        self.api = api
        self.channel = SlackChannel(runtime)
        self.server = Server(runtime, [self.channel, *others])
        self.http: TestClient | None = None
        self._running: asyncio.Task[None] | None = None

    async def __aenter__(self) -> SlackHarness:
        self.http = TestClient(TestServer(self.server.http_app(), host="127.0.0.1"))
        await self.http.start_server()
        await self.channel.start(self.server.inbox)
        self._running = asyncio.create_task(self.server.run_until_stopped())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.stop()
        if self._running is not None:
            await self._running
        if self.http is not None:
            await self.http.close()

    @property
    def client(self) -> TestClient:
        assert self.http is not None
        return self.http

    async def post_raw(self, body: str, headers: dict[str, str], content_type: str) -> Any:
        return await self.client.post(
            EVENTS_PATH, data=body, headers={**headers, "Content-Type": content_type}
        )

    async def send_event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry: int | None = None,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
    ) -> Any:
        """POST an Events API callback, signed; ``retry`` marks it as Slack's n-th retry."""
        body = json.dumps(event_payload(event, event_id))
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        headers = signed_headers(body, secret, timestamp, **(extra if retry else {}))
        return await self.post_raw(body, headers, "application/json")

    async def send_interaction(self, payload: dict[str, Any]) -> Any:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post_raw(body, signed_headers(body), "application/x-www-form-urlencoded")

    async def send_command(self, command: str, text: str, user: str) -> Any:
        """A slash command, signed; bolt answers it in the response body."""
        body = slash_command(command, text, user)
        return await self.post_raw(body, signed_headers(body), "application/x-www-form-urlencoded")


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    """A running fake Slack Web API on 127.0.0.1 (registered as a plugin in conftest)."""
    fake = FakeSlackApi()
    await fake.start()
    yield fake
    await fake.stop()
