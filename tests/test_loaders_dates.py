"""Date fields as staff write them: front matter, section markers, FAQ fields, tender columns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from knowledge.loaders.faq import load_faq_files
from knowledge.loaders.markdown import load_markdown
from knowledge.loaders.tenders import load_tenders
from knowledge.model import Dates
from knowledge.pack import load_knowledge

THRESHOLDS = """\
---
title: Tærskelværdier
source_url: https://kfst.dk/t
language: da
as_of: 2023-11-16
---
## Sådan fastsættes de
Kommissionen reviderer dem hvert andet år.

## Tærskelværdier 2024–2025
<!-- valid_from: 2024-01-01 -->
<!-- valid_until: 31.12.2025 -->
<!-- series: eu-thresholds -->
Varer og tjenesteydelser: 1.644.638 kr.

### I euro
221.000 euro.

## Tærskelværdier 2022–2023
<!-- valid_from: 2022-01-01 -->
<!-- valid_until: 2023-12-31 -->
<!-- historical: ja -->
<!-- review_note: Kun til sammenligning. -->
1.601.944 kr.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_dates_hold_for_every_section_and_markers_for_theirs_and_below(
    tmp_path: Path,
) -> None:
    loaded = load_markdown(write(tmp_path / "t.md", THRESHOLDS), tmp_path)

    assert loaded.problems == []
    dates = {p.heading: p.dates for p in loaded.records}
    assert dates["Sådan fastsættes de"] == Dates(as_of=date(2023, 11, 16))
    period = Dates(
        as_of=date(2023, 11, 16),
        valid_from=date(2024, 1, 1),
        valid_until=date(2025, 12, 31),
        series="eu-thresholds",
    )
    assert dates["Tærskelværdier 2024–2025"] == period
    assert dates["I euro"] == period
    assert dates["Tærskelværdier 2022–2023"] == Dates(
        as_of=date(2023, 11, 16),
        valid_from=date(2022, 1, 1),
        valid_until=date(2023, 12, 31),
        historical=True,
        review_note="Kun til sammenligning.",
    )


def test_bad_and_misspelt_markers_are_reported_with_their_lines(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\nsource_url: https://kfst.dk/t\nas_of: engang\nvalid_until: 2025\n---\n"
        "## A\n<!-- valid_unitl: 2025-12-31 -->\n<!-- historical: måske -->\n"
        "<!-- TODO: find a newer source -->\nTekst.\n"
    )
    loaded = load_markdown(write(tmp_path / "t.md", text), tmp_path)

    messages = [(problem.line, problem.message) for problem in loaded.problems]
    assert messages == [
        (4, "unparseable date in 'as_of': 'engang' (write e.g. 2025-12-31)"),
        (5, "'valid_until' needs a day, not only a month or year: '2025' (write e.g. 2025-12-31)"),
        (8, "unknown marker 'valid_unitl' (did you mean 'valid_until'?)"),
        (9, "'historical' must be yes or no, not 'måske'"),
    ]
    [passage] = loaded.records
    assert passage.dates == Dates()
    assert passage.text == "Tekst."


def test_a_period_that_ends_before_it_begins_is_reported_and_left_out(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\nsource_url: https://kfst.dk/t\nas_of: 2021\n"
        "valid_from: 2026-01-01\nvalid_until: 2025-12-31\n---\n## A\nTekst.\n"
    )
    loaded = load_markdown(write(tmp_path / "t.md", text), tmp_path)

    assert [(p.line, p.message) for p in loaded.problems] == [
        (6, "'valid_until' 2025-12-31 is before 'valid_from' 2026-01-01; the period is left out")
    ]
    assert loaded.records[0].dates == Dates(as_of=date(2021, 1, 1))


