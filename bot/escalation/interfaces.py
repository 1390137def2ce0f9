"""What a channel implements to take part in escalation, and the messages it exchanges.

A channel that hosts staff (a Slack channel, a Telegram group) implements
``StaffNotifier``; a channel that hosts askers implements ``Deliverer`` for
its platform, and ``EventHandler`` for the events it receives through the
inbox. The desk, the inbox and the outbox only know these protocols, so a
Telegram asker can be answered by Slack staff and vice versa.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from bot.conversation import Asker
from bot.escalation.schema import REPLY
from bot.escalation.views import DeliveryFailure, TicketView


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A message for an asker, as the outbox keeps it until the platform has accepted it.

    ``text`` is the plain text (what staff see if it cannot be delivered);
    ``rendered`` is the channel's own form of it (Slack blocks, Telegram HTML
    and buttons), stored as JSON and handed back to the same channel's
    ``Deliverer``. Without ``rendered`` the deliverer sends ``text`` as it is.
    ``ref`` is the outbox's name for the message once queued; a deliverer that
    can attach it on the platform lets ``ArrivalCheck`` find the message later.
    """

    asker: Asker
    text: str
    language: str
    rendered: dict[str, Any] | None = None
    kind: str = REPLY
    ticket_id: int | None = None
    ref: str | None = None

    # The address, as ``schema.Reachable`` reads it.
    @property
    def platform(self) -> str:
        return self.asker.platform

    @property
    def user_id(self) -> str:
        return self.asker.user_id

    @property
    def chat_id(self) -> str:
        return self.asker.chat_id

    @property
    def thread(self) -> str | None:
        return self.asker.thread


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    """An inbox event handed to its channel: the platform's own payload, as received."""

    id: int
    platform: str
    event_id: str
    payload: dict[str, Any]
    order_key: str | None = None


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

    async def notify_delivery_failed(self, failure: DeliveryFailure) -> None:
        """A message (an answer, a reply, a reminder) could not be delivered to its asker and
        will not be retried."""


@runtime_checkable
class Deliverer(Protocol):
    """Sends a message to an asker on one platform, in one attempt.

    Raise ``PermanentDeliveryError`` when retrying cannot help (bot blocked,
    chat gone) and ``RateLimitedError`` when the platform says how long to
    wait; any other exception is a transient failure that the outbox retries
    with back-off. Long plain texts are the deliverer's to split
    (``bot.escalation.split_message``).
    """

    async def deliver(self, message: OutboxMessage) -> None: ...


@runtime_checkable
class ArrivalCheck(Protocol):
    """A deliverer that can look on the platform for a message it sent (Slack: by the
    ``ref`` in the message's metadata).

    A worker killed between the platform taking a message and recording that it
    did leaves the message looking unsent. Before another worker sends such a
    message again, the outbox asks the deliverer, if it can check, so that the
    asker does not get it twice. (Telegram's Bot API offers no way to look.)
    """

    async def arrived(self, message: OutboxMessage, since: datetime) -> bool | None:
        """Whether the platform has ``message`` (sent after ``since``); None if it cannot
        tell."""


@runtime_checkable
class EventHandler(Protocol):
    """Acts on an event from the inbox and returns the messages to send in reply.

    The inbox queues the returned messages in the outbox in the same
    transaction that marks the event done, so a crash never leaves an event
    done without its reply. An exception leaves the event to be tried again.
    """

    async def handle(self, event: ReceivedEvent) -> Sequence[OutboxMessage]: ...
