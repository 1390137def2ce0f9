"""Reminders after N Danish working days: weekends and Easter do not count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.escalation import EscalationDesk, OutboxWorker, TicketStatus
from bot.escalation.workdays import (
    COPENHAGEN,
    add_working_days,
    danish_public_holidays,
    easter_sunday,
    is_working_day,
)
from tests.desk_support import (
    STAFF,
    Clock,
    RecordingDeliverer,
    RecordingNotifier,
    asker,
    settings_for,
)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=COPENHAGEN)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_danish_public_holidays_2025_and_store_bededag() -> None:
    assert danish_public_holidays(2025) == {
        date(2025, 1, 1),
        date(2025, 4, 17),  # skærtorsdag
        date(2025, 4, 18),  # langfredag
        date(2025, 4, 20),  # påskedag
        date(2025, 4, 21),  # 2. påskedag
        date(2025, 5, 29),  # Kristi himmelfartsdag
        date(2025, 6, 8),  # pinsedag
        date(2025, 6, 9),  # 2. pinsedag
        date(2025, 12, 25),
        date(2025, 12, 26),
    }
    assert date(2023, 5, 5) in danish_public_holidays(2023)  # store bededag, last time
    assert is_working_day(date(2024, 4, 26))  # would have been store bededag
    assert is_working_day(date(2025, 6, 5))  # grundlovsdag is not a public holiday


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (local(2025, 11, 28, 14, 0), 1, local(2025, 12, 1, 14, 0)),  # Friday → Monday
        (local(2025, 11, 29, 10, 0), 1, local(2025, 12, 2, 0, 0)),  # Saturday: counts from Monday
        (local(2025, 4, 16, 10, 0), 1, local(2025, 4, 22, 10, 0)),  # over Easter
        (local(2025, 11, 24, 9, 0), 0.5, local(2025, 11, 24, 21, 0)),
        (local(2025, 12, 23, 12, 0), 2, local(2025, 12, 29, 12, 0)),  # over Christmas
    ],
)
def test_add_working_days(start: datetime, days: float, due: datetime) -> None:
    assert add_working_days(start, days) == due.astimezone(UTC)


async def _desk_at(url: str, tmp_path: Path, now: datetime) -> tuple[EscalationDesk, Clock]:
    notifier = RecordingNotifier()
    desk = EscalationDesk.open(settings_for(url, tmp_path, escalation_remind_after=1), [notifier])
    clock = Clock(now.astimezone(UTC))
    desk.clock = clock
    return desk, clock


async def test_friday_ticket_is_reminded_on_monday_once(desk_url: str, tmp_path: Path) -> None:
    desk, clock = await _desk_at(desk_url, tmp_path, local(2025, 11, 28, 14, 0))
    [notifier] = desk.notifiers
    assert isinstance(notifier, RecordingNotifier)
    ticket = await desk.open_ticket("Hvornår er fristen?", "da", asker())

    for moment in (
        local(2025, 11, 29, 14, 0),
        local(2025, 11, 30, 23, 0),
        local(2025, 12, 1, 13, 59),
    ):
        assert await desk.send_due_reminders(moment) == []
    assert await desk.send_due_reminders(local(2025, 12, 1, 14, 0)) == [ticket.id]
    assert await desk.send_due_reminders(local(2025, 12, 5, 14, 0)) == []

    assert [t.id for t in notifier.reminders] == [ticket.id]
    clock.now = local(2025, 12, 1, 14, 0).astimezone(UTC)
    telegram = RecordingDeliverer()
    assert await OutboxWorker(desk, {"telegram": telegram}).process_once() == 1
    [(to, text, language)] = telegram.sent
    assert (to, language) == (asker(), "da")
    assert "ikke glemt" in text and f"#{ticket.id}" in text
    view = await desk.ticket(ticket.id)
    assert view.status is TicketStatus.OPEN
    assert view.reminded_at is not None
    desk.dispose()


async def test_easter_holidays_do_not_count(desk_url: str, tmp_path: Path) -> None:
    desk, _ = await _desk_at(desk_url, tmp_path, local(2025, 4, 16, 10, 0))
    ticket = await desk.open_ticket("Question before Easter", "en", asker())
    assert await desk.send_due_reminders(local(2025, 4, 22, 9, 59)) == []
    assert await desk.send_due_reminders(local(2025, 4, 22, 10, 0)) == [ticket.id]
    desk.dispose()


async def test_answered_and_closed_tickets_are_not_reminded(desk_url: str, tmp_path: Path) -> None:
    desk, _ = await _desk_at(desk_url, tmp_path, local(2025, 11, 24, 9, 0))
    answered = await desk.open_ticket("Et", "da", asker("1"))
    closed = await desk.open_ticket("To", "da", asker("2"))
    waiting = await desk.open_ticket("Tre", "da", asker("3"))
    await desk.answer(answered.id, STAFF, "Svar")
    await desk.close(closed.id, STAFF)
    assert await desk.send_due_reminders(local(2025, 11, 26, 9, 0)) == [waiting.id]
    desk.dispose()


async def test_two_desks_on_one_database_remind_once(desk_url: str, tmp_path: Path) -> None:
    first, _ = await _desk_at(desk_url, tmp_path, local(2025, 11, 24, 9, 0))
    second, _ = await _desk_at(desk_url, tmp_path, local(2025, 11, 24, 9, 0))
    ticket = await first.open_ticket("Spørgsmål", "da", asker())
    moment = local(2025, 11, 25, 9, 0)
    results = [await first.send_due_reminders(moment), await second.send_due_reminders(moment)]
    assert sorted(results) == [[], [ticket.id]]
    first.dispose()
    second.dispose()
