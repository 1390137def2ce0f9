"""Opening a YAML knowledge file whose top level must be a list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from knowledge.loaders import yamlnodes
from knowledge.loaders.result import Loaded
from knowledge.loaders.textfile import NotTextError, decode_text


def list_items(path: Path, shown: Path, what: str, result: Loaded) -> Iterator[yaml.Node]:
    """The item nodes of the list a YAML file holds; a file that holds none is a problem."""
    try:
        node = yamlnodes.compose(decode_text(path.read_bytes()))
    except yamlnodes.YamlFormatError as problem:
        result.problem(shown, problem.message, problem.line)
        return
    except (OSError, NotTextError) as error:
        result.problem(shown, f"cannot read: {error}")
        return
    if node is None:
        result.problem(shown, "empty file")
        return
    if not isinstance(node, yaml.SequenceNode):
        result.problem(
            shown,
            f"the file must be a list of {what}, each starting with '- '",
            yamlnodes.line_of(node),
        )
        return
    if not node.value:
        result.problem(shown, "empty file")
    yield from node.value
