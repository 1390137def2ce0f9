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
    export.add_argument(
        "--source-url",
        metavar="URL",
        help="web page to cite for the entries (default: UDBUDSBOT_PUBLIC_URL); the knowledge "
        "pack only accepts web addresses as sources",
    )
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        entries = [entry for _, entry in await desk.learned_entries()]
        source_url = args.source_url or desk.settings.public_url
        document = faq_yaml(entries, source_url)
        if args.out is None:
            sys.stdout.write(document)
        else:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(document, encoding="utf-8")
            print(f"Wrote {len(entries)} learned FAQ entries to {args.out}.", file=sys.stderr)
        if entries and not source_url:
            print(
                "Note: the entries cite the desk (udbudsbot:learned/N); give --source-url "
                "before moving them into the knowledge pack, which needs web addresses.",
                file=sys.stderr,
            )
        return 0

    return run_on_desk(work)
