"""A log of what the assistant decided, for the project lead's insights report.

One row per message the assistant decided on: when, on which platform, in
which language, what it did and how sure it was, the record it leaned on
and that record's topic. The question text is kept only when the bot did
not answer (escalated, out of scope, clarified), with contact details
redacted, so that missing knowledge can be found; the asker is never
stored, not even as a pseudonym, so nothing here is personal data about a
user and ``/slet`` has nothing to erase in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.escalation.base import DeskBase
from bot.escalation.privacy import redact_contacts
from bot.escalation.schema import Base, UTCDateTime

UNANSWERED_ACTIONS = frozenset({"escalate", "out_of_scope", "clarify"})
"""Decisions whose question text is kept (redacted) for the report."""


class Interaction(Base):
    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    record_id: Mapped[str | None] = mapped_column(String(255), index=True)
    topic: Mapped[str | None] = mapped_column(String(255))
    tags: Mapped[str] = mapped_column(Text, default="[]")
    question: Mapped[str | None] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """One decision as the assistant reports it; ``question`` is dropped unless unanswered."""

    platform: str
    language: str
    action: str
    confidence: float
    record_id: str | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()
    question: str | None = None
    ticket_id: int | None = None


class InteractionLog(DeskBase):
    """The desk's interaction log (mixed into ``EscalationDesk``)."""

    async def record_interaction(self, record: InteractionRecord) -> None:
        question = record.question if record.action in UNANSWERED_ACTIONS else None

        def work(session: Session) -> None:
            session.add(
                Interaction(
                    at=self.clock(),
                    platform=record.platform,
                    language=record.language,
                    action=record.action,
                    confidence=record.confidence,
                    record_id=record.record_id,
                    topic=record.topic,
                    tags=json.dumps(list(record.tags), ensure_ascii=False),
                    question=redact_contacts(question) if question else None,
                    ticket_id=record.ticket_id,
                )
            )

        await self._db(work)
