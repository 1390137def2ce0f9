"""The inbox: every received event is answered exactly once, whatever dies when.

Desk-level tests with a test channel (``EchoHandler``) on SQLite and
PostgreSQL; the crash tests kill a real worker process (``tests.crash_worker``)
between every two steps and then play the restarted worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.escalation import EscalationDesk, Inbox, OutboxMessage, ReceivedEvent
from bot.escalation.schema import DELIVERED, Delivery, InboxEvent
from tests.crash_worker import STEPS
from tests.desk_support import (
    Clock,
    EchoHandler,
    RecordingDeliverer,
    asker,
    inbox_for,
    pending_deliveries,
    worker_env,
)

QUESTION = {"user": "42", "text": "Hvornår betaler I?"}


def _row(desk: EscalationDesk, event_id: str) -> InboxEvent:
    return desk.store.transaction(
        lambda s: s.scalars(select(InboxEvent).where(InboxEvent.event_id == event_id)).one()
    )


async def test_an_event_is_in_the_database_before_it_is_handled_and_answered_at_once(
    desk: EscalationDesk,
) -> None:
    telegram = RecordingDeliverer()
    inbox = inbox_for(desk, EchoHandler(), telegram)

    event = await inbox.receive("telegram", "1001", QUESTION, "42")
    assert event is not None
    row = _row(desk, "1001")
    assert (row.status, json.loads(row.payload or "")) == ("pending", QUESTION)

    await inbox.process(event)  # no polling: the worker that answered sends the reply
    assert telegram.sent == [(asker("42"), "Svar: Hvornår betaler I?", "da")]
    row = _row(desk, "1001")
    assert (row.status, row.payload, row.order_key) == ("done", None, None)
    assert pending_deliveries(desk) == 0


async def test_a_retry_of_a_handled_event_is_ignored_by_every_worker(
    desk: EscalationDesk,
) -> None:
    handler, telegram = EchoHandler(), RecordingDeliverer()
    first = inbox_for(desk, handler, telegram)
    event = await first.receive("telegram", "1001", QUESTION)
    assert event is not None
    assert await first.receive("telegram", "1001", QUESTION) is None  # in hand: ignored
    await first.process(event)

    other_worker = inbox_for(desk, handler, telegram)
    assert await other_worker.receive("telegram", "1001", QUESTION) is None
    assert await other_worker.process_once() == 0
    assert await other_worker.receive("slack", "1001", QUESTION) is not None  # another platform
    assert handler.handled == ["1001"]
    assert len(telegram.sent) == 1


async def test_a_retry_of_an_event_whose_worker_died_is_answered(
    desk: EscalationDesk, clock: Clock
) -> None:
    handler, telegram = EchoHandler(), RecordingDeliverer()
    died = inbox_for(desk, handler, telegram)
    assert await died.receive("telegram", "1001", QUESTION) is not None  # ...and never handled

    restarted = inbox_for(desk, handler, telegram)
    assert await restarted.receive("telegram", "1001", QUESTION) is None  # still its lease
    clock.advance(seconds=31)
    retried = await restarted.receive("telegram", "1001", QUESTION)
    assert retried is not None
    await restarted.process(retried)
    assert [text for _, text, _ in telegram.sent] == ["Svar: Hvornår betaler I?"]


async def test_a_dead_workers_event_is_taken_over_and_its_late_reply_is_dropped(
    desk: EscalationDesk, clock: Clock
) -> None:
    """A worker that only seemed dead (stalled past its lease) cannot queue a second reply."""
    handler, telegram = EchoHandler(), RecordingDeliverer()
    stalled = inbox_for(desk, handler, telegram)
    event = await stalled.receive("telegram", "1001", QUESTION)
    assert event is not None

    survivor = inbox_for(desk, handler, telegram)
    assert await survivor.process_once() == 0
    clock.advance(seconds=31)
    assert await survivor.process_once() == 1
    await stalled.process(event)  # wakes up and answers too late

    assert handler.handled == ["1001", "1001"]
    assert len(telegram.sent) == 1
    assert desk.store.transaction(lambda s: len(s.scalars(select(Delivery)).all())) == 1


async def test_a_failing_handler_is_tried_again_then_set_aside(
    desk: EscalationDesk, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    handler = EchoHandler(errors=[RuntimeError("boom")] * 3)
    telegram = RecordingDeliverer()
    inbox = Inbox(
        desk,
        inbox_for(desk, handler, telegram).outbox,
        {"telegram": handler},
        retry_after=timedelta(seconds=10),
        max_attempts=3,
    )
    event = await inbox.receive("telegram", "1001", QUESTION)
    assert event is not None
    await inbox.process(event)  # attempt 1 fails
    assert await inbox.process_once() == 0  # not before the pause
    clock.advance(seconds=11)
    assert await inbox.process_once() == 1  # attempt 2 fails
    clock.advance(seconds=11)
    with caplog.at_level(logging.ERROR, logger="bot.escalation.inbox"):
        assert await inbox.process_once() == 1  # attempt 3 fails: set aside
    clock.advance(days=1)
    assert await inbox.process_once() == 0
    row = _row(desk, "1001")
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "RuntimeError: boom")
    assert any("Gave up on telegram event 1001 after 3" in r.getMessage() for r in caplog.records)

    handler.errors.clear()  # the same handler works for the next event
    fine = await inbox.receive("telegram", "1002", QUESTION)
    assert fine is not None
    await inbox.process(fine)
    assert len(telegram.sent) == 1


async def test_one_senders_events_are_handled_in_the_order_they_came(
    desk: EscalationDesk,
) -> None:
    class SlowFirst(EchoHandler):
        async def handle(self, event: ReceivedEvent) -> list[OutboxMessage]:
            if event.event_id == "1":
                await asyncio.sleep(0.2)
            return list(await super().handle(event))

    telegram = RecordingDeliverer()
    inbox = inbox_for(desk, SlowFirst(), telegram)
    for number in ("1", "2"):
        event = await inbox.receive("telegram", number, {"user": "42", "text": number}, "42")
        assert event is not None
        inbox.process_soon(event)
    await inbox.close()
    assert [text for _, text, _ in telegram.sent] == ["Svar: 1", "Svar: 2"]


async def test_a_stopping_worker_leaves_new_events_to_another_at_once(
    desk: EscalationDesk,
) -> None:
    handler, telegram = EchoHandler(), RecordingDeliverer()
    stopping = inbox_for(desk, handler, telegram)
    await stopping.close()
    assert await stopping.receive("telegram", "1001", QUESTION) is None
    assert _row(desk, "1001").status == "pending"  # recorded all the same

    other = inbox_for(desk, handler, telegram)
    assert await other.process_once() == 1  # no lease to wait for
    assert len(telegram.sent) == 1
    assert (await other.backlog()).waiting == 0


async def test_a_stopping_worker_frees_what_it_could_not_finish(desk: EscalationDesk) -> None:
    class Stuck(EchoHandler):
        async def handle(self, event: ReceivedEvent) -> list[OutboxMessage]:
            await asyncio.Event().wait()
            return []

    stopping = Inbox(
        desk,
        inbox_for(desk, Stuck(), RecordingDeliverer()).outbox,
        {"telegram": Stuck()},
        stop_timeout=0.1,
    )
    event = await stopping.receive("telegram", "1001", QUESTION)
    assert event is not None
    stopping.process_soon(event)
    await stopping.close()

    telegram = RecordingDeliverer()
    assert await inbox_for(desk, EchoHandler(), telegram).process_once() == 1  # no lease wait
    assert len(telegram.sent) == 1


async def test_the_backlog_shows_what_waits(desk: EscalationDesk, clock: Clock) -> None:
    inbox = inbox_for(desk, EchoHandler(), RecordingDeliverer())
    await inbox.receive("telegram", "1001", QUESTION)
    clock.advance(seconds=42)
    await inbox.receive("telegram", "1002", QUESTION)
    backlog = await inbox.backlog()
    assert (backlog.waiting, backlog.oldest_seconds) == (2, 42.0)


# A worker process killed between every two steps ------------------------------------------------


def _crash(desk_url: str, out: Path, step: str, *extra: str) -> None:
    command = [sys.executable, "-m", "tests.crash_worker", desk_url, str(out), "1001"]
    result = subprocess.run(
        [*command, "--crash-at", step, *extra], env=worker_env(), timeout=60, check=False
    )
    assert result.returncode == -9, f"the worker should have died at {step!r}"


@pytest.mark.parametrize("step", STEPS)
async def test_a_worker_killed_at_any_step_still_gets_the_asker_exactly_one_reply(
    desk: EscalationDesk, desk_url: str, tmp_path: Path, step: str
) -> None:
    out = tmp_path / "sent.jsonl"
    if step == "claimed":  # one worker died after receiving, the next after taking over
        _crash(desk_url, out, "received")
        _crash(desk_url, out, "claimed", "--take-over")
    else:
        _crash(desk_url, out, step)
    assert not out.exists()

    # The restarted worker: the platform sends the event again, and polling takes over.
    telegram = RecordingDeliverer()
    restarted = inbox_for(desk, EchoHandler(), telegram)
    for _ in range(100):
        retried = await restarted.receive("telegram", "1001", QUESTION)
        if retried is not None:
            await restarted.process(retried)
        await restarted.process_once()
        await restarted.outbox.process_once()
        if telegram.sent:
            break
        await asyncio.sleep(0.05)

    assert telegram.sent == [(asker("42"), "Svar: Hvornår betaler I?", "da")]
    assert not out.exists()
    assert _row(desk, "1001").status == "done"
    statuses = desk.store.transaction(lambda s: s.scalars(select(Delivery.status)).all())
    assert statuses == [DELIVERED]