def test_faq_entries_carry_dates_and_a_tender_link(tmp_path: Path) -> None:
    text = """\
- id: green
  source_url: https://ted.europa.eu/702101-2025
  as_of: 2025-10-24
  tender: T01
  da: {question: Er der et udbud på grøn pleje?, answer: En bekendtgørelse kom 24. oktober 2025.}
- id: contact
  source_url: https://erhvervaarhus.dk/p
  as_of: 6. maj 2021
  valid_from: 2021-05-06
  valid_until: sidst i 2025
  review_note: Kontakten er fra 2021.
  en: {question: Who is the contact?, answer: In 2021 it was Sara Villemoes.}
"""
    loaded = load_faq_files([write(tmp_path / "faq" / "a.yaml", text)], tmp_path)

    green, contact = loaded.records
    assert (green.dates, green.tender, green.line) == (Dates(as_of=date(2025, 10, 24)), "T01", 1)
    assert contact.dates == Dates(
        as_of=date(2021, 5, 6), valid_from=date(2021, 5, 6), review_note="Kontakten er fra 2021."
    )
    assert [(p.line, p.message) for p in loaded.problems] == [
        (
            10,
            "FAQ entry 'contact': unparseable date in 'valid_until': 'sidst i 2025' "
            "(write e.g. 2025-12-31)",
        )
    ]


def test_tender_columns_give_the_contract_period_and_history_follows_the_status(
    tmp_path: Path,
) -> None:
    text = (
        "id,titel,status,gyldig fra,gyldig til,pr. dato,gennemgang,kilde\n"
        "T02,Grøn pleje,historisk,15.04.2019,14.04.2023,2019,,https://forstas.dk/1\n"
        "T04,Frokost,ukendt,,31.12.2025,13.06.2023,Ukendt om den er forlænget.,https://udbud.dk/2\n"
        "T05,Rengøring,ukendt,,2025-02,,,https://udbud.dk/3\n"
    )
    loaded = load_tenders(write(tmp_path / "tenders.csv", text), tmp_path)

    by_id = {tender.id: tender for tender in loaded.records}
    assert by_id["T02"].dates == Dates(
        as_of=date(2019, 1, 1),
        valid_from=date(2019, 4, 15),
        valid_until=date(2023, 4, 14),
        historical=True,
    )
    assert by_id["T04"].dates == Dates(
        as_of=date(2023, 6, 13),
        valid_until=date(2025, 12, 31),
        review_note="Ukendt om den er forlænget.",
    )
    assert [(p.line, p.message) for p in loaded.problems] == [
        (4, "'gyldig til' needs a day, not only a month or year: '2025-02' (write e.g. 2025-12-31)")
    ]


def test_pack_reports_series_without_periods_overlapping_periods_and_unknown_tenders(
    tmp_path: Path,
) -> None:
    write(
        tmp_path / "faq" / "t.yaml",
        """\
- id: t-2024
  source_url: https://kfst.dk/t
  series: thresholds
  valid_from: 2024-01-01
  valid_until: 2025-12-31
  da: {question: Tærskel 2024?, answer: 1.644.638 kr.}
- id: t-2026
  source_url: https://kfst.dk/t
  series: thresholds
  valid_from: 2025-06-01
  valid_until: 2027-12-31
  da: {question: Tærskel 2026?, answer: 1.611.360 kr.}
- id: t-undated
  source_url: https://kfst.dk/t
  series: thresholds
  da: {question: Tærskel?, answer: Det afhænger af året.}
- id: green
  source_url: https://ted.europa.eu/1
  tender: T99
  da: {question: Grøn pleje?, answer: Se bekendtgørelsen.}
""",
    )
    write(tmp_path / "tenders.csv", "id,titel,kilde\nT01,Grøn pleje,https://ted.europa.eu/1\n")

    kb = load_knowledge(tmp_path)

    assert [str(problem) for problem in kb.problems] == [
        "faq/t.yaml:7: t-2026: its period overlaps that of t-2024 (faq/t.yaml:1) in series "
        "'thresholds': only one may hold on a day",
        "faq/t.yaml:13: t-undated: in series 'thresholds' but has no valid_from/valid_until",
        "faq/t.yaml:17: green: links to tender 'T99', which is not in the list",
    ]
    assert len(kb.faqs) == 4
