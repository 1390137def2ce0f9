"""Fixtures and fakes for the escalation-desk tests, and an outbox worker process for crash tests.

Every desk test runs on SQLite and, when ``UDBUDSBOT_TEST_POSTGRES_URL`` is
set, on PostgreSQL too (each test in a fresh schema). The fakes stand at the
protocol boundary a channel implements: they record what staff and askers
would have received.

Run as ``python -m tests.desk_support URL OUT [--hang MARKER] ...`` it is an
outbox worker in its own process whose deliverer appends each message to OUT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.conversation import Asker
from bot.escalation import (
    Deliverer,
    DeliveryFailure,
    EscalationDesk,
    EventHandler,
    Inbox,
    OutboxMessage,
    OutboxWorker,
    ReceivedEvent,
    StaffMember,
    TicketStatus,
    TicketView,
)
from bot.escalation.schema import PENDING, Delivery
from bot.escalation.views import Candidate

POSTGRES_ENV = "UDBUDSBOT_TEST_POSTGRES_URL"
REPO = Path(__file__).resolve().parents[1]

STAFF = StaffMember("slack", "U100", "Karen Indkøb", in_staff_destination=True)


@pytest.fixture(
    name="desk_url",
    params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def fixture_desk_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for a fresh, empty desk on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set (CI sets it; see .ci/run)")
    schema = f"desk_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def settings_for(url: str, data_dir: Path, **values: object) -> Settings:
    return Settings(database_url=url, data_dir=data_dir, _env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(name="notifier")
def fixture_notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture(name="desk")
def fixture_desk(
    desk_url: str, tmp_path: Path, notifier: RecordingNotifier
) -> Iterator[EscalationDesk]:
    desk = EscalationDesk.open(settings_for(desk_url, tmp_path), [notifier])
    yield desk
    desk.dispose()


class Clock:
    """A settable clock for the desk, so back-off, leases and reminders need no sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(name="clock")
def fixture_clock(desk: EscalationDesk) -> Clock:
    clock = Clock(datetime(2025, 11, 24, 9, 0, tzinfo=UTC))
    desk.clock = clock
    return clock


def asker(user: str = "42", platform: str = "telegram") -> Asker:
    return Asker(platform=platform, user_id=user, chat_id=f"chat-{user}", thread=None)


def open_ticket(question: str, platform: str, candidate: Candidate) -> TicketView:
    """A new ticket as staff are shown it, with one candidate the bot came close to."""
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return TicketView(
        id=7,
        status=TicketStatus.OPEN,
        question=question,
        language="en",
        platform=platform,
        asker="asker-7f3a9c",
        candidates=(candidate,),
        confidence=candidate.confidence,
        created_at=now,
        updated_at=now,
    )


@dataclass
class RecordingNotifier:
    """Records what staff were told."""

    tickets: list[TicketView] = field(default_factory=list)
    reminders: list[TicketView] = field(default_factory=list)
    failures: list[DeliveryFailure] = field(default_factory=list)

    async def notify_ticket(self, ticket: TicketView) -> None:
        self.tickets.append(ticket)

    async def notify_reminder(self, ticket: TicketView) -> None:
        self.reminders.append(ticket)

    async def notify_delivery_failed(self, failure: DeliveryFailure) -> None:
        self.failures.append(failure)


@dataclass
class RecordingDeliverer:
    """Records what askers received (whom, the text, its language); raises the queued errors
    first."""

    sent: list[tuple[Asker, str, str]] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)

    async def deliver(self, message: OutboxMessage) -> None:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((message.asker, message.text, message.language))


@dataclass
class EchoHandler:
    """A channel's event handler for tests: a payload ``{"user": …, "text": …}`` is a question,
    answered with ``Svar: <text>`` to that user; ``{"user": …}`` alone needs no reply."""

    handled: list[str] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)

    async def handle(self, event: ReceivedEvent) -> Sequence[OutboxMessage]:
        if self.errors:
            raise self.errors.pop(0)
        self.handled.append(event.event_id)
        question = event.payload.get("text")
        if question is None:
            return []
        return [OutboxMessage(asker(str(event.payload["user"])), f"Svar: {question}", "da")]


def inbox_for(desk: EscalationDesk, handler: EventHandler, deliverer: Deliverer) -> Inbox:
    """An inbox for Telegram events with its own outbox worker."""
    return Inbox(desk, OutboxWorker(desk, {"telegram": deliverer}), {"telegram": handler})


def pending_deliveries(desk: EscalationDesk) -> int:
    return desk.store.transaction(
        lambda s: s.scalar(select(func.count()).where(Delivery.status == PENDING))
    )


# A worker in its own process ------------------------------------------------------------------


class FileDeliverer:
    """Appends each delivery as a JSON line; the file is the askers' view across processes."""

    def __init__(self, out: Path, worker: str, delay: float) -> None:
        self.out = out
        self.worker = worker
        self.delay = delay

    async def deliver(self, message: OutboxMessage) -> None:
        await asyncio.sleep(self.delay)
        line = json.dumps({"worker": self.worker, "user": message.user_id, "text": message.text})
        line += "\n"
        with self.out.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


class HangingDeliverer:
    """Signals that it holds a claimed delivery, then never returns (the test kills it)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    async def deliver(self, message: OutboxMessage) -> None:
        self.marker.write_text(message.user_id)
        await asyncio.Event().wait()


def worker_command(url: str, out: Path, **options: object) -> list[str]:
    command = [sys.executable, "-m", "tests.desk_support", url, str(out)]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    return command


def worker_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


async def _worker_main(args: argparse.Namespace) -> None:
    settings = settings_for(args.url, Path(args.out).parent)
    desk = EscalationDesk.open(settings)
    deliverer = (
        HangingDeliverer(Path(args.hang))
        if args.hang
        else FileDeliverer(Path(args.out), args.name, args.delay)
    )
    worker = OutboxWorker(
        desk,
        {"telegram": deliverer},
        lease=timedelta(seconds=args.lease),
        batch_size=args.batch,
    )
    if args.ready:
        Path(args.ready).write_text("ready")
    while args.go and not Path(args.go).exists():
        await asyncio.sleep(0.01)
    deadline = time.monotonic() + args.timeout
    while pending_deliveries(desk) and time.monotonic() < deadline:
        if await worker.process_once() == 0:
            await asyncio.sleep(0.05)
    desk.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--name", default="worker")
    parser.add_argument("--lease", type=float, default=60.0)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--hang", help="hang in deliver after writing this marker file")
    parser.add_argument("--ready", help="write this file once the desk is open")
    parser.add_argument("--go", help="wait for this file before working")
    parser.add_argument("--timeout", type=float, default=60.0)
    asyncio.run(_worker_main(parser.parse_args()))
