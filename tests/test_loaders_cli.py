"""``udbudsbot knowledge check`` as staff use it after editing the pack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main


def make_pack(root: Path) -> Path:
    (root / "documents").mkdir(parents=True)
    (root / "faq").mkdir()
    (root / "documents" / "politik.md").write_text(
        "---\ntitle: Politik\nsource_url: https://aarhus.dk/p\nlanguage: da\n---\n"
        "## Formål\nKommunen køber ind.\n\n## Bæredygtighed\nMiljø tæller.\n",
        encoding="utf-8",
    )
    (root / "documents" / "policy.md").write_text(
        "---\ntitle: Policy\nsource_url: https://aarhus.dk/p\nlanguage: en\n---\n"
        "## Purpose\nThe municipality buys as one organisation.\n",
        encoding="utf-8",
    )
    (root / "faq" / "faq.yaml").write_text(
        "- id: a\n  source_url: https://x.dk\n  da: {question: Q?, answer: A.}\n"
        "  en: {question: Q?, answer: A.}\n"
        "- id: b\n  source_url: https://x.dk\n  da: {question: Q?, answer: A.}\n",
        encoding="utf-8",
    )
    (root / "tenders.csv").write_text(
        "titel,tilbudsfrist,kilde\nRengøring,2025-10-24,https://udbud.dk/1\n", encoding="utf-8"
    )
    (root / "glossary.yaml").write_text("- da: [faktura]\n  en: [invoice]\n", encoding="utf-8")
    return root


def test_check_lists_counts_per_kind_and_language_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = make_pack(tmp_path / "pack")

    assert main(["knowledge", "check", str(pack)]) == 0

    out = capsys.readouterr().out
    assert f"Knowledge pack: {pack}" in out
    assert re.search(r"^  passages +3  \(da 2, en 1\) from 2 documents$", out, re.M)
    assert re.search(r"^  FAQ entries +2  \(da 2, en 1\)$", out, re.M)
    assert re.search(r"^  tenders +1$", out, re.M)
    assert re.search(r"^  glossary groups +1$", out, re.M)
    assert out.rstrip().endswith("No problems found.")


def test_check_lists_every_problem_with_file_and_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = make_pack(tmp_path / "pack")
    (pack / "tenders.csv").write_text(
        "titel,tilbudsfrist,kilde\nA,2025-10-24,https://udbud.dk/1\nB,31/02/2025,https://u.dk/2\n",
        encoding="utf-8",
    )
    (pack / "faq" / "more.yaml").write_text(
        "- id: a\n  source_url: https://x.dk\n  en: {question: Q?, answer: A.}\n", encoding="utf-8"
    )

    assert main(["knowledge", "check", str(pack)]) == 1

    out = capsys.readouterr().out
    assert re.search(r"^  tenders +2$", out, re.M)
    assert "2 problems:\n" in out
    assert "  faq/more.yaml:1: duplicate FAQ id 'a' (also used at faq/faq.yaml:1)\n" in out
    assert "  tenders.csv:3: unparseable date in 'tilbudsfrist': '31/02/2025'\n" in out


def test_check_of_a_missing_directory_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["knowledge", "check", str(tmp_path / "nope")]) == 2

    captured = capsys.readouterr()
    assert captured.err == f"udbudsbot knowledge check: no such directory: {tmp_path / 'nope'}\n"
    assert captured.out == ""


def test_check_without_dir_uses_the_configured_knowledge_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = make_pack(tmp_path / "configured")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UDBUDSBOT_KNOWLEDGE_DIR", str(pack))

    assert main(["knowledge", "check"]) == 0
    assert f"Knowledge pack: {pack}\n" in capsys.readouterr().out


def test_shipped_pack_checks_without_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env, and the pack must be found from anywhere
    monkeypatch.delenv("UDBUDSBOT_KNOWLEDGE_DIR", raising=False)

    code = main(["knowledge", "check"])

    out = capsys.readouterr().out
    assert "No problems found." in out, out
    assert code == 0
    assert "knowledge/aarhus" in out
