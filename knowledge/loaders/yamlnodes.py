"""YAML read as a node tree, so that every problem can name its line.

``yaml.safe_load`` forgets where a value came from, and it turns ``no`` into
False and ``2024-01-01`` into a date. Staff-written questions and answers must
stay text, so values are read from the composed nodes as strings, and typed
only where a field asks for it.
"""

from __future__ import annotations

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL_TAG = "tag:yaml.org,2002:null"


class YamlFormatError(ValueError):
    """A YAML file (or part of one) is not what the format asks for, at ``line``."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def compose(text: str, first_line: int = 1) -> yaml.Node | None:
    """The node tree of ``text``; None for an empty document.

    ``first_line`` is the file line ``text`` starts on (front matter starts on
    line 2), so that node lines are file lines.
    """
    try:
        return yaml.compose("\n" * (first_line - 1) + text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = " ".join(part for part in (error.context, error.problem) if part)
        raise YamlFormatError(f"invalid YAML: {reason}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise YamlFormatError(f"invalid YAML: {error}", None) from None


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


class Fields(dict[str, yaml.Node]):
    """The value nodes of a mapping by key, remembering the line of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}


def mapping(node: yaml.Node, what: str) -> Fields:
    """The fields of a mapping; a duplicated key is a problem, not a silent overwrite."""
    if not isinstance(node, yaml.MappingNode):
        raise YamlFormatError(f"{what} must be a mapping of 'key: value' lines", line_of(node))
    fields = Fields()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlFormatError(f"{what} has a key that is not plain text", line_of(key_node))
        key = str(key_node.value).strip()
        if key in fields:
            raise YamlFormatError(f"{what} has the key '{key}' twice", line_of(key_node))
        fields[key] = value_node
        fields.key_lines[key] = line_of(key_node)
    return fields


def sequence(node: yaml.Node, what: str) -> list[yaml.Node]:
    if not isinstance(node, yaml.SequenceNode):
        raise YamlFormatError(f"{what} must be a list ('- ' items)", line_of(node))
    return list(node.value)


def text(node: yaml.Node | None, what: str) -> str:
    """A scalar as stripped text; a missing or null value is empty."""
    if node is None or is_null(node):
        return ""
    if not isinstance(node, yaml.ScalarNode):
        raise YamlFormatError(f"{what} must be text, not a list or mapping", line_of(node))
    return str(node.value).strip()


def texts(node: yaml.Node | None, what: str) -> tuple[str, ...]:
    """A list of texts; a single text counts as a list of one. Empty items are dropped."""
    if node is None or is_null(node):
        return ()
    if isinstance(node, yaml.ScalarNode):
        items = [text(node, what)]
    else:
        items = [text(item, f"each item of {what}") for item in sequence(node, what)]
    return tuple(item for item in items if item)


def unknown_keys(fields: Fields, allowed: tuple[str, ...], what: str) -> list[YamlFormatError]:
    """Misspelt keys would silently drop what staff wrote, so each one is reported."""
    return [
        YamlFormatError(
            f"{what} has an unknown key '{key}' (expected: {', '.join(allowed)})",
            fields.key_lines[key],
        )
        for key in fields
        if key not in allowed
    ]
