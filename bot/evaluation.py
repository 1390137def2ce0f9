"""Grade the assistant on a question file in the dev-set format.

Grading follows the dev set's rules: an ``answer`` line needs the action
``answer`` and every ``must_contain`` regex in the reply text (after dots,
commas and spaces between digits are removed); an ``escalate`` line needs
``escalate`` or ``redirect``; a ``not_answer`` line needs anything but
``answer``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.conversation import Action, Reply

_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[.,  ](?=\d)")


@dataclass(frozen=True, slots=True)
class EvalItem:
    id: str
    language: str
    question: str
    expect: str
    must_contain: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Graded:
    item: EvalItem
    reply: Reply
    correct: bool


def read_items(path: Path) -> Iterator[EvalItem]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                yield EvalItem(
                    id=str(raw.get("id", number)),
                    language=raw.get("lang", "?"),
                    question=raw["question"],
                    expect=raw["expect"],
                    must_contain=tuple(raw.get("must_contain", ())),
                )
            except (json.JSONDecodeError, KeyError) as error:
                raise ValueError(f"{path}:{number}: not a question line ({error})") from error


def digits_joined(value: str) -> str:
    """Remove dots, commas and spaces between digits: 1.611.360 → 1611360."""
    return _DIGIT_SEPARATOR.sub("", value)


def is_correct(item: EvalItem, reply: Reply) -> bool:
    if item.expect == "answer":
        body = digits_joined(reply.text)
        return reply.action is Action.ANSWER and all(
            re.search(pattern, body, re.IGNORECASE) for pattern in item.must_contain
        )
    if item.expect == "escalate":
        return reply.action in (Action.ESCALATE, Action.REDIRECT)
    return reply.action is not Action.ANSWER


def summarise(results: Iterable[Graded]) -> dict[str, dict[str, tuple[int, int]]]:
    """(correct, total) by language and by expected action, plus overall."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for graded in results:
        for language in (graded.item.language, "all"):
            for expect in (graded.item.expect, "all"):
                cell = table[language][expect]
                cell[0] += graded.correct
                cell[1] += 1
    return {lang: {exp: (c[0], c[1]) for exp, c in row.items()} for lang, row in table.items()}


def wrong_answers(results: Iterable[Graded]) -> tuple[int, int]:
    """Answers that were wrong (a wrong fact, or an answer where none was due), and all
    answers given: the figure that hurts a business most."""
    given = [g for g in results if g.reply.action is Action.ANSWER]
    return sum(not g.correct for g in given), len(given)


def language_accuracy(results: Iterable[Graded]) -> tuple[int, int]:
    """How often the reply came in the question's language: (right, total)."""
    graded = list(results)
    return sum(g.reply.language == g.item.language for g in graded), len(graded)


def format_table(summary: dict[str, dict[str, tuple[int, int]]]) -> str:
    columns = ["answer", "escalate", "not_answer", "all"]
    rows = [f"{'language':<10}" + "".join(f"{c:>18}" for c in columns)]
    for language in sorted(summary, key=lambda lang: (lang == "all", lang)):
        cells = []
        for column in columns:
            correct, total = summary[language].get(column, (0, 0))
            share = f"{correct / total:.0%}" if total else "–"
            cells.append(f"{f'{correct}/{total} ({share})':>18}")
        rows.append(f"{language:<10}" + "".join(cells))
    return "\n".join(rows)
