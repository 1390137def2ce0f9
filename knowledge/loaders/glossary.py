"""The glossary: Danish and English words that mean the same, for query expansion."""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.loaders import yamlnodes
from knowledge.loaders.result import Loaded, display_path
from knowledge.loaders.yamlfile import list_items
from knowledge.model import LANGUAGES, GlossaryGroup


def load_glossary(path: Path, root: Path | None = None) -> Loaded[GlossaryGroup]:
    shown = display_path(path, root)
    result: Loaded[GlossaryGroup] = Loaded()
    for node in list_items(path, shown, "glossary groups", result):
        try:
            result.records.append(_group(node))
        except yamlnodes.YamlFormatError as problem:
            result.problem(shown, problem.message, problem.line)
    return result


def _group(node: yaml.Node) -> GlossaryGroup:
    line = yamlnodes.line_of(node)
    label = "glossary group"
    fields = yamlnodes.mapping(node, label)
    unknown = yamlnodes.unknown_keys(fields, LANGUAGES, label)
    if unknown:
        raise unknown[0]
    terms = {
        language: tuple(
            dict.fromkeys(term.casefold() for term in yamlnodes.texts(fields.get(language), label))
        )
        for language in LANGUAGES
    }
    if sum(len(words) for words in terms.values()) < 2:
        raise yamlnodes.YamlFormatError(f"{label} needs at least two terms to be useful", line)
    return GlossaryGroup(da=terms["da"], en=terms["en"])
