"""Staff hear of every ticket: a notifier that fails, or a worker that dies before it tells
staff, delays the notice; it never loses it, and staff are not told twice."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.escalation import EscalationDesk, OutboxWorker, StaffMember
from bot.escalation.base import NOTICE_CLAIM
from bot.escalation.errors import PermanentDeliveryError
from bot.escalation.schema import StaffNotice
from bot.escalation.staff_notices import FIRST_RETRY
from bot.escalation.views import DeliveryFailure, TicketView
from tests.desk_support import (
    Clock,
    RecordingDeliverer,
    RecordingNotifier,
    asker,
    settings_for,
    worker_env,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class FlakyNotifier(RecordingNotifier):
    """Staff's platform is down for the first ``failures`` calls."""

    down_for: int = 1
    calls: list[str] = field(default_factory=list)

    async def notify_ticket(self, ticket: TicketView) -> None:
        self.calls.append("ticket")
        self._maybe_down()
        await super().notify_ticket(ticket)

    async def notify_reminder(self, ticket: TicketView) -> None:
        self.calls.append("reminder")
        self._maybe_down()
        await super().notify_reminder(ticket)

    async def notify_delivery_failed(self, failure: DeliveryFailure) -> None:
        self.calls.append("delivery_failed")
        self._maybe_down()
        await super().notify_delivery_failed(failure)

    def _maybe_down(self) -> None:
        if self.down_for:
            self.down_for -= 1
            raise ConnectionError("503 Service Unavailable")


@dataclass
class Flaky:
    """A desk whose only staff destination is a :class:`FlakyNotifier`, on a settable clock."""

    desk: EscalationDesk
    clock: Clock
    notifier: FlakyNotifier


@pytest.fixture(name="flaky")
def fixture_flaky(desk_url: str, tmp_path: Path) -> Iterator[Flaky]:
    notifier = FlakyNotifier(down_for=2)
    desk = EscalationDesk.open(settings_for(desk_url, tmp_path), [notifier])
    clock = Clock(START)
    desk.clock = clock
    yield Flaky(desk, clock, notifier)
    desk.dispose()


async def test_a_ticket_staff_could_not_be_told_of_is_told_later_once(
    flaky: Flaky,
) -> None:
    desk, clock, notifier = flaky.desk, flaky.clock, flaky.notifier

    ticket = await desk.open_ticket("Hvem tager imod klager over udbud?", "da", asker())
    assert ticket.id  # the asker is told the ticket number although staff were not reached
    assert notifier.tickets == []

    assert await desk.send_staff_notices() == 0  # not due yet: it waits before trying again
    clock.advance(seconds=FIRST_RETRY.total_seconds())
    assert await desk.send_staff_notices() == 0  # still down
    assert notifier.tickets == []
    clock.advance(seconds=2 * FIRST_RETRY.total_seconds())
    assert await desk.send_staff_notices() == 1

    assert [t.id for t in notifier.tickets] == [ticket.id]
    assert notifier.calls == ["ticket"] * 3
    clock.advance(hours=1)
    assert await desk.send_staff_notices() == 0
    assert len(notifier.tickets) == 1


async def test_a_notice_another_worker_has_tried_is_not_sent_again_at_once(
    flaky: Flaky,
) -> None:
    desk, clock, notifier = flaky.desk, flaky.clock, flaky.notifier
    notifier.down_for = 1
    await desk.open_ticket("Hvem tager imod klager over udbud?", "da", asker())
    ids = desk.store.transaction(lambda session: list(session.scalars(select(StaffNotice.id))))

    # A worker that queued it and comes to send it late finds it taken: it waits its turn.
    assert await desk.send_staff_notices(ids) == 0
    clock.advance(seconds=FIRST_RETRY.total_seconds())
    assert await desk.send_staff_notices() == 1
    assert notifier.calls == ["ticket", "ticket"]


async def test_a_question_that_joins_a_ticket_is_announced_as_itself_when_sent_late(
    flaky: Flaky,
) -> None:
    desk, clock, notifier = flaky.desk, flaky.clock, flaky.notifier
    notifier.down_for = 0
    ticket = await desk.open_ticket("Hvornår er fristen?", "da", asker())
    notifier.down_for = 1
    await desk.open_ticket(
        "Og gælder den også for små opgaver?", "da", asker(), follow_up_of=ticket.id
    )
    await desk.open_ticket("Kan den forlænges?", "da", asker(), follow_up_of=ticket.id)

    clock.advance(minutes=5)
    assert await desk.send_staff_notices() == 1

    announced = [t.follow_ups[-1] for t in notifier.tickets if t.joined]
    assert sorted(announced) == ["Kan den forlænges?", "Og gælder den også for små opgaver?"]


async def test_a_reminder_for_a_ticket_answered_meanwhile_is_dropped(
    desk_url: str, tmp_path: Path
) -> None:
    notifier = FlakyNotifier(down_for=0)
    desk = EscalationDesk.open(
        settings_for(desk_url, tmp_path, escalation_remind_after=1), [notifier]
    )
    clock = Clock(START)
    desk.clock = clock
    ticket = await desk.open_ticket("Hvornår er fristen?", "da", asker())
    notifier.down_for = 1
    clock.advance(days=3)
    assert await desk.send_due_reminders() == [ticket.id]  # staff's platform is down
    await desk.answer(ticket.id, StaffMember.operator(), "Fristen står i udbudsmaterialet.")
    clock.advance(hours=1)

    assert await desk.send_staff_notices() == 0
    assert notifier.reminders == []
    assert notifier.calls == ["ticket", "reminder"]


async def test_a_worker_killed_while_telling_staff_leaves_the_notice_to_the_next(
    desk_url: str, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "tests.dying_notifier", desk_url, str(tmp_path)]
    result = subprocess.run(command, env=worker_env(), timeout=60, check=False)
    assert result.returncode == -9, "the worker should have died while telling staff"

    notifier = RecordingNotifier()
    desk = EscalationDesk.open(settings_for(desk_url, tmp_path), [notifier])
    clock = Clock(datetime.now(UTC))
    desk.clock = clock
    assert await desk.send_staff_notices() == 0  # the dead worker's claim still holds
    clock.advance(seconds=NOTICE_CLAIM.total_seconds() + 1)
    assert await desk.send_staff_notices() == 1
    [ticket] = notifier.tickets
    assert ticket.question == "Hvem tager imod klager over udbud?"
    desk.dispose()


async def test_staff_are_told_late_when_an_answer_cannot_reach_its_asker(
    flaky: Flaky,
) -> None:
    desk, clock, notifier = flaky.desk, flaky.clock, flaky.notifier
    notifier.down_for = 0
    ticket = await desk.open_ticket("Hvornår er fristen?", "da", asker())
    await desk.answer(ticket.id, StaffMember.operator(), "Fristen står i udbudsmaterialet.")
    notifier.down_for = 1
    telegram = RecordingDeliverer(errors=[PermanentDeliveryError("bot was blocked by the user")])
    assert await OutboxWorker(desk, {"telegram": telegram}).process_once() == 1
    assert notifier.failures == []  # staff's platform was down too

    clock.advance(minutes=1)
    assert await desk.send_staff_notices() == 1
    [failure] = notifier.failures
    assert failure.ticket is not None and failure.ticket.id == ticket.id
    assert "blocked" in failure.reason
