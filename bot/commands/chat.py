"""``udbudsbot run``, ``chat``, ``ask`` and ``eval``: talking to the assistant.

``run`` starts whatever is configured: the platform channels when their
tokens are set, otherwise the terminal chat on the shipped knowledge.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.conversation import Asker, Question
from bot.evaluation import (
    EvalItem,
    Graded,
    format_table,
    is_correct,
    language_accuracy,
    read_items,
    summarise,
    wrong_answers,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = subparsers.add_parser(
        "run",
        help="start the bot: Telegram/Slack when tokens are set, else the terminal chat",
    )
    run.set_defaults(handler=_run)

    chat = subparsers.add_parser("chat", help="chat with the bot in the terminal")
    chat.set_defaults(handler=_chat)

    ask = subparsers.add_parser(
        "ask",
        help="answer one question, or one per line from standard input ('-')",
        description=(
            "Answer QUESTION, or with '-' one question per line from standard input "
            "(the model is loaded once). Answers staff published are used (also those published "
            "while reading standard input). Escalations create real tickets unless --dry-run."
        ),
    )
    ask.add_argument("question", metavar="QUESTION", help="the question, or - for stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument("--dry-run", action="store_true", help="do not create tickets")
    ask.set_defaults(handler=_ask)

    evaluate = subparsers.add_parser(
        "eval",
        help="grade the bot on question files (dev-set format)",
        description=(
            "Grade every line of each FILE and print accuracy by language and expected action, "
            "the share of answers that were wrong, and how often the reply came in the "
            "question's language. Answers staff published are used as in the running bot; no "
            "tickets are opened."
        ),
    )
    evaluate.add_argument("files", type=Path, nargs="+", metavar="FILE.jsonl")
    evaluate.add_argument("--failures", action="store_true", help="list every wrong reply")
    evaluate.add_argument("--json", type=Path, metavar="OUT", help="also save results as JSON")
    evaluate.set_defaults(handler=_eval)


def _loading(settings: Settings, *, escalate: bool = True) -> Runtime:
    from bot.runtime import start_runtime  # heavy: torch

    print("Indlæser viden og sprogmodel … / Loading knowledge and model …", file=sys.stderr)
    return start_runtime(settings, escalate=escalate, progress=sys.stderr.isatty())


def _run(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.telegram_bot_token or settings.slack_bot_token:
        from bot.channels.serve import serve

        return serve(settings)
    return _chat(args)


def _chat(args: argparse.Namespace) -> int:
    from bot.channels.console import run_chat

    runtime = _loading(Settings())
    try:
        return run_chat(runtime)
    finally:
        runtime.close()


def _ask(args: argparse.Namespace) -> int:
    from bot.channels.console import render_plain

    runtime = _loading(Settings(), escalate=not args.dry_run)
    asker = Asker(platform="cli", user_id="ask", chat_id="ask")
    questions = (line.strip() for line in sys.stdin) if args.question == "-" else [args.question]

    async def answer_all() -> None:
        for question in questions:
            if not question:
                continue
            await runtime.refresh_learned()
            reply = await runtime.assistant.reply(Question(text=question, asker=asker))
            if args.json:
                record = {
                    "question": question,
                    "action": str(reply.action),
                    "language": reply.language,
                    "text": reply.text,
                    "confidence": round(reply.confidence, 4),
                    "citations": [asdict(c) for c in reply.citations],
                    "choices": [asdict(c) for c in reply.choices],
                }
                print(json.dumps(record, ensure_ascii=False), flush=True)
            else:
                print(render_plain(reply), end="\n\n", flush=True)

    try:
        asyncio.run(answer_all())
    finally:
        runtime.close()
    return 0


def _eval(args: argparse.Namespace) -> int:
    try:
        files = {path: list(read_items(path)) for path in args.files}
    except FileNotFoundError as error:
        print(f"udbudsbot eval: no such file: {error.filename}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"udbudsbot eval: {error}", file=sys.stderr)
        return 2
    runtime = _loading(Settings(), escalate=False)

    async def grade(items: list[EvalItem]) -> list[Graded]:
        graded = []
        for item in items:
            asker = Asker(platform="eval", user_id=item.id, chat_id=item.id)
            reply = await runtime.assistant.reply(Question(text=item.question, asker=asker))
            graded.append(Graded(item, reply, is_correct(item, reply)))
        return graded

    report: list[dict[str, object]] = []
    for number, (path, items) in enumerate(files.items()):
        results = asyncio.run(grade(items))
        if len(files) > 1:
            print(f"{'' if number == 0 else chr(10)}{path}")
        print(format_table(summarise(results)))
        wrong, given = wrong_answers(results)
        print(f"wrong answers: {wrong} of {given} answers ({wrong / max(given, 1):.0%})")
        right, total = language_accuracy(results)
        print(f"reply language = question language: {right}/{total} ({right / max(total, 1):.0%})")
        if args.failures:
            _print_failures(results)
        report += [_graded_json(path, g) for g in results]
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


def _print_failures(results: list[Graded]) -> None:
    for graded in (g for g in results if not g.correct):
        print(
            f"\n✗ {graded.item.id} [{graded.item.language}] expect {graded.item.expect}, "
            f"got {graded.reply.action} ({graded.reply.confidence:.2f}): "
            f"{graded.item.question}\n  {graded.reply.text[:300]!r}"
        )


def _graded_json(path: Path, graded: Graded) -> dict[str, object]:
    return {
        "file": str(path),
        "id": graded.item.id,
        "language": graded.item.language,
        "expect": graded.item.expect,
        "action": str(graded.reply.action),
        "confidence": graded.reply.confidence,
        "correct": graded.correct,
    }
