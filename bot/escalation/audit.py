"""The desk's audit trail: who did what to which ticket, and when.

Every change to a ticket (opened, joined, answered, published, delivered,
closed, erased, …), every refused attempt by non-staff and every retention run
is one row, written in the same transaction as the change itself. The export for the
project lead joins each row with its ticket's question, sources and
confidence, but never with anything that identifies the asker.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalation.base import DeskBase
from bot.escalation.privacy import redact_contacts
from bot.escalation.schema import AuditEvent, Ticket
from bot.escalation.views import read_candidates


def add_audit(
    session: Session,
    now: datetime,
    event: str,
    ticket_id: int | None,
    *,
    actor: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=now,
            event=event,
            ticket_id=ticket_id,
            actor=actor,
            detail=json.dumps(detail, ensure_ascii=False) if detail else None,
        )
    )


class AuditLog(DeskBase):
    """The desk's audit export (mixed into ``EscalationDesk``)."""

    async def audit_rows(self) -> list[dict[str, str]]:
        """The audit trail with each ticket's question, sources and confidence, no personal data.

        Questions are shown with contact details redacted, and not at all once erased.
        """

        def work(session: Session) -> list[dict[str, str]]:
            rows = session.execute(
                select(AuditEvent, Ticket)
                .outerjoin(Ticket, Ticket.id == AuditEvent.ticket_id)
                .order_by(AuditEvent.id)
            ).all()
            return [_audit_row(event, ticket) for event, ticket in rows]

        return await self._db(work)


def _audit_row(event: AuditEvent, ticket: Ticket | None) -> dict[str, str]:
    candidates, problem = read_candidates(ticket.id, ticket.candidates) if ticket else ((), None)
    return {
        "time": event.at.isoformat(timespec="seconds"),
        "event": event.event,
        "ticket": str(event.ticket_id or ""),
        "status": ticket.status if ticket else "",
        "language": ticket.language if ticket else "",
        "channel": ticket.platform if ticket else "",
        "question": redact_contacts(ticket.question) if ticket else "",
        "sources": "; ".join(f"{c.record_id} ({c.confidence:.2f})" for c in candidates)
        or (problem or ""),
        "confidence": f"{ticket.confidence:.2f}" if ticket else "",
        "actor": event.actor or "",
        "answered_by": (ticket.answered_by or "") if ticket else "",
        "detail": event.detail or "",
    }
