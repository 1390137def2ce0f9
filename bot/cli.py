"""The ``udbudsbot`` command line.

Each command group lives in its own module under ``bot.commands`` and adds
its sub-commands through ``register(subparsers)``; a handler receives the
parsed arguments and returns the process exit code. Modules are imported
lazily inside handlers where they pull in heavy dependencies (torch), so
``udbudsbot --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "chat",
    "escalations",
    "faq",
    "index",
    "knowledge",
    "report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="udbudsbot",
        description=(
            "Answers businesses' questions about how Aarhus Kommune buys, in Danish and English, "
            "in Slack, Telegram or the terminal, and hands what it cannot answer to a person."
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"bot.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # bm25s sets its own logger to DEBUG at import; follow the command line instead.
    logging.getLogger("bm25s").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
