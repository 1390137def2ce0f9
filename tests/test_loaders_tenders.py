"""Tender plans in CSV and XLSX, with Danish or English headings and Danish dates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from knowledge.loaders.dates import parse_date
from knowledge.loaders.tenders import load_tender_files, load_tenders

DANISH_HEADER = (
    "id,titel,kategori,ordregiver,procedure,bekendtgørelse,offentliggjort,tilbudsfrist,"
    "forventet annoncering,anslået værdi,kontraktperiode,status,kontakt,kilde,bemærkning"
)


def write(tmp_path: Path, text: str, name: str = "tenders.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_danish_csv_maps_every_column_and_keeps_values_verbatim(tmp_path: Path) -> None:
    text = (
        f"{DANISH_HEADER}\n"
        'T01,Grøn pleje,grøn pleje,"Aarhus Kommune, Teknik og Miljø",EU-udbud,702101-2025,'
        "2025-10-24,24.11.2025,okt. 2025,ca. 1.611.360 kr.,4 år,Annonceret,a@aarhus.dk,"
        'https://udbud.dk/1,"Se bekendtgørelsen, i TED."\n'
    )
    loaded = load_tenders(write(tmp_path, text), tmp_path)

    assert loaded.problems == []
    [tender] = loaded.records
    assert tender.id == "T01"
    assert tender.title == "Grøn pleje"
    assert tender.category == "grøn pleje"
    assert tender.buyer == "Aarhus Kommune, Teknik og Miljø"
    assert tender.procedure == "EU-udbud"
    assert tender.notice == "702101-2025"
    assert tender.published == date(2025, 10, 24)
    assert tender.deadline == date(2025, 11, 24)
    assert tender.expected_publication == date(2025, 10, 1)
    assert tender.estimated_value == "ca. 1.611.360 kr."
    assert tender.contract_period == "4 år"
    assert tender.status == "annonceret"
    assert tender.contact == "a@aarhus.dk"
    assert tender.source_url == "https://udbud.dk/1"
    assert tender.notes == "Se bekendtgørelsen, i TED."
    assert (tender.source_file, tender.row) == ("tenders.csv", 2)


def test_english_headings_semicolons_bom_and_loose_heading_spelling(tmp_path: Path) -> None:
    text = (
        "\ufeffTitle ; Area;DEADLINE;Estimated_Value (DKK);Status;Link\n"
        "Cleaning;cleaning;24/10/2025;5000000;Open;https://udbud.dk/2\n"
        "\n"
        "Winter service;roads;;;awarded;https://udbud.dk/3\n"
    )
    loaded = load_tenders(write(tmp_path, text, "plan.csv"), tmp_path)

    assert loaded.problems == []
    cleaning, winter = loaded.records
    assert (cleaning.title, cleaning.category, cleaning.deadline) == (
        "Cleaning",
        "cleaning",
        date(2025, 10, 24),
    )
    assert cleaning.estimated_value == "5000000"
    assert cleaning.status == "åben"
    assert cleaning.source_url == "https://udbud.dk/2"
    # Without an id column the id is made from file and row; the blank line still counts.
    assert (cleaning.id, winter.id, winter.row) == ("plan-2", "plan-4", 4)
    assert winter.status == "tildelt"


def test_latin1_csv_with_danish_letters_loads(tmp_path: Path) -> None:
    text = (
        "titel;område;tilbudsfrist;kilde\n"
        "Æblemost og øl til Århus skoler;fødevarer;1. maj 2026;https://udbud.dk/4\n"
    )
    loaded = load_tenders(write(tmp_path, text, encoding="latin-1"), tmp_path)

    assert loaded.problems == []
    [tender] = loaded.records
    assert tender.title == "Æblemost og øl til Århus skoler"
    assert tender.category == "fødevarer"
    assert tender.deadline == date(2026, 5, 1)


def test_unparseable_date_names_file_row_and_column_and_the_row_still_loads(
    tmp_path: Path,
) -> None:
    text = (
        f"{DANISH_HEADER}\n"
        "T1,Første,,,,,,2025-10-24,,,,,,https://udbud.dk/1,\n"
        "T2,Anden,,,,,,31/02/2025,,,,,,https://udbud.dk/2,\n"
    )
    loaded = load_tenders(write(tmp_path, text), tmp_path)

    assert [str(p) for p in loaded.problems] == [
        "tenders.csv:3: unparseable date in 'tilbudsfrist': '31/02/2025'"
    ]
    assert [(t.id, t.deadline) for t in loaded.records] == [
        ("T1", date(2025, 10, 24)),
        ("T2", None),
    ]


def test_quoted_headings_below_a_title_line_are_found(tmp_path: Path) -> None:
    text = (
        '"Udbudsplan 2026; Aarhus Kommune"\n'
        '"Titel";"Kilde";"Frist"\n'
        '"Rengøring, skoler";"https://udbud.dk/9";"1.3.2026"\n'
    )
    loaded = load_tenders(write(tmp_path, text), tmp_path)

    assert loaded.problems == []
    [tender] = loaded.records
    assert (tender.title, tender.source_url, tender.deadline, tender.row) == (
        "Rengøring, skoler",
        "https://udbud.dk/9",
        date(2026, 3, 1),
        3,
    )


def test_missing_required_column_is_a_problem_for_the_file(tmp_path: Path) -> None:
    text = "titel,kategori,tilbudsfrist\nRengøring,service,2025-10-24\n"
    loaded = load_tenders(write(tmp_path, text), tmp_path)

    assert loaded.records == []
    assert [str(p) for p in loaded.problems] == [
        "tenders.csv:1: missing required column 'kilde' or 'source'"
    ]


def test_rows_without_title_or_source_are_reported_and_skipped(tmp_path: Path) -> None:
    text = (
        "titel,kilde,status\n"
        ",https://udbud.dk/1,\n"
        "Uden kilde,,\n"
        "Forkert kilde,udbud.dk/3,\n"
        "God,https://udbud.dk/4,halvåben\n"
    )
    loaded = load_tenders(write(tmp_path, text), tmp_path)

    assert [t.title for t in loaded.records] == ["God"]
    assert loaded.records[0].status == "ukendt"
    assert [str(p) for p in loaded.problems] == [
        "tenders.csv:2: row has no 'titel'; row skipped",
        "tenders.csv:3: 'kilde' is empty (every answer cites); row skipped",
        "tenders.csv:4: 'kilde' is not a web address: 'udbud.dk/3' (every answer cites); "
        "row skipped",
        "tenders.csv:5: unknown status 'halvåben' (expected one of: historisk, annonceret, "
        "åben, tildelt, planlagt, ukendt); read as 'ukendt'",
    ]


def test_empty_and_binary_files_are_problems(tmp_path: Path) -> None:
    empty = load_tenders(write(tmp_path, "\n\n", "empty.csv"), tmp_path)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")

    assert [str(p) for p in empty.problems] == ["empty.csv: empty file"]
    assert [str(p) for p in load_tenders(binary, tmp_path).problems] == [
        "binary.csv: cannot read: not a text file (contains NUL bytes)"
    ]


def test_xlsx_with_title_row_date_cells_and_numbers(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Udbudsplan 2026 for Aarhus Kommune"])
    sheet.append(["ID", "Titel", "Tilbudsfrist", "Forventet annoncering", "Anslået værdi", "Kilde"])
    sheet.append(
        ["X1", "Skolemøbler", datetime(2026, 3, 2, 12, 0), "Q2 2026", 2500000, "https://a.dk/1"]
    )
    sheet.append(["X2", "Kaffe", "2. marts", None, 12.5, "https://a.dk/2"])
    workbook.save(tmp_path / "plan.xlsx")
    loaded = load_tenders(tmp_path / "plan.xlsx", tmp_path)

    furniture, coffee = loaded.records
    assert (furniture.id, furniture.title, furniture.row) == ("X1", "Skolemøbler", 3)
    assert furniture.deadline == date(2026, 3, 2)
    assert furniture.expected_publication == date(2026, 4, 1)
    assert furniture.estimated_value == "2500000"
    assert coffee.estimated_value == "12.5"
    assert coffee.deadline is None
    assert [str(p) for p in loaded.problems] == [
        "plan.xlsx:4: unparseable date in 'Tilbudsfrist': '2. marts'"
    ]


def test_damaged_xlsx_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "plan.xlsx").write_bytes(b"not a workbook")
    loaded = load_tenders(tmp_path / "plan.xlsx", tmp_path)

    assert loaded.records == []
    assert loaded.problems[0].message.startswith("cannot read")


def test_duplicate_tender_id_across_files_names_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, "id,titel,kilde\nT1,A,https://a.dk\n", "a.csv")
    second = write(tmp_path, "id,titel,kilde\nT2,B,https://b.dk\nT1,C,https://c.dk\n", "b.csv")
    loaded = load_tender_files([first, second], tmp_path)

    assert [t.title for t in loaded.records] == ["A", "B"]
    assert [str(p) for p in loaded.problems] == [
        "b.csv:3: duplicate tender id 'T1' (also used at a.csv:2)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-24", date(2025, 10, 24)),
        ("24-10-2025", date(2025, 10, 24)),
        ("24.10.2025", date(2025, 10, 24)),
        ("24/10/2025", date(2025, 10, 24)),
        ("24.10.25", date(2025, 10, 24)),
        ("24. oktober 2025", date(2025, 10, 24)),
        ("24. okt. 2025", date(2025, 10, 24)),
        ("24 October 2025", date(2025, 10, 24)),
        ("October 24, 2025", date(2025, 10, 24)),
        ("oktober 2025", date(2025, 10, 1)),
        ("okt. 2025", date(2025, 10, 1)),
        ("okt 2025", date(2025, 10, 1)),
        ("Oct 2025", date(2025, 10, 1)),
        ("maj 2026", date(2026, 5, 1)),
        ("marts 2026", date(2026, 3, 1)),
        ("Q3 2025", date(2025, 7, 1)),
        ("3. kvartal 2025", date(2025, 7, 1)),
        ("2025-10-24T09:30:00", date(2025, 10, 24)),
    ],
)
def test_dates_in_iso_danish_and_english_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "10/24/2025", "snart", "2026", "kvartal 2025"])
def test_impossible_or_vague_dates_are_not_guessed(text: str) -> None:
    assert parse_date(text) is None
