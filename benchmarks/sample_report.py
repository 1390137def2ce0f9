"""A month of synthetic traffic through the real assistant and desk, and its insights report.

Businesses ask realistic Danish and English questions on Telegram and Slack
over four weeks of working hours (most answerable, some paraphrases of three
questions the knowledge cannot answer, a few off-topic ones and bid-help
requests); some vote 👍/👎 on answers, a few subscribe to tenders, and staff
answer most escalations after a realistic delay. Everything goes through the
real ``Assistant`` and ``EscalationDesk`` on a temporary database; only the
clock is simulated. The report is written to ``--out`` and, with Chromium
installed, photographed to ``--png`` (the README picture).

    .venv/bin/python -m benchmarks.sample_report --png docs/report.png
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import logging
import random
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.conversation import Action, Asker, Question
from bot.escalation import StaffMember
from bot.escalation.workdays import COPENHAGEN, add_working_days
from bot.reporting.report import build_report
from bot.runtime import start_runtime
from index.dense import load_embedder

START = datetime(2025, 11, 3, tzinfo=COPENHAGEN)
DAYS = 28
MESSAGES = 330
SEED = 20251103

# (question, weight): answerable questions, Danish and English.
ANSWERABLE = [
    ("Hvordan sender jeg en faktura til Aarhus Kommune?", 9),
    ("hvor finder jeg ean nummeret til regningen", 7),
    ("Hvad er betalingsfristen på fakturaer?", 5),
    ("Kan jeg sende en PDF-faktura?", 4),
    ("Hvad er e-faktura via NemHandel?", 2),
    ("How do I send an invoice to Aarhus Kommune?", 5),
    ("What are the payment terms?", 3),
    ("Hvad er tærskelværdien for tjenesteydelser i 2026?", 6),
    ("What is the EU threshold for services in 2026?", 4),
    ("Hvor bliver Aarhus Kommunes udbud annonceret?", 6),
    ("Where are Aarhus Kommune's tenders published?", 3),
    ("Hvordan bliver jeg leverandør til Aarhus Kommune?", 7),
    ("How do I become a supplier to the municipality?", 4),
    ("Hvad er en rammeaftale?", 4),
    ("What is a framework agreement?", 2),
    ("Hvad er ESPD?", 4),
    ("What is the ESPD?", 2),
    ("Hvad er standstill-perioden?", 2),
    ("Hvad er sociale klausuler?", 3),
    ("Hvad er arbejdsklausuler?", 3),
    ("Er der krav om lærlinge i bygge- og anlægsopgaver?", 2),
    ("Kan vi byde sammen med en anden virksomhed?", 3),
    ("Can we bid as a consortium?", 2),
    ("Hvad er minimumsfristen for tilbud i et offentligt udbud?", 3),
    ("Hvad er SKI?", 3),
    ("Hvad er tilbudsloven?", 2),
    ("Hvordan klager jeg over et udbud?", 2),
    ("Hvad er Erhverv Aarhus' projekt med Indkøb og Udbud?", 3),
    ("Hvem kan jeg kontakte i Indkøb og Udbud?", 3),
    ("Hvad er markedsdialog?", 2),
    ("Hvad er tildelingskriterierne?", 2),
    ("What are the award criteria?", 2),
    ("Hvad er udbudsplanen?", 3),
    ("Hvad er CPV-koder?", 2),
    ("Hvilke udbud er der om rengøring?", 4),
    ("Which tenders are there about IT?", 2),
    ("/udbud grøn pleje", 2),
    ("udbud", 3),
    ("kontrakt", 2),
]
# Three questions the knowledge cannot answer, each asked in several wordings.
UNANSWERABLE = [
    ("Holder kommunen kurser for virksomheder, der byder første gang?", 2),
    ("Findes der kurser i at byde på kommunens udbud?", 3),
    ("Er der et kursus for nye leverandører i at byde på udbud?", 2),
    ("Does the municipality run courses for first-time bidders?", 1),
    ("Are there any courses on bidding for new suppliers?", 1),
    ("Kan vores håndværkere få parkeringstilladelse ved kommunens skoler?", 3),
    ("Hvor må vores håndværkere parkere, når de arbejder på en skole?", 2),
    ("Får håndværkere gratis parkering ved kommunale skoler?", 2),
    ("Where can our craftsmen park when working at a municipal school?", 1),
    ("Hvordan opdaterer vi vores firmaoplysninger i kommunens leverandørregister?", 2),
    ("Vi har fået ny adresse – hvordan ændrer vi det i jeres leverandørregister?", 2),
    ("How do we update our company details in your supplier register?", 1),
]
OTHER = [
    ("Hvad er vejret i morgen?", 1),
    ("Kan I hjælpe mig med at forny mit pas?", 1),
    ("Hvad skal vi skrive i vores tilbud for at vinde rengøringsudbuddet?", 2),
    ("Hvorfor tabte vi udbuddet om grøn pleje? Ring på 20 30 40 50", 1),
]
SUBSCRIPTIONS = ("/abonner rengøring", "/subscribe IT", "/abonner grøn pleje")
STAFF = StaffMember("slack", "U0LEAD", "Projektleder", in_staff_destination=True)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass(order=True)
class Event:
    at: datetime
    order: int
    kind: str = field(compare=False)
    payload: object = field(compare=False)


def working_hour(rng: random.Random) -> datetime:
    """A moment in the month, mostly on weekdays between 8 and 17."""
    while True:
        day = START + timedelta(days=rng.randrange(DAYS))
        weekend = day.weekday() >= 5
        if weekend and rng.random() > 0.1:
            continue
        hour = rng.triangular(7.5, 20, 10.5) if not weekend else rng.uniform(9, 21)
        return (day + timedelta(hours=hour)).astimezone(UTC)


def staff_delay(rng: random.Random, created: datetime) -> datetime | None:
    """When staff answer: most within a working day, some later, a few never (in the month)."""
    roll = rng.random()
    if roll < 0.08:
        return None
    days = rng.uniform(0.05, 0.9) if roll < 0.7 else rng.uniform(1.0, 4.0)
    return add_working_days(created, days)


async def simulate(settings: Settings, rng: random.Random) -> Clock:
    runtime = start_runtime(settings)
    desk, assistant = runtime.desk, runtime.assistant
    assert desk is not None
    clock = Clock(START.astimezone(UTC))
    desk.clock = clock
    scheduled: set[int] = set()

    pool = ANSWERABLE * 1 + UNANSWERABLE + OTHER
    texts = [text for text, _ in pool]
    weights = [weight for _, weight in pool]
    events: list[Event] = []
    for n in range(MESSAGES):
        text = rng.choices(texts, weights)[0]
        events.append(Event(working_hour(rng), n, "ask", text))
    for n, text in enumerate(SUBSCRIPTIONS):
        events.append(Event(working_hour(rng), MESSAGES + n, "ask", text))
    heapq.heapify(events)
    order = len(events)
    try:
        while events:
            event = heapq.heappop(events)
            clock.now = event.at
            if event.kind == "answer":
                await desk.answer(int(event.payload), STAFF, "Tak for spørgsmålet. Svar: …")  # type: ignore[call-overload]
                continue
            platform = "telegram" if rng.random() < 0.55 else "slack"
            user = f"{platform}-{rng.randrange(120)}"
            asker = Asker(platform, user, user)
            reply = await assistant.reply(Question(str(event.payload), asker))
            if reply.action is Action.ANSWER and reply.record_ids and rng.random() < 0.35:
                helpful = rng.random() < (0.55 if "udbud" in str(event.payload) else 0.85)
                await desk.record_feedback(asker, helpful, reply.record_ids, None, reply.language)
            if reply.ticket_id is not None and reply.ticket_id not in scheduled:
                scheduled.add(reply.ticket_id)
                answer_at = staff_delay(rng, event.at)
                if answer_at is not None and answer_at < START + timedelta(days=DAYS):
                    order += 1
                    heapq.heappush(events, Event(answer_at, order, "answer", reply.ticket_id))
    finally:
        runtime.close()
    clock.now = (START + timedelta(days=DAYS)).astimezone(UTC)
    return clock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="report directory (default: a temp dir)")
    parser.add_argument("--png", type=Path, help="also photograph the page with Chromium")
    parser.add_argument(
        "--index-cache",
        type=Path,
        default=None,
        help="embedding cache to reuse, a data dir's index folder (default: the configured "
        "data dir's)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("bm25s").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="udbudsbot-sample-") as temp:
        data_dir = args.index_cache.parent if args.index_cache else Settings().data_dir
        settings = Settings(  # type: ignore[call-arg]
            data_dir=data_dir, database_url=f"sqlite:///{Path(temp) / 'desk.db'}", _env_file=None
        )
        clock = asyncio.run(simulate(settings, random.Random(SEED)))
        out = args.out or Path(temp) / "report"
        embed = load_embedder(settings.embedding_model).encode
        written = build_report(settings, out, embed=embed, now=clock)
        f = written.figures
        print(f"questions: {f.total_questions}")
        for outcome in f.outcomes:
            print(f"  {outcome.label:<13} {outcome.count:>4}  {100 * outcome.share:5.1f}%")
        r = f.response
        print(
            f"escalations: {r.tickets}, answered {r.answered}; median {r.median_hours:.1f} h "
            f"({r.median_working_days:.2f} working days), p90 {r.p90_hours:.1f} h "
            f"({r.p90_working_days:.2f}); on time {r.answered_on_time}, late {r.late}"
        )
        print("top topics:", "; ".join(f"{t} ({n})" for t, n in f.topics[:5]))
        print("unanswered groups:")
        for group in f.groups[:6]:
            print(f"  {group.count:>3}  {group.example}")
        print(f"report: {written.html}")
        if args.png:
            from benchmarks.browser import screenshot

            print(f"picture: {screenshot(written.html, args.png)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
