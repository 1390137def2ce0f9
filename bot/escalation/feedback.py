"""Askers' 👍/👎 on answers: whether an answer (its records, or a ticket's answer) helped.

A vote is stored with the asker's pseudonym, so that ``/slet`` can delete it;
after the retention period only the verdict stays (see ``erasure``). The
insights report reads the votes per topic.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.conversation import Asker
from bot.escalation.base import DeskBase
from bot.escalation.schema import Feedback


class FeedbackDesk(DeskBase):
    """The desk's feedback votes (mixed into ``EscalationDesk``)."""

    async def record_feedback(
        self,
        asker: Asker,
        helpful: bool,
        record_ids: Sequence[str] = (),
        ticket_id: int | None = None,
        language: str | None = None,
    ) -> int:
        """Store whether an answer (its records, or a ticket's answer) helped; returns its id."""

        def work(session: Session) -> int:
            row = Feedback(
                asker_key=self._pseudonyms.key(asker.platform, asker.user_id),
                ticket_id=ticket_id,
                record_ids=json.dumps(list(record_ids)),
                helpful=helpful,
                language=language,
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return row.id

        return await self._db(work)

    async def feedback_counts(self) -> tuple[int, int]:
        """(helpful, not helpful) over all stored feedback."""

        def work(session: Session) -> tuple[int, int]:
            rows = session.execute(
                select(Feedback.helpful, func.count()).group_by(Feedback.helpful)
            ).all()
            counts = {bool(helpful): count for helpful, count in rows}
            return counts.get(True, 0), counts.get(False, 0)

        return await self._db(work)
