"""Markdown documents: front matter, heading paths, per-section sources, and broken files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from knowledge.loaders.markdown import load_markdown
from knowledge.loaders.sections import MAX_PASSAGE_CHARS

POLICY = """\
---
title: Aarhus Kommunes indkøbspolitik
source_url: https://aarhus.dk/politik
language: da
effective_date: 2023-08-18
---
Politikken gælder for hele kommunen.

## Formål
Kommunen køber ind som en koncern.
<!-- a note for the editors, not for the bot -->

### Bæredygtighed
<!-- source: https://aarhus.dk/baeredygtighed -->
Miljø og arbejdsmiljø tæller med.

#### Detaljer
Sociale klausuler bruges i store udbud.

```
# not a heading inside a code block
```

## Kontakt
Skriv til Indkøb og Udbud.
"""


def write(tmp_path: Path, text: str, name: str = "policy.md") -> Path:
    path = tmp_path / "documents" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_sections_become_passages_with_heading_path_and_sources(tmp_path: Path) -> None:
    loaded = load_markdown(write(tmp_path, POLICY), tmp_path)

    assert loaded.problems == []
    by_id = {passage.id: passage for passage in loaded.records}
    assert list(by_id) == [
        "policy#aarhus-kommunes-indkøbspolitik",
        "policy#formål",
        "policy#formål/bæredygtighed",
        "policy#formål/bæredygtighed/detaljer",
        "policy#kontakt",
    ]
    intro = by_id["policy#aarhus-kommunes-indkøbspolitik"]
    assert intro.heading_path == ()
    assert intro.heading == "Aarhus Kommunes indkøbspolitik"
    assert intro.text == "Politikken gælder for hele kommunen."
    purpose = by_id["policy#formål"]
    assert purpose.text == "Kommunen køber ind som en koncern."
    assert purpose.source_url == "https://aarhus.dk/politik"
    assert purpose.title == "Aarhus Kommunes indkøbspolitik"
    assert purpose.language == "da"
    assert purpose.dates.valid_from == date(2023, 8, 18)
    assert purpose.source_file == "documents/policy.md"
    # The section's own source applies to it and to the sections under it, not to siblings.
    green = by_id["policy#formål/bæredygtighed"]
    assert green.heading_path == ("Formål", "Bæredygtighed")
    assert green.source_url == "https://aarhus.dk/baeredygtighed"
    assert green.text == "Miljø og arbejdsmiljø tæller med."
    details = by_id["policy#formål/bæredygtighed/detaljer"]
    assert details.source_url == "https://aarhus.dk/baeredygtighed"
    assert "# not a heading inside a code block" in details.text
    assert by_id["policy#kontakt"].source_url == "https://aarhus.dk/politik"


def test_language_is_guessed_and_title_taken_from_first_heading_without_front_matter(
    tmp_path: Path,
) -> None:
    text = (
        "# Invoicing guide\n<!-- source: https://aarhus.dk/invoice -->\n"
        "Invoices must be sent electronically to the municipality with the EAN number.\n"
    )
    loaded = load_markdown(write(tmp_path, text, "invoicing.md"), tmp_path)

    assert loaded.problems == []
    [passage] = loaded.records
    assert passage.language == "en"
    assert passage.title == "Invoicing guide"
    assert passage.source_url == "https://aarhus.dk/invoice"


def test_document_without_any_source_is_a_problem_and_loads_nothing(tmp_path: Path) -> None:
    loaded = load_markdown(write(tmp_path, "---\ntitle: X\n---\n## A\nTekst.\n"), tmp_path)

    assert loaded.records == []
    [problem] = loaded.problems
    assert str(problem).startswith("documents/policy.md: no source URL: add 'source_url:")


def test_section_without_source_is_reported_with_its_line_and_others_load(tmp_path: Path) -> None:
    text = "## A\n<!-- source: https://aarhus.dk/a -->\nTekst A.\n\n## B\nTekst B.\n"
    loaded = load_markdown(write(tmp_path, text), tmp_path)

    assert [passage.heading for passage in loaded.records] == ["A"]
    assert [str(problem) for problem in loaded.problems] == [
        "documents/policy.md:5: no source URL for section 'B': add 'source_url: https://...' "
        "to the front matter or a '<!-- source: https://... -->' line under the heading"
    ]


def test_invalid_front_matter_yaml_names_the_file_line(tmp_path: Path) -> None:
    text = "---\ntitle: Politik\nsource_url: [unclosed\n---\n## A\nTekst.\n"
    loaded = load_markdown(write(tmp_path, text), tmp_path)

    problem = loaded.problems[0]
    assert problem.path == Path("documents/policy.md")
    assert problem.message.startswith("invalid YAML")
    assert problem.line == 4


def test_bad_front_matter_values_are_reported_with_their_lines(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Politik\nsource_url: aarhus.dk/politik\nlanguage: tysk\n"
        "effective_date: sidste år\nsource: https://aarhus.dk\n---\n## A\nTekst.\n"
    )
    loaded = load_markdown(write(tmp_path, text), tmp_path)

    messages = [(problem.line, problem.message) for problem in loaded.problems]
    assert (3, "source_url is not a web address (http:// or https://): 'aarhus.dk/politik'") in (
        messages
    )
    assert (4, "unknown language 'tysk' (expected: da, en)") in messages
    unparseable = "unparseable date in 'effective_date': 'sidste år' (write e.g. 2025-12-31)"
    assert (5, unparseable) in messages
    assert any(line == 6 and "unknown key 'source'" in message for line, message in messages)


def test_unclosed_front_matter_is_a_problem(tmp_path: Path) -> None:
    loaded = load_markdown(write(tmp_path, "---\ntitle: Politik\n## A\nTekst.\n"), tmp_path)

    assert loaded.records == []
    assert [str(p) for p in loaded.problems] == [
        "documents/policy.md:1: front matter is not closed: add a line '---' after it"
    ]


def test_empty_file_is_a_problem(tmp_path: Path) -> None:
    loaded = load_markdown(write(tmp_path, "  \n\n"), tmp_path)

    assert loaded.records == []
    assert [str(p) for p in loaded.problems] == ["documents/policy.md: empty file"]


def test_long_section_is_cut_at_paragraphs_into_bounded_passages(tmp_path: Path) -> None:
    paragraphs = [f"Afsnit {n}. " + "Kommunen køber ind til borgerne. " * 10 for n in range(8)]
    text = "---\nsource_url: https://aarhus.dk/p\n---\n## Lang\n" + "\n\n".join(paragraphs)
    loaded = load_markdown(write(tmp_path, text), tmp_path)

    passages = loaded.records
    assert len(passages) > 1
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    assert [p.id for p in passages[:2]] == ["policy#lang", "policy#lang~2"]
    assert all(p.heading_path == ("Lang",) for p in passages)
    # Nothing is lost or cut mid-paragraph.
    assert "\n\n".join(p.text for p in passages) == "\n\n".join(q.strip() for q in paragraphs)
