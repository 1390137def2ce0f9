"""PDF and DOCX documents, made inside the tests with fpdf2 and python-docx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
from fpdf import FPDF

from knowledge.loaders.pdf import NO_TEXT_LAYER, load_pdf
from knowledge.loaders.sections import MAX_PASSAGE_CHARS
from knowledge.loaders.word import load_docx

BODY = (
    "Aarhus Kommune køber ind for mange millioner kroner om året. Politikken gælder for alle "
    "magistratsafdelinger og skal sikre gennemsigtighed og konkurrence."
)


def make_pdf(
    path: Path,
    blocks: list[tuple[str, str]],
    *,
    title: str = "",
    subject: str = "",
    header: str = "",
) -> Path:
    """A PDF with a text layer; each block is (heading, body) and starts a new page."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if subject:
        pdf.set_subject(subject)
    pages = len(blocks)
    for number, (heading, body) in enumerate(blocks, start=1):
        pdf.add_page()
        if header:
            pdf.set_font("Helvetica", size=8)
            pdf.multi_cell(0, 5, header, new_x="LMARGIN", new_y="NEXT")
        if heading:
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, body, new_x="LMARGIN", new_y="NEXT")
        if header:
            pdf.set_font("Helvetica", size=8)
            pdf.multi_cell(0, 5, f"Side {number} af {pages}", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_is_split_at_numbered_and_short_headings_with_metadata(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "politik.pdf",
        [("1 Formål", BODY), ("1.1 Anvendelse", BODY), ("Kontakt os", "Skriv til os.")],
        title="Indkøbspolitik",
        subject="https://aarhus.dk/politik.pdf",
        header="Aarhus Kommune - Indkøbspolitik",
    )
    loaded = load_pdf(path, tmp_path)

    assert loaded.problems == []
    assert [p.heading_path for p in loaded.records] == [
        ("1 Formål",),
        ("1 Formål", "1.1 Anvendelse"),
        ("Kontakt os",),
    ]
    first = loaded.records[0]
    assert first.title == "Indkøbspolitik"
    assert first.source_url == "https://aarhus.dk/politik.pdf"
    assert first.language == "da"
    assert first.text == BODY
    assert first.source_file == "politik.pdf"
    # Running header and page numbers are not passage text.
    assert all("Indkøbspolitik" not in p.text and "Side" not in p.text for p in loaded.records)


def test_pdf_source_from_kilde_line_in_text_and_title_from_file_name(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "gode-raad.pdf",
        [("", "Kilde: https://aarhus.dk/raad\n\n" + BODY)],
    )
    loaded = load_pdf(path, tmp_path)

    assert loaded.problems == []
    [passage] = loaded.records
    assert passage.source_url == "https://aarhus.dk/raad"
    assert passage.title == "Gode raad"
    assert "Kilde" not in passage.text


def test_pdf_sidecar_gives_metadata_and_wins_over_properties(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "rules.pdf",
        [("", "Contracts above the threshold must be advertised in the EU.")],
        title="Old title",
    )
    (tmp_path / "rules.pdf.meta.yaml").write_text(
        "title: Procurement rules\nsource_url: https://example.org/rules\n"
        "language: en\neffective_date: 24. oktober 2025\n",
        encoding="utf-8",
    )
    loaded = load_pdf(path, tmp_path)

    assert loaded.problems == []
    [passage] = loaded.records
    assert (passage.title, passage.source_url, passage.language, passage.dates.valid_from) == (
        "Procurement rules",
        "https://example.org/rules",
        "en",
        date(2025, 10, 24),
    )


def test_pdf_without_headings_is_split_into_bounded_paragraphs(tmp_path: Path) -> None:
    sentences = " ".join(f"Sætning nummer {n} handler om udbud og fakturering." for n in range(60))
    path = make_pdf(tmp_path / "lang.pdf", [("", sentences)], subject="https://aarhus.dk/lang")
    loaded = load_pdf(path, tmp_path)

    assert loaded.problems == []
    assert len(loaded.records) >= 3
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in loaded.records)
    assert all(p.heading_path == () for p in loaded.records)
    assert "Sætning nummer 59" in loaded.records[-1].text


