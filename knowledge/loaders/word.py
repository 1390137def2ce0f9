"""Word documents (DOCX), split at paragraphs styled as headings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from docx.styles.style import ParagraphStyle
    from docx.table import Table

# Word stores built-in style names in English whatever the user's language;
# "Overskrift" covers documents whose styles were created by hand in Danish.
_HEADING_STYLE = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = frozenset({"title", "titel"})


def load_docx(path: Path, root: Path | None = None) -> Loaded[Passage]:
    shown = display_path(path, root)
    result: Loaded[Passage] = Loaded()
    try:
        builder, embedded, text = _read(path)
    except Exception as error:  # python-docx raises many types on damaged files; report instead
        result.problem(shown, f"cannot read DOCX: {error}")
        return result
    meta = resolve_meta(path, root, embedded, text, result)
    result.extend(build_passages(builder.sections, meta, shown, missing_source_hint(path)))
    return result


def _read(path: Path) -> tuple[SectionBuilder, DocumentMeta, str]:
    import docx  # lazy: costs 0.1 s, paid only when a pack has a DOCX
    from docx.table import Table  # lazy: needed at run time for isinstance

    document = docx.Document(str(path))
    builder = SectionBuilder()
    styled_title = ""
    texts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            builder.paragraph(_table_text(block))
            continue
        text = block.text.strip()
        if not text:
            continue
        texts.append(text)
        style_name = (block.style.name if block.style is not None else "") or ""
        level = _heading_level(block.style)
        if style_name.casefold() in _TITLE_STYLES:
            styled_title = styled_title or text
        elif level:
            builder.heading(level, text)
        elif not is_source_line(text):
            builder.paragraph(text)
    properties = document.core_properties
    embedded = DocumentMeta(
        title=(properties.title or "").strip() or styled_title,
        source_url=first_url(properties.subject or "") or first_url(properties.comments or ""),
        language=normalise_language(properties.language or "") or "",
    )
    return builder, embedded, "\n".join(texts)


def _heading_level(style: ParagraphStyle | None) -> int:
    """The heading level of a paragraph style, following the styles it is based on."""
    while style is not None:
        named = _HEADING_STYLE.match(style.name or "")
        if named:
            return int(named.group(1))
        outline = style.element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if outline and int(outline[0]) < 9:
            return int(outline[0]) + 1
        style = style.base_style
    return 0


def _table_text(table: Table) -> str:
    """A table as one line per row, cells separated by ' | ' (merged cells once)."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return "\n".join(rows)
