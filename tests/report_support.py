"""A small desk database with known traffic, and the figures computed from it by hand.

Times are Copenhagen local (CET in November, UTC+1). Weeks start on Monday
3 and 10 November 2025. The report is made at NOW.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.conversation import Asker
from bot.escalation import EscalationDesk
from bot.escalation.interactions import InteractionRecord
from bot.escalation.workdays import COPENHAGEN
from tests.desk_support import STAFF, Clock

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=COPENHAGEN).astimezone(UTC)
INVOICE = ("aarhus-invoice-format", "Faktura og betaling")
THRESHOLD = ("rules-thresholds", "Tærskelværdier")
FRAMEWORK = ("rules-framework", "Rammeaftaler")
TENDERS = ("T05", "Udbudslisten")
PARKING = "Kan vi få parkering ved skolen? Skriv til ole@firma.dk eller ring 20 30 40 50"
PARKING_AGAIN = "Hvor må vi parkere ved skolen?"
WEATHER = "Hvad bliver vejret i weekenden?"


def cph(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 11, day, hour, tzinfo=COPENHAGEN).astimezone(UTC)


# (day, hour, platform, language, action, record, question)
INTERACTIONS = [
    (3, 9, "telegram", "da", "answer", INVOICE, None),
    (4, 11, "telegram", "da", "answer", INVOICE, None),
    (5, 13, "telegram", "da", "answer", INVOICE, None),
    (5, 14, "slack", "en", "answer", INVOICE, None),
    (6, 10, "telegram", "da", "escalate", None, PARKING),
    (7, 15, "slack", "da", "out_of_scope", None, WEATHER),
    (7, 16, "telegram", "da", "small_talk", None, None),
    (9, 20, "telegram", "da", "small_talk", None, None),
    (10, 9, "slack", "en", "answer", THRESHOLD, None),
    (11, 10, "slack", "en", "answer", THRESHOLD, None),
    (12, 11, "telegram", "da", "clarify", FRAMEWORK, "udbud"),
    (13, 12, "slack", "da", "redirect", TENDERS, None),
    (14, 13, "telegram", "da", "escalate", None, PARKING_AGAIN),
]

# Tickets: (created, answered or None). Hours 6, 72, 48; working days 0.25, 1.0, 2.0.
TICKETS = [
    (cph(3, 10), cph(3, 16)),  # same day: on time
    (cph(7, 14), cph(10, 14)),  # Friday to Monday: exactly one working day, on time
    (cph(11, 9), cph(13, 9)),  # two working days: late
    (cph(12, 12), None),  # unanswered for a week: late
    (cph(20, 10), None),  # two hours old: not judged yet
]

EXPECTED_WEEKLY = [
    ("2025-11-03", "slack", "da", 1),
    ("2025-11-03", "slack", "en", 1),
    ("2025-11-03", "telegram", "da", 4),
    ("2025-11-10", "slack", "da", 1),
    ("2025-11-10", "slack", "en", 2),
    ("2025-11-10", "telegram", "da", 2),
]
EXPECTED_OUTCOMES = {
    "answered": 6,
    "clarified": 1,
    "escalated": 2,
    "redirected": 1,
    "out of scope": 1,
}
EXPECTED_TOPICS = [
    ("Faktura og betaling", 4),
    ("Tærskelværdier", 2),
    ("Rammeaftaler", 1),
    ("Udbudslisten", 1),
]
EXPECTED_FEEDBACK = [
    ("Faktura og betaling", 3, 1),
    ("Tærskelværdier", 0, 2),
    ("(ukendt)", 1, 0),
    ("Svar fra medarbejdere (sager)", 1, 0),
]


async def seed(settings: Settings) -> None:
    desk = EscalationDesk.open(settings)
    clock = Clock(NOW)
    desk.clock = clock
    try:
        for day, hour, platform, language, action, record, question in INTERACTIONS:
            clock.now = cph(day, hour)
            record_id, topic = record or (None, None)
            await desk.record_interaction(
                InteractionRecord(platform, language, action, 0.5, record_id, topic, (), question)
            )
        first_ticket = None
        for n, (created, answered) in enumerate(TICKETS):
            clock.now = created
            view = await desk.open_ticket(
                "Et spørgsmål", "da", Asker("slack", f"slack-user-{n}", f"D{n}")
            )
            first_ticket = first_ticket or view.id
            if answered is not None:
                clock.now = answered
                await desk.answer(view.id, STAFF, "Svar")
        clock.now = cph(14)
        someone = Asker("telegram", "99", "99")
        for helpful in (True, True, True, False):
            await desk.record_feedback(someone, helpful, [INVOICE[0]])
        for _ in range(2):
            await desk.record_feedback(someone, False, [THRESHOLD[0]])
        await desk.record_feedback(someone, True, [], ticket_id=first_ticket)
        await desk.record_feedback(someone, True, ["a-record-no-longer-known"])
    finally:
        desk.dispose()


def settings_in(directory: Path) -> Settings:
    return Settings(data_dir=directory, _env_file=None)  # type: ignore[call-arg]
