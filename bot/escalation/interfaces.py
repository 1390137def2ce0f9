"""What a channel implements to take part in escalation.

A channel that hosts staff (a Slack channel, a Telegram group) implements
``StaffNotifier``; a channel that hosts askers implements ``Deliverer`` for
its platform. The desk and the outbox only know these protocols, so a
Telegram asker can be answered by Slack staff and vice versa.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.conversation import Asker
from bot.escalation.views import TicketView


@runtime_checkable
class StaffNotifier(Protocol):
    """Tells staff about tickets. Errors are logged by the desk, never shown to askers.

    After posting a ticket, a notifier records its message with
    ``await desk.set_staff_message(ticket.id, platform, message_ref)`` so that
    a staff reply to that message maps back with
    ``await desk.ticket_for_staff_message(platform, message_ref)``;
    ``await desk.staff_message(ticket.id, platform)`` finds it again (to post a
    follow-up or reminder in the same thread).
    """

    async def notify_ticket(self, ticket: TicketView) -> None:
        """A new ticket, or (``ticket.joined``) a new question ``ticket.follow_ups[-1]``."""

    async def notify_reminder(self, ticket: TicketView) -> None:
        """The ticket has waited longer than ``Settings.escalation_remind_after`` working days."""

    async def notify_delivery_failed(self, ticket: TicketView, reason: str) -> None:
        """The answer (or reminder) could not be delivered to the asker and will not be retried."""


@runtime_checkable
class Deliverer(Protocol):
    """Sends a message to an asker on one platform.

    Raise ``PermanentDeliveryError`` when retrying cannot help (bot blocked,
    chat gone); any other exception is a transient failure that the outbox
    retries with back-off. Long texts are the deliverer's to split
    (``bot.escalation.split_message``).
    """

    async def deliver(self, asker: Asker, text: str, language: str) -> None: ...
