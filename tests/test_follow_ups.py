"""Follow-up or new question: the test that keeps a ticket to one question, on the shipped
knowledge's index."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.escalation.views import TicketStatus, TicketView
from bot.follow_ups import followed_up
from index.search import SearchIndex

pytestmark = pytest.mark.model


def open_ticket(ticket_id: int, *messages: str) -> TicketView:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return TicketView(
        id=ticket_id,
        status=TicketStatus.OPEN,
        question=messages[0],
        follow_ups=messages[1:],
        language="da",
        platform="telegram",
        asker="asker-1",
        candidates=(),
        confidence=0.1,
        created_at=now,
        updated_at=now,
    )


CHAIRS = open_ticket(1, "Hvem er indkøberen med ansvar for kontorstole i Aarhus Kommune?")
FEES = open_ticket(2, "Tager kommunen gebyr for at modtage papirfakturaer?")
GERMAN = open_ticket(3, "Do you accept bids written in German?")


@pytest.mark.parametrize(
    ("message", "language", "expected"),
    [
        ("Tager kommunen gebyr for at modtage papirfakturaer?", "da", FEES.id),  # a repeat
        ("Hvem køber kontorstole ind til skolerne?", "da", CHAIRS.id),  # narrower, same thing
        ("og til skolerne?", "da", FEES.id),  # nothing of its own: the newest ticket
        ("what about English?", "en", FEES.id),
        ("Hvornår udløber rammeaftalen på IT-udstyr?", "da", None),
        ("Kan vi byde på skolemælk sammen med et andet mejeri?", "da", None),
        ("Is there parking at the town hall for the information meeting?", "en", None),
    ],
)
def test_a_message_joins_the_ticket_it_follows_up_and_nothing_else(
    shipped_index: SearchIndex, message: str, language: str, expected: int | None
) -> None:
    newest_first = [FEES, CHAIRS]
    assert followed_up(message, newest_first, shipped_index, language) == expected


def test_a_follow_up_of_a_follow_up_joins_too(shipped_index: SearchIndex) -> None:
    asked = open_ticket(4, "Do you accept bids written in German?", "and what about Polish bids?")
    assert followed_up("Polish bids with a translation?", [asked], shipped_index, "en") == 4


def test_without_open_tickets_every_message_is_new(shipped_index: SearchIndex) -> None:
    assert followed_up("og til skolerne?", [], shipped_index, "da") is None


def test_rare_shared_words_weigh_more_than_common_ones(shipped_index: SearchIndex) -> None:
    common = shipped_index.overlap(
        "Hvornår er der udbud af vinduespudsning?", "hvilke udbud kommer der inden for rengøring?"
    )
    rare = shipped_index.overlap("Hvem køber kontorstole ind til skolerne?", CHAIRS.question, "da")
    assert common.concepts == 2 and common.shared < 1 / 3 < rare.shared
