"""Whether a message an asker sends while a ticket is open follows it up or asks anew.

A ticket is one question, so that staff answer, and publish, one question at
a time. A new message joins one of the asker's open tickets when either

- it carries at most one content word or glossary phrase of its own
  (*og den fra april?*, *what about services?*): too little to stand on its
  own, it leans on the conversation, so it joins the newest open ticket; or
- at least a third of its information, weighted by how rare each word is in
  the knowledge (:mod:`index.overlap`), is already in one of the ticket's
  messages (a repeat, a rewording, a narrower question about the same thing):
  it joins the ticket it shares most with.

Anything else is a new question and opens its own ticket. On hand-written
pairs (``benchmarks/learned.py``) unrelated questions share at most a tenth
and follow-ups with words of their own at least 0.45, so the third is far
from both; what this test cannot see is a follow-up in entirely new words
(*koster det noget?* after a question about fees without the word), which
then opens a ticket of its own that staff see beside the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.escalation.views import TicketView
from index.overlap import Overlap

OWN_CONTENT = 2
"""Content words (or glossary phrases) a message needs to stand on its own."""
SHARED_ENOUGH = 1 / 3
"""Share of a message's information that, found in an open ticket, makes it a follow-up."""


class Analyser(Protocol):
    """The index's analysis (``SearchIndex.overlap``)."""

    def overlap(self, text: str, other: str, language: str | None = None) -> Overlap: ...


def followed_up(
    message: str, open_tickets: Sequence[TicketView], index: Analyser, language: str
) -> int | None:
    """The id of the open ticket ``message`` follows up, or None when it is a new question.

    ``open_tickets`` are the asker's, newest first.
    """
    if not open_tickets:
        return None
    best_id, best_share, concepts = None, 0.0, 0
    for ticket in open_tickets:
        for earlier in ticket.messages:
            found = index.overlap(message, earlier, language)
            concepts = found.concepts
            if found.shared > best_share:
                best_id, best_share = ticket.id, found.shared
    if concepts < OWN_CONTENT:
        return open_tickets[0].id
    return best_id if best_share >= SHARED_ENOUGH else None
