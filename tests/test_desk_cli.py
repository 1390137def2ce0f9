"""``udbudsbot escalations`` and ``udbudsbot faq`` as an operator uses them."""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.escalation import Candidate, EscalationDesk, OutboxWorker, StaffMember, TicketStatus
from bot.escalation.workdays import COPENHAGEN
from bot.texts import long_date
from tests.desk_support import (
    RecordingDeliverer,
    asker,
    settings_for,
)


@pytest.fixture(name="desk_env")
def fixture_desk_env(
    desk_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> EscalationDesk:
    """A desk with two tickets, and the environment pointing the CLI at it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UDBUDSBOT_DATABASE_URL", desk_url)
    monkeypatch.setenv("UDBUDSBOT_DATA_DIR", str(tmp_path))
    desk = EscalationDesk.open(settings_for(desk_url, tmp_path))
    candidates = [Candidate("Tærskelværdier", "policy#thresholds", 0.38)]
    asyncio.run(
        desk.open_ticket("Hvad er grænsen for bygge? Mail: a@b.dk", "da", asker("1"), candidates)
    )
    asyncio.run(desk.open_ticket("Who decides the award?", "en", asker("2")))
    return desk


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_list_json(desk_env: EscalationDesk, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "escalations", "list")
    assert code == 0
    assert out.index("#2") < out.index("#1")
    assert "Who decides the award?" in out and "open" in out

    code, out, _ = run(capsys, "escalations", "list", "--json")
    tickets = json.loads(out)
    assert code == 0
    assert [(t["id"], t["status"]) for t in tickets] == [(2, "open"), (1, "open")]
    assert tickets[1]["question"].startswith("Hvad er grænsen for bygge?")
    assert tickets[1]["created_at"].endswith("+00:00")
    assert tickets[1]["candidates"][0]["record_id"] == "policy#thresholds"
    assert all(t["asker"].startswith("asker-") for t in tickets)

    asyncio.run(desk_env.close(1, StaffMember.operator()))
    code, out, _ = run(capsys, "escalations", "list", "--status", "closed", "--json")
    assert [t["id"] for t in json.loads(out)] == [1]
    code, out, _ = run(capsys, "escalations", "list", "--status", "delivered")
    assert (code, out.strip()) == (0, "No tickets with status delivered.")


def test_show_answer_close(desk_env: EscalationDesk, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "escalations", "show", "1")
    assert code == 0
    assert "Hvad er grænsen for bygge?" in out
    assert "0.38  Tærskelværdier  [policy#thresholds]" in out
    assert "telegram" in out and "asker-" in out

    code, out, _ = run(capsys, "escalations", "answer", "1", "Grænsen er 3,2 mio. kr.", "--publish")
    assert code == 0
    assert "Ticket #1 answered" in out and "learned-1" in out
    telegram = RecordingDeliverer()
    asyncio.run(OutboxWorker(desk_env, {"telegram": telegram}).process_once())
    assert telegram.sent[0][1].endswith("Grænsen er 3,2 mio. kr.")

    code, out, _ = run(capsys, "escalations", "show", "1")
    assert "Answer by" in out and "Grænsen er 3,2 mio. kr." in out and "Delivered:" in out

    code, out, _ = run(capsys, "escalations", "close", "1")
    assert (code, out.strip()) == (0, "Ticket #1 closed.")
    assert asyncio.run(desk_env.ticket(1)).status is TicketStatus.CLOSED


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("escalations", "show", "99"), "Ticket 99 does not exist."),
        (("escalations", "answer", "99", "Svar"), "Ticket 99 does not exist."),
        (("escalations", "close", "99"), "Ticket 99 does not exist."),
        (("escalations", "answer", "1", "   "), "The answer is empty"),
        (("escalations", "answer", "1", "/faq"), "The answer is empty"),
    ],
)
def test_bad_input_exits_1_with_a_message(
    desk_env: EscalationDesk,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert out == ""
    assert err.startswith("error: ") and message in err


def test_already_closed(desk_env: EscalationDesk, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "escalations", "close", "2")[0] == 0
    for argv in (("escalations", "close", "2"), ("escalations", "answer", "2", "Svar")):
        code, _, err = run(capsys, *argv)
        assert (code, err.strip()) == (1, "error: Ticket 2 is already closed.")


def test_audit_export_has_no_personal_data(
    desk_env: EscalationDesk, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "escalations", "answer", "1", "Svaret")
    out_file = tmp_path / "audit" / "trail.csv"
    code, out, _ = run(capsys, "escalations", "audit", "--out", str(out_file))
    assert code == 0 and "audit events" in out
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert [(r["event"], r["ticket"]) for r in rows] == [
        ("opened", "1"),
        ("opened", "2"),
        ("answered", "1"),
    ]
    answered = rows[2]
    assert answered["answered_by"] and answered["actor"] == answered["answered_by"]
    assert answered["sources"] == "policy#thresholds (0.38)"
    assert answered["confidence"] == "0.38"
    assert answered["question"].startswith("Hvad er grænsen for bygge?")
    content = out_file.read_text(encoding="utf-8")
    for personal in ("a@b.dk", "chat-1", "chat-2"):
        assert personal not in content


def test_faq_export(
    desk_env: EscalationDesk, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "faq", "export")
    assert (code, yaml.safe_load(out)) == (0, [])
    run(capsys, "escalations", "answer", "2", "/faq The municipality's evaluation committee.")
    target = tmp_path / "export" / "learned.yaml"
    code, _, err = run(
        capsys, "faq", "export", "--out", str(target), "--source-url", "https://x.dk/svar"
    )
    assert code == 0 and "Wrote 1 learned FAQ entries" in err
    [entry] = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert entry["id"] == "learned-1"
    assert entry["source_url"] == "https://x.dk/svar"
    assert entry["en"] == {
        "question": "Who decides the award?",
        "answer": "The municipality's evaluation committee.",
    }


def test_unreachable_database_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UDBUDSBOT_DATABASE_URL", "postgresql+psycopg://bot:pw@127.0.0.1:1/desk")
    monkeypatch.setattr("bot.escalation.store.time.sleep", lambda _seconds: None)
    code, out, err = run(capsys, "escalations", "list")
    assert (code, out) == (1, "")
    assert "error: The escalation database" in err and "unavailable" in err
    assert "after 5 attempts" in err and ":pw@" not in err


def test_publishing_a_ticket_with_several_questions_asks_which(
    desk_env: EscalationDesk, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(
        desk_env.open_ticket(
            "Og gælder det også for bygge og anlæg?", "da", asker("1"), follow_up_of=1
        )
    )
    code, out, _ = run(capsys, "escalations", "show", "1")
    assert "Question 1:" in out and "Question 2:" in out
    assert "--publish --question 1" in out

    code, out, err = run(capsys, "escalations", "answer", "1", "Ja, 3,2 mio. kr.", "--publish")
    assert (code, out) == (1, "")
    assert "holds 2 questions" in err and "gælder det også" in err
    code, _, err = run(capsys, "escalations", "answer", "1", "Svar", "--also", "x")
    assert code == 2 and "--publish" in err

    code, out, _ = run(
        capsys,
        "escalations",
        "answer",
        "1",
        "/faq Ja, også for bygge og anlæg.",
        "--question",
        "2",
        "--also",
        "does the limit apply to construction works too?",
    )
    assert code == 0 and "learned-1" in out
    [entry] = asyncio.run(desk_env.learned_entries())
    assert entry.texts["da"].question == "Og gælder det også for bygge og anlæg?"
    assert entry.texts["en"].question == "does the limit apply to construction works too?"


def test_faq_list_show_edit_withdraw(
    desk_env: EscalationDesk, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "faq", "list") == (
        0,
        "No learned FAQ entries (besides withdrawn ones).\n",
        "",
    )
    run(capsys, "escalations", "answer", "2", "/faq The evaluation committee.")

    code, out, _ = run(capsys, "faq", "list")
    assert code == 0 and out.startswith("learned-1") and "Who decides the award?" in out
    code, out, _ = run(capsys, "faq", "edit", "learned-1", "--answer", "A committee of staff.")
    assert code == 0 and "learned-1 corrected" in out and "A committee of staff." in out
    code, out, _ = run(capsys, "faq", "show", "1")
    assert "Corrected:" in out and "A committee of staff." in out
    assert run(capsys, "faq", "edit", "1")[0] == 2  # nothing to change

    code, out, _ = run(capsys, "faq", "withdraw", "1")
    assert code == 0 and "learned-1 withdrawn" in out
    code, _, err = run(capsys, "faq", "withdraw", "1")
    assert (code, err.strip()) == (1, "error: Learned FAQ entry 1 is withdrawn.")
    assert run(capsys, "faq", "list")[1].startswith("No learned FAQ entries")
    code, out, _ = run(capsys, "faq", "list", "--all", "--json")
    [listed] = json.loads(out)
    assert listed["id"] == "learned-1" and listed["withdrawn_at"] is not None
    code, _, err = run(capsys, "faq", "show", "7")
    assert (code, err.strip()) == (1, "error: Learned FAQ entry 7 does not exist.")
    events = [row["event"] for row in asyncio.run(desk_env.audit_rows())]
    assert events[-2:] == ["faq_edited", "faq_withdrawn"]


def test_faq_export_html_has_answers_and_dates_but_no_asker_data(
    desk_env: EscalationDesk, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "escalations", "answer", "1", "/faq Grænsen er 3,2 mio. kr. <b>ekskl.</b> moms.")
    run(capsys, "escalations", "answer", "2", "/faq The evaluation committee.")
    asyncio.run(desk_env.withdraw_learned(2, StaffMember.operator()))
    page_file = tmp_path / "site" / "svar.html"

    code, _, err = run(capsys, "faq", "export", "--html", "--out", str(page_file))
    page = page_file.read_text(encoding="utf-8")
    assert code == 0 and "Wrote 1 learned FAQ entries" in err
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "Hvad er grænsen for bygge? Mail: […]" in page
    assert "3,2 mio. kr. &lt;b&gt;ekskl.&lt;/b&gt; moms." in page
    today = long_date(datetime.now(UTC).astimezone(COPENHAGEN).date(), "da")
    assert f"Besvaret af Indkøb og Udbud den {today}" in page
    assert "evaluation committee" not in page  # withdrawn
    for personal in ("a@b.dk", "asker-", "chat-1", "telegram", "Karen", "ticket"):
        assert personal not in page
