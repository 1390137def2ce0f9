"""The Slack staff channel: tickets are posted there and answered from their threads.

Each ticket becomes one message (question, language, pseudonymous asker,
the bot's best candidates, "Publish as FAQ" and "Close"); the desk records
it as ``<channel>:<ts>`` so that a reply in its thread maps back to the
ticket. A thread cannot say which of several questions a reply answers, so
publishing for such a ticket goes through the "Publish as FAQ" form, which
asks. A published answer's confirmation carries a button that withdraws it
again, and the ``/faq`` command lists, corrects and withdraws learned
entries. Members of the staff channel count as staff
(``conversations.members``, cached for a minute), narrowed further by the
desk (``UDBUDSBOT_STAFF_IDS``). Whatever staff write goes through the desk,
which carries the answer to the asker on the asker's own platform.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack_blocks import (
    Block,
    PublishForm,
    SlackMessage,
    closed_blocks,
    escape,
    fallback,
    follow_up_message,
    notice_message,
    plain_text,
    publish_view,
    published_message,
    ticket_message,
    withdrawn_blocks,
)
from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import DeskError, NotStaffError, WhichQuestionError
from bot.escalation.notes import is_internal_note
from bot.escalation.views import DeliveryFailure, StaffMember, TicketView, learned_id
from bot.staff_faq import parse_faq_command, run_faq_command
from bot.texts import text

log = logging.getLogger(__name__)

T = TypeVar("T")

PLATFORM = "slack"
MEMBERS_TTL_SECONDS = 60.0
NAMES_LIMIT = 1000


def message_ref(channel: str, ts: str) -> str:
    """How the desk knows a staff message: channel and timestamp (unique together)."""
    return f"{channel}:{ts}"


class StaffRoster:
    """Who is in the staff channel, and what they are called (both cached)."""

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        ttl: float = MEMBERS_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._channel = channel
        self._ttl = ttl
        self._clock = clock
        self._members: frozenset[str] = frozenset()
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._names: dict[str, str] = {}

    async def is_member(self, user_id: str) -> bool:
        return user_id in await self._current_members()

    async def staff_member(self, user_id: str) -> StaffMember:
        """The person as the desk sees them; ``in_staff_destination`` from the channel."""
        return StaffMember(
            PLATFORM,
            user_id,
            await self.display_name(user_id),
            in_staff_destination=await self.is_member(user_id),
        )

    async def display_name(self, user_id: str) -> str:
        if user_id not in self._names:
            if len(self._names) >= NAMES_LIMIT:
                self._names.clear()
            self._names[user_id] = await self._fetch_name(user_id)
        return self._names[user_id]

    async def _current_members(self) -> frozenset[str]:
        async with self._lock:
            now = self._clock()
            if self._fetched_at is None or now - self._fetched_at >= self._ttl:
                self._members = await self._fetch_members()
                self._fetched_at = now
            return self._members

    async def _fetch_members(self) -> frozenset[str]:
        members: set[str] = set()
        cursor: str | None = None
        try:
            while True:
                page = await self._client.conversations_members(
                    channel=self._channel, cursor=cursor, limit=1000
                )
                members.update(page.get("members") or ())
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return frozenset(members)
        except SlackApiError as error:
            log.error(
                "Cannot list the members of the staff channel %s (%s); nobody counts as staff "
                "until it works (is the bot in the channel?)",
                self._channel,
                error.response.get("error"),
            )
            return frozenset()

    async def _fetch_name(self, user_id: str) -> str:
        try:
            user = (await self._client.users_info(user=user_id)).get("user") or {}
        except SlackApiError as error:
            log.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
            return user_id
        profile = user.get("profile") or {}
        return (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or user_id
        )


class SlackStaff:
    """The staff channel: a ``StaffNotifier`` for the desk, and the staff side of events."""

    def __init__(
        self,
        client: AsyncWebClient,
        desk: EscalationDesk,
        channel: str,
        language: str,
        roster: StaffRoster | None = None,
    ) -> None:
        self.channel = channel
        self._client = client
        self._desk = desk
        self._language = language
        self._roster = roster or StaffRoster(client, channel)

    # StaffNotifier ------------------------------------------------------------------------------

    async def notify_ticket(self, ticket: TicketView) -> None:
        if ticket.joined:
            thread = await self._thread_of(ticket.id)
            if thread is not None:
                await self._post(follow_up_message(ticket, self._language), thread=thread)
                return
        await self._post_ticket(ticket)

    async def notify_reminder(self, ticket: TicketView) -> None:
        line = text("staff_reminder", self._language, ticket=ticket.id, question=ticket.question)
        thread = await self._thread_of(ticket.id)
        if thread is None:
            await self._post_ticket(ticket)
            return
        await self._post(notice_message(line), thread=thread, broadcast=True)

    async def notify_delivery_failed(self, failure: DeliveryFailure) -> None:
        thread = await self._thread_of(failure.ticket.id) if failure.ticket else None
        await self._post(notice_message(failure.line(self._language)), thread=thread)

    async def _post_ticket(self, ticket: TicketView) -> None:
        response = await self._post(ticket_message(ticket, self._language))
        ref = message_ref(response["channel"], response["ts"])
        await self._desk.set_staff_message(ticket.id, PLATFORM, ref)

    async def _thread_of(self, ticket_id: int) -> str | None:
        ref = await self._desk.staff_message(ticket_id, PLATFORM)
        if ref is None:
            return None
        _, _, ts = ref.rpartition(":")
        return ts

    async def _post(
        self, message: SlackMessage, thread: str | None = None, broadcast: bool = False
    ) -> Any:
        return await self._client.chat_postMessage(
            channel=self.channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread,
            reply_broadcast=broadcast or None,
            unfurl_links=False,
            unfurl_media=False,
        )

    # Staff answers and buttons ------------------------------------------------------------------

    async def ticket_for_thread(self, channel: str, thread_ts: str) -> int | None:
        """The ticket whose message starts this thread of the staff channel, if any."""
        if channel != self.channel:
            return None
        return await self._desk.ticket_for_staff_message(PLATFORM, message_ref(channel, thread_ts))

    async def take_answer(
        self, ticket_id: int, user_id: str, slack_text: str, thread_ts: str, bot_user_id: str | None
    ) -> None:
        """A reply in a ticket's thread: the answer to the asker (``/faq …`` also publishes,
        ``intern: …`` is a note to colleagues and is left alone)."""
        answer = plain_text(slack_text, bot_user_id)
        if is_internal_note(answer):
            return
        staff = await self._roster.staff_member(user_id)
        try:
            view = await self._desk.answer(ticket_id, staff, answer)
        except NotStaffError:
            await self._tell(user_id, text("staff_refused", self._language), thread_ts)
            return
        except WhichQuestionError as error:
            count = len(error.messages)
            notice = text(
                "staff_which_question_slack", self._language, ticket=ticket_id, count=count
            )
            await self._tell(user_id, notice, thread_ts)
            return
        except DeskError as error:
            await self._tell(user_id, str(error), thread_ts)
            return
        await self._confirm(view, thread_ts)

    async def _refused_or(self, user_id: str, ts: str, action: Awaitable[T]) -> T | None:
        """The result of a button's or form's desk action; someone outside the staff, or an
        action the desk refuses, gets a note only they see, and None comes back."""
        try:
            return await action
        except NotStaffError:
            await self._tell(user_id, text("slack_staff_only", self._language), ts)
        except DeskError as error:
            await self._tell(user_id, str(error), ts)
        return None

    async def close(self, ticket_id: int, user_id: str, ts: str, blocks: list[Block]) -> None:
        """The "Close" button: close the ticket and take the buttons off its message."""
        staff = await self._roster.staff_member(user_id)
        if await self._refused_or(user_id, ts, self._desk.close(ticket_id, staff)) is None:
            return
        await self._client.chat_update(
            channel=self.channel,
            ts=ts,
            text=fallback(text("slack_closed_by", self._language, who=staff.display)),
            blocks=closed_blocks(blocks, user_id, self._language),
        )

    async def open_publish(self, ticket_id: int, user_id: str, ts: str, trigger_id: str) -> None:
        """The "Publish as FAQ" button: staff get a form with the answer to send and save."""
        staff = await self._roster.staff_member(user_id)
        if not self._desk.is_staff(staff):
            await self._tell(user_id, text("slack_staff_only", self._language), ts)
            return
        try:
            ticket = await self._desk.ticket(ticket_id)
        except DeskError as error:
            await self._tell(user_id, str(error), ts)
            return
        view = publish_view(ticket, self._language, message_ref(self.channel, ts))
        await self._client.views_open(trigger_id=trigger_id, view=view)

    async def publish(self, user_id: str, metadata: str, form: PublishForm) -> None:
        """The form was sent: answer the ticket and publish the answer as an FAQ entry for the
        chosen question(s), with the other phrasings given."""
        try:
            data = json.loads(metadata)
            ticket_id, ref = int(data["ticket"]), str(data["channel"])
        except (ValueError, KeyError, TypeError):
            log.warning("Publish form with unreadable metadata %r", metadata)
            return
        thread = ref.rpartition(":")[2]
        staff = await self._roster.staff_member(user_id)
        view = await self._refused_or(
            user_id,
            thread,
            self._desk.answer(
                ticket_id,
                staff,
                form.answer,
                publish=True,
                questions=form.questions,
                also=form.also,
            ),
        )
        if view is not None:
            await self._confirm(view, thread)

    async def _confirm(self, view: TicketView, thread_ts: str) -> None:
        notice = view.answered_note(self._language)
        number = view.published_now
        message = (
            notice_message(notice)
            if number is None
            else published_message(notice, number, self._language)
        )
        await self._post(message, thread_ts)

    async def withdraw(self, number: int, user_id: str, ts: str, blocks: list[Block]) -> None:
        """The button under a "published" confirmation: withdraw the entry, then say who did."""
        staff = await self._roster.staff_member(user_id)
        entry = await self._refused_or(user_id, ts, self._desk.withdraw_learned(number, staff))
        if entry is None:
            return
        notice = text("staff_faq_withdrawn", self._language, entry=learned_id(entry.number))
        await self._client.chat_update(
            channel=self.channel,
            ts=ts,
            text=fallback(notice),
            blocks=withdrawn_blocks(blocks, f"{notice} ({staff.display})"),
        )

    async def faq_command(self, user_id: str, words: str) -> str:
        """``/faq liste``, ``/faq ret N …``, ``/faq fjern N``: the reply only the user sees."""
        command = parse_faq_command(f"/faq {words}")
        if command is None:
            return text("slack_faq_usage", self._language)
        staff = await self._roster.staff_member(user_id)
        return await run_faq_command(self._desk, command, staff, self._language)

    async def _tell(self, user_id: str, message: str, thread_ts: str | None) -> None:
        """A note only ``user_id`` sees, in the thread it concerns."""
        await self._client.chat_postEphemeral(
            channel=self.channel,
            user=user_id,
            text=escape(message),
            thread_ts=thread_ts,
        )
