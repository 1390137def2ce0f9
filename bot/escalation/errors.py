"""Errors the desk raises, each with a message fit to show a person as it is."""

from __future__ import annotations


class DeskError(Exception):
    """Base of every escalation-desk error; ``str(error)`` is the user-facing message."""


class UnknownTicketError(DeskError):
    def __init__(self, ticket_id: int) -> None:
        super().__init__(f"Ticket {ticket_id} does not exist.")
        self.ticket_id = ticket_id


class TicketClosedError(DeskError):
    """The ticket can no longer be answered or closed (closed, expired or erased)."""

    def __init__(self, ticket_id: int, status: str) -> None:
        super().__init__(f"Ticket {ticket_id} is already {status}.")
        self.ticket_id = ticket_id
        self.status = status


class EmptyAnswerError(DeskError):
    def __init__(self) -> None:
        super().__init__("The answer is empty; write the text the asker should receive.")


class NotStaffError(DeskError):
    """Someone who is not configured staff tried to answer or close a ticket."""

    def __init__(self, who: str) -> None:
        super().__init__(
            f"{who} is not a member of the configured staff, so cannot answer or close tickets."
        )


class DeskUnavailableError(DeskError):
    """The database stayed locked or unreachable after several attempts."""


class PermanentDeliveryError(Exception):
    """Raised by a ``Deliverer`` when retrying cannot help (the asker blocked the bot,
    the chat no longer exists). Any other exception counts as a transient failure."""
