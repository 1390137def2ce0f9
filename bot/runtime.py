"""Build the running bot once: knowledge → index → desk → assistant.

Every entry point (terminal chat, ``ask``, ``eval``, the platform channels)
starts from ``start_runtime`` so the bot behaves the same wherever it is
asked, and the expensive steps (model load, index build) happen once per
process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.assistant import Assistant
from bot.config import Settings
from bot.escalation.desk import EscalationDesk
from index.dense import Embedder, load_embedder
from index.normalize import terms
from index.search import SearchIndex
from knowledge.model import KnowledgeBase
from knowledge.pack import load_knowledge

log = logging.getLogger(__name__)


def term_set(text: str, language: str) -> set[str]:
    """Content terms as the index sees them, for sentence choice and tender filters."""
    return set(terms(text, language))


@dataclass(slots=True)
class Runtime:
    settings: Settings
    knowledge: KnowledgeBase
    index: SearchIndex
    assistant: Assistant
    desk: EscalationDesk | None
    learned_seen: int = field(default=0)
    embedder: Embedder | None = None

    async def refresh_learned(self) -> int:
        """Add answers staff published since the last call (by any worker) to the index."""
        if self.desk is None:
            return 0
        fresh = await self.desk.learned_entries(after_id=self.learned_seen)
        if fresh:
            self.index.add([entry for _, entry in fresh])
            self.learned_seen = max(number for number, _ in fresh)
            log.info("added %d learned answer(s) to the index", len(fresh))
        return len(fresh)

    def close(self) -> None:
        if self.desk is not None:
            self.desk.dispose()


def start_runtime(settings: Settings, *, with_desk: bool = True, progress: bool = False) -> Runtime:
    """Load the knowledge and the model, build (or reuse) the index, open the desk."""
    knowledge = load_knowledge(settings.knowledge_dir)
    for problem in knowledge.problems:
        log.warning("knowledge: %s", problem)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    embedder = load_embedder(settings.embedding_model)
    index = SearchIndex.build(
        knowledge, embedder, cache_dir=settings.index_cache_dir, progress=progress
    )
    desk = EscalationDesk.open(settings) if with_desk else None
    assistant = build_assistant(settings, knowledge, index, desk)
    return Runtime(settings, knowledge, index, assistant, desk, embedder=embedder)


def build_assistant(
    settings: Settings, knowledge: KnowledgeBase, index: SearchIndex, desk: EscalationDesk | None
) -> Assistant:
    """The assistant over one knowledge base (at start, and again when the pack changes)."""
    return Assistant(
        knowledge, index, desk, answer_threshold=settings.answer_threshold, terms=term_set
    )
