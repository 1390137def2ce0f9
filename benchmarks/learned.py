"""Are answers staff publish found as well as the pack's own? The learning loop, measured.

Run from the repository root: ``.venv/bin/python -m benchmarks.learned`` (``--dev PATH`` for
another question file for the regression check). Prints tables and writes
``benchmarks/results/learned.json``.

The loop as in production, through ``start_runtime`` (the shipped pack, the
bundled model, the configured answer threshold, a fresh desk): a business
asks each question of ``benchmarks/learned_questions.py``; the first twenty
the bot escalates are answered by staff with ``/faq`` (in the question's
language, four in the other); then a new runtime, as a new process would,
is asked each question's three paraphrases (close, reworded, other
language) by other askers. A paraphrase counts as right when the bot
answers it from that question's learned entry, as wrong when it answers it
from another learned entry. Two ways to publish are measured:

- ``answer only``: staff publish the answer and nothing else;
- ``with a phrasing``: staff add one phrasing in the other language
  (``also: …``), as the publishing form invites them to.

Also measured: the development questions with and without the twenty
learned entries in the index (a learned entry must not take over questions
the pack answers), and the follow-up test that keeps a ticket to one
question on hand-written next messages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.learned_questions import CASES, NEXT_MESSAGES
from bot.config import Settings
from bot.conversation import Action, Asker, Question, Reply
from bot.escalation import StaffMember
from bot.escalation.views import TicketStatus, TicketView
from bot.evaluation import is_correct, read_items
from bot.follow_ups import followed_up
from bot.runtime import Runtime, start_runtime

ROOT = Path(__file__).resolve().parent.parent
INDEX_DATA_DIR = ROOT / ".test-cache"  # the tests' vector cache: nothing embedded twice
DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "learned.json"
USED = 20
CONDITIONS = ("answer only", "with a phrasing")
OUTCOMES = ("right", "wrong learned", "pack", "clarify", "escalate", "other")


@dataclass(frozen=True, slots=True)
class Asked:
    case: int
    kind: str
    language: str
    text: str
    outcome: str
    confidence: float
    record: str


def outcome(reply: Reply, expected: str) -> str:
    """What became of a paraphrase: answered from the right learned entry, another learned
    entry, the pack, or not answered."""
    if reply.action is Action.ANSWER:
        record = reply.record_ids[0] if reply.record_ids else ""
        if record == expected:
            return "right"
        return "wrong learned" if record.startswith("learned-") else "pack"
    if reply.action in (Action.CLARIFY, Action.ESCALATE):
        return str(reply.action)
    return "other"


def settings_for(database: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=INDEX_DATA_DIR, database_url=f"sqlite:///{database}"
    )


async def publish_cases(runtime: Runtime, with_phrasing: bool) -> dict[int, str]:
    """Ask every case until twenty are escalated, and publish staff's answer to each; returns
    case number → learned entry id."""
    assert runtime.desk is not None
    published: dict[int, str] = {}
    for number, case in enumerate(CASES):
        if len(published) == USED:
            break
        asker = Asker("benchmark", f"first-{number}", f"first-{number}")
        reply = await runtime.assistant.reply(Question(case.question, asker))
        if reply.action is not Action.ESCALATE or reply.ticket_id is None:
            print(f"  not used (the bot did not escalate it: {reply.action}): {case.question}")
            continue
        text = f"/faq {case.answer}"
        if with_phrasing:
            text += f"\nalso: {case.staff_phrasing}"
        view = await runtime.desk.answer(reply.ticket_id, StaffMember.operator(), text)
        assert view.published_now is not None
        published[number] = f"learned-{view.published_now}"
    return published


async def ask_again(runtime: Runtime, published: dict[int, str]) -> list[Asked]:
    asked = []
    for number, expected in published.items():
        for kind, paraphrase in enumerate(CASES[number].paraphrases):
            asker = Asker("benchmark", f"later-{number}-{kind}", "later")
            reply = await runtime.assistant.reply(Question(paraphrase.text, asker))
            asked.append(
                Asked(
                    case=number,
                    kind=paraphrase.kind,
                    language=paraphrase.language,
                    text=paraphrase.text,
                    outcome=outcome(reply, expected),
                    confidence=round(reply.confidence, 4),
                    record=reply.record_ids[0] if reply.record_ids else "",
                )
            )
    return asked


def shares(asked: Sequence[Asked]) -> dict[str, Any]:
    counts = Counter(a.outcome for a in asked)
    total = len(asked)
    return {
        "asked": total,
        **{name: round(counts[name] / total, 3) if total else 0.0 for name in OUTCOMES},
    }


def breakdown(asked: Sequence[Asked]) -> dict[str, Any]:
    """Shares overall, by kind of paraphrase and by the paraphrase's language."""
    return {
        "all": shares(asked),
        **{kind: shares([a for a in asked if a.kind == kind]) for kind in _kinds()},
        **{
            f"asked in {lang}": shares([a for a in asked if a.language == lang])
            for lang in ("da", "en")
        },
        "cross-language answers": shares(
            [a for a in asked if CASES[a.case].answer_language != CASES[a.case].language]
        ),
    }


