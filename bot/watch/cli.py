"""``udbudsbot knowledge reload``: tell subscribers about the pack's new and changed tenders now.

Staff run it after replacing the tender file. It loads the pack, compares
its tender rows with the desk's snapshot and queues a notice for each
matching subscription; the running bot's outbox delivers them (and a running
bot reloads the changed pack by itself within half a minute). Running it
again changes nothing: each change reaches a subscriber once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Settings
from bot.escalation import DeskError, EscalationDesk
from bot.runtime import term_set
from bot.tender_query import KeywordMatcher
from bot.watch.scan import notify_tender_changes
from knowledge.pack import default_pack_dir, load_knowledge


def reload_pack(args: argparse.Namespace) -> int:
    settings = Settings()
    directory: Path = args.directory or settings.knowledge_dir or default_pack_dir()
    if not directory.is_dir():
        print(f"udbudsbot knowledge reload: no such directory: {directory}", file=sys.stderr)
        return 2
    knowledge = load_knowledge(directory)
    for problem in knowledge.problems:
        print(f"problem: {problem}", file=sys.stderr)
    try:
        desk = EscalationDesk.open(settings)
    except DeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        matches = KeywordMatcher(term_set, knowledge.glossary)
        scan = asyncio.run(notify_tender_changes(desk, knowledge, matches))
    except DeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        desk.dispose()
    print(f"Knowledge pack: {directory} ({len(knowledge.tenders)} tender rows)")
    if scan.baseline:
        print("First look at the tender rows: recorded them; later changes are sent.")
    else:
        print(f"New or changed tender rows: {scan.changes}; notices queued: {scan.notices}.")
    return 1 if knowledge.problems else 0
