"""Tender watch on the desk: each new or changed tender reaches a matching subscriber once,
across restarts and workers, on their own platform; unsubscribing and /slet stop it."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from bot.escalation import EscalationDesk, OutboxWorker
from bot.escalation.schema import Delivery
from bot.escalation.subscriptions import WATCH, Subscription, WatchScan
from bot.runtime import term_set
from bot.tender_query import KeywordMatcher
from bot.watch.scan import notify_tender_changes
from knowledge.model import GlossaryGroup, KnowledgeBase, Tender
from tests.desk_support import (
    RecordingDeliverer,
    asker,
    settings_for,
)

GLOSSARY = [GlossaryGroup(da=("rengøring",), en=("cleaning", "cleaning services"))]
MATCHER = KeywordMatcher(term_set, GLOSSARY)

CLEANING = Tender(
    id="T05",
    title="Rengøring af lokaler i Børn og Unge",
    source_url="https://udbud.dk/52381",
    category="rengøring",
    status="annonceret",
    deadline=date(2025, 12, 1),
)
WINDOWS = Tender(
    id="T17",
    title="Window cleaning services for schools",
    source_url="https://udbud.dk/60001",
    status="planlagt",
)
HARDWARE = Tender(
    id="T07",
    title="Rammeaftale om it-hardware",
    source_url="https://udbud.dk/40000",
    category="it",
    status="historisk",
)


def pack(*tenders: Tender) -> KnowledgeBase:
    return KnowledgeBase(tenders=list(tenders), glossary=GLOSSARY)


async def scan(desk: EscalationDesk, *tenders: Tender) -> WatchScan:
    return await notify_tender_changes(desk, pack(*tenders), MATCHER)


def watch_deliveries(desk: EscalationDesk) -> list[tuple[str, str]]:
    rows = desk.store.transaction(
        lambda s: s.execute(
            select(Delivery.user_id, Delivery.text)
            .where(Delivery.kind == WATCH)
            .order_by(Delivery.id)
        ).all()
    )
    return [(user, text) for user, text in rows]


async def test_a_changed_deadline_reaches_the_subscriber_once_with_what_changed(
    desk: EscalationDesk, desk_url: str, tmp_path: Path
) -> None:
    await desk.subscribe(asker("cleaner"), "rengøring", "da")
    await desk.subscribe(asker("it-firm"), "it", "en")
    first = await scan(desk, CLEANING, HARDWARE)
    assert first.baseline and first.notices == 0

    moved = dataclasses.replace(CLEANING, deadline=date(2026, 1, 15))
    changed = await scan(desk, moved, HARDWARE)
    assert (changed.changes, changed.notices) == (1, 1)
    [(user, message)] = watch_deliveries(desk)
    assert user == "cleaner"
    assert "ny tilbudsfrist: 2026-01-15 (før: 2025-12-01)" in message
    assert "Rengøring af lokaler i Børn og Unge" in message

    # Seen again, by this desk and by a new one on the same database (a restart): no repeat.
    assert (await scan(desk, moved, HARDWARE)).notices == 0
    restarted = EscalationDesk.open(settings_for(desk_url, tmp_path / "restarted"))
    try:
        assert (await scan(restarted, moved, HARDWARE)).changes == 0
        # A new matching row (found through the glossary: cleaning ↔ rengøring) is news.
        added = await scan(restarted, moved, HARDWARE, WINDOWS)
        assert (added.changes, added.notices) == (1, 1)
    finally:
        restarted.dispose()
    messages = watch_deliveries(desk)
    assert len(messages) == 2
    assert messages[1][0] == "cleaner"
    assert messages[1][1].startswith("Nyt udbud på vores liste om «rengøring»")

    deliverer = RecordingDeliverer()
    await OutboxWorker(desk, {"telegram": deliverer}).process_once()
    assert [(a.user_id, a.chat_id) for a, _, _ in deliverer.sent] == [
        ("cleaner", "chat-cleaner")
    ] * 2
    assert await OutboxWorker(desk, {"telegram": deliverer}).process_once() == 0


async def test_a_step_back_and_forth_is_told_once_per_step(desk: EscalationDesk) -> None:
    await desk.subscribe(asker("cleaner"), "rengøring", "en")
    await scan(desk, CLEANING)
    awarded = dataclasses.replace(CLEANING, status="tildelt")
    for version in (awarded, CLEANING, awarded):
        await scan(desk, version)
    messages = [text for _, text in watch_deliveries(desk)]
    assert len(messages) == 2
    assert "new status: tildelt (was: annonceret)" in messages[0]
    assert "new status: annonceret (was: tildelt)" in messages[1]


async def test_two_workers_scanning_at_once_notify_once(
    desk: EscalationDesk, desk_url: str, tmp_path: Path
) -> None:
    await desk.subscribe(asker("cleaner"), "rengøring", "da")
    await scan(desk, CLEANING)
    other = EscalationDesk.open(settings_for(desk_url, tmp_path / "worker-2"))
    try:
        moved = dataclasses.replace(CLEANING, deadline=date(2026, 2, 1))
        results = await asyncio.gather(*(scan(d, moved) for d in (desk, other, desk, other)))
    finally:
        other.dispose()
    assert sum(result.notices for result in results) == 1
    assert len(watch_deliveries(desk)) == 1


async def test_a_subscriber_hears_nothing_about_other_keywords_or_before_subscribing(
    desk: EscalationDesk,
) -> None:
    await scan(desk, CLEANING)
    await scan(desk, dataclasses.replace(CLEANING, status="tildelt"))
    await desk.subscribe(asker("it-firm"), "it", "da")
    await scan(desk, dataclasses.replace(CLEANING, status="historisk"))
    assert watch_deliveries(desk) == []


async def test_unsubscribe_by_number_keyword_or_all(desk: EscalationDesk) -> None:
    me = asker("me")
    for keywords in ("rengøring", "it", "grøn pleje", "fødevarer"):
        await desk.subscribe(me, keywords, "da")
    view, created = await desk.subscribe(me, "it", "da")
    assert (view.number, created) == (2, False)

    assert [v.keywords for v in await desk.unsubscribe(me, "2")] == ["it"]
    assert [v.keywords for v in await desk.unsubscribe(me, "pleje")] == ["grøn pleje"]
    assert await desk.unsubscribe(me, "7") == []
    assert [(v.number, v.keywords) for v in await desk.subscriptions(me)] == [
        (1, "rengøring"),
        (2, "fødevarer"),
    ]
    assert len(await desk.unsubscribe(me, "alle")) == 2
    assert await desk.subscriptions(me) == []


async def test_unsubscribed_and_forgotten_subscribers_are_not_notified(
    desk: EscalationDesk,
) -> None:
    await desk.subscribe(asker("leaver"), "rengøring", "da")
    await desk.subscribe(asker("forgotten"), "rengøring", "da")
    await desk.subscribe(asker("forgotten"), "it", "da")
    await desk.subscribe(asker("stayer"), "rengøring", "da")
    await scan(desk, CLEANING)

    await desk.unsubscribe(asker("leaver"), "rengøring")
    erased = await desk.forget_user("telegram", "forgotten")
    assert erased.subscriptions == 2
    assert erased.total == 2
    await scan(desk, dataclasses.replace(CLEANING, status="tildelt"))

    assert [user for user, _ in watch_deliveries(desk)] == ["stayer"]
    remaining = desk.store.transaction(
        lambda s: s.scalar(select(func.count()).select_from(Subscription))
    )
    assert remaining == 1


async def test_forgetting_cancels_a_queued_notice(desk: EscalationDesk) -> None:
    await desk.subscribe(asker("forgotten"), "rengøring", "da")
    await scan(desk, CLEANING)
    await scan(desk, dataclasses.replace(CLEANING, status="tildelt"))
    await desk.forget_user("telegram", "forgotten")
    deliverer = RecordingDeliverer()
    assert await OutboxWorker(desk, {"telegram": deliverer}).process_once() == 0
    assert watch_deliveries(desk) == [(None, "")]
