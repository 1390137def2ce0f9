"""FAQ entries: a question, other ways to ask it and the answer, in Danish and/or English.

An entry may also carry the date fields (``as_of``, ``valid_from``, ...; see
``datefields``), ``tender``, the id of the tender row it is about, and
``special_case``, the words that name the special case it is about (see
:class:`knowledge.model.FaqEntry`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from knowledge.loaders import datefields, flags, yamlnodes
from knowledge.loaders.metadata import is_url
from knowledge.loaders.result import Loaded, display_path
from knowledge.loaders.yamlfile import list_items
from knowledge.model import LANGUAGES, FaqEntry, FaqText

SPECIAL_CASE_KEY = "special_case"
ENTRY_KEYS: tuple[str, ...] = (
    "id",
    "tags",
    "source_url",
    *datefields.KEYS,
    datefields.TENDER_KEY,
    flags.GAP_KEY,
    SPECIAL_CASE_KEY,
    *LANGUAGES,
)
TEXT_KEYS: tuple[str, ...] = ("question", "alternates", "answer")


def load_faq_files(paths: Iterable[Path], root: Path | None = None) -> Loaded[FaqEntry]:
    """All entries of the given files. Ids must be unique across them, so they load together;
    a second entry with a used id is a problem and is left out."""
    result: Loaded[FaqEntry] = Loaded()
    first_place: dict[str, str] = {}
    for path in paths:
        shown = display_path(path, root)
        for node in list_items(path, shown, "FAQ entries", result):
            line = yamlnodes.line_of(node)
            try:
                entry = _entry(node, shown, result)
            except yamlnodes.YamlFormatError as problem:
                result.problem(shown, problem.message, problem.line)
                continue
            if entry.id in first_place:
                result.problem(
                    shown,
                    f"duplicate FAQ id '{entry.id}' (also used at {first_place[entry.id]})",
                    line,
                )
                continue
            first_place[entry.id] = f"{shown}:{line}"
            result.records.append(entry)
    return result


def _entry(node: yaml.Node, shown: Path, result: Loaded[FaqEntry]) -> FaqEntry:
    line = yamlnodes.line_of(node)
    fields = yamlnodes.mapping(node, "an FAQ entry")
    entry_id = yamlnodes.text(fields.get("id"), "'id'")
    if not entry_id:
        raise yamlnodes.YamlFormatError("FAQ entry has no 'id'", line)
    label = f"FAQ entry '{entry_id}'"
    for problem in yamlnodes.unknown_keys(fields, ENTRY_KEYS, label):
        result.problem(shown, problem.message, problem.line)
    source_url = yamlnodes.text(fields.get("source_url"), f"{label}: 'source_url'")
    if not source_url:
        raise yamlnodes.YamlFormatError(f"{label} has no 'source_url' (every answer cites)", line)
    if not is_url(source_url):
        raise yamlnodes.YamlFormatError(
            f"{label}: 'source_url' is not a web address: {source_url!r}",
            fields.key_lines["source_url"],
        )
    texts = {
        language: _text(
            fields[language], f"{label}, '{language}'", fields.key_lines[language], shown, result
        )
        for language in LANGUAGES
        if language in fields
    }
    if not texts:
        raise yamlnodes.YamlFormatError(
            f"{label} has no text: give it '{LANGUAGES[0]}' and/or '{LANGUAGES[1]}'", line
        )
    written = {
        key: yamlnodes.text(fields.get(key), f"{label}: '{key}'")
        for key in datefields.KEYS
        if key in fields
    }
    dates = datefields.read_dates(
        written,
        lambda key, message: result.problem(shown, f"{label}: {message}", fields.key_lines[key]),
    )
    return FaqEntry(
        id=entry_id,
        texts=texts,
        source_url=source_url,
        tags=yamlnodes.texts(fields.get("tags"), f"{label}: 'tags'"),
        source_file=shown.as_posix(),
        line=line,
        dates=dates,
        tender=yamlnodes.text(fields.get(datefields.TENDER_KEY), f"{label}: 'tender'"),
        gap=_gap(fields, label, shown, result),
        special_case=yamlnodes.texts(fields.get(SPECIAL_CASE_KEY), f"{label}: 'special_case'"),
    )


def _gap(fields: yamlnodes.Fields, label: str, shown: Path, result: Loaded[FaqEntry]) -> bool:
    if flags.GAP_KEY not in fields:
        return False
    raw = yamlnodes.text(fields.get(flags.GAP_KEY), f"{label}: 'gap'")
    value = flags.yes_no(raw)
    if value is None:
        result.problem(shown, f"{label}: {flags.problem('gap', raw)}", fields.key_lines["gap"])
    return bool(value)


def _text(node: yaml.Node, label: str, line: int, shown: Path, result: Loaded[FaqEntry]) -> FaqText:
    """One language of an entry; ``line`` is where its key stands, named when a field is missing."""
    fields = yamlnodes.mapping(node, label)
    for problem in yamlnodes.unknown_keys(fields, TEXT_KEYS, label):
        result.problem(shown, problem.message, problem.line)
    question = yamlnodes.text(fields.get("question"), f"{label}: 'question'")
    answer = yamlnodes.text(fields.get("answer"), f"{label}: 'answer'")
    for key, value in (("question", question), ("answer", answer)):
        if not value:
            raise yamlnodes.YamlFormatError(f"{label} has no '{key}'", line)
    return FaqText(
        question=question,
        answer=answer,
        alternates=yamlnodes.texts(fields.get("alternates"), f"{label}: 'alternates'"),
    )
