"""``udbudsbot escalations``: staff answer and manage tickets from the command line.

The operator at the machine counts as staff. An answer given here is stored
with its delivery in the outbox; the running bot's outbox worker carries it
to the asker on the asker's own platform.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.escalation import DeskError, EscalationDesk, StaffMember, TicketStatus, TicketView
from bot.escalation.learned import strip_publish_prefix
from bot.escalation.views import learned_id
from bot.texts import text

AUDIT_COLUMNS = (
    "time",
    "event",
    "ticket",
    "status",
    "language",
    "channel",
    "question",
    "sources",
    "confidence",
    "actor",
    "answered_by",
    "detail",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "escalations", help="list, show, answer and close escalated questions"
    )
    commands = parser.add_subparsers(dest="escalations_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="list tickets, newest first")
    listing.add_argument(
        "--status", choices=[status.value for status in TicketStatus], help="only this status"
    )
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="show one ticket in full")
    show.add_argument("ticket", type=int, metavar="N")
    show.set_defaults(handler=_show)

    answer = commands.add_parser(
        "answer",
        help="answer a ticket; the asker receives it",
        description=(
            "Answer ticket N; the running bot delivers the answer to the asker. With --publish "
            "(or TEXT starting with /faq) the answer also becomes a learned FAQ entry that the "
            "bot answers the next askers with; lines of TEXT starting with 'also:' are then "
            "further ways to ask the question (not sent). A ticket with several questions "
            "(see 'escalations show N') needs --question to publish."
        ),
    )
    answer.add_argument("ticket", type=int, metavar="N")
    answer.add_argument("text", metavar="TEXT", help='the answer ("/faq ..." also publishes)')
    answer.add_argument(
        "--publish", action="store_true", help="also publish as a learned FAQ entry"
    )
    answer.add_argument(
        "--question",
        type=int,
        action="append",
        default=[],
        metavar="Q",
        help="the number of the ticket's question the answer belongs to (repeatable; 1 is the "
        "first question, as 'escalations show' numbers them)",
    )
    answer.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="TEXT",
        help="when publishing: another way to ask the question, in either language (repeatable)",
    )
    answer.set_defaults(handler=_answer)

    close = commands.add_parser("close", help="close a ticket")
    close.add_argument("ticket", type=int, metavar="N")
    close.set_defaults(handler=_close)

    audit = commands.add_parser("audit", help="export the audit trail as CSV, no personal data")
    audit.add_argument("--out", type=Path, required=True, metavar="FILE")
    audit.set_defaults(handler=_audit)


def run_on_desk(work: Callable[[EscalationDesk], Awaitable[int]]) -> int:
    """Open the configured desk, run ``work``; a desk error becomes a message and exit 1."""
    try:
        desk = EscalationDesk.open(Settings())
    except DeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return asyncio.run(work(desk))
    except DeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        desk.dispose()


def _list(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        status = TicketStatus(args.status) if args.status else None
        tickets = await desk.tickets(status)
        if args.json:
            print(json.dumps([_as_json(t) for t in tickets], ensure_ascii=False, indent=2))
        elif not tickets:
            print("No tickets" + (f" with status {status}." if status else "."))
        else:
            for ticket in tickets:
                when = ticket.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
                print(f"#{ticket.id:<5} {ticket.status:<9} {when}  {_one_line(ticket)}")
        return 0

    return run_on_desk(work)


def _show(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        print(_details(await desk.ticket(args.ticket)))
        return 0

    return run_on_desk(work)


def _answer(args: argparse.Namespace) -> int:
    publishing = args.publish or strip_publish_prefix(args.text)[1]
    if args.also and not publishing:
        print("error: --also adds phrasings to a published answer; add --publish", file=sys.stderr)
        return 2

    async def work(desk: EscalationDesk) -> int:
        ticket = await desk.answer(
            args.ticket,
            StaffMember.operator(),
            args.text,
            args.publish,
            questions=args.question,
            also=args.also,
        )
        print(f"Ticket #{ticket.id} answered; the bot delivers the answer to the asker.")
        if ticket.published_now is not None:
            print(
                f"Published as learned FAQ entry {learned_id(ticket.published_now)}; every "
                f"worker answers with it within {desk.settings.learned_poll_seconds:g} s "
                f"('udbudsbot faq show {ticket.published_now}' shows it)."
            )
            if ticket.unfound_in is not None:
                other = text(f"language_name_{ticket.unfound_in}", "en")
                print(
                    f"It has no question in {other}, so askers writing in {other} will hardly "
                    f"find it: add one with udbudsbot faq edit {ticket.published_now} "
                    "--also QUESTION."
                )
        return 0

    return run_on_desk(work)


def _close(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        ticket = await desk.close(args.ticket, StaffMember.operator())
        print(f"Ticket #{ticket.id} closed.")
        return 0

    return run_on_desk(work)


def _audit(args: argparse.Namespace) -> int:
    async def work(desk: EscalationDesk) -> int:
        rows = await desk.audit_rows()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=AUDIT_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        print(f"Wrote {len(rows)} audit events to {args.out}.")
        return 0

    return run_on_desk(work)


def _as_json(ticket: TicketView) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "status": ticket.status.value,
        "question": ticket.question,
        "follow_ups": list(ticket.follow_ups),
        "other_open": list(ticket.other_open),
        "language": ticket.language,
        "channel": ticket.platform,
        "asker": ticket.asker,
        "confidence": ticket.confidence,
        "candidates": [
            {"title": c.title, "record_id": c.record_id, "confidence": c.confidence}
            for c in ticket.candidates
        ],
        "created_at": ticket.created_at.isoformat(),
        "answered_at": ticket.answered_at.isoformat() if ticket.answered_at else None,
        "answered_by": ticket.answered_by,
        "answer": ticket.answer,
        "problem": ticket.problem,
    }


def _one_line(ticket: TicketView) -> str:
    if ticket.erased_at is not None:
        return "[erased]"
    text = " ".join(ticket.question.split())
    extra = f" (+{len(ticket.follow_ups)} more)" if ticket.follow_ups else ""
    return (text[:70] + "…" if len(text) > 71 else text) + extra


def _details(ticket: TicketView) -> str:
    def when(value: Any) -> str:
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"

    lines = [
        f"Ticket #{ticket.id} — {ticket.status}",
        f"Asker:     {ticket.asker or '[erased]'} on {ticket.platform}, language {ticket.language}",
        f"Opened:    {when(ticket.created_at)}",
        "",
        "Question 1:" if ticket.follow_ups else "Question:",
        f"  {ticket.question}" if ticket.erased_at is None else "  [erased]",
    ]
    for number, follow_up in enumerate(ticket.follow_ups, start=2):
        lines.append(f"Question {number}:")
        lines.append(f"  {follow_up}")
    if ticket.other_open:
        others = ", ".join(f"#{n}" for n in ticket.other_open)
        lines.append(f"The same asker's other open tickets: {others}")
    lines.append("")
    lines.append(f"What the bot almost said (confidence {ticket.confidence:.2f}):")
    lines.extend(f"  {c.confidence:.2f}  {c.title}  [{c.record_id}]" for c in ticket.candidates)
    if not ticket.candidates:
        lines.append("  (nothing close enough)")
    if ticket.problem:
        lines.append(f"  Note: {ticket.problem}")
    if ticket.answer is not None:
        lines += ["", f"Answer by {ticket.answered_by} at {when(ticket.answered_at)}:"]
        lines.append(f"  {ticket.answer}")
    if ticket.learned_id is not None:
        lines.append(f"Published as {learned_id(ticket.learned_id)}.")
    elif ticket.follow_ups and ticket.status is TicketStatus.OPEN:
        lines.append("To publish an answer, name its question(s): --publish --question 1")
    for label, value in (
        ("Delivered", ticket.delivered_at),
        ("Reminded", ticket.reminded_at),
        ("Closed", ticket.closed_at),
        ("Erased", ticket.erased_at),
    ):
        if value:
            lines.append(f"{label + ':':<10} {when(value)}")
    return "\n".join(lines)
