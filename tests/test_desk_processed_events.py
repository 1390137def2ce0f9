"""Platform events already handled: a retry is recognised by every worker."""

from __future__ import annotations

from pathlib import Path

from bot.escalation import EscalationDesk
from tests.desk_support import settings_for


async def test_duplicate_platform_events_are_recognised_across_workers(
    desk: EscalationDesk, desk_url: str, tmp_path: Path
) -> None:
    assert await desk.mark_event_processed("telegram", "1001") is True
    assert await desk.mark_event_processed("telegram", "1001") is False
    assert await desk.mark_event_processed("slack", "1001") is True
    other_worker = EscalationDesk.open(settings_for(desk_url, tmp_path))
    assert await other_worker.mark_event_processed("telegram", "1001") is False
    assert await other_worker.mark_event_processed("telegram", "1002") is True
    other_worker.dispose()
