"""A running bot notices a changed knowledge pack, reloads it, and tells subscribers.

The housekeeping loop of ``udbudsbot run`` calls ``KnowledgeWatch.check``
every half minute. It fingerprints the pack (``knowledge.pack.content_hash``,
cheap: the files are read, nothing is parsed); when the fingerprint changed,
the pack is loaded again, the index rebuilt (only new or changed texts are
embedded, the rest come from the cache) and swapped into the runtime with a
fresh assistant, and learned answers are added back. Each check also looks
at the tender rows through the desk, so subscribers hear about new and
changed tenders, also those that changed while the bot was stopped.
Conversation state (a chosen language, pending choices) starts afresh after
a reload.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.escalation.subscriptions import WatchScan
from bot.runtime import Runtime, term_set
from bot.tender_query import KeywordMatcher
from bot.watch.scan import notify_tender_changes
from index.dense import load_embedder
from index.search import SearchIndex
from knowledge.pack import content_hash, default_pack_dir, load_knowledge

log = logging.getLogger(__name__)


class KnowledgeWatch:
    """Reloads the runtime's knowledge when its pack changes, and scans its tender rows."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._directory: Path = runtime.settings.knowledge_dir or default_pack_dir()
        self._hash: str | None = None
        self._scanned_hash: str | None = None

    async def check(self) -> WatchScan | None:
        """Reload if the pack changed since the last check, then look at the tender rows once
        per pack version. Returns the scan, or None when there was nothing new to look at."""
        current = await asyncio.to_thread(content_hash, self._directory)
        if self._hash is not None and current != self._hash:
            await self.reload()
        self._hash = current
        if self._runtime.desk is None or current == self._scanned_hash:
            return None
        knowledge = self._runtime.knowledge
        matches = KeywordMatcher(term_set, knowledge.glossary)
        scan = await notify_tender_changes(self._runtime.desk, knowledge, matches)
        self._scanned_hash = current
        if scan.changes:
            log.info(
                "tender watch: %d new or changed tender(s), %d notice(s) queued%s",
                scan.changes,
                scan.notices,
                " (first look: nobody told)" if scan.baseline else "",
            )
        return scan

    async def reload(self) -> None:
        """Load the pack again and swap a new index and assistant into the runtime."""
        runtime = self._runtime
        knowledge = await asyncio.to_thread(load_knowledge, self._directory)
        for problem in knowledge.problems:
            log.warning("knowledge: %s", problem)
        if runtime.embedder is None:
            runtime.embedder = await asyncio.to_thread(
                load_embedder, runtime.settings.embedding_model
            )
        index = await asyncio.to_thread(
            SearchIndex.build,
            knowledge,
            runtime.embedder,
            cache_dir=runtime.settings.index_cache_dir,
        )
        runtime.replace_knowledge(knowledge, index)
        await runtime.refresh_learned()
        log.info("knowledge reloaded from %s: %d records", self._directory, index.size)
