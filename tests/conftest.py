"""Shared fixtures: the shipped knowledge, the bundled model, and a runtime per test.

Building the index over the shipped pack embeds about two thousand texts, so
the vectors are cached in ``.test-cache/`` at the repository root (ignored by
git, keyed by content and model like the real cache): only the first run on a
machine pays for it.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.config import Settings
from bot.escalation.desk import EscalationDesk
from bot.runtime import Runtime, term_set
from index.dense import Embedder, load_embedder
from index.search import SearchIndex
from knowledge.model import KnowledgeBase
from knowledge.pack import load_knowledge
from tests.bot_process import TEST_CACHE

pytest_plugins = ("tests.desk_support", "tests.fake_slack")

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def no_platform_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from a developer's Slack or Telegram setup may leak into a test."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TELEGRAM_", "UDBUDSBOT_SLACK_", "UDBUDSBOT_TELEGRAM_")):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def bundled_embedder() -> Embedder:
    return load_embedder(None)


@pytest.fixture(scope="session")
def shipped_knowledge() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def shipped_index(shipped_knowledge: KnowledgeBase, bundled_embedder: Embedder) -> SearchIndex:
    return SearchIndex.build(shipped_knowledge, bundled_embedder, cache_dir=TEST_CACHE / "index")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings isolated from the developer's environment and ``.env``."""
    for name in (
        "UDBUDSBOT_DATABASE_URL",
        "UDBUDSBOT_KNOWLEDGE_DIR",
        "UDBUDSBOT_STAFF_IDS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("UDBUDSBOT_DATA_DIR", str(tmp_path / "data"))
    return Settings(_env_file=None)


@pytest.fixture
def make_runtime(
    settings: Settings, shipped_knowledge: KnowledgeBase, shipped_index: SearchIndex
) -> Iterator[Callable[..., Runtime]]:
    """A runtime on the shipped pack with its own desk (SQLite in tmp) and its own index copy."""
    opened: list[Runtime] = []

    def build(*, with_desk: bool = True, today: date = TODAY) -> Runtime:
        index = copy.copy(shipped_index)
        desk = EscalationDesk.open(settings) if with_desk else None
        assistant = Assistant(
            shipped_knowledge,
            index,
            desk,
            answer_threshold=settings.answer_threshold,
            terms=term_set,
            today=lambda: today,
        )
        runtime = Runtime(settings, shipped_knowledge, index, assistant, desk)
        opened.append(runtime)
        return runtime

    yield build
    for runtime in opened:
        runtime.close()