def _kinds() -> list[str]:
    return list(dict.fromkeys(p.kind for case in CASES for p in case.paraphrases))


async def run_condition(workdir: Path, with_phrasing: bool) -> tuple[dict[int, str], list[Asked]]:
    database = workdir / f"desk-{int(with_phrasing)}.db"
    first = start_runtime(settings_for(database))
    try:
        published = await publish_cases(first, with_phrasing)
    finally:
        first.close()
    later = start_runtime(settings_for(database), escalate=False)  # a new process
    try:
        return published, await ask_again(later, published)
    finally:
        later.close()


async def dev_set(workdir: Path, dev: Path) -> dict[str, Any]:
    """The development questions on the pack alone and with the learned entries present."""
    items = list(read_items(dev))
    found: dict[str, Any] = {}
    for label, database in (
        ("pack only", workdir / "empty.db"),
        ("with 20 learned entries", workdir / "desk-0.db"),
    ):
        runtime = start_runtime(settings_for(database), escalate=False)
        try:
            correct = answered_from_learned = 0
            for item in items:
                asker = Asker("benchmark", f"dev-{item.id}", "dev")
                reply = await runtime.assistant.reply(Question(item.question, asker))
                correct += is_correct(item, reply)
                answered_from_learned += reply.action is Action.ANSWER and any(
                    r.startswith("learned-") for r in reply.record_ids
                )
        finally:
            runtime.close()
        found[label] = {
            "questions": len(items),
            "correct": correct,
            "answered from a learned entry": answered_from_learned,
        }
    return found


def follow_ups(runtime: Runtime) -> dict[str, Any]:
    """The follow-up test on hand-written next messages."""
    rows = []
    for number, case in enumerate(NEXT_MESSAGES, start=1):
        ticket = _open_ticket(number, case.open_question, case.language)
        decided = followed_up(case.message, [ticket], runtime.index, case.language) == number
        share = runtime.index.overlap(case.message, case.open_question, case.language)
        rows.append(
            {
                "open": case.open_question,
                "message": case.message,
                "follows_up": case.follows_up,
                "decided": decided,
                "concepts": share.concepts,
                "shared": round(share.shared, 3),
            }
        )
    right = sum(row["decided"] == row["follows_up"] for row in rows)
    return {"pairs": len(rows), "right": right, "rows": rows}


def _open_ticket(number: int, question: str, language: str) -> TicketView:
    now = datetime.now(UTC)
    return TicketView(
        id=number,
        status=TicketStatus.OPEN,
        question=question,
        language=language,
        platform="benchmark",
        asker=None,
        candidates=(),
        confidence=0.0,
        created_at=now,
        updated_at=now,
    )


async def measure(dev: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="learned-benchmark-") as tmp:
        workdir = Path(tmp)
        results: dict[str, Any] = {"conditions": {}}
        for with_phrasing, label in zip((False, True), CONDITIONS, strict=True):
            print(f"{label}: publishing and asking again …")
            published, asked = await run_condition(workdir, with_phrasing)
            results["conditions"][label] = {
                "published": len(published),
                "shares": breakdown(asked),
                "asked": [asdict(a) for a in asked],
            }
        if dev.is_file():
            print("development questions with and without the learned entries …")
            results["dev"] = await dev_set(workdir, dev)
        runtime = start_runtime(settings_for(workdir / "empty.db"), escalate=False)
        try:
            results["threshold"] = runtime.settings.answer_threshold
            results["follow_ups"] = follow_ups(runtime)
        finally:
            runtime.close()
    return results


def report(results: dict[str, Any]) -> str:
    lines = [f"answer threshold {results['threshold']}", ""]
    header = f"{'':<26}" + "".join(f"{name:>15}" for name in OUTCOMES)
    for label, condition in results["conditions"].items():
        lines += [f"{label} ({condition['published']} published)", header]
        for group, row in condition["shares"].items():
            cells = "".join(f"{row[name]:>15.3f}" for name in OUTCOMES)
            lines.append(f"  {group + ' (' + str(row['asked']) + ')':<24}{cells}")
        misses = [a for a in condition["asked"] if a["outcome"] != "right"]
        lines += [f"  not right: {len(misses)}"]
        lines += [
            f"    [{a['kind']}] {a['outcome']} {a['confidence']:.2f} {a['record']}: {a['text']}"
            for a in misses
        ]
        lines.append("")
    for label, row in results.get("dev", {}).items():
        lines.append(
            f"dev set, {label}: {row['correct']}/{row['questions']} correct, "
            f"{row['answered from a learned entry']} answered from a learned entry"
        )
    follow = results["follow_ups"]
    lines.append(f"follow-up test: {follow['right']}/{follow['pairs']} next messages decided right")
    lines += [
        f"    {r['follows_up']!s:>5} → {r['decided']!s:<5} n={r['concepts']} "
        f"shared={r['shared']:.2f}: {r['message']}"
        for r in follow["rows"]
        if r["decided"] != r["follows_up"]
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="dev-set question file")
    args = parser.parse_args()
    results = asyncio.run(measure(args.dev))
    print(report(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
