"""The terminal chat's side of escalation: staff notices as log lines, answers printed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.conversation import Asker
from bot.escalation import (
    CONSOLE_PLATFORM,
    ConsoleDeliverer,
    ConsoleNotifier,
    EscalationDesk,
    OutboxWorker,
    StaffMember,
)
from tests.desk_support import settings_for


async def test_console_asker_sees_the_staff_answer_when_the_outbox_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    desk = EscalationDesk.open(settings_for(f"sqlite:///{tmp_path / 'desk.db'}", tmp_path))
    desk.add_notifier(ConsoleNotifier())
    me = Asker(CONSOLE_PLATFORM, "operator", "terminal")
    with caplog.at_level(logging.INFO, logger="bot.escalation.staff"):
        ticket = await desk.open_ticket("Hvem vurderer tilbuddene?", "da", me)
        await desk.open_ticket("Og hvornår?", "da", me, follow_up_of=ticket.id)
        other = await desk.open_ticket("Må vi byde sammen med en konkurrent?", "da", me)
    assert f"Ticket #{ticket.id} opened (da): Hvem vurderer tilbuddene?" in caplog.text
    assert f"udbudsbot escalations answer {ticket.id} TEXT" in caplog.text
    assert f"Ticket #{ticket.id} has question 2: Og hvornår?" in caplog.text
    assert f"Ticket #{other.id} opened" in caplog.text
    assert f"the same asker's other open tickets: #{ticket.id}" in caplog.text

    shown: list[str] = []
    worker = OutboxWorker(desk, {CONSOLE_PLATFORM: ConsoleDeliverer(shown.append)})
    assert await worker.process_once() == 0
    await desk.answer(ticket.id, StaffMember.operator(), "Et bedømmelsesudvalg i forvaltningen.")
    assert await worker.process_once() == 1
    [message] = shown
    assert "Hvem vurderer tilbuddene?" in message
    assert message.endswith("Et bedømmelsesudvalg i forvaltningen.")
    desk.dispose()
