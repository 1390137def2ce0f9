"""The outbox: retries, permanent failures, leases, and exactly-once across real processes."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.conversation import Asker
from bot.escalation import (
    EscalationDesk,
    OutboxWorker,
    PermanentDeliveryError,
    StaffMember,
    TicketStatus,
)
from bot.escalation.schema import Delivery
from tests.desk_support import (
    STAFF,
    Clock,
    RecordingDeliverer,
    RecordingNotifier,
    asker,
    pending_deliveries,
    settings_for,
    worker_command,
    worker_env,
)


async def _answered_ticket(
    desk: EscalationDesk, user: str = "42", platform: str = "telegram"
) -> int:
    ticket = await desk.open_ticket(f"Spørgsmål fra {user}", "da", asker(user, platform))
    await desk.answer(ticket.id, STAFF, f"Svar til {user}")
    return ticket.id


def _delivery(desk: EscalationDesk, ticket_id: int) -> Delivery:
    return desk.store.transaction(
        lambda s: s.query(Delivery).filter(Delivery.ticket_id == ticket_id).one()
    )


async def test_transient_failures_are_retried_with_exponential_back_off(
    desk: EscalationDesk, clock: Clock
) -> None:
    ticket_id = await _answered_ticket(desk)
    telegram = RecordingDeliverer(errors=[ConnectionError("timeout"), ConnectionError("502")])
    worker = OutboxWorker(desk, {"telegram": telegram}, first_retry=timedelta(seconds=10))

    assert await worker.process_once() == 1  # fails: next try in 10 s
    assert _delivery(desk, ticket_id).last_error == "ConnectionError: timeout"
    clock.advance(seconds=9)
    assert await worker.process_once() == 0
    clock.advance(seconds=1)
    assert await worker.process_once() == 1  # fails again: next try in 20 s
    clock.advance(seconds=19)
    assert await worker.process_once() == 0
    clock.advance(seconds=1)
    assert await worker.process_once() == 1
    assert len(telegram.sent) == 1
    assert _delivery(desk, ticket_id).attempts == 3
    assert (await desk.ticket(ticket_id)).status is TicketStatus.DELIVERED


async def test_permanent_failure_stops_and_tells_staff(
    desk: EscalationDesk, notifier: RecordingNotifier
) -> None:
    ticket_id = await _answered_ticket(desk)
    telegram = RecordingDeliverer(errors=[PermanentDeliveryError("bot was blocked by the user")])
    worker = OutboxWorker(desk, {"telegram": telegram})
    assert await worker.process_once() == 1
    assert await worker.process_once() == 0
    assert _delivery(desk, ticket_id).status == "failed"
    [(ticket, reason)] = notifier.failures
    assert ticket.id == ticket_id
    assert "blocked" in reason
    assert (await desk.ticket(ticket_id)).status is TicketStatus.ANSWERED


async def test_giving_up_after_max_attempts_tells_staff(
    desk: EscalationDesk, clock: Clock, notifier: RecordingNotifier
) -> None:
    ticket_id = await _answered_ticket(desk)
    telegram = RecordingDeliverer(errors=[OSError("network down")] * 3)
    worker = OutboxWorker(
        desk, {"telegram": telegram}, max_attempts=3, first_retry=timedelta(seconds=1)
    )
    for _ in range(3):
        assert await worker.process_once() == 1
        clock.advance(minutes=1)
    assert await worker.process_once() == 0
    assert telegram.sent == []
    [(ticket, reason)] = notifier.failures
    assert ticket.id == ticket_id
    assert "gave up after 3 attempts" in reason and "network down" in reason


async def test_asker_is_answered_on_their_own_platform_whoever_answers(
    desk: EscalationDesk,
) -> None:
    telegram_ticket = await desk.open_ticket("Fra Telegram", "da", asker("t1", "telegram"))
    slack_ticket = await desk.open_ticket("From Slack", "en", Asker("slack", "U9", "D9", "17.5"))
    await desk.answer(telegram_ticket.id, StaffMember("slack", "U1", "Karen", True), "Svar A")
    await desk.answer(slack_ticket.id, StaffMember("telegram", "5", "Ole", True), "Answer B")

    slack, telegram = RecordingDeliverer(), RecordingDeliverer()
    slack_only = OutboxWorker(desk, {"slack": slack})
    assert await slack_only.process_once() == 1  # leaves the Telegram asker's message alone
    assert await OutboxWorker(desk, {"telegram": telegram}).process_once() == 1
    assert [(a, t.endswith("Answer B"), lang) for a, t, lang in slack.sent] == [
        (Asker("slack", "U9", "D9", "17.5"), True, "en")
    ]
    assert [(a.user_id, t.endswith("Svar A")) for a, t, _ in telegram.sent] == [("t1", True)]


async def test_claimed_delivery_becomes_due_again_after_its_lease(
    desk: EscalationDesk, clock: Clock
) -> None:
    """A worker that claimed and then vanished does not lose the message, nor double it."""
    await _answered_ticket(desk)
    crashed = OutboxWorker(desk, {"telegram": RecordingDeliverer()}, lease=timedelta(seconds=30))
    [claim] = await desk._db(lambda s: crashed._claim(s, "crashed-worker"))

    telegram = RecordingDeliverer()
    survivor = OutboxWorker(desk, {"telegram": telegram})
    assert await survivor.process_once() == 0
    clock.advance(seconds=31)
    assert await survivor.process_once() == 1
    assert len(telegram.sent) == 1
    # The crashed worker's late outcome no longer counts: its lease was taken over.
    assert not await crashed._settle(claim, "delivered")
    assert pending_deliveries(desk) == 0


async def test_run_delivers_until_stopped(desk: EscalationDesk) -> None:
    await _answered_ticket(desk)
    telegram = RecordingDeliverer()
    stop = asyncio.Event()
    worker = OutboxWorker(desk, {"telegram": telegram}, poll_interval=0.01)
    task = asyncio.create_task(worker.run(stop))
    for _ in range(200):
        if telegram.sent:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert len(telegram.sent) == 1


def _wait_for(path: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {timeout}s")
        time.sleep(0.02)


def _delivered_lines(out: Path) -> list[dict[str, str]]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text().splitlines()]


async def test_worker_killed_between_claim_and_send_delivers_exactly_once_after_restart(
    desk: EscalationDesk, desk_url: str, tmp_path: Path
) -> None:
    ticket_id = await _answered_ticket(desk, "killed")
    out, marker = tmp_path / "delivered.jsonl", tmp_path / "claimed"

    first = subprocess.Popen(worker_command(desk_url, out, lease=2, hang=marker), env=worker_env())
    try:
        _wait_for(marker)  # the claim is committed and the worker is inside deliver()
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    row = _delivery(desk, ticket_id)
    assert (row.status, row.attempts, row.claimed_until is not None) == ("pending", 1, True)
    assert _delivered_lines(out) == []

    restarted = subprocess.run(
        worker_command(desk_url, out, lease=2, timeout=30),
        env=worker_env(),
        timeout=60,
        check=False,
    )
    assert restarted.returncode == 0
    lines = _delivered_lines(out)
    assert [line["user"] for line in lines] == ["killed"]
    assert lines[0]["text"].endswith("Svar til killed")
    assert (await desk.ticket(ticket_id)).status is TicketStatus.DELIVERED


async def test_two_worker_processes_deliver_each_answer_exactly_once(
    desk: EscalationDesk, desk_url: str, tmp_path: Path
) -> None:
    users = [f"user{n}" for n in range(30)]
    for user in users:
        await _answered_ticket(desk, user)
    out, go = tmp_path / "delivered.jsonl", tmp_path / "go"
    workers = [
        subprocess.Popen(
            worker_command(
                desk_url, out, name=name, batch=2, delay=0.02, ready=tmp_path / name, go=go
            ),
            env=worker_env(),
        )
        for name in ("a", "b")
    ]
    try:
        for name in ("a", "b"):
            _wait_for(tmp_path / name)
        go.write_text("go")
        codes = [worker.wait(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    assert codes == [0, 0]
    lines = _delivered_lines(out)
    assert sorted(line["user"] for line in lines) == sorted(users)
    assert {line["worker"] for line in lines} == {"a", "b"}, "both workers should have taken part"
    assert all(t.status is TicketStatus.DELIVERED for t in await desk.tickets())


def test_worker_needs_a_deliverer(desk_url: str, tmp_path: Path) -> None:
    desk = EscalationDesk.open(settings_for(desk_url, tmp_path))
    with pytest.raises(ValueError, match="at least one deliverer"):
        OutboxWorker(desk, {})
    desk.dispose()
