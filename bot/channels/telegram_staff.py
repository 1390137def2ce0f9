"""The Telegram staff group: tickets are posted there, and a reply to one answers it.

A staff message is known to the desk as ``"<chat id>:<message id>"``. Each of
a ticket's questions is a message of its own (the ticket, then one reply per
follow-up), so a reply to a question's message says which question the
answer belongs to, which publishing (``/faq …``) needs when a ticket holds
several. ``/faq liste``, ``/faq ret N …`` and ``/faq fjern N`` (and the
button under a "published" confirmation) manage learned entries. Who may
act is decided in two steps: Telegram says whether the person is a member of
the staff group (``getChatMember``), then the desk narrows that by
``UDBUDSBOT_STAFF_IDS`` and records refusals in the audit trail.
"""

from __future__ import annotations

import contextlib
import logging
import re
from functools import partial

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, ReplyParameters, User
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, Forbidden

from bot.channels.telegram_render import (
    escape,
    render_follow_up,
    render_reminder,
    render_ticket,
    withdraw_keyboard,
)
from bot.channels.telegram_send import NO_PREVIEW, answer_button, retrying
from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import DeskError, NotStaffError, WhichQuestionError
from bot.escalation.notes import is_internal_note
from bot.escalation.views import DeliveryFailure, StaffMember, TicketView, learned_id
from bot.staff_faq import parse_faq_command, run_faq_command
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
        await self._post(ticket.id, body, anchor, question=len(ticket.messages))

    async def notify_reminder(self, ticket: TicketView) -> None:
        anchor = _message_id(await self._desk.staff_message(ticket.id, PLATFORM))
        await self._post(ticket.id, render_reminder(ticket, self._language), anchor)

    async def notify_delivery_failed(self, failure: DeliveryFailure) -> None:
        ticket = failure.ticket
        ref = await self._desk.staff_message(ticket.id, PLATFORM) if ticket else None
        await self._send(escape(failure.line(self._language)), _message_id(ref))

    async def _post(
        self,
        ticket_id: int,
        body: str,
        anchor: int | None,
        *,
        question: int | None = None,
        keyboard: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Post about a ticket and remember the message: a reply to it answers the ticket
        (and, when the message shows one of its questions, that question)."""
        sent = await self._send(body, anchor, keyboard)
        ref = message_ref(self.chat_id, sent.message_id)
        await self._desk.set_staff_message(ticket_id, PLATFORM, ref, question)

    async def _send(
        self, body: str, anchor: int | None, keyboard: InlineKeyboardMarkup | None = None
    ) -> Message:
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
                reply_markup=keyboard,
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
        question = await self._desk.question_for_staff_message(PLATFORM, ref)
        answer = _without_mention(message.text, self._bot.username)
        if is_internal_note(answer):
            return True
        staff = await self._staff_member(user)
        try:
            view = await self._desk.answer(
                ticket_id, staff, answer, questions=(question,) if question else ()
            )
        except NotStaffError:
            await self._send(escape(text("staff_refused", self._language)), message.message_id)
        except WhichQuestionError as error:
            count = len(error.messages)
            notice = text(
                "staff_which_question_telegram", self._language, ticket=ticket_id, count=count
            )
            await self._send(escape(notice), message.message_id)
        except DeskError as error:
            await self._send(escape(str(error)), message.message_id)
        else:
            await self._confirm(view, message.message_id)
        return True

    async def _confirm(self, view: TicketView, anchor: int) -> None:
        """Thank the staff member; a published answer gets a button that withdraws it again.
        A reply to the confirmation adds to the answer, like a reply to the ticket."""
        number = view.published_now
        keyboard = withdraw_keyboard(number, self._language) if number is not None else None
        notice = escape(view.answered_note(self._language))
        await self._post(view.id, notice, anchor, keyboard=keyboard)

    async def take_command(self, message: Message) -> bool:
        """``/faq liste``, ``/faq ret N …`` or ``/faq fjern N``; False if it is none of them."""
        user = message.from_user
        if user is None or message.text is None:
            return False
        command = parse_faq_command(_without_mention(message.text, self._bot.username))
        if command is None:
            return False
        reply = await run_faq_command(
            self._desk, command, await self._staff_member(user), self._language
        )
        await self._send(escape(reply), message.message_id)
        return True

    async def withdraw_pressed(self, query: CallbackQuery, number: int) -> None:
        """The button under a "published" confirmation: withdraw, then take the button off."""
        staff = await self._staff_member(query.from_user)
        try:
            entry = await self._desk.withdraw_learned(number, staff)
        except NotStaffError:
            await answer_button(query, text("staff_refused", self._language), alert=True)
            return
        except DeskError as error:
            await answer_button(query, str(error), alert=True)
            return
        await answer_button(query)
        with contextlib.suppress(BadRequest):  # the message is too old to edit
            await retrying(partial(query.edit_message_reply_markup, reply_markup=None))
        notice = text("staff_faq_withdrawn", self._language, entry=learned_id(entry.number))
        anchor = query.message.message_id if query.message is not None else None
        await self._send(escape(notice), anchor)

    async def _staff_member(self, user: User) -> StaffMember:
        return StaffMember(
            PLATFORM,
            str(user.id),
            user.full_name,
            in_staff_destination=await self.is_member(user.id),
        )

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
