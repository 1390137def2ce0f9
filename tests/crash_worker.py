"""A worker in its own process that receives one question and dies on purpose at a chosen step.

Run as ``python -m tests.crash_worker URL OUT EVENT_ID --crash-at STEP``: it
opens the desk at URL with an inbox and an outbox (the deliverer appends what
it sends to OUT) and kills itself with SIGKILL

- ``received``: once the event is in the inbox, before handling it;
- ``claimed``: after taking over an event that waited (``--take-over``),
  before handling it;
- ``answered``: when the handler has the reply, before it is queued;
- ``queued``: when the reply is queued (the event done), before it is sent.

The test then plays the restarted worker and checks that the asker gets
exactly one reply.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot.escalation import EscalationDesk, Inbox, OutboxMessage, OutboxWorker, ReceivedEvent
from tests.desk_support import EchoHandler, FileDeliverer, settings_for

STEPS = ("received", "claimed", "answered", "queued")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class DyingHandler(EchoHandler):
    def __init__(self, crash_at: str) -> None:
        super().__init__()
        self.crash_at = crash_at

    async def handle(self, event: ReceivedEvent) -> Sequence[OutboxMessage]:
        if self.crash_at == "claimed":
            die()
        replies = await super().handle(event)
        if self.crash_at == "answered":
            die()
        return replies


class DyingDeliverer(FileDeliverer):
    def __init__(self, out: Path, crash_at: str) -> None:
        super().__init__(out, "crashing", 0.0)
        self.crash_at = crash_at

    async def deliver(self, message: OutboxMessage) -> None:
        if self.crash_at == "queued":
            die()
        await super().deliver(message)


async def main(args: argparse.Namespace) -> None:
    desk = EscalationDesk.open(settings_for(args.url, Path(args.out).parent))
    lease = timedelta(seconds=args.lease)
    deliverer = DyingDeliverer(Path(args.out), args.crash_at)
    outbox = OutboxWorker(desk, {"telegram": deliverer}, lease=lease)
    inbox = Inbox(desk, outbox, {"telegram": DyingHandler(args.crash_at)}, lease=lease)
    if args.take_over:
        while not await inbox.process_once():
            await asyncio.sleep(0.05)
        return
    event = await inbox.receive("telegram", args.event_id, {"user": args.user, "text": args.text})
    if args.crash_at == "received":
        die()
    assert event is not None
    await inbox.process(event)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("event_id")
    parser.add_argument("--crash-at", choices=STEPS, required=True)
    parser.add_argument("--take-over", action="store_true", help="take over a waiting event")
    parser.add_argument("--user", default="42")
    parser.add_argument("--text", default="Hvornår betaler I?")
    parser.add_argument("--lease", type=float, default=0.3)
    asyncio.run(main(parser.parse_args()))
