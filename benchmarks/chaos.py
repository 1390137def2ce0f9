"""Chaos benchmark: every question keeps its one answer while a worker dies and the platform
misbehaves.

Two ``udbudsbot run`` workers share one PostgreSQL desk, each on its own
port. For Slack in HTTP mode, and then for Telegram in webhook mode, the
benchmark

- sends 50 questions a second for 60 s (signed Slack events, or webhook
  updates with Telegram's secret token), alternating between the workers,
  each from its own user in its own conversation;
- re-sends about one in twenty a second later, with the same id, to the
  other worker (as a platform does when it doubts an acknowledgement);
- has the fake platform API fail 10% of the bot's messages with 503 and
  rate-limit 3% with 429 and a one-second wait;
- kills one worker with SIGKILL at 20 s and starts it again at 35 s;
- re-sends every question a worker did not acknowledge (connection refused,
  no 200 within 3 s) to that worker after 1, 5 and 15 s and then every 15 s
  until it is acknowledged, as the platform retries its one address.

Then it waits for the answers and counts per question: answered exactly
once, duplicated (the same message twice), lost (no answer); the answer
latency (first send to first answer) p50 and p99; and the time to recover:
from the kill until every question asked before the restart had its answer.

    .venv/bin/python -m benchmarks.chaos                       # Slack, then Telegram
    .venv/bin/python -m benchmarks.chaos --platform telegram   # one of them
    .venv/bin/python -m benchmarks.chaos --rate 20 --seconds 30 --kill-at 10 --restart-at 18

A throwaway PostgreSQL cluster is started from /usr/lib/postgresql/*/bin
(as the postgres user when run as root, like ``.ci/run``), with a database
per platform, unless ``--database-url`` names one to use. The workers reuse
the tests' vector cache (``.test-cache``; run ``make test`` once first, or
the first start embeds the pack). Results go to
``benchmarks/results/chaos.json`` and a table is printed.

Target: 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import aiohttp
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.bot_process import REPO, BotProcess, free_port
from tests.flaky import Flakiness

RESULTS = REPO / "benchmarks" / "results" / "chaos.json"
EVAL_QUESTIONS = REPO.parent / "shared" / "eval" / "dev.jsonl"
FALLBACK_QUESTIONS = (
    "Hvordan sender jeg en faktura til Aarhus Kommune?",
    "What is the EU threshold for services for municipalities?",
    "Hvad er en rammeaftale?",
    "Hvornår betaler kommunen fakturaer?",
    "Do I need an ESPD when I bid?",
)
DUPLICATE_EVERY = 20
DUPLICATE_AFTER = 1.0
ACK_TIMEOUT = 3.0
RETRY_AFTER = (1.0, 5.0, 15.0)
UNAVAILABLE_SHARE = 0.10
RATE_LIMITED_SHARE = 0.03
QUIET_SECONDS = 60.0
DRAIN_LIMIT = 600.0
TELEGRAM_SECRET = "chaos-webhook-secret"


@dataclass
class Question:
    """One question, and what became of its deliveries to the workers."""

    number: int
    conversation: str
    event_id: str
    text: str
    worker: int
    first_sent: float | None = None
    acknowledged_at: float | None = None
    resends: int = 0

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


@dataclass
class Outcome:
    platform: str
    rate: int
    seconds: int
    questions: int = 0
    duplicate_sends: int = 0
    unacknowledged_resends: int = 0
    answered_once: int = 0
    duplicated: int = 0
    lost: int = 0
    answer_p50_s: float = 0.0
    answer_p99_s: float = 0.0
    recover_s: float = 0.0
    in_hand_at_kill: int = 0
    taken_over_within_s: float = 0.0
    ready_again_s: float = 0.0
    drain_s: float = 0.0
    platform_503: int = 0
    platform_429: int = 0
    worker_errors: int = 0
    load_average: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Platform(Protocol):
    """A fake platform: its API server, the workers' settings, and what it received."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def settings(self) -> dict[str, str]: ...

    def request(self, question: Question, resend: bool) -> tuple[str, bytes, dict[str, str]]:
        """Path, body and headers of one delivery of ``question`` to a worker."""

    def answers(self) -> dict[str, list[tuple[float, str]]]:
        """The messages the bot got through, per conversation: (when, text)."""

    def refused(self) -> tuple[int, int]:
        """How many of the bot's messages were answered 503 and 429."""