def test_pdf_without_source_is_a_problem_naming_the_sidecar(tmp_path: Path) -> None:
    loaded = load_pdf(make_pdf(tmp_path / "x.pdf", [("", BODY)]), tmp_path)

    assert loaded.records == []
    assert [str(p) for p in loaded.problems] == [
        "x.pdf: no source URL: add a file 'x.pdf.meta.yaml' next to it with "
        "'source_url: https://...', or a line 'Kilde: https://...' in the document"
    ]


def test_scanned_pdf_without_text_layer_is_a_problem(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60)
    pdf.output(str(tmp_path / "scan.pdf"))
    loaded = load_pdf(tmp_path / "scan.pdf", tmp_path)

    assert loaded.records == []
    assert [str(p) for p in loaded.problems] == [f"scan.pdf: {NO_TEXT_LAYER}"]
    assert NO_TEXT_LAYER == "no text layer – scanned PDF? run OCR first"


def test_damaged_pdf_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    loaded = load_pdf(tmp_path / "broken.pdf", tmp_path)

    assert loaded.records == []
    assert loaded.problems[0].message.startswith("cannot read PDF")


def make_docx(path: Path, *, subject: str = "", comments: str = "", language: str = "") -> Path:
    document = docx.Document()
    document.core_properties.subject = subject
    document.core_properties.comments = comments
    document.core_properties.language = language
    document.add_paragraph("Retningslinjer for leverandører", style="Title")
    document.add_paragraph("Denne vejledning er for alle leverandører til kommunen.")
    document.add_heading("Fakturering", level=1)
    document.add_paragraph("Fakturaer skal sendes elektronisk via NemHandel.")
    document.add_heading("Krav til fakturaen", level=2)
    document.add_paragraph("Fakturaen skal have et EAN-nummer.")
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((("Felt", "Krav"), ("EAN", "Skal angives"))):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_heading("Betaling", level=1)
    document.add_paragraph("Kilde: https://aarhus.dk/fra-teksten")
    document.add_paragraph("Kommunen betaler inden for 30 dage.")
    document.save(str(path))
    return path


def test_docx_is_split_at_heading_styles_with_title_and_table(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "vejledning.docx", comments="Kilde: https://aarhus.dk/vejledning")
    loaded = load_docx(path, tmp_path)

    assert loaded.problems == []
    by_path = {p.heading_path: p for p in loaded.records}
    assert list(by_path) == [
        (),
        ("Fakturering",),
        ("Fakturering", "Krav til fakturaen"),
        ("Betaling",),
    ]
    assert {p.title for p in loaded.records} == {"Retningslinjer for leverandører"}
    assert {p.source_url for p in loaded.records} == {"https://aarhus.dk/vejledning"}
    assert {p.language for p in loaded.records} == {"da"}
    assert by_path[("Fakturering", "Krav til fakturaen")].text == (
        "Fakturaen skal have et EAN-nummer.\n\nFelt | Krav\nEAN | Skal angives"
    )
    assert by_path[("Betaling",)].text == "Kommunen betaler inden for 30 dage."


def test_docx_source_from_text_line_and_language_from_properties(tmp_path: Path) -> None:
    loaded = load_docx(make_docx(tmp_path / "v.docx", language="en-GB"), tmp_path)

    assert loaded.problems == []
    assert {p.source_url for p in loaded.records} == {"https://aarhus.dk/fra-teksten"}
    assert {p.language for p in loaded.records} == {"en"}


def test_docx_sidecar_problems_name_the_sidecar_line(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "v.docx", subject="https://aarhus.dk/v")
    (tmp_path / "v.meta.yaml").write_text("title: V\nlanguage: klingon\n", encoding="utf-8")
    loaded = load_docx(path, tmp_path)

    assert [str(p) for p in loaded.problems] == [
        "v.meta.yaml:2: unknown language 'klingon' (expected: da, en)"
    ]
    assert {p.title for p in loaded.records} == {"V"}


def test_damaged_docx_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    loaded = load_docx(tmp_path / "broken.docx", tmp_path)

    assert loaded.records == []
    assert loaded.problems[0].message.startswith("cannot read DOCX")
