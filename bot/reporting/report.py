"""Write the insights report: one self-contained HTML page and the same figures as CSV files.

The page embeds its charts as base64 PNG images and needs nothing else (no
scripts, no fonts, no network), so it can be mailed or archived as one file.
Nothing in it identifies a user: counts, topics, times, and the wording of
unanswered questions with contact details redacted.
"""

from __future__ import annotations

import base64
import csv
import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.escalation.store import DeskStore
from bot.escalation.workdays import COPENHAGEN
from bot.reporting import charts, grouping
from bot.reporting.data import ReportData, load
from bot.reporting.figures import Figures, compute, unanswered
from knowledge.pack import load_knowledge
from knowledge.review import ReviewItem, grouped, review

HTML_NAME = "report.html"
CSV_NAMES = {
    "weekly": "questions_per_week.csv",
    "outcomes": "outcomes.csv",
    "response": "escalation_response.csv",
    "feedback": "feedback_by_topic.csv",
    "topics": "top_topics.csv",
    "groups": "unanswered_groups.csv",
    "review": "knowledge_to_review.csv",
}
REVIEW_PLACES_SHOWN = 6


@dataclass(frozen=True, slots=True)
class Written:
    html: Path
    csv: tuple[Path, ...]
    figures: Figures


def build_report(
    settings: Settings,
    out: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    embed: grouping.Embed | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Written:
    """Read the desk's database named by ``settings`` and write the report into ``out``."""
    moment = now()
    store = DeskStore(settings.resolved_database_url)
    try:
        store.migrate()
        data = load(store, since, until or moment)
    finally:
        store.dispose()
    texts = [row.question or "" for row in unanswered(data.interactions)]
    texts = texts[-grouping.MAX_QUESTIONS :]
    offset = len(unanswered(data.interactions)) - len(texts)
    groups = [
        [offset + i for i in members]
        for members in grouping.group(texts, embed, english_only=not settings.embedding_model)
    ]
    figures = compute(data, settings.escalation_remind_after, groups, moment)
    today = moment.astimezone(COPENHAGEN).date()
    to_review = review(load_knowledge(settings.knowledge_dir), today, settings.stale_after_months)
    return write(figures, data, out, moment, to_review)


def write(
    figures: Figures,
    data: ReportData,
    out: Path,
    generated: datetime,
    to_review: Sequence[ReviewItem] = (),
) -> Written:
    out.mkdir(parents=True, exist_ok=True)
    tables = _tables(figures, to_review)
    paths = []
    for key, (header, rows) in tables.items():
        path = out / CSV_NAMES[key]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        paths.append(path)
    page = out / HTML_NAME
    page.write_text(_html(figures, data, tables, generated, to_review), encoding="utf-8")
    return Written(page, tuple(paths), figures)


Table = tuple[Sequence[str], list[list[object]]]


def _tables(f: Figures, to_review: Sequence[ReviewItem]) -> dict[str, Table]:
    r = f.response
    return {
        "weekly": (
            ("week", "channel", "language", "questions"),
            [[w.week.isoformat(), w.platform, w.language, w.count] for w in f.weekly],
        ),
        "outcomes": (
            ("outcome", "questions", "share"),
            [[o.label, o.count, f"{o.share:.3f}"] for o in f.outcomes],
        ),
        "response": (
            ("metric", "value"),
            [
                ["tickets", r.tickets],
                ["answered", r.answered],
                ["median_hours", _num(r.median_hours)],
                ["p90_hours", _num(r.p90_hours)],
                ["median_working_days", _num(r.median_working_days)],
                ["p90_working_days", _num(r.p90_working_days)],
                ["target_working_days", _num(r.target_working_days)],
                ["answered_on_time", r.answered_on_time],
                ["late", r.late],
                ["on_time_share", _num(r.on_time_share)],
            ],
        ),
        "feedback": (
            ("topic", "helpful", "not_helpful", "helpful_share"),
            [[t.topic, t.helpful, t.unhelpful, f"{t.helpful_share:.3f}"] for t in f.feedback],
        ),
        "topics": (("topic", "questions"), [[topic, n] for topic, n in f.topics]),
        "groups": (
            ("group", "questions", "example", "replies", "wordings"),
            [
                [n, g.count, g.example, _replies(g.actions), " | ".join(g.questions)]
                for n, g in enumerate(f.groups, start=1)
            ],
        ),
        "review": (
            ("where", "record", "reason", "pack_note"),
            [[item.where, item.record_id, item.reason, item.note] for item in to_review],
        ),
    }


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _replies(actions: dict[str, int]) -> str:
    return "; ".join(f"{label} {count}" for label, count in sorted(actions.items()))


def _image(png: bytes, alt: str) -> str:
    encoded = base64.b64encode(png).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(title: str, key: str, body: str) -> str:
    link = f'<p class="csv">Data: <a href="{CSV_NAMES[key]}">{CSV_NAMES[key]}</a></p>'
    return f"<section><h2>{html.escape(title)}</h2>{body}{link}</section>"


def _review_table(to_review: Sequence[ReviewItem]) -> str:
    """The warnings about the knowledge, one row per reason and pack note with its records."""
    rows = []
    for group in grouped(list(to_review)):
        places = [f"{item.where} {item.record_id}" for item in group.items]
        shown = places[:REVIEW_PLACES_SHOWN]
        if len(places) > len(shown):
            shown.append(f"… and {len(places) - len(shown)} more")
        rows.append([group.reason, len(group.items), "; ".join(shown), group.note or "–"])
    intro = (
        "<p>What in the knowledge pack has gone out of date on the report's day: periods that "
        "have ended, thresholds or other series with nothing in force, tenders whose status "
        "contradicts their dates, and facts whose source is older than "
        "<code>UDBUDSBOT_STALE_AFTER_MONTHS</code>. The pack note says how the pack accounts for "
        "a warning; a row without one needs updating first.</p>"
    )
    if not rows:
        return intro + "<p>Nothing to review.</p>"
    return intro + _table(("to update", "records", "where", "pack note"), rows)


def _html(
    f: Figures,
    data: ReportData,
    tables: dict[str, Table],
    generated: datetime,
    to_review: Sequence[ReviewItem],
) -> str:
    r = f.response
    answered = next(o for o in f.outcomes if o.action == "answer")
    first = min((row.at for row in data.interactions), default=None)
    start = data.since or first
    period = f"{start:%Y-%m-%d} – {data.until:%Y-%m-%d}" if start else "no questions yet"
    summary = [
        ("questions", f"{f.total_questions}"),
        ("answered by the bot", f"{100 * answered.share:.0f}%"),
        ("escalations", f"{r.tickets}"),
        (
            "median staff answer",
            f"{r.median_working_days:.2f} working days"
            if r.median_working_days is not None
            else "–",
        ),
        (
            "answered within target",
            f"{100 * r.on_time_share:.0f}%" if r.on_time_share is not None else "–",
        ),
        ("facts to review", f"{len(to_review)}"),
    ]
    cards = "".join(
        f'<div class="card"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>'
        for k, v in summary
    )
    response_note = (
        f"<p>Target: an answer within {r.target_working_days:g} working day(s) "
        "(<code>UDBUDSBOT_ESCALATION_REMIND_AFTER</code>). Median "
        f"{_num(r.median_hours) or '–'} h ({_num(r.median_working_days) or '–'} working days), "
        f"90th percentile {_num(r.p90_hours) or '–'} h ({_num(r.p90_working_days) or '–'} "
        f"working days); {r.answered} of {r.tickets} tickets answered, {r.late} late or "
        "still waiting past the target.</p>"
    )
    groups_header, group_rows = tables["groups"]
    groups_table = _table(groups_header[:4], [row[:4] for row in group_rows[:25]])
    feedback_header, feedback_rows = tables["feedback"]
    sections = [
        _section(
            "Questions per week", "weekly", _image(charts.weekly(f.weekly), "Questions per week")
        ),
        '<div class="pair">',
        _section(
            "Outcomes",
            "outcomes",
            _image(charts.outcomes(f.outcomes), "Outcomes") + _table(*tables["outcomes"]),
        ),
        _section(
            "Escalation response times",
            "response",
            _image(charts.response(r), "Escalation response times") + response_note,
        ),
        "</div>",
        '<div class="pair">',
        _section(
            "Feedback by topic",
            "feedback",
            _image(charts.feedback(f.feedback), "Feedback by topic")
            + _table(feedback_header, feedback_rows[:8]),
        ),
        _section(
            "Most asked topics", "topics", _image(charts.topics(f.topics), "Most asked topics")
        ),
        "</div>",
        _section(
            "Unanswered questions, grouped",
            "groups",
            "<p>Questions the bot escalated, clarified or found out of scope, grouped by "
            "similarity; a large group is a candidate for a new FAQ entry. Contact details are "
            "redacted.</p>" + groups_table,
        ),
        _section("Knowledge to review", "review", _review_table(to_review)),
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>udbudsbot insights {html.escape(period)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px auto; padding: 0 24px;
  max-width: 1180px;
  color: #222; }}
h1 {{ font-size: 24px; margin-bottom: 4px; }} h2 {{ font-size: 18px; margin-top: 28px; }}
.meta {{ color: #666; margin-top: 0; }}
.cards {{ display: flex; gap: 12px; flex-wrap: wrap; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 10px 16px; min-width: 150px; }}
.card b {{ display: block; font-size: 22px; color: #1f5f8b; }} .card span {{ color: #555; }}
img {{ max-width: 100%; }}
.pair {{ display: grid; grid-template-columns: 1fr 1fr; gap: 28px; }}
.pair section {{ min-width: 0; }}
table {{ border-collapse: collapse; margin-top: 8px; font-size: 13px; }}
th, td {{ border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f3f6f9; }} .csv {{ font-size: 12px; color: #666; }}
</style></head>
<body>
<h1>udbudsbot — insights report</h1>
<p class="meta">Period {html.escape(period)} · generated {generated:%Y-%m-%d %H:%M} UTC ·
no personal data</p>
<div class="cards">{cards}</div>
{"".join(sections)}
</body></html>
"""
