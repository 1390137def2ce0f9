"""``udbudsbot knowledge check``: load a knowledge pack and say what loaded and what did not.

Staff run it after replacing or editing the pack, before restarting the bot;
the exit code (1 when there are problems) lets a deployment script refuse a
broken pack. Warnings (facts gone out of date) do not change the exit code:
the pack still loads, and the bot never presents what has ended as current.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from knowledge.model import LANGUAGES, KnowledgeBase
from knowledge.review import ReviewItem, grouped


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("knowledge", help="inspect the knowledge pack")
    actions = parser.add_subparsers(dest="knowledge_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="load a knowledge pack, list what loaded and every problem (exit 1 on problems)",
    )
    check.add_argument(
        "directory",
        nargs="?",
        type=Path,
        metavar="DIR",
        help="the pack directory (default: UDBUDSBOT_KNOWLEDGE_DIR, else the shipped pack)",
    )
    check.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="DATE",
        help="check the dates as on this day, YYYY-MM-DD (default: today in Aarhus)",
    )
    check.set_defaults(handler=check_pack)
    reload = actions.add_parser(
        "reload",
        help="send tender-watch subscribers the pack's new and changed tenders now "
        "(a running bot also notices a changed pack by itself)",
    )
    reload.add_argument(
        "directory", nargs="?", type=Path, metavar="DIR", help="the pack directory (as for check)"
    )
    reload.set_defaults(handler=_reload)


def _reload(args: argparse.Namespace) -> int:
    from bot.watch.cli import reload_pack

    return reload_pack(args)


def check_pack(args: argparse.Namespace) -> int:
    # Imported here so that `udbudsbot --help` does not pay for settings and loaders.
    from bot.config import Settings
    from bot.validity import aarhus_today
    from knowledge.pack import default_pack_dir, load_knowledge
    from knowledge.review import review

    settings = Settings()
    directory: Path = args.directory or settings.knowledge_dir or default_pack_dir()
    if not directory.is_dir():
        print(f"udbudsbot knowledge check: no such directory: {directory}", file=sys.stderr)
        return 2
    kb = load_knowledge(directory)
    today = args.today or aarhus_today()
    print(f"Knowledge pack: {directory}")
    print(summary(kb))
    warnings = review(kb, today, settings.stale_after_months)
    if warnings:
        print(warning_list(warnings, today))
    if not kb.problems:
        print("No problems found.")
        return 0
    count = len(kb.problems)
    print(f"{_plural(count, 'problem')}:")
    for problem in kb.problems:
        print(f"  {problem}")
    return 1


def summary(kb: KnowledgeBase) -> str:
    """Counts per kind and language, so staff see at a glance whether a language is thin."""
    passages = Counter(passage.language for passage in kb.passages)
    documents = len({passage.source_file for passage in kb.passages})
    faq = Counter(language for entry in kb.faqs for language in entry.languages)
    rows = (
        (
            "passages",
            len(kb.passages),
            f"{_by_language(passages)} from {_plural(documents, 'document')}",
        ),
        ("FAQ entries", len(kb.faqs), _by_language(faq)),
        ("tenders", len(kb.tenders), ""),
        ("glossary groups", len(kb.glossary), ""),
    )
    return "\n".join(f"  {name:<16}{count:>5}  {detail}".rstrip() for name, count, detail in rows)


def warning_list(warnings: list[ReviewItem], today: date) -> str:
    """The warnings grouped by reason and pack note, each record on its own line, saying how
    many the pack explains (a review note)."""
    explained = sum(1 for item in warnings if item.note)
    lines = [
        f"{_plural(len(warnings), 'warning')} on {today} ({explained} explained by the pack's "
        "review notes); the pack still loads:"
    ]
    for group in grouped(warnings):
        lines.append(f"  {group.reason} ({_plural(len(group.items), 'record')}):")
        if group.note:
            lines.append(f"    pack note: {group.note}")
        lines.extend(f"    {item.where} {item.record_id}" for item in group.items)
    return "\n".join(lines)


def _by_language(counts: Counter[str]) -> str:
    return "(" + ", ".join(f"{language} {counts[language]}" for language in LANGUAGES) + ")"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
