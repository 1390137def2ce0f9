"""Build the running bot once: knowledge → index (with the learned answers) → desk → assistant.

Every entry point (terminal chat, ``ask``, ``eval``, the platform channels,
the benchmarks) starts from ``start_runtime`` so the bot behaves the same
wherever it is asked: the same pack, the same index with every learned
answer staff published so far, the same decisions. The expensive steps
(model load, index build) happen once per process; a long-running process
calls ``refresh_learned`` to take in what staff published, corrected or
withdrew since.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.assistant import Assistant
from bot.config import Settings
from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import DeskError
from bot.escalation.learned import LearnedChanges
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
    """One process's bot. ``desk`` is where learned answers come from; the assistant
    escalates into it only when it was started to (``ask --dry-run`` and ``eval`` read
    learned answers but open no tickets)."""

    settings: Settings
    knowledge: KnowledgeBase
    index: SearchIndex
    assistant: Assistant
    desk: EscalationDesk | None
    learned_revision: int = field(default=0)
    embedder: Embedder | None = None
    escalates: bool = True

    def replace_knowledge(self, knowledge: KnowledgeBase, index: SearchIndex) -> None:
        """Swap in a reloaded pack and its index, with a fresh assistant; the learned answers
        are then added again by the next ``refresh_learned``."""
        self.knowledge = knowledge
        self.index = index
        desk = self.desk if self.escalates else None
        self.assistant = build_assistant(self.settings, knowledge, index, desk)
        self.learned_revision = 0

    async def refresh_learned(self) -> int:
        """Take in learned answers published, corrected or withdrawn (by any worker) since the
        last call; returns how many entries changed."""
        if self.desk is None:
            return 0
        return self._apply(await self.desk.learned_changes(after=self.learned_revision))

    def load_learned(self) -> int:
        """``refresh_learned`` for a process that has no event loop yet (at start)."""
        if self.desk is None:
            return 0
        return self._apply(self.desk.learned_changes_now(after=self.learned_revision))

    def _apply(self, changes: LearnedChanges) -> int:
        if changes.published:
            self.index.add(changes.published)
        for record_id in changes.withdrawn:
            self.index.remove(record_id)
        self.learned_revision = changes.revision
        count = len(changes.published) + len(changes.withdrawn)
        if count:
            log.info(
                "learned answers: %d added or corrected, %d withdrawn",
                len(changes.published),
                len(changes.withdrawn),
            )
        return count

    def close(self) -> None:
        if self.desk is not None:
            self.desk.dispose()


def start_runtime(settings: Settings, *, escalate: bool = True, progress: bool = False) -> Runtime:
    """Load the knowledge and the model, build (or reuse) the index, open the desk and add
    every learned answer to the index.

    With ``escalate=False`` the assistant opens no tickets and logs nothing (a dry
    run, an evaluation); the desk is still read for learned answers, and when it
    cannot be opened the bot answers from the pack alone, with a warning.
    """
    knowledge = load_knowledge(settings.knowledge_dir)
    for problem in knowledge.problems:
        log.warning("knowledge: %s", problem)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    embedder = load_embedder(settings.embedding_model)
    index = SearchIndex.build(
        knowledge, embedder, cache_dir=settings.index_cache_dir, progress=progress
    )
    desk = _open_desk(settings, required=escalate)
    assistant = build_assistant(settings, knowledge, index, desk if escalate else None)
    runtime = Runtime(
        settings, knowledge, index, assistant, desk, embedder=embedder, escalates=escalate
    )
    runtime.load_learned()
    return runtime


def _open_desk(settings: Settings, *, required: bool) -> EscalationDesk | None:
    try:
        return EscalationDesk.open(settings)
    except DeskError as error:
        if required:
            raise
        log.warning("learned answers are not used: %s", error)
        return None


def build_assistant(
    settings: Settings, knowledge: KnowledgeBase, index: SearchIndex, desk: EscalationDesk | None
) -> Assistant:
    """The assistant over one knowledge base (at start, and again when the pack changes)."""
    return Assistant(
        knowledge, index, desk, answer_threshold=settings.answer_threshold, terms=term_set
    )
