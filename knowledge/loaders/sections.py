"""From a document's headings and paragraphs to passages the index can search.

Markdown, PDF and DOCX all end up here, so every document is split the same
way: one section per heading, keeping the chain of headings above it, and
long sections cut at paragraph (then sentence) boundaries into passages of at
most ``MAX_PASSAGE_CHARS``. The bound keeps a passage within what a small
embedding model reads (about 256 word pieces) and makes a citation point at
the text that answers, not at a whole chapter.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field, replace
from pathlib import Path

from knowledge.loaders import datefields, flags
from knowledge.loaders.metadata import DocumentMeta
from knowledge.loaders.result import Loaded
from knowledge.model import Dates, Passage

MAX_PASSAGE_CHARS = 800

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-ZÆØÅ0-9§])")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(slots=True)
class Section:
    heading_path: tuple[str, ...]
    line: int | None = None
    source_url: str = ""
    paragraphs: list[str] = field(default_factory=list)
    markers: dict[str, str] = field(default_factory=dict)
    """Date fields and the tender link given under this heading, by key, as written."""


class SectionBuilder:
    """Collects headings and paragraphs in reading order into sections.

    Text before the first heading goes into a section with an empty heading
    path, which the passage shows under the document title.
    """

    def __init__(self) -> None:
        self.sections: list[Section] = [Section(heading_path=(), line=1)]
        self._open: list[tuple[int, str]] = []

    def heading(self, level: int, text: str, line: int | None = None) -> None:
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        self._open.append((level, text))
        self.sections.append(Section(heading_path=tuple(t for _, t in self._open), line=line))

    def paragraph(self, text: str) -> None:
        if text.strip():
            self.sections[-1].paragraphs.append(text.strip())

    def source(self, url: str) -> None:
        """A source given inside a section applies to it and to the sections under it."""
        self.sections[-1].source_url = url

    def marker(self, key: str, value: str) -> None:
        """A date field or tender link, like a source, holds for the section and those under it."""
        self.sections[-1].markers[key] = value


def slug(text: str) -> str:
    return _NOT_WORD.sub("-", text.casefold()).strip("-")


def chunk(paragraphs: list[str], limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Paragraphs packed greedily into pieces of at most ``limit`` characters."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            if len(sentence) <= limit:
                pieces.append(sentence)
            else:
                pieces.extend(textwrap.wrap(sentence, limit, break_long_words=False))
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 2 + len(piece) <= limit:
            chunks[-1] = f"{chunks[-1]}\n\n{piece}"
        else:
            chunks.append(piece)
    return chunks


def build_passages(
    sections: list[Section], meta: DocumentMeta, shown: Path, missing_source_hint: str
) -> Loaded[Passage]:
    """Passages of one document; a section nobody gave a source is a problem, not a passage."""
    result: Loaded[Passage] = Loaded()
    with_text = [section for section in sections if section.paragraphs]
    if not with_text:
        result.problem(shown, "no text found")
        return result
    overrides = {s.heading_path: s.source_url for s in sections if s.source_url}
    markers = {s.heading_path: s.markers for s in sections if s.markers}
    if not meta.source_url and not overrides:
        result.problem(shown, f"no source URL: {missing_source_hint}")
        return result
    stem = shown.stem
    for section in with_text:
        source_url = _source_for(section.heading_path, overrides) or meta.source_url
        where = " › ".join(section.heading_path) or meta.title
        if not source_url:
            result.problem(
                shown, f"no source URL for section '{where}': {missing_source_hint}", section.line
            )
            continue
        base = f"{stem}#{'/'.join(slug(h) for h in section.heading_path) or slug(meta.title)}"
        given = _markers_for(section.heading_path, markers)
        dates = _dates(meta.dates, given)
        for number, text in enumerate(chunk(section.paragraphs), start=1):
            result.records.append(
                Passage(
                    id=base if number == 1 else f"{base}~{number}",
                    title=meta.title,
                    heading_path=section.heading_path,
                    text=text,
                    source_url=source_url,
                    language=meta.language,
                    source_file=shown.as_posix(),
                    line=section.line or 0,
                    dates=dates,
                    tender=given.get(datefields.TENDER_KEY, ""),
                    gap=flags.yes_no(given[flags.GAP_KEY]) or False
                    if flags.GAP_KEY in given
                    else meta.gap,
                )
            )
    return result


def unique_ids(passages: list[Passage]) -> list[Passage]:
    """Passages with ids made unique (two files with one stem, a heading used twice)."""
    seen: set[str] = set()
    unique: list[Passage] = []
    for passage in passages:
        new_id, number = passage.id, 1
        while new_id in seen:
            number += 1
            new_id = f"{passage.id}~{number}"
        seen.add(new_id)
        unique.append(passage if new_id == passage.id else replace(passage, id=new_id))
    return unique


def _markers_for(
    path: tuple[str, ...], markers: dict[tuple[str, ...], dict[str, str]]
) -> dict[str, str]:
    """The markers of the section and of the sections above it, the nearest heading winning."""
    given: dict[str, str] = {}
    for length in range(len(path) + 1):
        given.update(markers.get(path[:length], {}))
    return given


def _dates(document: Dates, given: dict[str, str]) -> Dates:
    """The document's dates with the section's markers on top (already checked when read)."""
    section = datefields.read_dates(given, lambda key, message: None)
    changed = {name: getattr(section, name) for name in datefields.KEYS if name in given}
    return replace(document, **changed)


def _source_for(path: tuple[str, ...], overrides: dict[tuple[str, ...], str]) -> str:
    for length in range(len(path), -1, -1):
        if path[:length] in overrides:
            return overrides[path[:length]]
    return ""
