"""The outbox: retries, back-off and give-up age, order per conversation, permanent failures,
leases, and exactly-once across real processes."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.conversation import Asker
from bot.escalation import (
    EscalationDesk,
    OutboxMessage,
    OutboxWorker,
    PermanentDeliveryError,
    RateLimitedError,
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


def _queue(desk: EscalationDesk, *messages: OutboxMessage) -> None:
    """Queue messages for whichever worker polls next, as the desk queues a staff answer."""
    now = desk.clock()
    desk.store.transaction(
        lambda s: s.add_all(Delivery.queued(m, kind=m.kind, text=m.text, now=now) for m in messages)
    )


def _delivery(desk: EscalationDesk, ticket_id: int) -> Delivery:
    return desk.store.transaction(
        lambda s: s.query(Delivery).filter(Delivery.ticket_id == ticket_id).one()
    )


async def test_transient_failures_are_retried_with_exponential_back_off(
    desk: EscalationDesk, clock: Clock
) -> None:
    ticket_id = await _answered_ticket(desk)
    telegram = RecordingDeliverer(errors=[ConnectionError("timeout"), ConnectionError("502")])
    worker = OutboxWorker(
        desk, {"telegram": telegram}, first_retry=timedelta(seconds=10), jitter=lambda: 1.0
    )

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


async def test_back_off_is_spread_by_jitter(desk: EscalationDesk, clock: Clock) -> None:
    """Messages that failed together come back spread over the second half of the pause."""
    ticket_id = await _answered_ticket(desk)
    telegram = RecordingDeliverer(errors=[ConnectionError("reset")])
    worker = OutboxWorker(
        desk, {"telegram": telegram}, first_retry=timedelta(seconds=10), jitter=lambda: 0.0
    )
    assert await worker.process_once() == 1
    assert _delivery(desk, ticket_id).due_at == clock.now + timedelta(seconds=5)


async def test_a_platforms_retry_after_is_honoured(desk: EscalationDesk, clock: Clock) -> None:
    await _answered_ticket(desk)
    telegram = RecordingDeliverer(errors=[RateLimitedError(30, "flood control")])
    worker = OutboxWorker(desk, {"telegram": telegram}, jitter=lambda: 0.0)
    assert await worker.process_once() == 1
    clock.advance(seconds=29)
    assert await worker.process_once() == 0  # the back-off alone would have tried by now
    clock.advance(seconds=1)
    assert await worker.process_once() == 1
    assert len(telegram.sent) == 1


async def test_permanent_failure_stops_and_tells_staff(
    desk: EscalationDesk, notifier: RecordingNotifier
) -> None:
    ticket_id = await _answered_ticket(desk)
    telegram = RecordingDeliverer(errors=[PermanentDeliveryError("bot was blocked by the user")])
    worker = OutboxWorker(desk, {"telegram": telegram})
    assert await worker.process_once() == 1
    assert await worker.process_once() == 0
    assert _delivery(desk, ticket_id).status == "failed"
    [failure] = notifier.failures
    assert failure.ticket is not None and failure.ticket.id == ticket_id
    assert "blocked" in failure.reason
    assert f"#{ticket_id}" in failure.line("en")
    assert (await desk.ticket(ticket_id)).status is TicketStatus.ANSWERED


async def test_a_message_not_delivered_within_the_give_up_age_is_given_up_and_staff_told(
    desk: EscalationDesk, clock: Clock, notifier: RecordingNotifier
) -> None:
    ticket_id = await _answered_ticket(desk)
    telegram = RecordingDeliverer(errors=[OSError("network down")] * 20)
    worker = OutboxWorker(
        desk,
        {"telegram": telegram},
        first_retry=timedelta(minutes=1),
        give_up_after=timedelta(minutes=10),
        jitter=lambda: 1.0,
    )
    tried_at = []
    for minute in range(20):
        if await worker.process_once():
            tried_at.append(minute)
        clock.advance(minutes=1)
    assert telegram.sent == []
    # Doubling pauses (1, 2, 4 minutes), then one last try at the 10-minute mark, none later.
    assert tried_at == [0, 1, 3, 7, 10]
    [failure] = notifier.failures
    assert failure.ticket is not None and failure.ticket.id == ticket_id
    assert "not delivered within 10 min" in failure.reason
    assert "network down" in failure.reason


async def test_an_undeliverable_reply_is_reported_without_a_ticket(
    desk: EscalationDesk, notifier: RecordingNotifier
) -> None:
    """The bot's own replies go through the outbox too; staff hear of one that cannot go."""
    to = Asker("slack", "U9", "D9")
    reply = OutboxMessage(to, "Fakturaen skal sendes som e-faktura med EAN-nummer.", "da")
    slack = RecordingDeliverer(errors=[PermanentDeliveryError("channel_not_found")])
    worker = OutboxWorker(desk, {"slack": slack})
    claimed = await desk._db(lambda s: worker.enqueue(s, [reply], desk.clock()))
    await worker.send_now(claimed)  # as the worker that produced the reply does
    assert slack.sent == []
    [failure] = notifier.failures
    assert failure.ticket is None
    assert failure.asker is not None and failure.asker.startswith("asker-")
    line = failure.line("da")
    assert "channel_not_found" in line and "Fakturaen skal sendes som e-faktura" in line
    assert "U9" not in line and "D9" not in line


