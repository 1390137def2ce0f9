"""Platform events already handled, so that a platform's retry is not answered twice.

Slack re-sends an event it thinks was missed (same ``event_id``), and Telegram
an update (same ``update_id``); the channels ask ``mark_event_processed``
before answering. The table's primary key makes the answer hold across
workers and restarts; retention prunes old ids (see ``erasure``).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.escalation.base import DeskBase
from bot.escalation.schema import ProcessedEvent


class ProcessedEventDesk(DeskBase):
    """The desk's record of handled platform events (mixed into ``EscalationDesk``)."""

    async def mark_event_processed(self, platform: str, event_id: str) -> bool:
        """True the first time an event is seen, False for a duplicate (any worker, any time)."""

        def work(session: Session) -> None:
            session.add(
                ProcessedEvent(platform=platform, event_id=event_id, processed_at=self.clock())
            )

        try:
            await self._db(work)
        except IntegrityError:
            return False
        return True
