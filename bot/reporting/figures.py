"""The numbers of the insights report, from the rows in ``data``; no drawing, no files.

"Questions" are the messages the assistant decided on with one of the five
real decisions; greetings, help and commands (small talk) are not counted.
Response times are those of escalation tickets, from opening to the staff
answer, in calendar hours and in Danish working days (the unit of the
follow-up target ``Settings.escalation_remind_after``). The 90th percentile
is linearly interpolated (numpy's default).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from bot.escalation.workdays import COPENHAGEN, add_working_days, is_working_day
from bot.reporting.data import FeedbackRow, InteractionRow, ReportData, TicketRow

OUTCOMES: dict[str, str] = {
    "answer": "answered",
    "clarify": "clarified",
    "escalate": "escalated",
    "redirect": "redirected",
    "out_of_scope": "out of scope",
}
STAFF_ANSWER_TOPIC = "Svar fra medarbejdere (sager)"
UNKNOWN_TOPIC = "(ukendt)"


def questions(rows: Iterable[InteractionRow]) -> list[InteractionRow]:
    return [row for row in rows if row.action in OUTCOMES]


def week_of(moment: datetime) -> date:
    """The Monday (Copenhagen calendar) of the week a moment falls in."""
    day = moment.astimezone(COPENHAGEN).date()
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class WeekCount:
    week: date
    platform: str
    language: str
    count: int


def weekly_questions(rows: Iterable[InteractionRow]) -> list[WeekCount]:
    counts = Counter((week_of(r.at), r.platform, r.language) for r in questions(rows))
    return [WeekCount(w, p, lang, n) for (w, p, lang), n in sorted(counts.items())]


@dataclass(frozen=True, slots=True)
class Outcome:
    action: str
    label: str
    count: int
    share: float


def outcomes(rows: Iterable[InteractionRow]) -> list[Outcome]:
    asked = questions(rows)
    counts = Counter(row.action for row in asked)
    total = len(asked)
    return [
        Outcome(action, label, counts[action], counts[action] / total if total else 0.0)
        for action, label in OUTCOMES.items()
    ]


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """Escalation tickets opened in the period and how fast staff answered them."""

    tickets: int
    answered: int
    target_working_days: float
    median_hours: float | None
    p90_hours: float | None
    median_working_days: float | None
    p90_working_days: float | None
    answered_on_time: int
    late: int
    """Answered after the target, or still unanswered past it."""
    working_days: tuple[float, ...]

    @property
    def on_time_share(self) -> float | None:
        judged = self.answered_on_time + self.late
        return self.answered_on_time / judged if judged else None


def response_times(tickets: Sequence[TicketRow], target: float, now: datetime) -> ResponseTimes:
    answered = [t for t in tickets if t.answered_at is not None]
    hours = [(t.answered_at - t.created_at).total_seconds() / 3600 for t in answered]  # type: ignore[operator]
    days = [working_days_between(t.created_at, t.answered_at) for t in answered]  # type: ignore[arg-type]
    on_time = sum(
        1
        for t in answered
        if t.answered_at <= add_working_days(t.created_at, target)  # type: ignore[operator]
    )
    overdue = sum(
        1 for t in tickets if t.answered_at is None and add_working_days(t.created_at, target) < now
    )
    return ResponseTimes(
        tickets=len(tickets),
        answered=len(answered),
        target_working_days=target,
        median_hours=statistics.median(hours) if hours else None,
        p90_hours=float(np.percentile(hours, 90)) if hours else None,
        median_working_days=statistics.median(days) if days else None,
        p90_working_days=float(np.percentile(days, 90)) if days else None,
        answered_on_time=on_time,
        late=len(answered) - on_time + overdue,
        working_days=tuple(days),
    )


def working_days_between(start: datetime, end: datetime) -> float:
    """Time between two moments that falls on Danish working days, in days (24 h each):
    the inverse of ``add_working_days``."""
    cursor = start.astimezone(COPENHAGEN).replace(tzinfo=None)
    stop = end.astimezone(COPENHAGEN).replace(tzinfo=None)
    total = timedelta()
    while cursor < stop:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
        if is_working_day(cursor.date()):
            total += min(midnight, stop) - cursor
        cursor = midnight
    return total / timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TopicFeedback:
    topic: str
    helpful: int
    unhelpful: int

    @property
    def helpful_share(self) -> float:
        return self.helpful / (self.helpful + self.unhelpful)


def feedback_by_topic(
    feedback: Iterable[FeedbackRow], topics: dict[str, str]
) -> list[TopicFeedback]:
    """👍/👎 per topic of the answer voted on, most votes first."""
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in feedback:
        if row.record_ids:
            topic = topics.get(row.record_ids[0], UNKNOWN_TOPIC)
        elif row.ticket_id is not None:
            topic = STAFF_ANSWER_TOPIC
        else:
            topic = UNKNOWN_TOPIC
        votes[topic][0 if row.helpful else 1] += 1
    result = [TopicFeedback(topic, up, down) for topic, (up, down) in votes.items()]
    return sorted(result, key=lambda f: (-(f.helpful + f.unhelpful), f.topic))


def top_topics(rows: Iterable[InteractionRow], limit: int = 12) -> list[tuple[str, int]]:
    """The topics of the records questions were answered or clarified from, most asked first."""
    counts = Counter(
        row.topic
        for row in questions(rows)
        if row.topic and row.action in ("answer", "clarify", "redirect")
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Alike unanswered questions: how many, an example, and how the bot replied to them."""

    count: int
    example: str
    questions: tuple[str, ...]
    actions: dict[str, int]


def unanswered(rows: Iterable[InteractionRow]) -> list[InteractionRow]:
    return [
        row for row in rows if row.question and row.action in OUTCOMES and row.action != "answer"
    ]


def question_groups(
    rows: Sequence[InteractionRow], groups: Sequence[Sequence[int]]
) -> list[QuestionGroup]:
    """Groups of ``rows`` (indices from ``grouping.group``), each with its most common wording."""
    result = []
    for members in groups:
        texts = [rows[i].question or "" for i in members]
        example = Counter(texts).most_common(1)[0][0]
        actions = Counter(OUTCOMES[rows[i].action] for i in members)
        result.append(
            QuestionGroup(len(members), example, tuple(dict.fromkeys(texts)), dict(actions))
        )
    return result


@dataclass(frozen=True, slots=True)
class Figures:
    weekly: list[WeekCount]
    outcomes: list[Outcome]
    response: ResponseTimes
    feedback: list[TopicFeedback]
    topics: list[tuple[str, int]]
    groups: list[QuestionGroup]
    total_questions: int


def compute(
    data: ReportData, target: float, groups: Sequence[Sequence[int]], now: datetime
) -> Figures:
    """All figures; ``groups`` indexes ``unanswered(data.interactions)``."""
    return Figures(
        weekly=weekly_questions(data.interactions),
        outcomes=outcomes(data.interactions),
        response=response_times(data.tickets, target, now),
        feedback=feedback_by_topic(data.feedback, data.topics),
        topics=top_topics(data.interactions),
        groups=question_groups(unanswered(data.interactions), groups),
        total_questions=len(questions(data.interactions)),
    )
