"""The insights report on a seeded database: every figure against values computed by hand."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from bot.reporting.report import CSV_NAMES, build_report
from tests.report_support import (
    EXPECTED_FEEDBACK,
    EXPECTED_OUTCOMES,
    EXPECTED_TOPICS,
    EXPECTED_WEEKLY,
    NOW,
    cph,
    seed,
    settings_in,
)


def rows(out: Path, key: str) -> list[dict[str, str]]:
    with (out / CSV_NAMES[key]).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
async def report(tmp_path: Path) -> Path:
    settings = settings_in(tmp_path / "data")
    await seed(settings)
    out = tmp_path / "report"
    build_report(settings, out, now=lambda: NOW)
    return out


async def test_questions_per_week_by_channel_and_language(report: Path) -> None:
    weekly = [
        (r["week"], r["channel"], r["language"], int(r["questions"]))
        for r in rows(report, "weekly")
    ]
    assert weekly == EXPECTED_WEEKLY


async def test_outcome_shares_leave_out_small_talk(report: Path) -> None:
    outcomes = {
        r["outcome"]: (int(r["questions"]), float(r["share"])) for r in rows(report, "outcomes")
    }
    assert {k: n for k, (n, _) in outcomes.items()} == EXPECTED_OUTCOMES
    assert outcomes["answered"][1] == pytest.approx(6 / 11, abs=5e-4)
    assert outcomes["escalated"][1] == pytest.approx(2 / 11, abs=5e-4)


async def test_escalation_response_times_against_the_one_working_day_target(report: Path) -> None:
    metrics = {r["metric"]: r["value"] for r in rows(report, "response")}
    assert metrics["tickets"] == "5"
    assert metrics["answered"] == "3"
    # Hours 6, 72, 48: median 48; 90th percentile 48 + 0.8 × (72 − 48) = 67.2.
    assert float(metrics["median_hours"]) == pytest.approx(48.0)
    assert float(metrics["p90_hours"]) == pytest.approx(67.2)
    # Working days 0.25, 1.0, 2.0 (Friday 14:00 to Monday 14:00 is one working day).
    assert float(metrics["median_working_days"]) == pytest.approx(1.0)
    assert float(metrics["p90_working_days"]) == pytest.approx(1.8)
    assert float(metrics["target_working_days"]) == 1.0
    # On time: the first two. Late: the two-day answer and the week-old open ticket.
    assert (metrics["answered_on_time"], metrics["late"]) == ("2", "2")
    assert float(metrics["on_time_share"]) == pytest.approx(0.5)


async def test_feedback_by_topic_and_most_asked_topics(report: Path) -> None:
    feedback = [
        (r["topic"], int(r["helpful"]), int(r["not_helpful"])) for r in rows(report, "feedback")
    ]
    assert feedback == EXPECTED_FEEDBACK
    topics = [(r["topic"], int(r["questions"])) for r in rows(report, "topics")]
    assert topics == EXPECTED_TOPICS


async def test_unanswered_questions_are_grouped_and_carry_no_contact_details(report: Path) -> None:
    groups = rows(report, "groups")
    assert [(int(g["questions"]), g["replies"]) for g in groups] == [
        (2, "escalated 2"),
        (1, "out of scope 1"),
        (1, "clarified 1"),
    ]
    assert "parker" in groups[0]["wordings"] and "parkering" in groups[0]["wordings"]
    everything = "".join(path.read_text(encoding="utf-8") for path in report.iterdir())
    words = re.sub(r"data:image/png;base64,[^\"]*", "", everything)
    assert "[…]" in words
    for personal in ("ole@firma.dk", "20 30 40 50", "slack-user", "Karen"):
        assert personal not in everything


async def test_since_limits_the_period(tmp_path: Path) -> None:
    settings = settings_in(tmp_path / "data")
    await seed(settings)
    written = build_report(settings, tmp_path / "report", since=cph(10, 0), now=lambda: NOW)
    assert written.figures.total_questions == 5
    assert written.figures.response.tickets == 3
