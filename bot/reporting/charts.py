"""The report's charts as PNG bytes: matplotlib figures drawn on the Agg canvas, without
pyplot, so nothing needs a display and no global backend state is touched."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.reporting.figures import Outcome, ResponseTimes, TopicFeedback, WeekCount

COLOURS = ("#1f5f8b", "#e0863a", "#4c9a5f", "#b84a4a", "#7a5ea8", "#8c8c8c")
LABEL_CHARS = 40


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def weekly(counts: Sequence[WeekCount]) -> bytes:
    """Questions per week, stacked by channel (left) and by language (right)."""
    weeks = sorted({c.week for c in counts})
    figure = _figure(10, 3.4)
    axes = figure.subplots(1, 2, sharey=True)
    for axis, key, title in (
        (axes[0], "platform", "by channel"),
        (axes[1], "language", "by language"),
    ):
        series: dict[str, dict] = defaultdict(lambda: dict.fromkeys(weeks, 0))
        for c in counts:
            series[getattr(c, key)][c.week] += c.count
        bottom = [0] * len(weeks)
        labels = [w.strftime("%d %b") for w in weeks]
        for colour, (name, values) in zip(COLOURS, sorted(series.items()), strict=False):
            heights = [values[w] for w in weeks]
            axis.bar(labels, heights, bottom=bottom, label=name, color=colour)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axis.set_title(f"Questions per week {title}")
        axis.set_xlabel("week starting")
        axis.legend(frameon=False, fontsize=8)
    axes[0].set_ylabel("questions")
    return _png(figure)


def outcomes(rows: Sequence[Outcome]) -> bytes:
    figure = _figure(6, 2.8)
    axis = figure.subplots()
    labels = [row.label for row in rows][::-1]
    shares = [100 * row.share for row in rows][::-1]
    bars = axis.barh(labels, shares, color=COLOURS[0])
    for bar, row in zip(bars, rows[::-1], strict=True):
        axis.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            f"{100 * row.share:.0f}% ({row.count})",
            va="center",
            fontsize=9,
        )
    axis.set_xlim(0, 110)
    axis.set_xlabel("share of questions (%)")
    axis.set_title("What the bot did with the questions")
    return _png(figure)


def response(times: ResponseTimes) -> bytes:
    figure = _figure(6, 3)
    axis = figure.subplots()
    if times.working_days:
        axis.hist(
            times.working_days, bins=min(20, max(5, len(times.working_days))), color=COLOURS[0]
        )
    axis.axvline(
        times.target_working_days,
        color=COLOURS[3],
        linestyle="--",
        label=f"target: {times.target_working_days:g} working day(s)",
    )
    if times.median_working_days is not None:
        axis.axvline(
            times.median_working_days,
            color=COLOURS[2],
            label=f"median: {times.median_working_days:.2f}",
        )
    if times.p90_working_days is not None:
        axis.axvline(
            times.p90_working_days,
            color=COLOURS[1],
            label=f"90th percentile: {times.p90_working_days:.2f}",
        )
    axis.set_xlabel("working days from question to staff answer")
    axis.set_ylabel("tickets")
    axis.set_title("Escalation response times")
    axis.legend(frameon=False, fontsize=8)
    return _png(figure)


def feedback(rows: Sequence[TopicFeedback]) -> bytes:
    shown = list(rows[:10])[::-1]
    figure = _figure(6.5, 0.42 * len(shown) + 1.2)
    axis = figure.subplots()
    labels = [_short(row.topic) for row in shown]
    axis.barh(labels, [r.helpful for r in shown], color=COLOURS[2], label="helpful")
    axis.barh(
        labels,
        [r.unhelpful for r in shown],
        left=[r.helpful for r in shown],
        color=COLOURS[3],
        label="not helpful",
    )
    axis.set_xlabel("votes")
    axis.set_title("Feedback on answers by topic")
    axis.legend(frameon=False, fontsize=8, loc="lower right")
    return _png(figure)


def topics(rows: Sequence[tuple[str, int]]) -> bytes:
    shown = list(rows)[::-1]
    figure = _figure(6.5, 0.42 * len(shown) + 1.2)
    axis = figure.subplots()
    axis.barh(
        [_short(topic) for topic, _ in shown], [count for _, count in shown], color=COLOURS[0]
    )
    axis.set_xlabel("questions answered or clarified")
    axis.set_title("Most asked topics")
    return _png(figure)
