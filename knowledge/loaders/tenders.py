"""The tender plan: one Tender per spreadsheet row, CSV or XLSX, headings in Danish or English.

Columns are found by their heading, so staff may reorder them, leave optional
ones out or add their own (ignored). Values are kept as written; only the
date columns are read as dates and the status is mapped to the vocabulary
below. A row's ``valid_from``/``valid_until`` are its contract (or system)
period, and a row with status ``historisk`` is historical.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path

from knowledge.loaders import datefields
from knowledge.loaders.dates import parse_date
from knowledge.loaders.metadata import is_url
from knowledge.loaders.result import Loaded, display_path
from knowledge.loaders.textfile import NotTextError, decode_text
from knowledge.model import Dates, Tender

# Field of Tender -> headings that name it (compared without case, spaces, "-" or "_").
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "nr", "nummer", "number", "reference", "ref"),
    "title": ("titel", "title", "navn", "name", "udbud", "tender", "betegnelse"),
    "category": ("kategori", "category", "område", "area", "indkøbsområde", "fagområde"),
    "buyer": ("ordregiver", "buyer", "contracting authority", "forvaltning", "afdeling"),
    "procedure": ("procedure", "udbudsform", "udbudsprocedure", "procedure type"),
    "notice": ("bekendtgørelse", "notice", "udbudsbekendtgørelse"),
    "published": ("offentliggjort", "published", "publiceret", "publication date"),
    "deadline": ("tilbudsfrist", "frist", "deadline", "tender deadline", "bid deadline"),
    "expected_publication": (
        "forventet annoncering",
        "expected publication",
        "forventet offentliggørelse",
        "planlagt annoncering",
    ),
    "estimated_value": ("anslået værdi", "estimated value", "værdi", "value", "kontraktværdi"),
    "contract_period": ("kontraktperiode", "contract period", "varighed", "duration"),
    "status": ("status",),
    "contact": ("kontakt", "contact", "kontaktperson", "contact person"),
    "source_url": ("kilde", "source", "link", "url", "source url"),
    "notes": ("bemærkning", "bemærkninger", "notes", "note", "kommentar", "comments", "remarks"),
    "as_of": ("pr. dato", "as of", "oplysninger fra", "opdateret", "updated"),
    "valid_from": ("gyldig fra", "valid from", "kontraktstart", "contract start"),
    "valid_until": ("gyldig til", "valid until", "kontraktslut", "contract end", "udløber"),
    "review_note": ("gennemgang", "review note", "note til gennemgang"),
}
REQUIRED: tuple[str, ...] = ("title", "source_url")
DATE_FIELDS: tuple[str, ...] = ("published", "deadline", "expected_publication")

# Status vocabulary (Danish, as in the shipped file) and the words that mean each.
STATUSES: dict[str, tuple[str, ...]] = {
    "historisk": ("historisk", "historical", "afsluttet", "closed"),
    "annonceret": ("annonceret", "announced", "notice published", "offentliggjort", "published"),
    "åben": ("åben", "aaben", "open", "open for bids", "åben for tilbud"),
    "tildelt": ("tildelt", "awarded", "kontrakt tildelt", "contract awarded"),
    "planlagt": ("planlagt", "planned", "kommende", "upcoming", "forventet", "expected"),
    "ukendt": ("ukendt", "unknown", ""),
}

HEADER_SEARCH_ROWS = 10
_DELIMITERS = (",", ";", "\t")


def _key(heading: str) -> str:
    """Headings compare without case, spaces, '-', '_', a BOM or a trailing '(unit)'."""
    without_unit = re.sub(r"\(.*?\)\s*$", "", heading.replace("\ufeff", ""))
    return re.sub(r"[\s_\-:.]+", "", without_unit.casefold())


_FIELD_BY_HEADING: dict[str, str] = {
    _key(heading): name for name, headings in COLUMNS.items() for heading in headings
}
_STATUS_BY_WORD: dict[str, str] = {
    " ".join(word.split()): status for status, words in STATUSES.items() for word in words
}


@dataclass(frozen=True, slots=True)
class _Header:
    row: int
    columns: dict[str, int]  # Tender field -> column index
    names: dict[str, str]  # Tender field -> heading as written


def load_tenders(path: Path, root: Path | None = None) -> Loaded[Tender]:
    """The rows of a CSV or XLSX tender plan."""
    shown = display_path(path, root)
    result: Loaded[Tender] = Loaded()
    try:
        rows = list(_xlsx_rows(path) if path.suffix.casefold() == ".xlsx" else _csv_rows(path))
    except (OSError, NotTextError, csv.Error) as error:
        result.problem(shown, f"cannot read: {error}")
        return result
    except Exception as error:  # openpyxl raises many types on damaged files; report instead
        result.problem(shown, f"cannot read spreadsheet: {error}")
        return result
    if not any(any(cells) for _, cells in rows):
        result.problem(shown, "empty file")
        return result
    header = _find_header(rows)
    missing = [name for name in REQUIRED if name not in header.columns]
    for name in missing:
        result.problem(
            shown,
            f"missing required column '{COLUMNS[name][0]}' or '{COLUMNS[name][1]}'",
            header.row,
        )
    if missing:
        return result
    for number, cells in rows:
        if number > header.row and any(cells):
            tender = _tender(number, cells, header=header, shown=shown, result=result)
            if tender is not None:
                result.records.append(tender)
    return result


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    text = decode_text(path.read_bytes())
    lines = text.splitlines(keepends=True)
    # The delimiter is the one that splits a heading row into the most known column names.
    top = [line for line in lines if line.strip()][:HEADER_SEARCH_ROWS]
    delimiter = max(
        _DELIMITERS,
        key=lambda d: max(
            (_known_headings(row) for row in csv.reader(top, delimiter=d)), default=0
        ),
    )
    reader = csv.reader(lines, delimiter=delimiter)
    for number, cells in enumerate(reader, start=1):
        yield number, [cell.strip() for cell in cells]


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    import openpyxl  # lazy: costs 0.2 s, paid only when a pack has an XLSX

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
        rows_by_sheet = [list(sheet.iter_rows(min_row=1, values_only=True)) for sheet in sheets]
    finally:
        workbook.close()
    # The first sheet whose heading row names the required columns; else the first sheet.
    chosen = next(
        (
            rows
            for rows in rows_by_sheet
            if any(_known_headings(row) >= len(REQUIRED) for row in rows[:HEADER_SEARCH_ROWS])
        ),
        rows_by_sheet[0] if rows_by_sheet else [],
    )
    for number, row in enumerate(chosen, start=1):
        yield number, [_cell_value(value) for value in row]


def _cell_value(value: object) -> object:
    """Text for everything but dates, which stay dates; 5000000.0 reads as '5000000'."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _known_headings(cells: Iterable[object]) -> int:
    return sum(_key(str(cell)) in _FIELD_BY_HEADING for cell in cells if cell)


