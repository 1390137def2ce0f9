"""A worker in its own process that escalates one question and dies on purpose while it
tells staff: the ticket is committed, the staff notice is queued, and nothing is sent.

Run as ``python -m tests.dying_notifier URL DATA_DIR``. Its notifier has the class
name of :class:`tests.desk_support.RecordingNotifier`, so that a worker configured
alike (the test, playing the next worker) takes over the notice it owed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path

from bot.escalation import EscalationDesk
from bot.escalation.views import DeliveryFailure, TicketView
from tests.desk_support import asker, settings_for


class RecordingNotifier:
    """Dies at the moment it would post to staff."""

    async def notify_ticket(self, ticket: TicketView) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    async def notify_reminder(self, ticket: TicketView) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    async def notify_delivery_failed(self, failure: DeliveryFailure) -> None:
        os.kill(os.getpid(), signal.SIGKILL)


async def main(url: str, data_dir: Path) -> None:
    desk = EscalationDesk.open(settings_for(url, data_dir), [RecordingNotifier()])
    await desk.open_ticket("Hvem tager imod klager over udbud?", "da", asker())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.data_dir))
