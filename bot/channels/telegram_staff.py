"""The Telegram staff group: tickets are posted there, and a reply to one answers it.

A staff message is known to the desk as ``"<chat id>:<message id>"``. Who
may answer is decided in two steps: Telegram says whether the person is a
member of the staff group (``getChatMember``), then the desk narrows that by
``UDBUDSBOT_STAFF_IDS`` and records refusals in the audit trail.
"""

from __future__ import annotations

import logging
import re
from functools import partial

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, Forbidden

from bot.channels.telegram_render import (
    escape,
    render_delivery_failed,
    render_follow_up,
    render_reminder,
    render_ticket,
)
from bot.channels.telegram_send import NO_PREVIEW, retrying
from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import DeskError, NotStaffError
from bot.escalation.notes import is_internal_note
from bot.escalation.views import StaffMember, TicketView
from bot.texts import text

log = logging.getLogger(__name__)

PLATFORM = "telegram"
MEMBER_STATUSES = frozenset(
    {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
)


def message_ref(chat_id: int, message_id: int) -> str:
    return f"{chat_id}:{message_id}"


def _message_id(ref: str | None) -> int | None:
    return int(ref.rsplit(":", 1)[1]) if ref else None


class TelegramStaffRoom:
    """The staff group: a ``StaffNotifier`` for the desk, and where staff replies come from."""

    def __init__(self, bot: Bot, desk: EscalationDesk, chat_id: int, language: str) -> None:
        self._bot = bot
        self._desk = desk
        self.chat_id = chat_id
        self._language = language

    # StaffNotifier -----------------------------------------------------------------------------

    async def notify_ticket(self, ticket: TicketView) -> None:
        if ticket.joined:
            anchor = _message_id(await self._desk.staff_message(ticket.id, PLATFORM))
            body = render_follow_up(ticket, self._language)
        else:
            anchor, body = None, render_ticket(ticket, self._language)
        await self._post(ticket, body, anchor)

    async def notify_reminder(self, ticket: TicketView) -> None:
        anchor = _message_id(await self._desk.staff_message(ticket.id, PLATFORM))
        await self._post(ticket, render_reminder(ticket, self._language), anchor)

    async def notify_delivery_failed(self, ticket: TicketView, reason: str) -> None:
        anchor = _message_id(await self._desk.staff_message(ticket.id, PLATFORM))
        await self._send(render_delivery_failed(ticket, reason, self._language), anchor)

    async def _post(self, ticket: TicketView, body: str, anchor: int | None) -> None:
        """Post about a ticket and remember the message: a reply to it answers the ticket."""
        sent = await self._send(body, anchor)
        await self._desk.set_staff_message(
            ticket.id, PLATFORM, message_ref(self.chat_id, sent.message_id)
        )

    async def _send(self, body: str, anchor: int | None) -> Message:
        reply_to = None
        if anchor is not None:
            reply_to = ReplyParameters(anchor, allow_sending_without_reply=True)
        return await retrying(
            partial(
                self._bot.send_message,
                chat_id=self.chat_id,
                text=body,
                parse_mode=ParseMode.HTML,
                reply_parameters=reply_to,
                link_preview_options=NO_PREVIEW,
            )
        )

    # Staff answers -----------------------------------------------------------------------------

    async def take_answer(self, message: Message) -> bool:
        """Answer a ticket with ``message`` if it replies to a ticket post; False if it does not."""
        original = message.reply_to_message
        user = message.from_user
        if original is None or user is None or message.text is None:
            return False
        if original.from_user is None or original.from_user.id != self._bot.id:
            return False
        ref = message_ref(self.chat_id, original.message_id)
        ticket_id = await self._desk.ticket_for_staff_message(PLATFORM, ref)
        if ticket_id is None:
            return False
        staff = StaffMember(
            PLATFORM,
            str(user.id),
            user.full_name,
            in_staff_destination=await self.is_member(user.id),
        )
        answer = _without_mention(message.text, self._bot.username)
        if is_internal_note(answer):
            return True
        try:
            view = await self._desk.answer(ticket_id, staff, answer)
        except NotStaffError:
            await self._send(escape(text("staff_refused", self._language)), message.message_id)
        except DeskError as error:
            await self._send(escape(str(error)), message.message_id)
        else:
            key = "staff_published" if view.learned_id is not None else "staff_answered"
            notice = escape(text(key, self._language, ticket=ticket_id))
            # A reply to the confirmation adds to the answer, like a reply to the ticket.
            await self._post(view, notice, message.message_id)
        return True

    async def is_member(self, user_id: int) -> bool:
        """Whether Telegram lists the user as a current member of the staff group."""
        try:
            member = await retrying(
                partial(self._bot.get_chat_member, chat_id=self.chat_id, user_id=user_id)
            )
        except (BadRequest, Forbidden) as error:
            log.warning("Cannot check staff membership of %s: %s", user_id, error)
            return False
        restricted_member = member.status == ChatMemberStatus.RESTRICTED and getattr(
            member, "is_member", False
        )
        return member.status in MEMBER_STATUSES or restricted_member


def _without_mention(value: str, username: str | None) -> str:
    """Staff may start a reply with ``@bot`` or write ``/faq@bot``; the name is not the answer."""
    if not username:
        return value
    name = re.escape(username)
    value = re.sub(rf"^\s*@{name}\b", "", value, flags=re.IGNORECASE)
    return re.sub(rf"^(\s*/\w+)@{name}\b", r"\1", value, flags=re.IGNORECASE).strip()