def _find_header(rows: list[tuple[int, list[object]]]) -> _Header:
    """The heading row: the first of the top rows that names two known columns (a title row
    may sit above it), else the first non-empty row."""
    candidates = [(number, cells) for number, cells in rows if any(cells)][:HEADER_SEARCH_ROWS]
    number, cells = next(((n, c) for n, c in candidates if _known_headings(c) >= 2), candidates[0])
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    for index, cell in enumerate(cells):
        name = _FIELD_BY_HEADING.get(_key(str(cell))) if cell else None
        if name and name not in columns:
            columns[name] = index
            names[name] = str(cell).replace("\ufeff", "").strip()
    return _Header(row=number, columns=columns, names=names)


def _tender(
    number: int, cells: list[object], *, header: _Header, shown: Path, result: Loaded[Tender]
) -> Tender | None:
    """The tender of one row; None (and a problem) when it lacks a title or a source."""

    def raw(name: str) -> object:
        index = header.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def text(name: str) -> str:
        value = raw(name)
        return value.isoformat() if isinstance(value, date) else str(value).strip()

    title, source_url = text("title"), text("source_url")
    if not title:
        result.problem(shown, f"row has no '{header.names['title']}'; row skipped", number)
        return None
    if not is_url(source_url):
        what = f"is not a web address: {source_url!r}" if source_url else "is empty"
        result.problem(
            shown,
            f"'{header.names['source_url']}' {what} (every answer cites); row skipped",
            number,
        )
        return None
    dates: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        value = raw(name)
        dates[name] = parse_date(value) if value else None
        if value and dates[name] is None:
            result.problem(
                shown, f"unparseable date in '{header.names[name]}': {text(name)!r}", number
            )
    status = _STATUS_BY_WORD.get(" ".join(text("status").casefold().split()))
    if status is None:
        result.problem(
            shown,
            f"unknown status {text('status')!r} (expected one of: {', '.join(STATUSES)}); "
            "read as 'ukendt'",
            number,
        )
        status = "ukendt"
    plain = {
        f.name: text(f.name)
        for f in fields(Tender)
        if f.name in COLUMNS and f.name not in (*DATE_FIELDS, "status", "id")
    }
    return Tender(
        **plain,
        **dates,
        id=text("id") or f"{shown.stem}-{number}",
        status=status,
        source_file=shown.as_posix(),
        row=number,
        dates=_period(text, status, header, lambda message: result.problem(shown, message, number)),
    )


def _period(
    text: Callable[[str], str], status: str, header: _Header, report: Callable[[str], None]
) -> Dates:
    """The row's date fields, problems naming the columns as headed; the status says whether
    the row is history."""
    values = {name: text(name) for name in datefields.DATE_KEYS if name in header.columns}
    dates = datefields.read_dates(
        values, lambda key, message: report(message.replace(f"'{key}'", f"'{header.names[key]}'"))
    )
    return replace(dates, historical=status == "historisk", review_note=text("review_note"))


def load_tender_files(paths: Iterable[Path], root: Path | None = None) -> Loaded[Tender]:
    """The rows of every tender file; an id used twice is a problem and its second row is left
    out, because the bot finds a tender by its id."""
    result: Loaded[Tender] = Loaded()
    first_place: dict[str, str] = {}
    for path in paths:
        loaded = load_tenders(path, root)
        result.problems.extend(loaded.problems)
        for tender in loaded.records:
            if tender.id in first_place:
                result.problem(
                    Path(tender.source_file),
                    f"duplicate tender id '{tender.id}' (also used at {first_place[tender.id]})",
                    tender.row,
                )
                continue
            first_place[tender.id] = f"{tender.source_file}:{tender.row}"
            result.records.append(tender)
    return result
