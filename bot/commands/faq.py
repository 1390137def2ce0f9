"""``udbudsbot faq``: learned FAQ entries (answers staff published from escalations).

Staff list them, correct them and withdraw them here (the same as ``/faq
liste``, ``/faq ret N …`` and ``/faq fjern N`` in a staff channel); every
running worker takes the change into its index within the polling interval
(``UDBUDSBOT_LEARNED_POLL_SECONDS``), and every change is in the audit trail.
``export`` writes them for the knowledge pack (YAML) or the municipality's
website (``--html``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.commands.escalations import run_on_desk
from bot.escalation import EscalationDesk, StaffMember
from bot.escalation.learned import faq_yaml, parse_learned_number
from bot.escalation.views import LearnedView, learned_id
from bot.faq_page import faq_page


def _number(value: str) -> int:
    number = parse_learned_number(value)
    if number is None:
        raise argparse.ArgumentTypeError(f"not an entry number: {value!r} (e.g. 3 or learned-3)")
    return number


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "faq",
        help="learned FAQ entries: list, show, edit, withdraw, export",
        description="Answers staff published from escalations (learned FAQ entries).",
    )
    commands = parser.add_subparsers(dest="faq_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="list published entries, oldest first")
    listing.add_argument("--all", action="store_true", help="include withdrawn entries")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="show one entry in full")
    show.add_argument("number", type=_number, metavar="N", help="the entry (3 or learned-3)")
    show.set_defaults(handler=_show)

    edit = commands.add_parser(
        "edit",
        help="correct an entry's answer or question, or add phrasings",
        description=(
            "Correct a learned entry. The asker who got the first answer is not written to "
            "again; the next askers get the corrected one."
        ),
    )
    edit.add_argument("number", type=_number, metavar="N", help="the entry (3 or learned-3)")
    edit.add_argument("--answer", metavar="TEXT", help="the corrected answer")
    edit.add_argument("--question", metavar="TEXT", help="the question, worded anew")
    edit.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="TEXT",
        help="another way to ask it, in either language (repeatable)",
    )
    edit.set_defaults(handler=_edit)

    withdraw = commands.add_parser(
        "withdraw", help="withdraw an entry: the bot never answers with it again"
    )
    withdraw.add_argument("number", type=_number, metavar="N", help="the entry (3 or learned-3)")
    withdraw.set_defaults(handler=_withdraw)

    export = commands.add_parser(
        "export",
        help="write published entries as YAML in the knowledge pack's FAQ format, or as a web "
        "page (--html)",
    )
    export.add_argument("--out", type=Path, metavar="FILE", help="file to write (default: stdout)")
    export.add_argument(
        "--html",
        action="store_true",
        help="a page of all published answers with their dates, without asker data, for the "
        "municipality's website",
    )
    export.add_argument(
        "--source-url",
        metavar="URL",
        help="web page to cite for the entries (default: UDBUDSBOT_PUBLIC_URL); the knowledge "
        "pack only accepts web addresses as sources",
    )
    export.set_defaults(handler=_export)


def _list(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        entries = await desk.learned_list(include_withdrawn=args.all)
        if args.json:
            print(json.dumps([_as_json(e) for e in entries], ensure_ascii=False, indent=2))
        elif not entries:
            print("No learned FAQ entries" + ("." if args.all else " (besides withdrawn ones)."))
        else:
            for entry in entries:
                print(_one_line(entry))
        return 0

    return run_on_desk(work)


def _show(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        print(details(await desk.learned(args.number)))
        return 0

    return run_on_desk(work)


def _edit(args: argparse.Namespace) -> int:
    if args.answer is None and args.question is None and not args.also:
        print("error: say what to change: --answer, --question and/or --also", file=sys.stderr)
        return 2

    async def work(desk: EscalationDesk) -> int:
        before = await desk.learned(args.number)
        after = await desk.edit_learned(
            args.number,
            StaffMember.operator(),
            answer=args.answer,
            question=args.question,
            also=args.also,
        )
        if after == before:
            print(f"{learned_id(after.number)} already says that; nothing changed.")
        else:
            print(
                f"{learned_id(after.number)} corrected; every worker answers with it within "
                f"{desk.settings.learned_poll_seconds:g} s."
            )
            print(details(after))
        return 0

    return run_on_desk(work)


def _withdraw(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        entry = await desk.withdraw_learned(args.number, StaffMember.operator())
        print(
            f"{learned_id(entry.number)} withdrawn; every worker stops answering with it within "
            f"{desk.settings.learned_poll_seconds:g} s."
        )
        return 0

    return run_on_desk(work)


def _export(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        if args.html:
            entries = await desk.learned_list()
            document = faq_page(entries, datetime.now(UTC))
            count = len(entries)
        else:
            published = await desk.learned_entries()
            source_url = args.source_url or desk.settings.public_url
            document = faq_yaml(published, source_url)
            count = len(published)
            if published and not source_url:
                print(
                    "Note: the entries cite the desk (udbudsbot:learned/N); give --source-url "
                    "before moving them into the knowledge pack, which needs web addresses.",
                    file=sys.stderr,
                )
        if args.out is None:
            sys.stdout.write(document)
        else:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(document, encoding="utf-8")
            print(f"Wrote {count} learned FAQ entries to {args.out}.", file=sys.stderr)
        return 0

    return run_on_desk(work)


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def _one_line(entry: LearnedView) -> str:
    question = " ".join(entry.question.split())
    question = question[:60] + "…" if len(question) > 61 else question
    languages = (
        entry.language
        if entry.answer_language == entry.language
        else f"{entry.language}→{entry.answer_language}"
    )
    count = len(entry.phrasings)
    extra = f" (+{count} {'phrasing' if count == 1 else 'phrasings'})" if count else ""
    state = f"  [withdrawn {_when(entry.withdrawn_at)}]" if entry.withdrawn else ""
    return (
        f"{learned_id(entry.number):<11} {entry.published_at.astimezone():%Y-%m-%d}  "
        f"{languages:<5} {question}{extra}{state}"
    )


def details(entry: LearnedView) -> str:
    """An entry in full, as ``faq show`` prints it."""
    head = learned_id(entry.number)
    if entry.withdrawn:
        head += f" — withdrawn by {entry.withdrawn_by} at {_when(entry.withdrawn_at)}"
    published = f"Published: {_when(entry.published_at)} by {entry.published_by}"
    if entry.ticket_id:
        published += f" (ticket #{entry.ticket_id})"
    lines = [head, published]
    if entry.updated_at is not None:
        lines.append(f"Corrected: {_when(entry.updated_at)} by {entry.updated_by}")
    lines += ["", f"Question ({entry.language}):", f"  {entry.question}"]
    for language, phrasing in entry.phrasings:
        lines.append(f"  also ({language}): {phrasing}")
    lines += ["", f"Answer ({entry.answer_language}):"]
    lines += [f"  {line}" for line in entry.answer.splitlines()]
    return "\n".join(lines)


def _as_json(entry: LearnedView) -> dict[str, Any]:
    return {
        "id": learned_id(entry.number),
        "number": entry.number,
        "ticket": entry.ticket_id,
        "question": entry.question,
        "language": entry.language,
        "phrasings": [{"language": lang, "text": text} for lang, text in entry.phrasings],
        "answer": entry.answer,
        "answer_language": entry.answer_language,
        "published_at": entry.published_at.isoformat(),
        "published_by": entry.published_by,
        "updated_at": entry.updated_at.isoformat() if entry.updated_at else None,
        "withdrawn_at": entry.withdrawn_at.isoformat() if entry.withdrawn_at else None,
    }