async def test_messages_to_one_conversation_keep_their_order(
    desk: EscalationDesk, clock: Clock
) -> None:
    """A message waits while an earlier one to the same conversation is pending; other
    conversations are not held up."""
    first = await _answered_ticket(desk, "1")
    await desk.send_due_reminders(now=clock.now)  # nothing due yet
    later = OutboxMessage(asker("1"), "Og noget mere", "da")
    elsewhere = OutboxMessage(asker("2"), "Til en anden", "da")
    _queue(desk, later, elsewhere)
    telegram = RecordingDeliverer(errors=[ConnectionError("503")])
    worker = OutboxWorker(
        desk, {"telegram": telegram}, first_retry=timedelta(seconds=10), jitter=lambda: 1.0
    )
    assert await worker.process_once() == 2  # the first answer (fails) and the other asker's
    assert [(a.user_id, t) for a, t, _ in telegram.sent] == [("2", "Til en anden")]
    assert await worker.process_once() == 0  # "Og noget mere" waits behind the failed answer
    clock.advance(seconds=10)
    assert await worker.process_once() == 1  # the answer, and then the one behind it
    assert [a.user_id for a, _, _ in telegram.sent] == ["2", "1", "1"]
    assert telegram.sent[1][1].endswith("Svar til 1")
    assert telegram.sent[2][1] == "Og noget mere"
    assert (await desk.ticket(first)).status is TicketStatus.DELIVERED


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
    [claim] = await desk._db(crashed._claim)

    telegram = RecordingDeliverer()
    survivor = OutboxWorker(desk, {"telegram": telegram})
    assert await survivor.process_once() == 0
    clock.advance(seconds=31)
    assert await survivor.process_once() == 1
    assert len(telegram.sent) == 1
    # The crashed worker's late outcome no longer counts: its lease was taken over.
    assert not await crashed._settle(claim, "delivered")
    assert pending_deliveries(desk) == 0


@dataclass
class LookingDeliverer(RecordingDeliverer):
    """A deliverer that can look on its platform; ``there`` holds the refs it has seen."""

    there: set[str] = field(default_factory=set)
    looked: list[str] = field(default_factory=list)

    async def arrived(self, message: OutboxMessage, since: datetime) -> bool | None:
        assert message.ref is not None
        self.looked.append(message.ref)
        return message.ref in self.there


@pytest.mark.parametrize("reached_the_platform", [True, False])
async def test_a_message_whose_worker_died_mid_send_is_looked_for_before_it_is_sent_again(
    desk: EscalationDesk, clock: Clock, reached_the_platform: bool
) -> None:
    ticket_id = await _answered_ticket(desk)
    crashed = OutboxWorker(desk, {"telegram": RecordingDeliverer()}, lease=timedelta(seconds=30))
    [claim] = await desk._db(crashed._claim)  # ...and died while sending it
    assert not claim.in_doubt

    platform = LookingDeliverer(there={claim.message.ref or ""} if reached_the_platform else set())
    survivor = OutboxWorker(desk, {"telegram": platform})
    clock.advance(seconds=31)
    assert await survivor.process_once() == 1
    assert platform.looked == [str(claim.id)]
    assert len(platform.sent) == (0 if reached_the_platform else 1)
    assert _delivery(desk, ticket_id).status == "delivered"
    assert (await desk.ticket(ticket_id)).status is TicketStatus.DELIVERED


async def test_a_message_that_only_failed_is_not_looked_for(
    desk: EscalationDesk, clock: Clock
) -> None:
    await _answered_ticket(desk)
    platform = LookingDeliverer(errors=[ConnectionError("503")])
    worker = OutboxWorker(desk, {"telegram": platform}, jitter=lambda: 1.0)
    assert await worker.process_once() == 1
    clock.advance(seconds=1)
    assert await worker.process_once() == 1
    assert platform.looked == []
    assert len(platform.sent) == 1


async def test_a_living_worker_keeps_its_claims_and_lets_go_when_it_stops(
    desk: EscalationDesk, clock: Clock
) -> None:
    await _answered_ticket(desk)
    slow = OutboxWorker(desk, {"telegram": RecordingDeliverer()}, lease=timedelta(seconds=30))
    [claim] = await desk._db(slow._claim)
    slow.leases.held.add(claim.id)
    survivor = OutboxWorker(desk, {"telegram": RecordingDeliverer()})

    for _ in range(3):  # a minute and a half, renewing as ``run`` does
        clock.advance(seconds=29)
        await slow.leases.renew()
        assert await survivor.process_once() == 0
    await slow.close()
    assert await survivor.process_once() == 1  # at once, not after the lease


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
