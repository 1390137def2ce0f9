"""PDF documents, read from their text layer.

PDF text comes as lines without structure, so headings are recognised by
their look: numbered lines ("2.1 Krav til tilbud") and short lines that
follow a finished sentence and end without punctuation. Page numbers and
running headers/footers repeated on most pages are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from knowledge.loaders.language import normalise_language
from knowledge.loaders.metadata import (
    DocumentMeta,
    first_url,
    is_source_line,
    missing_source_hint,
    resolve_meta,
)
from knowledge.loaders.result import Loaded, display_path
from knowledge.loaders.sections import SectionBuilder, build_passages
from knowledge.model import Passage

NO_TEXT_LAYER = "no text layer – scanned PDF? run OCR first"

MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 10
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:side|page|s\.)\s*)?\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[•▪◦·*–-]|\d{1,2}[.)]|[a-z][.)])\s")
_SENTENCE_END = (".", "!", "?", ":")
_WORD_PROCESSOR_TITLE = re.compile(r"^microsoft (?:word|powerpoint) - |\.docx?$", re.IGNORECASE)


def load_pdf(path: Path, root: Path | None = None) -> Loaded[Passage]:
    shown = display_path(path, root)
    result: Loaded[Passage] = Loaded()
    try:
        pages, embedded = _read(path)
    except Exception as error:  # pypdf raises many types on damaged files; report, never crash
        result.problem(shown, f"cannot read PDF: {error}")
        return result
    if not any(page.strip() for page in pages):
        result.problem(shown, NO_TEXT_LAYER)
        return result
    lines = _without_page_furniture([page.splitlines() for page in pages])
    meta = resolve_meta(path, root, embedded, "\n".join(lines), result)
    builder = _sections(lines)
    result.extend(build_passages(builder.sections, meta, shown, missing_source_hint(path)))
    return result


def _read(path: Path) -> tuple[list[str], DocumentMeta]:
    from pypdf import PdfReader  # lazy: costs 0.1 s, paid only when a pack has a PDF

    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    pages = [page.extract_text() or "" for page in reader.pages]
    info = reader.metadata
    title = str(info.title or "").strip() if info else ""
    if _WORD_PROCESSOR_TITLE.search(title):
        title = ""
    subject = str(info.subject or "") if info else ""
    language = str(reader.trailer["/Root"].get("/Lang", ""))
    return pages, DocumentMeta(
        title=title,
        source_url=first_url(subject),
        language=normalise_language(language) or "",
    )


def _without_page_furniture(pages: list[list[str]]) -> list[str]:
    """All lines in reading order, minus page numbers and running headers and footers."""
    edges: Counter[str] = Counter()
    for page in pages:
        stripped = [line.strip() for line in page if line.strip()]
        edges.update(set(stripped[:2] + stripped[-2:]))
    repeated = {line for line, count in edges.items() if count >= 3 and count * 2 >= len(pages)}
    lines: list[str] = []
    for page in pages:
        for line in page:
            stripped = line.strip()
            if stripped in repeated or _PAGE_NUMBER.match(stripped):
                continue
            lines.append(stripped)
        lines.append("")
    return lines


def _sections(lines: list[str]) -> SectionBuilder:
    builder = SectionBuilder()
    paragraph: list[str] = []
    previous = ""

    def flush() -> None:
        builder.paragraph(_join(paragraph))
        paragraph.clear()

    for index, line in enumerate(lines):
        if not line or is_source_line(line):
            flush()
            previous = "."
            continue
        following = next((candidate for candidate in lines[index + 1 :] if candidate), "")
        level = _heading_level(line, previous, following)
        if level:
            flush()
            builder.heading(level, line)
            previous = "."
            continue
        if (
            paragraph
            and previous.endswith(_SENTENCE_END)
            and (line[0].isupper() or _BULLET.match(line))
        ):
            flush()
        paragraph.append(line)
        previous = line
    flush()
    return builder


def _heading_level(line: str, previous: str, following: str) -> int:
    """The heading level a line looks like, or 0 for body text."""
    words = line.split()
    if (
        len(line) > MAX_HEADING_CHARS
        or len(words) > MAX_HEADING_WORDS
        or line.endswith((".", ",", ";", ":"))
        or not following
    ):
        return 0
    numbered = _NUMBERED_HEADING.match(line)
    if numbered:
        return numbered.group(1).count(".") + 1 if numbered.group(2)[0].isupper() else 0
    starts_block = not previous or previous.endswith(_SENTENCE_END)
    if starts_block and line[0].isupper() and not _BULLET.match(line):
        return 1
    return 0


def _join(lines: list[str]) -> str:
    """Lines of one paragraph as running text, mending words hyphenated at a line end."""
    text = ""
    for line in lines:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].islower():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return text
