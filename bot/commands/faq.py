"""``udbudsbot faq``: learned FAQ entries (answers staff published from escalations)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands.escalations import run_on_desk
from bot.escalation import EscalationDesk
from bot.escalation.learned import faq_yaml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("faq", help="learned FAQ entries")
    commands = parser.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    export = commands.add_parser(
        "export", help="write learned entries as YAML in the knowledge pack's FAQ format"
    )
    export.add_argument("--out", type=Path, metavar="FILE", help="file to write (default: stdout)")
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        entries = [entry for _, entry in await desk.learned_entries()]
        document = faq_yaml(entries)
        if args.out is None:
            sys.stdout.write(document)
            return 0
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(document, encoding="utf-8")
        print(f"Wrote {len(entries)} learned FAQ entries to {args.out}.", file=sys.stderr)
        return 0

    return run_on_desk(work)
