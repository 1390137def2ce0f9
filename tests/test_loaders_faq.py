"""FAQ YAML: entries in Danish and English; each bad entry is reported with its line."""

from __future__ import annotations

from pathlib import Path

from knowledge.loaders.faq import load_faq_files
from knowledge.loaders.glossary import load_glossary

GOOD = """\
- id: invoice-format
  tags: [faktura, invoicing]
  source_url: https://aarhus.dk/faktura
  da:
    question: Hvordan sender jeg en faktura til kommunen?
    alternates: [hvordan fakturerer jeg, send regning til aarhus kommune]
    answer: Fakturaen skal sendes elektronisk.
  en:
    question: How do I send an invoice to the municipality?
    alternates: [how to bill aarhus kommune]
    answer: |
      Invoices must be sent
      electronically.
- id: yes-or-no
  source_url: https://aarhus.dk/svar
  da:
    question: Er det gratis?
    answer: no
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "faq" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_load_in_both_languages(tmp_path: Path) -> None:
    loaded = load_faq_files([write(tmp_path, "a.yaml", GOOD)], tmp_path)

    assert loaded.problems == []
    invoice, short = loaded.records
    assert invoice.id == "invoice-format"
    assert invoice.tags == ("faktura", "invoicing")
    assert invoice.source_url == "https://aarhus.dk/faktura"
    assert invoice.source_file == "faq/a.yaml"
    assert invoice.languages == ("da", "en")
    assert invoice.texts["da"].alternates == (
        "hvordan fakturerer jeg",
        "send regning til aarhus kommune",
    )
    assert invoice.texts["en"].answer == "Invoices must be sent\nelectronically."
    # YAML 1.1 would read a bare `no` as False; an answer stays the text staff wrote.
    assert short.languages == ("da",)
    assert short.texts["da"].answer == "no"


def test_a_special_case_is_read_as_its_words(tmp_path: Path) -> None:
    text = GOOD.replace(
        "- id: yes-or-no\n", "- id: yes-or-no\n  special_case: [staten, central government]\n"
    )
    loaded = load_faq_files([write(tmp_path, "a.yaml", text)], tmp_path)

    assert loaded.problems == []
    general, special = loaded.records
    assert general.special_case == ()
    assert special.special_case == ("staten", "central government")


def test_each_bad_entry_is_reported_with_its_line_and_the_rest_loads(tmp_path: Path) -> None:
    text = """\
- id: ok-1
  source_url: https://aarhus.dk/1
  da: {question: Spørgsmål?, answer: Svar.}
- id: no-answer
  source_url: https://aarhus.dk/2
  da:
    question: Hvad nu?
- id: no-source
  en: {question: Q?, answer: A.}
- just a string
- id: no-language
  source_url: https://aarhus.dk/3
- id: typo
  source_url: https://aarhus.dk/4
  da: {question: Spørgsmål?, answer: Svar., alternatives: [x]}
- id: ok-2
  source_url: https://aarhus.dk/5
  en: {question: Question?, answer: Answer.}
"""
    loaded = load_faq_files([write(tmp_path, "bad.yaml", text)], tmp_path)

    assert [entry.id for entry in loaded.records] == ["ok-1", "typo", "ok-2"]
    assert [str(problem) for problem in loaded.problems] == [
        "faq/bad.yaml:6: FAQ entry 'no-answer', 'da' has no 'answer'",
        "faq/bad.yaml:8: FAQ entry 'no-source' has no 'source_url' (every answer cites)",
        "faq/bad.yaml:10: an FAQ entry must be a mapping of 'key: value' lines",
        "faq/bad.yaml:11: FAQ entry 'no-language' has no text: give it 'da' and/or 'en'",
        "faq/bad.yaml:15: FAQ entry 'typo', 'da' has an unknown key 'alternatives' "
        "(expected: question, alternates, answer)",
    ]


def test_duplicate_id_across_files_names_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", GOOD)
    second = write(
        tmp_path,
        "b.yaml",
        "- id: other\n  source_url: https://x.dk\n  da: {question: Q?, answer: A.}\n"
        "- id: invoice-format\n  source_url: https://x.dk\n  da: {question: Q?, answer: A.}\n",
    )
    loaded = load_faq_files([first, second], tmp_path)

    assert [entry.id for entry in loaded.records] == ["invoice-format", "yes-or-no", "other"]
    assert loaded.records[0].source_file == "faq/a.yaml"
    assert [str(problem) for problem in loaded.problems] == [
        "faq/b.yaml:4: duplicate FAQ id 'invoice-format' (also used at faq/a.yaml:1)"
    ]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    text = "- id: a\n  source_url: https://x.dk\n  da: {question: Q?, answer: [A.}\n"
    loaded = load_faq_files([write(tmp_path, "broken.yaml", text)], tmp_path)

    assert loaded.records == []
    [problem] = loaded.problems
    assert problem.path == Path("faq/broken.yaml")
    assert problem.line == 3
    assert problem.message.startswith("invalid YAML")


def test_duplicated_key_is_a_problem_instead_of_a_silent_overwrite(tmp_path: Path) -> None:
    text = "- id: a\n  source_url: https://x.dk\n  id: b\n  da: {question: Q?, answer: A.}\n"
    loaded = load_faq_files([write(tmp_path, "dup.yaml", text)], tmp_path)

    assert loaded.records == []
    assert [str(p) for p in loaded.problems] == [
        "faq/dup.yaml:3: an FAQ entry has the key 'id' twice"
    ]


def test_empty_file_and_wrong_top_level_are_problems(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.yaml", "# nothing yet\n")
    mapping = write(tmp_path, "mapping.yaml", "id: a\nsource_url: https://x.dk\n")
    loaded = load_faq_files([empty, mapping], tmp_path)

    assert loaded.records == []
    assert [str(p) for p in loaded.problems] == [
        "faq/empty.yaml: empty file",
        "faq/mapping.yaml:1: the file must be a list of FAQ entries, each starting with '- '",
    ]


def test_glossary_groups_load_lower_cased_and_bad_groups_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "- da: [Faktura, regning, E-faktura]\n"
        "  en: [Invoice, bill]\n"
        "- da: [udbud]\n"
        "- [udbud, tender]\n"
        "- da: licitation\n"
        "  en: call for tenders\n"
        "- da: [kontrakt]\n"
        "  de: [Vertrag]\n",
        encoding="utf-8",
    )
    loaded = load_glossary(path, tmp_path)

    assert [(group.da, group.en) for group in loaded.records] == [
        (("faktura", "regning", "e-faktura"), ("invoice", "bill")),
        (("licitation",), ("call for tenders",)),
    ]
    assert loaded.records[0].terms == ("faktura", "regning", "e-faktura", "invoice", "bill")
    assert [str(p) for p in loaded.problems] == [
        "glossary.yaml:3: glossary group needs at least two terms to be useful",
        "glossary.yaml:4: glossary group must be a mapping of 'key: value' lines",
        "glossary.yaml:8: glossary group has an unknown key 'de' (expected: da, en)",
    ]


def test_glossary_invalid_yaml_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text("- da: [faktura\n  en: [invoice]\n", encoding="utf-8")
    loaded = load_glossary(path, tmp_path)

    assert loaded.records == []
    assert loaded.problems[0].message.startswith("invalid YAML")
    assert loaded.problems[0].line is not None
