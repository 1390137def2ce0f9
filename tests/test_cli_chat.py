"""The terminal chat and the ``ask``/``eval`` commands, as a newcomer would use them."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.channels.console import ConsoleChat
from bot.cli import main
from bot.config import Settings
from bot.conversation import Asker
from bot.escalation import EscalationDesk, StaffMember
from bot.runtime import Runtime
from tests.conftest import TEST_CACHE

pytestmark = pytest.mark.model


class Script:
    """Feeds lines to the chat as if typed, then ends input like Ctrl-D."""

    def __init__(self, lines: list[str]) -> None:
        self._lines: Iterator[str] = iter(lines)
        self.output: list[str] = []

    def read(self, prompt: str) -> str:
        try:
            return next(self._lines)
        except StopIteration:
            raise EOFError from None

    def write(self, text: str) -> None:
        self.output.append(text)

    @property
    def transcript(self) -> str:
        return "\n".join(self.output)


async def test_chat_answers_with_sources_and_escalates_into_the_desk(
    make_runtime: Callable[..., Runtime],
):
    runtime = make_runtime()
    script = Script(
        ["hvordan sender jeg en faktura?", "Må jeg tage min hund med til et udbudsmøde?"]
    )
    await ConsoleChat(runtime, read=script.read, write=script.write).run()
    assert "EAN" in script.transcript
    assert "Kilder:" in script.transcript
    tickets = await runtime.desk.tickets()
    assert len(tickets) == 1
    assert f"#{tickets[0].id}" in script.transcript


async def test_staff_answer_from_the_cli_reaches_the_chat_and_teaches_the_bot(
    make_runtime: Callable[..., Runtime], settings: Settings, capsys: pytest.CaptureFixture[str]
):
    runtime = make_runtime()
    question = "Må jeg tage min hund med til et udbudsmøde?"
    first = Script([question])
    await ConsoleChat(runtime, read=first.read, write=first.write).run()
    [ticket] = await runtime.desk.tickets()

    answer = ["escalations", "answer", str(ticket.id), "Nej, kun førerhunde.", "--publish"]
    code = await asyncio.to_thread(main, answer)
    assert code == 0
    capsys.readouterr()

    second = Script([question])
    await ConsoleChat(runtime, read=second.read, write=second.write).run()
    assert "📬" in second.transcript
    assert second.transcript.count("Nej, kun førerhunde.") == 2  # delivered, then answered


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings) -> Path:
    """The CLI on the shared test index cache, with its own database."""
    monkeypatch.setenv("UDBUDSBOT_DATA_DIR", str(TEST_CACHE))
    monkeypatch.setenv("UDBUDSBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'desk.db'}")
    return tmp_path


def test_ask_json_reads_one_question_per_line(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr("sys.stdin", io.StringIO("hvornår blev SKI stiftet?\n\nTell me a joke\n"))
    assert main(["ask", "--json", "--dry-run", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["question"] for line in lines] == ["hvornår blev SKI stiftet?", "Tell me a joke"]
    assert lines[0]["action"] == "answer" and "1994" in lines[0]["text"]
    assert lines[0]["citations"][0]["url"].startswith("https://")
    assert lines[1]["action"] == "out_of_scope"
    assert set(lines[0]) == {
        "question",
        "action",
        "language",
        "text",
        "confidence",
        "citations",
        "choices",
    }


def test_eval_prints_a_table_by_language_and_action(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
):
    questions = cli_env / "q.jsonl"
    lines = [
        {
            "id": "1",
            "lang": "da",
            "question": "Hvornår blev SKI stiftet?",
            "expect": "answer",
            "must_contain": ["1994"],
        },
        {
            "id": "2",
            "lang": "en",
            "question": "Tell me a joke",
            "expect": "not_answer",
            "must_contain": [],
        },
        {
            "id": "3",
            "lang": "en",
            "question": "When was SKI founded?",
            "expect": "answer",
            "must_contain": ["2001"],
        },
    ]
    questions.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert main(["eval", str(questions)]) == 0
    out = capsys.readouterr().out
    assert "1/1 (100%)" in out  # the Danish answer line
    assert "2/3 (67%)" in out  # overall: the English 2001 line is wrong
    assert "wrong answers: 1 of 2 answers (50%)" in out  # 1994 given where 2001 was expected


def test_eval_reports_each_of_several_files(cli_env: Path, capsys: pytest.CaptureFixture[str]):
    files = []
    for name, question in (("a", "Hvornår blev SKI stiftet?"), ("b", "Tell me a joke")):
        path = cli_env / f"{name}.jsonl"
        expect = "answer" if name == "a" else "not_answer"
        line = {"id": name, "lang": "da", "question": question, "expect": expect}
        path.write_text(json.dumps({**line, "must_contain": ["1994"] if name == "a" else []}))
        files.append(str(path))
    assert main(["eval", *files]) == 0
    out = capsys.readouterr().out
    assert files[0] in out and files[1] in out
    assert out.count("wrong answers: 0 of") == 2


def test_eval_rejects_a_missing_file(cli_env: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["eval", str(cli_env / "nope.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_eval_and_a_dry_run_use_published_answers_and_open_no_tickets(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    question = "Må man medbringe sin hund til et informationsmøde om udbud?"
    desk = EscalationDesk.open(Settings(_env_file=None))  # the CLI's desk (cli_env)
    ticket = asyncio.run(desk.open_ticket(question, "da", Asker("telegram", "1", "1")))
    answer = "Kun førerhunde; skriv til arrangøren først."
    asyncio.run(desk.answer(ticket.id, StaffMember.operator(), answer, publish=True))

    item = {"id": "h", "lang": "da", "question": question, "expect": "answer"}
    questions = cli_env / "q.jsonl"
    questions.write_text(json.dumps({**item, "must_contain": ["førerhunde"]}), encoding="utf-8")
    assert main(["eval", str(questions)]) == 0
    graded = capsys.readouterr().out
    unknown_question = "Tager I gebyr for papirfakturaer?"
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{question}\n{unknown_question}\n"))
    assert main(["ask", "--json", "--dry-run", "-"]) == 0
    learned, unknown = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    tickets = asyncio.run(desk.tickets())
    desk.dispose()

    assert "1/1 (100%)" in graded
    assert learned["action"] == "answer" and learned["text"].split("\n", 1)[1].startswith(answer)
    assert learned["citations"][0]["title"].startswith("Besvaret af Indkøb og Udbud den ")
    assert unknown["action"] == "escalate" and "#" not in unknown["text"]
    assert [t.id for t in tickets] == [ticket.id]  # neither eval nor the dry run opened one
