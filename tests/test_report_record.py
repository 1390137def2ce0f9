"""Every decision of the real assistant is logged for the report, without the asker."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from bot.conversation import Asker, Question
from bot.escalation.interactions import Interaction
from bot.runtime import Runtime

pytestmark = pytest.mark.model

ASKER = Asker(platform="slack", user_id="U0SECRET", chat_id="D0SECRET")


async def test_decisions_are_logged_with_topic_and_only_unanswered_text(
    make_runtime: Callable[..., Runtime],
) -> None:
    runtime = make_runtime()
    for message in (
        "Hvordan sender jeg en faktura til Aarhus Kommune?",
        "Kan vores håndværkere få parkeringstilladelse ved kommunens skoler? Ring 20 30 40 50",
        "/udbud rengøring",
        "Hvad er vejret i morgen?",
        "hej",
    ):
        await runtime.assistant.reply(Question(message, ASKER))
    assert runtime.desk is not None
    logged = runtime.desk.store.transaction(
        lambda s: list(s.scalars(select(Interaction).order_by(Interaction.id)))
    )
    assert [row.action for row in logged] == [
        "answer",
        "escalate",
        "answer",
        "out_of_scope",
        "small_talk",
    ]
    invoice, parking, tenders, weather, _ = logged
    assert invoice.question is None and invoice.record_id and invoice.topic
    assert invoice.confidence >= 0.5 and invoice.platform == "slack" and invoice.language == "da"
    assert parking.question == (
        "Kan vores håndværkere få parkeringstilladelse ved kommunens skoler? Ring […]"
    )
    assert parking.ticket_id is not None
    assert tenders.topic == "Udbudslisten" and tenders.question is None
    assert weather.question == "Hvad er vejret i morgen?"
    stored = " ".join(str(vars(row)) for row in logged)
    assert "U0SECRET" not in stored and "D0SECRET" not in stored
