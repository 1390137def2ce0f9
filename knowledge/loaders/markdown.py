"""Markdown documents with front matter: the format the shipped pack is written in."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.loaders import datefields, flags, yamlnodes
from knowledge.loaders.language import guess_language
from knowledge.loaders.metadata import DocumentMeta, is_url, meta_from_yaml, prettified_stem
from knowledge.loaders.result import Loaded, display_path
from knowledge.loaders.sections import SectionBuilder, build_passages
from knowledge.loaders.textfile import NotTextError, decode_text
from knowledge.model import Passage

MISSING_SOURCE_HINT = (
    "add 'source_url: https://...' to the front matter or a '<!-- source: https://... -->' "
    "line under the heading"
)

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# A line holding only ``<!-- key: value -->``: a source, a date field or a tender link.
_MARKER = re.compile(r"^\s*<!--\s*([\w-]+)\s*:\s*(.*?)\s*-->\s*$")
_SOURCE_KEYS = ("source", "kilde")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FRONT_MATTER_END = ("---", "...")


def load_markdown(path: Path, root: Path | None = None) -> Loaded[Passage]:
    shown = display_path(path, root)
    result: Loaded[Passage] = Loaded()
    try:
        text = decode_text(path.read_bytes())
    except (OSError, NotTextError) as error:
        result.problem(shown, f"cannot read: {error}")
        return result
    if not text.strip():
        result.problem(shown, "empty file")
        return result
    lines = text.splitlines()
    body_start = 0
    meta = DocumentMeta()
    if lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in _FRONT_MATTER_END), None)
        if end is None:
            result.problem(shown, "front matter is not closed: add a line '---' after it", 1)
            return result
        meta = _front_matter("\n".join(lines[1:end]), shown, result)
        body_start = end + 1
    builder = _parse_body(lines, body_start, shown, result)
    body_text = "\n".join(p for s in builder.sections for p in s.paragraphs)
    first_heading = next((s.heading_path[0] for s in builder.sections if s.heading_path), "")
    meta = meta.or_else(
        DocumentMeta(
            title=first_heading or prettified_stem(path),
            language=meta.language or guess_language(body_text),
        )
    )
    result.extend(build_passages(builder.sections, meta, shown, MISSING_SOURCE_HINT))
    return result


def _front_matter(text: str, shown: Path, result: Loaded[Passage]) -> DocumentMeta:
    try:
        node = yamlnodes.compose(text, first_line=2)
        if node is None:
            return DocumentMeta()
        return meta_from_yaml(
            yamlnodes.mapping(node, "the front matter"), shown, "the front matter", result
        )
    except yamlnodes.YamlFormatError as problem:
        result.problem(shown, problem.message, problem.line)
        return DocumentMeta()


def _parse_body(
    lines: list[str], start: int, shown: Path, result: Loaded[Passage]
) -> SectionBuilder:
    builder = SectionBuilder()
    paragraph: list[str] = []
    in_fence = False
    in_comment = False

    def flush() -> None:
        builder.paragraph("\n".join(paragraph))
        paragraph.clear()

    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        if in_comment:
            in_comment = "-->" not in line
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            marker = _MARKER.match(line)
            if marker and _read_marker(
                marker.group(1), marker.group(2), builder=builder, at=(shown, number), result=result
            ):
                continue
            heading = _HEADING.match(line)
            if heading:
                flush()
                builder.heading(len(heading.group(1)), heading.group(2), number)
                continue
            line = _COMMENT.sub("", line)
            if "<!--" in line:
                in_comment = True
                line = line.split("<!--", 1)[0]
            if not line.strip():
                flush()
                continue
        paragraph.append(line.rstrip())
    flush()
    return builder


def _read_marker(
    key: str,
    value: str,
    *,
    builder: SectionBuilder,
    at: tuple[Path, int],
    result: Loaded[Passage],
) -> bool:
    """Take a ``<!-- key: value -->`` line into the section; False when it is an ordinary comment.

    A comment whose key is close to a known one ("valid_unitl") is reported rather than
    ignored, because a misspelt date would silently keep an expired fact current.
    """
    shown, number = at
    name = key.casefold()
    if name in _SOURCE_KEYS:
        if is_url(value):
            builder.source(value)
        else:
            result.problem(shown, f"source comment does not hold a web address: {value!r}", number)
        return True
    name = datefields.ALIASES.get(name, name)
    if name == datefields.TENDER_KEY:
        builder.marker(name, value)
        return True
    if name == flags.GAP_KEY:
        if flags.yes_no(value) is None:
            result.problem(shown, flags.problem(key, value), number)
        else:
            builder.marker(name, value)
        return True
    if name in datefields.KEYS:
        problems: list[str] = []
        datefields.read_dates({key: value}, lambda _, message: problems.append(message))
        for message in problems:
            result.problem(shown, message, number)
        if not problems:
            builder.marker(name, value)
        return True
    meant = datefields.suggestion(name)
    if meant is not None:
        result.problem(shown, f"unknown marker '{key}' (did you mean '{meant}'?)", number)
        return True
    return False
