"""A running bot notices a changed tender file: it reloads the pack and tells subscribers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation import Asker, Question
from bot.escalation import EscalationDesk, OutboxWorker
from bot.runtime import Runtime, build_assistant
from bot.watch.reload import KnowledgeWatch
from index.dense import Embedder
from index.search import SearchIndex
from knowledge.pack import default_pack_dir, load_knowledge
from tests.desk_support import RecordingDeliverer

pytestmark = pytest.mark.model

SUBSCRIBER = Asker(platform="slack", user_id="U77", chat_id="D77")
NEW_ROW = (
    "T17,Vinduespudsning på kommunens skoler,rengøring,Aarhus Kommune,,,2026-03-02,,,,,"
    "planlagt,,https://udbud.dk/60001,EN: Window cleaning at schools.\n"
)


@pytest.fixture
def small_pack(tmp_path: Path) -> Path:
    """The shipped tender list and glossary, without documents (a quick index)."""
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("tenders.csv", "glossary.yaml"):
        shutil.copy(default_pack_dir() / name, pack / name)
    return pack


async def test_a_changed_tender_file_is_reloaded_and_sent_once(
    small_pack: Path, tmp_path: Path, bundled_embedder: Embedder
) -> None:
    settings = Settings(knowledge_dir=small_pack, data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    knowledge = load_knowledge(small_pack)
    index = SearchIndex.build(knowledge, bundled_embedder, cache_dir=settings.index_cache_dir)
    desk = EscalationDesk.open(settings)
    runtime = Runtime(
        settings,
        knowledge,
        index,
        build_assistant(settings, knowledge, index, desk),
        desk,
        embedder=bundled_embedder,
    )
    try:
        watch = KnowledgeWatch(runtime)
        first = await watch.check()
        assert first is not None and first.baseline
        await runtime.assistant.reply(Question("/abonner rengøring", SUBSCRIBER, "da"))
        assert await watch.check() is None  # unchanged pack: nothing to look at

        csv = small_pack / "tenders.csv"
        text = csv.read_text(encoding="utf-8")
        old_t06 = next(line for line in text.splitlines() if line.startswith("T06,"))
        new_t06 = old_t06.replace(",ukendt,", ",annonceret,")
        csv.write_text(text.replace(old_t06, new_t06) + NEW_ROW, encoding="utf-8")

        scan = await watch.check()
        assert scan is not None and (scan.changes, scan.notices) == (2, 2)
        listing = await runtime.assistant.reply(Question("/udbud rengøring", SUBSCRIBER, "da"))
        assert "Vinduespudsning på kommunens skoler" in listing.text

        deliverer = RecordingDeliverer()
        await OutboxWorker(desk, {"slack": deliverer}).process_once()
        messages = [message for _, message, _ in deliverer.sent]
        assert len(messages) == 2
        assert "ny status: annonceret (før: ukendt)" in messages[0]
        assert "Tværmagistratligt rengøringsudbud" in messages[0]
        assert messages[1].startswith("Nyt udbud på vores liste om «rengøring»")
        assert {asker.chat_id for asker, _, _ in deliverer.sent} == {"D77"}

        # Another bot process starting on the changed pack sends nothing again.
        assert (await KnowledgeWatch(runtime).check()).notices == 0  # type: ignore[union-attr]
    finally:
        desk.dispose()
