"""Errors the desk raises, each with a message fit to show a person as it is."""

from __future__ import annotations

from bot.escalation.split import one_line


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


class WhichQuestionError(DeskError):
    """Publishing an answer to a ticket with several messages needs the question it answers."""

    def __init__(self, ticket_id: int, messages: tuple[str, ...]) -> None:
        listed = " ".join(f"{n}: «{one_line(m, 60)}»" for n, m in enumerate(messages, start=1))
        super().__init__(
            f"Ticket {ticket_id} holds {len(messages)} questions; say which one the answer "
            f"belongs to before publishing it ({listed})."
        )
        self.ticket_id = ticket_id
        self.messages = messages


class UnknownQuestionError(DeskError):
    def __init__(self, ticket_id: int, number: int, count: int) -> None:
        super().__init__(
            f"Ticket {ticket_id} has no question {number}; its questions are 1 to {count}."
        )


class UnknownLearnedError(DeskError):
    def __init__(self, number: int) -> None:
        super().__init__(f"Learned FAQ entry {number} does not exist.")
        self.number = number


class LearnedWithdrawnError(DeskError):
    def __init__(self, number: int) -> None:
        super().__init__(f"Learned FAQ entry {number} is withdrawn.")
        self.number = number


class EmptyAnswerError(DeskError):
    def __init__(self) -> None:
        super().__init__("The answer is empty; write the text the asker should receive.")


class NotStaffError(DeskError):
    """Someone who is not configured staff tried to answer or close a ticket, or to change a
    learned FAQ entry."""

    def __init__(self, who: str) -> None:
        super().__init__(
            f"{who} is not a member of the configured staff, so cannot answer or close tickets "
            "or change FAQ entries."
        )


class DeskUnavailableError(DeskError):
    """The database stayed locked or unreachable after several attempts."""


class PermanentDeliveryError(Exception):
    """Raised by a ``Deliverer`` when retrying cannot help (the asker blocked the bot,
    the chat no longer exists). Any other exception counts as a transient failure."""


class RateLimitedError(Exception):
    """Raised by a ``Deliverer`` when the platform asks to be called again later (HTTP 429 with
    ``Retry-After``, Telegram's ``retry_after``): the outbox waits that long, not less."""

    def __init__(self, retry_after: float, detail: str) -> None:
        super().__init__(f"{detail} (retry after {retry_after:g} s)")
        self.retry_after = max(0.0, retry_after)