class SlackPlatform:
    name = "slack"

    def __init__(self) -> None:
        from tests.fake_slack import FakeSlackApi

        self.api = FakeSlackApi()

    async def start(self) -> None:
        await self.api.start()
        flakiness = Flakiness(UNAVAILABLE_SHARE, RATE_LIMITED_SHARE, retry_after=1.0)
        self.api.make_flaky("chat.postMessage", flakiness)

    async def stop(self) -> None:
        await self.api.stop()

    def settings(self) -> dict[str, str]:
        from tests.fake_slack import BOT_TOKEN, SIGNING_SECRET

        return {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_BASE_URL": self.api.base_url,
        }

    def request(self, question: Question, resend: bool) -> tuple[str, bytes, dict[str, str]]:
        from tests.fake_slack import dm_event, event_payload, signed_headers

        user = f"U{question.number:08d}"
        event = dm_event(question.text, user=user, channel=question.conversation)
        body = json.dumps(event_payload(event, question.event_id))
        extra = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        headers = {
            **signed_headers(body, **(extra if resend else {})),
            "Content-Type": "application/json",
        }
        return "/slack/events", body.encode(), headers

    def answers(self) -> dict[str, list[tuple[float, str]]]:
        return _messages(self.api.calls, "chat.postMessage", "channel")

    def refused(self) -> tuple[int, int]:
        return _refusals(self.api.calls, "chat.postMessage")


class TelegramPlatform:
    name = "telegram"

    def __init__(self) -> None:
        from tests.fake_telegram import FakeTelegram

        self.fake = FakeTelegram()

    async def start(self) -> None:
        await self.fake.start()
        flakiness = Flakiness(UNAVAILABLE_SHARE, RATE_LIMITED_SHARE, retry_after=1.0)
        self.fake.make_flaky("sendMessage", flakiness)

    async def stop(self) -> None:
        await self.fake.stop()

    def settings(self) -> dict[str, str]:
        from tests.fake_telegram import TOKEN

        return {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.fake.base_url,
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "UDBUDSBOT_PUBLIC_URL": "https://chaos.invalid",
        }

    def request(self, question: Question, resend: bool) -> tuple[str, bytes, dict[str, str]]:
        from tests.fake_telegram import user

        chat_id = int(question.conversation)
        message = self.fake.message(
            question.text, sender=user(chat_id, "Chaos", "da"), chat_id=chat_id
        )
        update = {"update_id": int(question.event_id), "message": message}
        headers = {
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
            "Content-Type": "application/json",
        }
        return "/telegram/webhook", json.dumps(update).encode(), headers

    def answers(self) -> dict[str, list[tuple[float, str]]]:
        return _messages(self.fake.calls, "sendMessage", "chat_id")

    def refused(self) -> tuple[int, int]:
        return _refusals(self.fake.calls, "sendMessage")


def _messages(calls: list[Any], method: str, to: str) -> dict[str, list[tuple[float, str]]]:
    """The messages a fake platform took, per conversation (``to``): when, and the text."""
    found: dict[str, list[tuple[float, str]]] = {}
    for call in list(calls):
        if call.method == method and call.status == 200:
            found.setdefault(str(call.params.get(to)), []).append(
                (call.at, str(call.params.get("text")))
            )
    return found


def _refusals(calls: list[Any], method: str) -> tuple[int, int]:
    """How many calls of ``method`` the platform answered 503, and how many 429."""
    statuses = [call.status for call in list(calls) if call.method == method]
    return statuses.count(503), statuses.count(429)


# One run --------------------------------------------------------------------------------------


