"""``udbudsbot knowledge reload``: staff send the pack's tender changes to subscribers now."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.conversation import Asker
from bot.escalation import EscalationDesk
from knowledge.pack import default_pack_dir


def test_reload_sends_each_change_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("UDBUDSBOT_DATABASE_URL", "UDBUDSBOT_KNOWLEDGE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("UDBUDSBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("tenders.csv", "glossary.yaml"):
        shutil.copy(default_pack_dir() / name, pack / name)

    assert main(["knowledge", "reload", str(pack)]) == 0
    assert "First look at the tender rows" in capsys.readouterr().out
    desk = EscalationDesk.open(Settings(_env_file=None))  # type: ignore[call-arg]
    asyncio.run(desk.subscribe(Asker("telegram", "42", "42"), "fødevarer", "da"))
    desk.dispose()

    csv = pack / "tenders.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace("2019-02-26", "2026-02-26"), encoding="utf-8"
    )
    assert main(["knowledge", "reload", str(pack)]) == 0
    assert "New or changed tender rows: 1; notices queued: 1." in capsys.readouterr().out
    assert main(["knowledge", "reload", str(pack)]) == 0
    assert "New or changed tender rows: 0; notices queued: 0." in capsys.readouterr().out
