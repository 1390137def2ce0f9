"""Run the configured platform channels in one process, around one runtime.

Each channel (Telegram, Slack) is a ``Channel``: it receives its platform's
events into the inbox and handles them from there, delivers messages to
askers on its platform, may host staff (a notifier), may add routes to the
shared HTTP server (webhooks, Slack events) and runs until stopped. This
module owns what they share: the runtime, the HTTP server with
``GET /healthz``, the inbox and the outbox, the learned-answer poll (answers
staff published, corrected or withdrew, taken into the index every
``UDBUDSBOT_LEARNED_POLL_SECONDS``) and the housekeeping loop (a changed
knowledge pack reloaded and its tender changes sent to subscribers,
reminders, staff notices that failed before, retention).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from typing import Protocol

from aiohttp import web

from bot.config import Settings
from bot.escalation.errors import DeskError
from bot.escalation.inbox import Inbox
from bot.escalation.interfaces import Deliverer, OutboxMessage, ReceivedEvent, StaffNotifier
from bot.escalation.outbox import OutboxWorker
from bot.runtime import Runtime, start_runtime
from bot.watch.reload import KnowledgeWatch

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 30.0
STOP_SECONDS = 10.0


class Channel(Protocol):
    """A platform the bot talks on."""

    platform: str

    @property
    def deliverer(self) -> Deliverer: ...

    @property
    def notifier(self) -> StaffNotifier | None:
        """The staff destination on this platform, when one is configured."""

    def add_routes(self, app: web.Application) -> None:
        """Add this channel's HTTP routes (webhooks, Slack events), if any."""

    async def start(self, inbox: Inbox) -> None:
        """Connect and begin receiving into ``inbox`` (polling, socket mode or webhook)."""

    async def handle(self, event: ReceivedEvent) -> Sequence[OutboxMessage]:
        """Act on one of this channel's events from the inbox; the replies to send."""

    async def stop(self) -> None:
        """Stop receiving (what is received by then is in the inbox)."""


ChannelFactory = Callable[[Runtime], Channel]


def configured_channels(settings: Settings) -> list[ChannelFactory]:
    """The channel factories whose tokens are set."""
    factories: list[ChannelFactory] = []
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel

        factories.append(TelegramChannel)
    if settings.slack_bot_token:
        from bot.channels.slack import SlackChannel

        factories.append(SlackChannel)
    return factories


class Server:
    """The channels, the HTTP server and the background loops of one worker."""

    def __init__(self, runtime: Runtime, channels: list[Channel]) -> None:
        if runtime.desk is None:
            raise ValueError("the platform channels need the escalation desk")
        self.runtime = runtime
        self.channels = channels
        self.ready = False
        self._stop = asyncio.Event()
        self._http: web.AppRunner | None = None
        for channel in channels:
            if channel.notifier is not None:
                runtime.desk.add_notifier(channel.notifier)
        self.outbox = OutboxWorker(runtime.desk, {c.platform: c.deliverer for c in channels})
        self.inbox = Inbox(runtime.desk, self.outbox, {c.platform: c for c in channels})
        self.knowledge_watch = KnowledgeWatch(runtime)

    def http_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        for channel in self.channels:
            channel.add_routes(app)
        return app

    async def _healthz(self, request: web.Request) -> web.Response:
        """200 when the bot takes events; the backlogs show a platform that is down (the
        outbox grows, or for staff's platform the staff notices) or workers that cannot keep
        up (the inbox grows)."""
        body: dict[str, object] = {"ready": self.ready, "records": self.runtime.index.size}
        try:
            body["inbox"] = asdict(await self.inbox.backlog())
            body["outbox"] = asdict(await self.outbox.backlog())
            body["staff_notices"] = asdict(await self.runtime.desk.staff_notice_backlog())
        except DeskError as exc:
            body.update(ready=False, database=str(exc))
        return web.json_response(body, status=200 if body["ready"] else 503)

    async def start(self, port: int) -> None:
        app = self.http_app()
        self._http = web.AppRunner(app, access_log=None)
        await self._http.setup()
        await web.TCPSite(self._http, host="0.0.0.0", port=port).start()
        log.info("HTTP server on port %d (/healthz)", port)
        for channel in self.channels:
            await channel.start(self.inbox)
        self.ready = True

    async def run_until_stopped(self) -> None:
        loops = [
            asyncio.create_task(self.outbox.run(self._stop), name="outbox"),
            asyncio.create_task(self.inbox.run(self._stop), name="inbox"),
            asyncio.create_task(self._housekeeping(), name="housekeeping"),
            asyncio.create_task(self._poll_learned(), name="learned"),
        ]
        await self._stop.wait()
        self.ready = False
        # Events that arrive from now on are recorded for another worker (or the next start);
        # those in hand are answered first, while the channels can still send.
        await self.inbox.close()
        # The loops end at their next turn; a send in flight is finished rather than cut off,
        # since a message cut off after the platform took it would be sent again.
        _, unfinished = await asyncio.wait(loops, timeout=STOP_SECONDS)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        await self.outbox.close()
        for channel in self.channels:
            with contextlib.suppress(Exception):
                await channel.stop()
        if self._http is not None:
            await self._http.cleanup()

    def stop(self) -> None:
        self._stop.set()

    async def _housekeeping(self) -> None:
        desk = self.runtime.desk
        assert desk is not None
        while not self._stop.is_set():
            await _logged(self.knowledge_watch.check)
            await _logged(desk.send_due_reminders)
            await _logged(desk.send_staff_notices)
            await _logged(desk.apply_retention)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), HOUSEKEEPING_SECONDS)

    async def _poll_learned(self) -> None:
        """Learned answers are cheap to poll (one indexed query) and a withdrawn one must stop
        soon, so they have their own, shorter interval."""
        while not self._stop.is_set():
            await _logged(self.runtime.refresh_learned)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._stop.wait(), self.runtime.settings.learned_poll_seconds
                )


async def _logged(step: Callable[[], Awaitable[object]]) -> None:
    try:
        await step()
    except Exception:
        log.exception("housekeeping step %s failed", getattr(step, "__name__", step))


def serve(settings: Settings) -> int:
    """Start every configured channel and run until interrupted (Ctrl-C, SIGTERM)."""
    logging.getLogger().setLevel(settings.log_level)
    runtime = start_runtime(settings)

    async def main() -> None:
        server = Server(runtime, [factory(runtime) for factory in configured_channels(settings)])
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.stop)
        await server.start(settings.http_port)
        log.info("udbudsbot is running: %s", ", ".join(c.platform for c in server.channels))
        await server.run_until_stopped()

    try:
        asyncio.run(main())
    finally:
        runtime.close()
    return 0
