"""What every loader returns: the records it could read and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from knowledge.model import LoadProblem

T = TypeVar("T")


@dataclass(slots=True)
class Loaded(Generic[T]):
    records: list[T] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)

    def problem(self, path: Path, message: str, line: int | None = None) -> None:
        self.problems.append(LoadProblem(path=path, message=message, line=line))

    def extend(self, other: Loaded[T]) -> None:
        self.records.extend(other.records)
        self.problems.extend(other.problems)


def display_path(path: Path, root: Path | None) -> Path:
    """The path staff recognise in a message: relative to the pack when there is one."""
    if root is not None:
        try:
            return path.relative_to(root)
        except ValueError:
            pass
    return path
