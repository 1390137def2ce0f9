"""Askers' votes on answers."""

from __future__ import annotations

from bot.escalation import EscalationDesk
from tests.desk_support import asker


async def test_feedback_is_recorded(desk: EscalationDesk) -> None:
    await desk.record_feedback(asker("1"), helpful=True, record_ids=["faq:invoice"], language="da")
    await desk.record_feedback(asker("2"), helpful=False, record_ids=["policy#x", "faq:y"])
    await desk.record_feedback(asker("3"), helpful=True, ticket_id=None)
    assert await desk.feedback_counts() == (2, 1)
