"""Title, source, language and dates of a document, from wherever staff put them.

Markdown carries them in front matter; PDF and DOCX in their document
properties, in a ``Kilde: URL`` line, or in a sidecar ``<file>.meta.yaml``
(which wins, because staff cannot always edit a PDF's properties).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from knowledge.loaders import datefields, flags, yamlnodes
from knowledge.loaders.language import guess_language, normalise_language
from knowledge.loaders.result import Loaded, display_path
from knowledge.loaders.textfile import NotTextError, decode_text
from knowledge.model import LANGUAGES, Dates

META_KEYS: tuple[str, ...] = (
    "title",
    "source_url",
    "language",
    *datefields.KEYS,
    *datefields.ALIASES,
    flags.GAP_KEY,
)
SIDECAR_SUFFIX = ".meta.yaml"

# A web address inside running text: trailing punctuation belongs to the sentence.
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)\]]", re.IGNORECASE)
# A value that is meant to be a web address as a whole.
_WHOLE_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_SOURCE_LINE = re.compile(
    r"^\s*(?:source|kilde)\s*:\s*(" + _URL.pattern + r")[.,;]?\s*$", re.IGNORECASE
)
_SOURCE_ANYWHERE = re.compile(r"\b(?:source|kilde)\s*:\s*(" + _URL.pattern + ")", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    title: str = ""
    source_url: str = ""
    language: str = ""
    dates: Dates = field(default_factory=Dates)
    gap: bool = False

    def or_else(self, fallback: DocumentMeta) -> DocumentMeta:
        """These values where set, the fallback's elsewhere."""
        missing = {
            f.name: getattr(fallback, f.name) for f in fields(self) if not getattr(self, f.name)
        }
        return replace(self, **missing)


def is_url(value: str) -> bool:
    return _WHOLE_URL.fullmatch(value) is not None


def first_url(value: str) -> str:
    match = _URL.search(value)
    return match.group(0) if match else ""


def source_in_text(text: str) -> str:
    """The URL of a ``Kilde: URL`` / ``Source: URL`` note in a document's text."""
    match = _SOURCE_ANYWHERE.search(text)
    return match.group(1) if match else ""


def is_source_line(line: str) -> bool:
    """A line that only names the source; it is metadata, not passage text."""
    return _SOURCE_LINE.match(line) is not None


def prettified_stem(path: Path) -> str:
    """A readable title from a file name, for documents that name none."""
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:]


def meta_from_yaml(given: yamlnodes.Fields, shown: Path, what: str, result: Loaded) -> DocumentMeta:
    """Read the metadata keys; each bad value is a problem and is left empty."""
    for problem in yamlnodes.unknown_keys(given, META_KEYS, what):
        result.problem(shown, problem.message, problem.line)
    values: dict[str, str] = {}
    for key in META_KEYS:
        try:
            values[key] = yamlnodes.text(given.get(key), f"'{key}'")
        except yamlnodes.YamlFormatError as problem:
            result.problem(shown, problem.message, problem.line)
            values[key] = ""

    def line(key: str) -> int | None:
        return given.key_lines.get(key)

    source_url = values["source_url"]
    if source_url and not is_url(source_url):
        result.problem(
            shown,
            f"source_url is not a web address (http:// or https://): {source_url!r}",
            line("source_url"),
        )
        source_url = ""
    language = ""
    if values["language"]:
        language = normalise_language(values["language"]) or ""
        if not language:
            result.problem(
                shown,
                f"unknown language {values['language']!r} (expected: {', '.join(LANGUAGES)})",
                line("language"),
            )
    dates = datefields.read_dates(
        values, lambda key, message: result.problem(shown, message, line(key))
    )
    gap = flags.yes_no(values[flags.GAP_KEY]) if values[flags.GAP_KEY] else False
    if gap is None:
        result.problem(shown, flags.problem(flags.GAP_KEY, values[flags.GAP_KEY]), line("gap"))
    return DocumentMeta(
        title=values["title"],
        source_url=source_url,
        language=language,
        dates=dates,
        gap=bool(gap),
    )


def sidecar_paths(document: Path) -> tuple[Path, ...]:
    """Where a document's sidecar may be: ``policy.pdf.meta.yaml`` or ``policy.meta.yaml``."""
    return (
        document.with_name(document.name + SIDECAR_SUFFIX),
        document.with_name(document.stem + SIDECAR_SUFFIX),
    )


def read_sidecar(document: Path, root: Path | None, result: Loaded) -> DocumentMeta:
    """The sidecar metadata of ``document``; empty when it has none."""
    path = next((candidate for candidate in sidecar_paths(document) if candidate.is_file()), None)
    if path is None:
        return DocumentMeta()
    shown = display_path(path, root)
    try:
        node = yamlnodes.compose(decode_text(path.read_bytes()))
        if node is None:
            result.problem(shown, "empty file")
            return DocumentMeta()
        return meta_from_yaml(yamlnodes.mapping(node, "the sidecar"), shown, "the sidecar", result)
    except yamlnodes.YamlFormatError as problem:
        result.problem(shown, problem.message, problem.line)
    except (OSError, NotTextError) as error:
        result.problem(shown, f"cannot read: {error}")
    return DocumentMeta()


def missing_source_hint(document: Path) -> str:
    return (
        f"add a file '{document.name}{SIDECAR_SUFFIX}' next to it with 'source_url: https://...', "
        "or a line 'Kilde: https://...' in the document"
    )


def resolve_meta(
    document: Path, root: Path | None, embedded: DocumentMeta, text: str, result: Loaded
) -> DocumentMeta:
    """A PDF's or DOCX's metadata: the sidecar first, then the document's properties, then its
    text and file name."""
    given = read_sidecar(document, root, result).or_else(embedded)
    return given.or_else(
        DocumentMeta(
            title=prettified_stem(document),
            source_url=source_in_text(text),
            language=given.language or guess_language(text),
        )
    )
