"""The learning loop end to end, as a business and the staff live it: a question the bot cannot
answer becomes a ticket, staff answer and publish it, and from then on the bot answers it (and
its paraphrases, one with a synonym and one in the other language) in a new process; two
unrelated questions make two tickets; a withdrawn answer stops in a running worker.

Through the real command line (each ``udbudsbot`` a process of its own), and through the
Telegram and Slack channels against the fake servers on 127.0.0.1, with the answers then asked
of ``udbudsbot run`` in a new process. All on the shipped knowledge; the index comes from the
test cache.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram.ext import ContextTypes

import bot.runtime
from bot.channels.slack import EVENTS_PATH
from bot.channels.slack_blocks import TICKET_BLOCK, escape
from bot.channels.telegram import TelegramChannel
from bot.cli import main
from bot.config import Settings
from index.dense import Embedder
from index.search import SearchIndex
from knowledge.model import KnowledgeBase
from tests.conftest import TEST_CACHE
from tests.desk_support import REPO
from tests.fake_slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    STAFF,
    STAFF_CHANNEL,
    FakeSlackApi,
    SlackHarness,
    block_action,
    build_runtime,
    dm_event,
    event_payload,
    signed_headers,
    view_submission,
)
from tests.fake_telegram import TOKEN as TELEGRAM_TOKEN
from tests.fake_telegram import FakeTelegram, user

pytestmark = pytest.mark.model

FEES = "Tager kommunen gebyr for at modtage papirfakturaer?"
FEES_ANSWER = (
    "Nej, kommunen tager ikke gebyr, men den tager kun imod elektroniske fakturaer, så en "
    "faktura på papir bliver sendt retur."
)
FEES_ALSO = "Do you charge a fee for invoices sent on paper?"
FEES_ASKED_AGAIN = (
    FEES,
    "Tager kommunen et gebyr for at modtage regninger på papir?",  # regning = faktura
    "Do you charge a fee to receive paper invoices?",  # the other language
)
CHAIRS = "Hvem er indkøberen med ansvar for kontorstole i Aarhus Kommune?"


def cli_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A ``udbudsbot`` process on the test index cache and its own desk, nothing else."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("UDBUDSBOT_", "SLACK_", "TELEGRAM_"))
    }
    return {
        **environment,
        "PYTHONPATH": str(REPO),
        "UDBUDSBOT_DATA_DIR": str(TEST_CACHE),
        "UDBUDSBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'desk.db'}",
        **extra,
    }


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The same environment for ``main`` in this process (the staff side)."""
    environment = cli_environment(tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in ("UDBUDSBOT_DATA_DIR", "UDBUDSBOT_DATABASE_URL"):
        monkeypatch.setenv(name, environment[name])
    return environment


class AskProcess:
    """``udbudsbot ask --json -``: a running process answering one question per line."""

    def __init__(self, environment: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "ask", "--json", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment,
            cwd=cwd,
            text=True,
            bufsize=1,
        )

    def ask(self, question: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the ask process ended"
        return json.loads(line)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


def from_learned(reply: dict[str, Any], answer: str) -> bool:
    """An answer with the text staff published, whose one source is the staff, with a date."""
    citations = reply["citations"]
    return (
        reply["action"] == "answer"
        and reply["text"].split("\n", 1)[1].startswith(answer)
        and len(citations) == 1
        and citations[0]["url"] == ""
        and citations[0]["title"].startswith(("Besvaret af Indkøb og Udbud den ", "Answered by"))
        and citations[0]["title"][-4:].isdigit()  # ends with the year
    )


def test_the_command_line_learns_a_published_answer_and_forgets_a_withdrawn_one(
    cli_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    bundled_embedder: Embedder,
) -> None:
    monkeypatch.setattr(bot.runtime, "load_embedder", lambda model: bundled_embedder)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{FEES}\n{CHAIRS}\n"))
    assert main(["ask", "--json", "-"]) == 0
    fees, chairs = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (fees["action"], chairs["action"]) == ("escalate", "escalate")
    assert "#1" in fees["text"] and "#2" in chairs["text"]  # two questions, two tickets

    answer = f"/faq {FEES_ANSWER}\nalso: {FEES_ALSO}"
    assert main(["escalations", "answer", "1", answer]) == 0
    assert "learned-1" in capsys.readouterr().out

    later = AskProcess(cli_env, tmp_path)
    replies = [later.ask(question) for question in FEES_ASKED_AGAIN]
    assert main(["faq", "withdraw", "1"]) == 0
    after_withdrawal = later.ask(FEES)
    later.close()

    assert [from_learned(reply, FEES_ANSWER) for reply in replies] == [True, True, True]
    assert replies[0]["language"] == "da" and replies[2]["language"] == "en"
    assert "Danish" in replies[2]["text"]  # the answer is in Danish, and the reply says so
    assert replies[2]["citations"][0]["title"].startswith("Answered by Indkøb og Udbud on ")
    assert after_withdrawal["action"] == "escalate"
    assert FEES_ANSWER not in after_withdrawal["text"]


# Through Telegram and Slack ---------------------------------------------------------------------

PRINTED = "Can we get the tender documents sent to us by post?"
PRINTED_ANSWER = (
    "No. Tender documents are only available electronically, from the tender's page in the "
    "e-tendering system."
)
PRINTED_ALSO = "Kan vi få udbudsmaterialet tilsendt med posten?"
PRINTED_ASKED_AGAIN = (
    PRINTED,
    "Can we receive the procurement documents by post?",  # procurement = tender documents
    "Kan I sende udbudsmaterialet til os med post?",  # the other language
)
ALICE_ID, BOB_ID = 4242, 4343
ALICE, BOB = user(ALICE_ID, "Alice", "da"), user(BOB_ID, "Bob", "da")
KAREN = user(500, "Karen", "da")
STAFF_CHAT = -1001


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    fake.members[KAREN["id"]] = "member"
    yield fake
    await fake.stop()


def channel_values(telegram_api: FakeTelegram, slack_api: FakeSlackApi) -> dict[str, str]:
    """Both platforms with their staff destinations, on the fake servers."""
    return {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE_URL": telegram_api.base_url,
        "TELEGRAM_STAFF_CHAT_ID": str(STAFF_CHAT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_BASE_URL": slack_api.base_url,
        "SLACK_STAFF_CHANNEL": STAFF_CHANNEL,
    }


async def until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def slack_replies(api: FakeSlackApi, channel: str) -> list[str]:
    return [
        f"{call['text']}\n{call['blocks']}"
        for call in api.of("chat.postMessage")
        if call["channel"] == channel
    ]


async def teach_through_the_channels(
    settings: Settings,
    knowledge: KnowledgeBase,
    index: SearchIndex,
    telegram_api: FakeTelegram,
    slack_api: FakeSlackApi,
) -> list[BaseException]:
    """Phase one, in this process: askers on Telegram and Slack, staff answering on both."""
    runtime = build_runtime(settings, knowledge, index)
    telegram = TelegramChannel(runtime)
    errors: list[BaseException] = []

    async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error or RuntimeError("unknown"))

    telegram.application.add_error_handler(record)

    try:
        async with SlackHarness(runtime, slack_api, [telegram]) as slack:  # type: ignore[list-item]
            inbox = slack.server.inbox

            async def say(text: str, sender: dict[str, Any], chat_id: int, **extra: Any) -> None:
                """A Telegram message through the inbox, answered before this returns."""
                message = telegram_api.message(text, sender=sender, chat_id=chat_id, **extra)
                update = telegram_api.new_update(message=message)
                event = await inbox.receive(
                    "telegram", str(update["update_id"]), update, str(sender["id"])
                )
                assert event is not None
                await inbox.process(event)

            await telegram.start(inbox)
            await say(FEES, ALICE, ALICE_ID)
            await say(CHAIRS, ALICE, ALICE_ID)
            [fees_post, chairs_post] = telegram_api.sent_to(STAFF_CHAT)
            assert "#1" in fees_post["text"] and "#2" in chairs_post["text"]
            assert "også åbne sager: #1" in chairs_post["text"]  # staff see the other ticket
            await say(
                f"/faq {FEES_ANSWER}\nogså: {FEES_ALSO}",
                KAREN,
                STAFF_CHAT,
                reply_to=telegram_api.sent_message(STAFF_CHAT, 0),
            )

            await slack.send_event(dm_event(PRINTED, user="U0ASKER01", channel="D0ASKER01"))
            await until(lambda: len(slack_staff_tickets(slack_api)) == 3, "the Slack ticket")
            post = slack_staff_tickets(slack_api)[-1]
            publish = next(b for b in post["blocks"] if b.get("block_id") == TICKET_BLOCK)
            await slack.send_interaction(
                block_action(STAFF[0], STAFF_CHANNEL, post, publish["elements"][0], TICKET_BLOCK)
            )
            [opened] = await slack_api.wait_for("views.open")
            submission = view_submission(
                STAFF[0], opened["view"], PRINTED_ANSWER, also=PRINTED_ALSO
            )
            await slack.send_interaction(submission)
            assert runtime.desk is not None
            published = [e.number for e in await runtime.desk.learned_entries()]
            assert published == [1, 2]
            await telegram.stop()
    finally:
        runtime.close()
    return errors


def slack_staff_tickets(api: FakeSlackApi) -> list[dict[str, Any]]:
    return [
        call
        for call in api.of("chat.postMessage")
        if call["channel"] == STAFF_CHANNEL and "thread_ts" not in call
    ]


async def test_staff_teach_the_bot_in_telegram_and_slack_and_a_new_worker_answers_and_forgets(
    *,
    cli_env: dict[str, str],
    tmp_path: Path,
    telegram_api: FakeTelegram,
    api: FakeSlackApi,
    shipped_knowledge: KnowledgeBase,
    shipped_index: SearchIndex,
    capsys: pytest.CaptureFixture[str],
) -> None:
    platforms = channel_values(telegram_api, api)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "data",
        database_url=cli_env["UDBUDSBOT_DATABASE_URL"],
        **{name.lower(): value for name, value in platforms.items()},
    )
    errors = await teach_through_the_channels(
        settings, shipped_knowledge, shipped_index, telegram_api, api
    )
    assert errors == []

    port = free_port()
    log = tmp_path / "worker.log"
    environment = cli_environment(
        tmp_path,
        **platforms,
        UDBUDSBOT_HTTP_PORT=str(port),
        UDBUDSBOT_LEARNED_POLL_SECONDS="0.3",
    )
    with log.open("w") as stderr:
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=environment, cwd=tmp_path, stderr=stderr
        )
    try:
        async with aiohttp.ClientSession() as http:
            await until_ready(http, port, worker)

            async def ask_telegram(question: str) -> str:
                count = len(telegram_api.sent_to(BOB_ID)) + 1
                message = telegram_api.message(question, sender=BOB, chat_id=BOB_ID)
                await telegram_api.push(telegram_api.new_update(message=message))
                await telegram_api.wait_for("sendMessage", count, timeout=30, chat_id=BOB_ID)
                return telegram_api.sent_to(BOB_ID)[-1]["text"]

            async def ask_slack(question: str) -> str:
                count = len(slack_replies(api, "D0ASKER09")) + 1
                body = json.dumps(event_payload(dm_event(question, "U0ASKER09", "D0ASKER09")))
                headers = {**signed_headers(body), "Content-Type": "application/json"}
                url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
                async with http.post(url, data=body, headers=headers) as response:
                    assert response.status == 200
                await until(lambda: len(slack_replies(api, "D0ASKER09")) >= count, "a reply")
                return slack_replies(api, "D0ASKER09")[-1]

            on_telegram = [await ask_telegram(q) for q in FEES_ASKED_AGAIN]
            on_slack = [await ask_slack(q) for q in PRINTED_ASKED_AGAIN]

            assert await asyncio.to_thread(main, ["faq", "withdraw", "1"]) == 0
            await until(lambda: "1 withdrawn" in log.read_text(), "the worker's poll", 15)
            after_withdrawal = await ask_telegram(FEES)
    finally:
        worker.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(worker.wait(), 30) == 0

    danish = "Besvaret af Indkøb og Udbud den "
    english = "Answered by Indkøb og Udbud on "
    assert all(FEES_ANSWER in reply for reply in on_telegram)
    assert [danish in reply for reply in on_telegram] == [True, True, False]
    assert english in on_telegram[2] and "only available in Danish" in on_telegram[2]
    assert all(escape(PRINTED_ANSWER) in reply for reply in on_slack)
    assert [english in reply for reply in on_slack] == [True, True, False]
    assert danish in on_slack[2] and "findes kun på engelsk" in on_slack[2]
    assert FEES_ANSWER not in after_withdrawal and "sag #" in after_withdrawal
    assert "Traceback" not in log.read_text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until_ready(
    http: aiohttp.ClientSession, port: int, worker: asyncio.subprocess.Process
) -> None:
    """Wait for ``GET /healthz`` to answer 200 (the bot has started its channels)."""
    deadline = asyncio.get_running_loop().time() + 120
    while asyncio.get_running_loop().time() < deadline:
        assert worker.returncode is None, "the worker ended before it was ready"
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("the worker was not ready within two minutes")
