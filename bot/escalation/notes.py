"""Staff talking among themselves under a ticket.

Every reply under a ticket goes to the asker: that is the quick path staff
use most. A message that starts with ``intern:`` (or ``internal:``) is a note
to colleagues instead, so a ticket's thread can also hold the discussion
that leads to the answer without any of it reaching the business.
"""

from __future__ import annotations

INTERNAL_PREFIXES = ("intern:", "internal:")


def is_internal_note(text: str) -> bool:
    """Whether a staff message is meant for colleagues only (never sent to the asker)."""
    return text.lstrip().casefold().startswith(INTERNAL_PREFIXES)