class ChaosRun:
    """Two workers, the load, the kill and the restart, for one platform."""

    def __init__(self, chaos: Platform, database_url: str, args: argparse.Namespace) -> None:
        self.platform = chaos
        self.args = args
        self.database_url = database_url
        self.workdir = Path(tempfile.mkdtemp(prefix=f"udbudsbot-chaos-{chaos.name}-"))
        self.workers: list[BotProcess] = []
        self.questions: list[Question] = []
        self.outcome = Outcome(chaos.name, args.rate, args.seconds)
        self.started_at = 0.0
        self.killed_at = 0.0
        self.restarted_at = 0.0
        self.ready_again_at = 0.0
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> Outcome:
        await self.platform.start()
        settings = {
            **self.platform.settings(),
            "UDBUDSBOT_DATABASE_URL": self.database_url,
            "UDBUDSBOT_LOG_LEVEL": "INFO",
        }
        self.workers = [BotProcess(settings, self.workdir, f"worker-{n}") for n in (0, 1)]
        self.outcome.load_average.append(round(os.getloadavg()[0], 2))
        try:
            async with aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=ACK_TIMEOUT),
            ) as session:
                for worker in self.workers:
                    worker.launch()
                for worker in self.workers:
                    await worker.ready(session)
                _log(f"{self.platform.name}: two workers ready")
                await self._load(session)
                await self._drain()
        finally:
            for worker in self.workers:
                worker.stop()
            await self.platform.stop()
        self._score()
        print(f"worker logs: {self.workdir}", file=sys.stderr)
        return self.outcome

    async def _load(self, session: aiohttp.ClientSession) -> None:
        args = self.args
        texts = questions()
        start = self.started_at = time.monotonic()
        chaos = asyncio.create_task(self._kill_and_restart(session, start))
        for number in range(args.rate * args.seconds):
            due = start + number / args.rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            question = Question(
                number=number,
                conversation=self._conversation(number),
                event_id=self._event_id(number),
                text=texts[number % len(texts)],
                worker=number % 2,
            )
            self.questions.append(question)
            self._spawn(self._deliver(session, question, question.worker, attempt=0))
            if number % DUPLICATE_EVERY == DUPLICATE_EVERY - 1:
                self.outcome.duplicate_sends += 1
                self._spawn(self._resend_duplicate(session, question))
        try:
            await chaos
            _log(f"{self.platform.name}: all {len(self.questions)} questions sent")
            deadline = time.monotonic() + DRAIN_LIMIT
            while self._tasks and time.monotonic() < deadline:
                await asyncio.wait(set(self._tasks), timeout=1.0)
        finally:
            for task in set(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        unacknowledged = sum(not q.acknowledged for q in self.questions)
        if unacknowledged:
            self.outcome.notes.append(f"{unacknowledged} questions never acknowledged")

    def _conversation(self, number: int) -> str:
        if self.platform.name == "slack":
            return f"D{number:08d}"
        return str(10_000_000 + number)

    def _event_id(self, number: int) -> str:
        if self.platform.name == "slack":
            return f"Ev{uuid.uuid4().hex[:12].upper()}"
        return str(500_000 + number)

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(
        self, session: aiohttp.ClientSession, question: Question, worker: int, attempt: int
    ) -> None:
        """Send until the worker acknowledges, on the platform's retry schedule."""
        while not question.acknowledged:
            if attempt:
                question.resends += 1
                self.outcome.unacknowledged_resends += 1
            if await self._post(session, question, worker, resend=attempt > 0):
                question.acknowledged_at = time.monotonic()
                return
            await asyncio.sleep(RETRY_AFTER[min(attempt, len(RETRY_AFTER) - 1)])
            attempt += 1

    async def _resend_duplicate(self, session: aiohttp.ClientSession, question: Question) -> None:
        await asyncio.sleep(DUPLICATE_AFTER)
        await self._post(session, question, 1 - question.worker, resend=True)

    async def _post(
        self, session: aiohttp.ClientSession, question: Question, worker: int, resend: bool
    ) -> bool:
        path, body, headers = self.platform.request(question, resend)
        if question.first_sent is None:
            question.first_sent = time.monotonic()
        try:
            async with session.post(
                self.workers[worker].url + path, data=body, headers=headers
            ) as response:
                await response.read()
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def _kill_and_restart(self, session: aiohttp.ClientSession, start: float) -> None:
        victim = self.workers[1]
        await asyncio.sleep(max(0.0, start + self.args.kill_at - time.monotonic()))
        victim.kill()
        self.killed_at = time.monotonic()
        _log(f"{self.platform.name}: worker 1 killed at {self.killed_at - start:.1f} s")
        await asyncio.sleep(max(0.0, start + self.args.restart_at - time.monotonic()))
        victim.launch()
        self.restarted_at = time.monotonic()
        await victim.ready(session)
        self.ready_again_at = time.monotonic()
        _log(f"{self.platform.name}: worker 1 ready again at {self.ready_again_at - start:.1f} s")

    async def _drain(self) -> None:
        """Wait while answers keep coming, until every question has one (bounded)."""
        started = time.monotonic()
        wanted = {q.conversation for q in self.questions}
        answered, progress = 0, time.monotonic()
        while time.monotonic() - started < DRAIN_LIMIT:
            now_answered = len(wanted & set(self.platform.answers()))
            if now_answered == len(wanted):
                break
            if now_answered > answered:
                answered, progress = now_answered, time.monotonic()
            elif time.monotonic() - progress > QUIET_SECONDS:
                self.outcome.notes.append(f"no answer for {QUIET_SECONDS:.0f} s: stopped waiting")
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(5.0)  # late duplicates (a message sent twice) would show up now
        self.outcome.drain_s = round(time.monotonic() - started, 1)
        self.outcome.load_average.append(round(os.getloadavg()[0], 2))

    def _score(self) -> None:
        outcome = self.outcome
        answers = self.platform.answers()
        latencies: list[float] = []
        before_restart: list[float] = []
        taken_over: list[float] = []
        for question in self.questions:
            got = answers.get(question.conversation, [])
            texts = [message for _, message in got]
            if not got:
                outcome.lost += 1
                continue
            repeated = len(texts) - len(set(texts))
            outcome.duplicated += repeated
            if repeated:
                times = ", ".join(f"{at - self.started_at:.3f}" for at, _ in got)
                outcome.notes.append(
                    f"question {question.number} answered at {times} s "
                    f"(worker {question.worker}; kill at {self.killed_at - self.started_at:.3f} s)"
                )
            outcome.answered_once += repeated == 0
            first = min(at for at, _ in got)
            assert question.first_sent is not None
            latencies.append(first - question.first_sent)
            if question.first_sent < self.restarted_at:
                before_restart.append(first)
            if self._in_hand_at_kill(question, first):
                taken_over.append(first - self.killed_at)
        outcome.questions = len(self.questions)
        if latencies:
            latencies.sort()
            outcome.answer_p50_s = round(statistics.median(latencies), 2)
            outcome.answer_p99_s = round(latencies[int(0.99 * (len(latencies) - 1))], 2)
        if before_restart and self.killed_at:
            outcome.recover_s = round(max(before_restart) - self.killed_at, 1)
        outcome.in_hand_at_kill = len(taken_over)
        outcome.taken_over_within_s = round(max(taken_over, default=0.0), 1)
        if self.ready_again_at:
            outcome.ready_again_s = round(self.ready_again_at - self.restarted_at, 1)
        outcome.platform_503, outcome.platform_429 = self.platform.refused()
        outcome.worker_errors = sum(
            line.count(" ERROR ")
            for worker in self.workers
            if worker.log.exists()
            for line in worker.log.read_text(errors="replace").splitlines()
        )

    def _in_hand_at_kill(self, question: Question, answered: float) -> bool:
        """Acknowledged by the worker that was killed, and not answered when it died: another
        worker (or the restarted one) has to take it over."""
        acknowledged = question.acknowledged_at
        return (
            question.worker == 1
            and acknowledged is not None
            and acknowledged < self.killed_at < answered
        )


def questions() -> list[str]:
    if not EVAL_QUESTIONS.exists():
        return list(FALLBACK_QUESTIONS)
    lines = EVAL_QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


# PostgreSQL -----------------------------------------------------------------------------------


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary directory on 127.0.0.1; yields its base URL."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise SystemExit(
            "No PostgreSQL server found in /usr/lib/postgresql (apt-get install postgresql), "
            "or pass --database-url"
        )
    binaries = found[-1]
    workdir = Path(tempfile.mkdtemp(prefix="udbudsbot-chaos-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(workdir, "postgres")
    port = free_port()
    data = workdir / "data"

    def pg(*command: str) -> None:
        subprocess.run(
            [*as_postgres, str(binaries / command[0]), *command[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    pg("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c max_connections=200"
    pg("pg_ctl", "-D", str(data), "-l", str(workdir / "server.log"), "-w", "-o", options, "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


def create_database(base_url: str, name: str) -> str:
    engine = create_engine(f"{base_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return f"{base_url}/{name}"


# Report ---------------------------------------------------------------------------------------


def table(report: dict[str, Any]) -> str:
    rows = [
        "| platform | questions | answered once | duplicated | lost | answer p50 / p99 "
        "| recover | in hand at the kill, answered within | restart to ready "
        "| 503 / 429 from the platform | re-sent (duplicates / unacknowledged) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in report["runs"]:
        rows.append(
            f"| {run['platform']} | {run['questions']} | {run['answered_once']} "
            f"| {run['duplicated']} | {run['lost']} "
            f"| {run['answer_p50_s']} / {run['answer_p99_s']} s | {run['recover_s']} s "
            f"| {run['in_hand_at_kill']}, {run['taken_over_within_s']} s "
            f"| {run['ready_again_s']} s | {run['platform_503']} / {run['platform_429']} "
            f"| {run['duplicate_sends']} / {run['unacknowledged_resends']} |"
        )
    return "\n".join(rows)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def run_all(args: argparse.Namespace, base_url: str | None) -> dict[str, Any]:
    platforms: list[Platform] = []
    if args.platform in ("slack", "both"):
        platforms.append(SlackPlatform())
    if args.platform in ("telegram", "both"):
        platforms.append(TelegramPlatform())
    runs = []
    for chaos in platforms:
        url = (
            create_database(base_url, f"chaos_{chaos.name}") if base_url else str(args.database_url)
        )
        outcome = await ChaosRun(chaos, url, args).run()
        _log(json.dumps(asdict(outcome)))
        runs.append(asdict(outcome))
    return {
        "target": "0 lost, 0 duplicated",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "setup": {
            "workers": 2,
            "database": "PostgreSQL (shared desk)",
            "rate_per_s": args.rate,
            "seconds": args.seconds,
            "kill_at_s": args.kill_at,
            "restart_at_s": args.restart_at,
            "duplicate_every": DUPLICATE_EVERY,
            "platform_503_share": UNAVAILABLE_SHARE,
            "platform_429_share": RATE_LIMITED_SHARE,
            "unacknowledged_resend_after_s": list(RETRY_AFTER),
        },
        "runs": runs,
    }


def main() -> int:
    # A killed worker drops its requests to the fake platform half-way; that is the point.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=("slack", "telegram", "both"), default="both")
    parser.add_argument("--rate", type=int, default=50, help="questions per second")
    parser.add_argument("--seconds", type=int, default=60, help="how long questions come")
    parser.add_argument("--kill-at", type=float, default=20.0, help="seconds into the load")
    parser.add_argument("--restart-at", type=float, default=35.0, help="seconds into the load")
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database instead of a throwaway cluster"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not args.kill_at < args.restart_at < args.seconds:
        parser.error("--kill-at must come before --restart-at, and both within --seconds")
    if args.database_url:
        make_url(args.database_url)  # a clear error for a malformed URL, before any work
        report = asyncio.run(run_all(args, None))
    else:
        with throwaway_postgres() as base_url:
            report = asyncio.run(run_all(args, base_url))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
