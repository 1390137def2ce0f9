"""A whole pack: which file is what, deterministic loading, the shipped pack, the cache key."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge.pack import content_hash, default_pack_dir, load_knowledge
from knowledge.review import review

FAQ = """\
- id: invoice
  source_url: https://aarhus.dk/faktura
  da: {question: Hvordan sender jeg en faktura?, answer: Elektronisk.}
  en: {question: How do I send an invoice?, answer: Electronically.}
- id: espd
  source_url: https://kfst.dk/espd
  da: {question: Hvad er ESPD?, answer: Et fælles udbudsdokument.}
"""


def make_pack(root: Path) -> Path:
    files = {
        "README.md": "# Notes for staff\nNot knowledge.\n",
        "documents/policy.md": "---\ntitle: Politik\nsource_url: https://aarhus.dk/p\n---\n"
        "## Formål\nKommunen køber ind.\n",
        "documents/en/policy.md": "---\ntitle: Policy\nsource_url: https://aarhus.dk/p-en\n---\n"
        "## Formål\nThe municipality buys as one organisation.\n",
        "documents/notes.txt": "ignored\n",
        "documents/policy.pdf.meta.yaml": "source_url: https://aarhus.dk/pdf\n",
        "faq/general.yaml": FAQ,
        "faq/README.md": "ignored\n",
        "tenders.csv": "id,titel,tilbudsfrist,kilde\nT1,Rengøring,24-10-2025,https://udbud.dk/1\n",
        "tenders/more.csv": "id,titel,kilde\nT2,Vinter,https://udbud.dk/2\n",
        "glossary.yaml": "- da: [faktura, regning]\n  en: [invoice]\n",
        ".hidden/faq.yaml": "broken: [",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_pack_loads_every_kind_and_skips_other_files_silently(tmp_path: Path) -> None:
    kb = load_knowledge(make_pack(tmp_path))

    assert kb.problems == []
    assert [p.id for p in kb.passages] == ["policy#formål", "policy#formål~2"]
    assert [p.source_file for p in kb.passages] == ["documents/en/policy.md", "documents/policy.md"]
    assert [f.id for f in kb.faqs] == ["invoice", "espd"]
    assert [t.id for t in kb.tenders] == ["T1", "T2"]
    assert [t.source_file for t in kb.tenders] == ["tenders.csv", "tenders/more.csv"]
    assert [g.terms for g in kb.glossary] == [("faktura", "regning", "invoice")]


def test_problems_from_all_files_are_collected_in_a_stable_order(tmp_path: Path) -> None:
    root = make_pack(tmp_path)
    (root / "faq" / "broken.yaml").write_text("- id: [\n", encoding="utf-8")
    (root / "tenders.csv").write_text("titel,kilde\nA,\n", encoding="utf-8")
    (root / "documents" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "documents" / "empty.md").write_text("", encoding="utf-8")
    (root / "tenders" / "old-plan.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "letter.doc").write_bytes(b"\xd0\xcf\x11\xe0")  # not where knowledge goes: ignored

    kb = load_knowledge(root)

    assert [str(p) for p in kb.problems] == [
        "documents/empty.md: empty file",
        "documents/old.doc: cannot read this format: save it as .docx",
        "faq/broken.yaml:2: invalid YAML: while parsing a flow node did not find expected node "
        "content",
        "tenders.csv:2: 'kilde' is empty (every answer cites); row skipped",
        "tenders/old-plan.xls: cannot read this format: save it as .xlsx",
    ]
    # Everything else still loads.
    assert [f.id for f in kb.faqs] == ["invoice", "espd"]
    assert [t.id for t in kb.tenders] == ["T2"]
    assert load_knowledge(root) == kb


def test_missing_directory_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    kb = load_knowledge(tmp_path / "nowhere")

    assert kb.passages == [] and kb.faqs == []
    assert [p.message for p in kb.problems] == ["knowledge directory does not exist"]


def test_shipped_pack_is_found_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    directory = default_pack_dir()

    assert directory.is_absolute()
    assert (directory / "documents").is_dir()
    kb = load_knowledge()
    assert kb.passages and kb.faqs and kb.tenders and kb.glossary
    assert {p.language for p in kb.passages} == {"da", "en"}
    assert len({p.id for p in kb.passages}) == len(kb.passages)
    assert len({f.id for f in kb.faqs}) == len(kb.faqs)


def test_every_warning_on_the_shipped_pack_is_explained_by_the_pack() -> None:
    """On the day the pack was last reviewed, every stale fact carries the pack's reason."""
    kb = load_knowledge()
    assert kb.problems == []
    unexplained = [str(item) for item in review(kb, date(2026, 12, 4), 24) if not item.note]
    assert unexplained == []


def test_content_hash_changes_with_knowledge_only(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "a")
    before = content_hash(root)
    copy = tmp_path / "b"
    shutil.copytree(root, copy)

    assert content_hash(copy) == before  # same content elsewhere: same key
    (root / "README.md").write_text("# Other notes\n", encoding="utf-8")
    assert content_hash(root) == before  # not knowledge
    (root / "documents" / "policy.pdf.meta.yaml").write_text(
        "source_url: https://aarhus.dk/other\n", encoding="utf-8"
    )
    after_sidecar = content_hash(root)
    assert after_sidecar != before
    faq = root / "faq" / "general.yaml"
    faq.write_text(FAQ.replace("Elektronisk.", "Elektronisk!"), encoding="utf-8")
    after_edit = content_hash(root)
    assert after_edit != after_sidecar
    os.rename(faq, root / "faq" / "renamed.yaml")
    assert content_hash(root) != after_edit
