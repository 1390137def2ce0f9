"""Escalation for the terminal chat: answers are printed, staff notices are log lines.

The terminal chat runs ``OutboxWorker(desk, {CONSOLE_PLATFORM: ConsoleDeliverer()})``
and calls ``process_once()`` between questions, so an answer given with
``udbudsbot escalations answer N TEXT`` (from another terminal) shows up in
the chat.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.escalation.interfaces import OutboxMessage
from bot.escalation.views import DeliveryFailure, TicketView

CONSOLE_PLATFORM = "console"

log = logging.getLogger("bot.escalation.staff")


class ConsoleDeliverer:
    def __init__(self, write: Callable[[str], object] = print) -> None:
        self._write = write

    async def deliver(self, message: OutboxMessage) -> None:
        self._write(message.text)


class ConsoleNotifier:
    """Staff notices for an operator at the terminal, as INFO lines on ``bot.escalation.staff``."""

    async def notify_ticket(self, ticket: TicketView) -> None:
        if ticket.joined:
            log.info(
                "Ticket #%d has question %d: %s",
                ticket.id,
                len(ticket.messages),
                ticket.messages[-1],
            )
            return
        others = ", ".join(f"#{n}" for n in ticket.other_open)
        log.info(
            "Ticket #%d opened (%s): %s — answer with: udbudsbot escalations answer %d TEXT%s",
            ticket.id,
            ticket.language,
            ticket.question,
            ticket.id,
            f" (the same asker's other open tickets: {others})" if others else "",
        )

    async def notify_reminder(self, ticket: TicketView) -> None:
        log.info("Ticket #%d is still waiting for an answer: %s", ticket.id, ticket.question)

    async def notify_delivery_failed(self, failure: DeliveryFailure) -> None:
        log.info("%s", failure.line("en"))
