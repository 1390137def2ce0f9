"""The rows the insights report is computed from, read from the desk's database.

Only what the report shows is read: decisions (no identity), ticket times
and channels (no question, no asker), and feedback votes with the records
they were about. Question texts come only from the interaction log, where
they were redacted when stored (and are redacted again here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalation.interactions import Interaction
from bot.escalation.privacy import redact_contacts
from bot.escalation.schema import Feedback, Ticket
from bot.escalation.store import DeskStore


@dataclass(frozen=True, slots=True)
class InteractionRow:
    at: datetime
    platform: str
    language: str
    action: str
    confidence: float
    record_id: str | None
    topic: str | None
    question: str | None


@dataclass(frozen=True, slots=True)
class TicketRow:
    created_at: datetime
    answered_at: datetime | None
    platform: str
    language: str


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    at: datetime
    helpful: bool
    record_ids: tuple[str, ...]
    ticket_id: int | None


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything in the period ``[since, until)``; ``topics`` maps record ids to topics
    over all time, so feedback on any answered record finds its topic."""

    interactions: list[InteractionRow]
    tickets: list[TicketRow]
    feedback: list[FeedbackRow]
    topics: dict[str, str]
    since: datetime | None
    until: datetime


def load(store: DeskStore, since: datetime | None, until: datetime) -> ReportData:
    def work(session: Session) -> ReportData:
        def within(column: object) -> list[object]:
            conditions = [column < until]  # type: ignore[operator]
            if since is not None:
                conditions.append(column >= since)  # type: ignore[operator]
            return conditions

        interactions = [
            InteractionRow(
                at=row.at,
                platform=row.platform,
                language=row.language,
                action=row.action,
                confidence=row.confidence,
                record_id=row.record_id,
                topic=row.topic,
                question=redact_contacts(row.question) if row.question else None,
            )
            for row in session.scalars(
                select(Interaction).where(*within(Interaction.at)).order_by(Interaction.id)
            )
        ]
        tickets = [
            TicketRow(created, answered, platform, language)
            for created, answered, platform, language in session.execute(
                select(Ticket.created_at, Ticket.answered_at, Ticket.platform, Ticket.language)
                .where(*within(Ticket.created_at))
                .order_by(Ticket.id)
            )
        ]
        feedback = [
            FeedbackRow(row.created_at, row.helpful, _ids(row.record_ids), row.ticket_id)
            for row in session.scalars(
                select(Feedback).where(*within(Feedback.created_at)).order_by(Feedback.id)
            )
        ]
        topics = dict(
            session.execute(
                select(Interaction.record_id, Interaction.topic)
                .where(Interaction.record_id.is_not(None), Interaction.topic.is_not(None))
                .distinct()
            ).all()
        )
        return ReportData(interactions, tickets, feedback, topics, since, until)

    return store.transaction(work)


def _ids(raw: str) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(str(item) for item in value) if isinstance(value, list) else ()
