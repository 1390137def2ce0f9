"""``udbudsbot report``: the insights report for the project lead (HTML page and CSV files).

Reads the desk's database (``UDBUDSBOT_DATABASE_URL``); unanswered questions
are grouped with the configured embedding model, or by wording alone with
``--lexical`` (no model load) or when the model cannot be loaded.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.reporting.grouping import Embed


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report", help="write the insights report (HTML with charts, and CSV files)"
    )
    parser.add_argument(
        "--since", type=date.fromisoformat, metavar="DATE", help="first day (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--until", type=date.fromisoformat, metavar="DATE", help="day after the last (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("udbudsbot-report"),
        metavar="DIR",
        help="where to write report.html and the CSV files (default: ./udbudsbot-report)",
    )
    parser.add_argument(
        "--lexical",
        action="store_true",
        help="group unanswered questions by wording only (no embedding model)",
    )
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from bot.config import Settings
    from bot.escalation import DeskError
    from bot.reporting.report import build_report

    settings = Settings()
    embed = None if args.lexical else _embedder(settings)
    try:
        written = build_report(
            settings, args.out, since=_moment(args.since), until=_moment(args.until), embed=embed
        )
    except DeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    figures = written.figures
    print(
        f"Wrote {written.html} and {len(written.csv)} CSV files: {figures.total_questions} "
        f"questions, {figures.response.tickets} escalations, "
        f"{len(figures.groups)} groups of unanswered questions."
    )
    return 0


def _moment(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


def _embedder(settings: Settings) -> Embed | None:
    from index.dense import EmbeddingModelError, load_embedder

    try:
        return load_embedder(settings.embedding_model).encode
    except EmbeddingModelError as exc:
        print(f"note: grouping by wording only ({exc})", file=sys.stderr)
        return None
