"""Tell subscribers about new and changed tender rows: one look, through the desk.

Called whenever tender data may have changed: when a running bot starts or
notices a changed pack (``reload``), and by ``udbudsbot knowledge reload``.
Looking again at unchanged rows does nothing, so calling it often is safe.
"""

from __future__ import annotations

from typing import Protocol

from bot.escalation.subscriptions import Compose, Subscriber, WatchScan
from bot.tender_query import KeywordMatcher
from bot.watch import notices
from bot.watch.changes import TenderChange, Values, tender_values
from knowledge.model import KnowledgeBase


class WatchStore(Protocol):
    """The part of the desk a scan needs."""

    async def record_tender_changes(
        self, current: dict[str, Values], compose: Compose
    ) -> WatchScan: ...


async def notify_tender_changes(
    desk: WatchStore, knowledge: KnowledgeBase, matches: KeywordMatcher
) -> WatchScan:
    """Compare the knowledge's tender rows with the desk's snapshot and queue the notices."""
    tenders = {tender.id: tender for tender in knowledge.tenders}

    def compose(subscriber: Subscriber, change: TenderChange) -> str | None:
        tender = tenders[change.tender_id]
        if not matches(tender, subscriber.keywords):
            return None
        return notices.compose(change, tender, " ".join(subscriber.keywords), subscriber.language)

    current = {tender_id: tender_values(tender) for tender_id, tender in tenders.items()}
    return await desk.record_tender_changes(current, compose)
