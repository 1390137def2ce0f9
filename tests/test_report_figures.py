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


async def test_knowledge_to_review_lists_what_is_out_of_date_on_the_reports_day(
    tmp_path: Path,
) -> None:
    pack = tmp_path / "pack"
    (pack / "faq").mkdir(parents=True)
    (pack / "faq" / "facts.yaml").write_text(
        """\
- id: project-contact
  source_url: https://erhvervaarhus.dk/p
  valid_from: 2021-05-06
  valid_until: 2025-06-30
  da: {question: Hvem er kontakt?, answer: I 2021 var det Sara Villemoes.}
- id: ean-page
  source_url: https://aarhus.dk/ean
  as_of: 2024-01-15
  review_note: Svaret dater listen.
  da: {question: Hvor er EAN-numrene?, answer: På EAN-siden (januar 2024).}
- id: ean-reference
  source_url: https://aarhus.dk/ean
  as_of: 2024-01-15
  review_note: Svaret dater listen.
  da: {question: Hvad er en personreference?, answer: Den skal stå på fakturaen.}
- id: fresh
  source_url: https://aarhus.dk/f
  as_of: 2025-10-01
  da: {question: Nyt?, answer: Ja.}
""",
        encoding="utf-8",
    )
    settings = settings_in(tmp_path / "data").model_copy(update={"knowledge_dir": pack})
    await seed(settings)
    out = tmp_path / "report"

    build_report(settings, out, now=lambda: NOW)

    assert [(r["record"], r["reason"], r["pack_note"]) for r in rows(out, "review")] == [
        (
            "project-contact",
            "its period ended on 2025-06-30: update it, or mark it historical if it tells of "
            "the past",
            "",
        ),
    ]
    later = build_report(settings, out, now=lambda: NOW.replace(year=2026))
    assert [r["record"] for r in rows(out, "review")] == [
        "project-contact",
        "ean-page",
        "ean-reference",
    ]
    page = later.html.read_text(encoding="utf-8")
    assert "<h2>Knowledge to review</h2>" in page
    assert (
        "<td>as_of 2024-01-15 is more than 2 years old</td><td>2</td>"
        "<td>faq/facts.yaml:6 ean-page; faq/facts.yaml:11 ean-reference</td>"
        "<td>Svaret dater listen.</td>"
    ) in page
