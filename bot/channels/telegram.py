"""The Telegram channel: python-telegram-bot in front of the assistant and the desk.

Updates arrive by long polling, or, when ``UDBUDSBOT_PUBLIC_URL`` is set, by
a webhook on the shared HTTP server (``POST /telegram/webhook``, checked by
Telegram's secret-token header). Either way each update is in the inbox
(keyed by ``update_id``) before the webhook call is answered or the polling
offset moves past it, so an update fetched or received just before a crash
is still answered, and one Telegram sends again is answered once. (That is
why the channel polls with its own loop instead of PTB's ``Updater``, which
confirms updates before they are handled.)

The inbox hands each update back to ``handle``, which runs it through one PTB
``Application`` whose handlers only translate: a text message becomes a
``Question`` for the assistant (on a thread of its own, ``assistant_thread``,
so that retrieval never holds up webhook calls or sends), the ``Reply``
becomes HTML with buttons, collected for the outbox. In groups the bot
speaks only when addressed: mentioned, replied to, or given one of its
commands. The staff group (``TELEGRAM_STAFF_CHAT_ID``) gets the tickets; a
reply to a ticket there is a staff answer, and ``/faq …`` commands there
manage the learned answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aiohttp import web
from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    ChatMemberUpdated,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.assistant_thread import AssistantThread
from bot.channels.telegram_render import (
    Outgoing,
    Vote,
    choice_button,
    chosen_value,
    escape,
    feedback_vote,
    render_reply,
    withdrawn_number,
)
from bot.channels.telegram_send import TelegramDeliverer, answer_button, rendered, retrying
from bot.channels.telegram_staff import PLATFORM, TelegramStaffRoom
from bot.conversation import Asker, Choice, Question, short_id
from bot.escalation.errors import DeskError
from bot.escalation.inbox import Inbox
from bot.escalation.interfaces import Deliverer, OutboxMessage, ReceivedEvent, StaffNotifier
from bot.runtime import Runtime
from bot.texts import text
from knowledge.model import LANGUAGES

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
)
POLL_SECONDS = 30
SEND_TIMEOUT = 30.0
FIRST_POLL_PAUSE = 1.0
MAX_POLL_PAUSE = 60.0
COMMANDS = (
    "start",
    "help",
    "udbud",
    "abonner",
    "abonnementer",
    "afmeld",
    "kontakt",
    "menneske",
    "slet",
)


@dataclass
class _Handling:
    """What handling one update produced: the messages for the outbox, and whether a handler
    failed (PTB hands handler errors to the error handler instead of raising them)."""

    replies: list[OutboxMessage] = field(default_factory=list)
    failed: BaseException | None = None


_handling: ContextVar[_Handling] = ContextVar("telegram_handling")


class UpdateFailedError(Exception):
    """A handler failed on an update; the inbox tries it again later."""


def file_base_url(base_url: str) -> str:
    """The file download base that belongs to a Bot API base (``…/bot`` → ``…/file/bot``)."""
    root, _, last = base_url.rstrip("/").rpartition("/")
    return f"{root}/file/{last}"


def webhook_secret(token: str, configured: str | None) -> str:
    """The configured secret, or one derived from the token so that every worker agrees on it."""
    if configured:
        return configured
    return hashlib.sha256(f"udbudsbot telegram webhook:{token}".encode()).hexdigest()


def language_hint(code: str | None) -> str | None:
    """Danish or English from a Telegram ``language_code`` (``da``, ``en-GB``), else None."""
    base = (code or "").split("-")[0].casefold()
    return base if base in LANGUAGES else None


class TelegramChannel:
    """One Telegram bot: askers in private chats and groups, and optionally the staff group."""

    platform = PLATFORM

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        if settings.telegram_bot_token is None:
            raise ValueError("the Telegram channel needs TELEGRAM_BOT_TOKEN")
        if runtime.desk is None:
            raise ValueError("the Telegram channel needs the escalation desk")
        token = settings.telegram_bot_token.get_secret_value()
        # httpx logs every request URL at INFO, and Bot API URLs contain the token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._runtime = runtime
        self._assistant = AssistantThread(runtime)
        self._desk = runtime.desk
        self._webhook_url = (
            settings.public_url.rstrip("/") + WEBHOOK_PATH if settings.public_url else None
        )
        configured = settings.telegram_webhook_secret
        self._secret = webhook_secret(token, configured.get_secret_value() if configured else None)
        builder = (
            Application.builder()
            .token(token)
            .base_url(settings.telegram_api_base_url)
            .base_file_url(file_base_url(settings.telegram_api_base_url))
            # A slow answer is not a failed one: a send given up too early is sent twice.
            .read_timeout(SEND_TIMEOUT)
            .write_timeout(SEND_TIMEOUT)
            .pool_timeout(SEND_TIMEOUT)
        )
        self.application = builder.updater(None).build()
        bot = self.application.bot
        self._deliverer = TelegramDeliverer(bot)
        self._staff = (
            TelegramStaffRoom(
                bot, self._desk, settings.telegram_staff_chat_id, settings.staff_language
            )
            if settings.telegram_staff_chat_id is not None
            else None
        )
        self._inbox: Inbox | None = None
        self._polling: asyncio.Task[None] | None = None
        self._add_handlers()

    # Channel protocol ----------------------------------------------------------------------------

    @property
    def deliverer(self) -> Deliverer:
        return self._deliverer

    @property
    def notifier(self) -> StaffNotifier | None:
        return self._staff

    def add_routes(self, app: web.Application) -> None:
        if self._webhook_url:
            app.router.add_post(WEBHOOK_PATH, self._webhook)

    async def start(self, inbox: Inbox) -> None:
        self._assistant.start()
        app = self.application
        await app.initialize()
        await self._register_commands()
        if self._webhook_url:
            await retrying(
                partial(
                    app.bot.set_webhook,
                    url=self._webhook_url,
                    secret_token=self._secret,
                    allowed_updates=list(ALLOWED_UPDATES),
                )
            )
        else:
            await retrying(app.bot.delete_webhook)
            self._polling = asyncio.create_task(self._poll(inbox), name="telegram-polling")
        await app.start()
        self._inbox = inbox  # only now can updates be handled; until then webhook calls get 503
        mode = f"webhook {self._webhook_url}" if self._webhook_url else "long polling"
        log.info("Telegram bot @%s is running (%s)", app.bot.username, mode)

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None
        app = self.application
        if app.running:
            await app.stop()
        await app.shutdown()
        await self._assistant.stop()

    async def handle(self, event: ReceivedEvent) -> Sequence[OutboxMessage]:
        """Run one update from the inbox through the handlers; the replies they produced."""
        update = Update.de_json(event.payload, self.application.bot)
        handling = _Handling()
        token = _handling.set(handling)
        try:
            await self.application.process_update(update)
        finally:
            _handling.reset(token)
        if handling.failed is not None:
            raise UpdateFailedError(f"update {event.event_id}") from handling.failed
        return handling.replies

    async def _register_commands(self) -> None:
        """The command menu in Danish for Danish clients and in English for everyone else."""
        for language in LANGUAGES:
            commands = [BotCommand(name, text(f"command_{name}", language)) for name in COMMANDS]
            await retrying(
                partial(
                    self.application.bot.set_my_commands,
                    commands,
                    language_code="da" if language == "da" else None,
                )
            )

    # Receiving -----------------------------------------------------------------------------------

    async def _webhook(self, request: web.Request) -> web.Response:
        """Receive one update from Telegram; only Telegram knows the secret token.

        The update is in the inbox before Telegram hears 200; when the database
        cannot take it, Telegram hears 503 and sends it again later.
        """
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401, text="missing secret token")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            return web.Response(status=403, text="wrong secret token")
        try:
            payload = await request.json()
            update = (
                Update.de_json(payload, self.application.bot) if isinstance(payload, dict) else None
            )
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None or not isinstance(update.update_id, int):
            return web.Response(status=400, text="not a Telegram update")
        if self._inbox is None:
            return web.Response(status=503, text="starting")
        try:
            await self._receive(self._inbox, update, payload)
        except DeskError as error:
            log.error("Telegram update %s not recorded: %s", update.update_id, error)
            return web.Response(status=503, text="try again later")
        return web.Response(status=200)

    async def _poll(self, inbox: Inbox) -> None:
        """Long polling: each batch is in the inbox before the next request confirms it.

        Telegram forgets updates only when asked for those after them
        (``offset``), so an update fetched but not recorded (the database or
        the process went away) comes again.
        """
        bot = self.application.bot
        offset: int | None = None
        pause = FIRST_POLL_PAUSE
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=POLL_SECONDS, allowed_updates=list(ALLOWED_UPDATES)
                )
                for update in updates:
                    await self._receive(inbox, update, update.to_dict())
            except (TelegramError, DeskError) as error:
                log.warning("Telegram polling failed (%s); trying again in %.0f s", error, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_POLL_PAUSE)
                continue
            pause = FIRST_POLL_PAUSE
            if updates:
                offset = updates[-1].update_id + 1

    async def _receive(self, inbox: Inbox, update: Update, payload: dict[str, Any]) -> None:
        sender = update.effective_user or update.effective_chat
        event = await inbox.receive(
            PLATFORM, str(update.update_id), payload, str(sender.id) if sender else None
        )
        if event is not None:
            inbox.process_soon(event)

    # Handlers ------------------------------------------------------------------------------------

    def _add_handlers(self) -> None:
        app = self.application
        app.add_handler(CallbackQueryHandler(self._on_button))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, self._on_edited))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._on_text))
        app.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, self._on_not_text
            )
        )
        app.add_handler(ChatMemberHandler(self._on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self._on_error)

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.text is None or not _from_person(message):
            return
        if (
            self._staff is not None
            and message.chat.id == self._staff.chat_id
            and (await self._staff.take_command(message) or await self._staff.take_answer(message))
        ):
            return
        if not self._addressed(message):
            return
        assert message.from_user is not None
        question = self._without_mention(message.text)
        await self._ask(message.from_user, message.chat, question, message)

    async def _on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or not _from_person(message) or not self._addressed(message):
            return
        await self._notice(message, "unsupported_message")

    async def _on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.edited_message
        if message is None or not _from_person(message) or not self._addressed(message):
            return
        await self._notice(message, "edited_message")

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None:
            return
        data = query.data or ""
        withdrawn = withdrawn_number(data)
        if (
            withdrawn is not None
            and self._staff is not None
            and query.message.chat.id == self._staff.chat_id
        ):
            await self._staff.withdraw_pressed(query, withdrawn)
            return
        choice = chosen_value(data)
        vote = feedback_vote(data)
        if choice is None and vote is None:
            await answer_button(query)
            return
        if vote is not None:
            await self._remove_buttons(query)
            await self._feedback(query, vote)
            return
        assert choice is not None
        await answer_button(query)
        await self._remove_buttons(query)
        message = query.message
        original = message if isinstance(message, Message) else None
        await self._ask(query.from_user, message.chat, choice, original)

    async def _on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the id of a group the bot joins: that is the number TELEGRAM_STAFF_CHAT_ID wants."""
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None or change.chat.type == ChatType.PRIVATE:
            return
        log.info(
            "Telegram: the bot is now %s in %s %r, chat id %d",
            change.new_chat_member.status,
            change.chat.type,
            change.chat.title,
            change.chat.id,
        )

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("Telegram update %s failed", update_id, exc_info=context.error)
        handling = _handling.get(None)
        if handling is not None:
            handling.failed = context.error

    # Conversation --------------------------------------------------------------------------------

    async def _ask(self, user: User, chat: Chat, question: str, anchor: Message | None) -> None:
        """Ask the assistant as ``user``; the reply is for ``chat``."""
        asker = _asker(user, chat, anchor)
        reply = await self._assistant.reply(
            Question(question, asker, language_hint(user.language_code))
        )
        for outgoing in render_reply(reply):
            _reply(asker, chat, outgoing, anchor, reply.language, ticket_id=reply.ticket_id)

    async def _feedback(self, query: CallbackQuery, vote: Vote) -> None:
        assert query.message is not None
        chat = query.message.chat
        language = vote.language or language_hint(query.from_user.language_code) or "da"
        wanted = set(vote.short_ids)
        record_ids = [
            record.id for record in self._runtime.index.records() if short_id(record.id) in wanted
        ]
        asker = Asker(PLATFORM, str(query.from_user.id), str(chat.id))
        await self._desk.record_feedback(
            asker, vote.helpful, record_ids=record_ids, language=language
        )
        await answer_button(query, text("feedback_thanks", language))
        if not vote.helpful:
            person = choice_button(Choice(text("ask_person", language), "/menneske"))
            keyboard = InlineKeyboardMarkup([[person]]) if person else None
            outgoing = Outgoing(escape(text("feedback_sorry", language)), keyboard)
            anchor = query.message if isinstance(query.message, Message) else None
            _reply(_asker(query.from_user, chat, anchor), chat, outgoing, anchor, language)

    async def _notice(self, message: Message, key: str) -> None:
        language = language_hint(message.from_user.language_code if message.from_user else None)
        outgoing = Outgoing(escape(text(key, language or "da")))
        assert message.from_user is not None
        asker = _asker(message.from_user, message.chat, message)
        _reply(asker, message.chat, outgoing, message, language or "da")

    async def _remove_buttons(self, query: CallbackQuery) -> None:
        """A choice or a vote is taken once: its buttons go away."""
        try:
            await retrying(partial(query.edit_message_reply_markup, reply_markup=None))
        except BadRequest as error:  # the message is too old, or already without buttons
            log.debug("could not remove buttons: %s", error)

    # Groups --------------------------------------------------------------------------------------

    def _addressed(self, message: Message) -> bool:
        """In a private chat always; in a group when mentioned, replied to, or given a command."""
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot = self.application.bot
        original = message.reply_to_message
        if original and original.from_user and original.from_user.id == bot.id:
            return True
        username = f"@{bot.username}".casefold()
        entities = message.parse_entities() or message.parse_caption_entities()
        for entity, value in entities.items():
            if entity.type == MessageEntity.MENTION and value.casefold() == username:
                return True
            if entity.type == MessageEntity.TEXT_MENTION and entity.user == bot.bot:
                return True
            if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
                _, _, addressee = value.partition("@")
                return not addressee or f"@{addressee}".casefold() == username
        return False

    def _without_mention(self, value: str) -> str:
        username = re.escape(self.application.bot.username)
        return re.sub(rf"(?<!\w)@{username}\b", " ", value, flags=re.IGNORECASE).strip()


def _asker(user: User, chat: Chat, anchor: Message | None) -> Asker:
    """Who is answered, and where: the chat, and the forum topic the question came from."""
    thread = anchor.message_thread_id if anchor and anchor.is_topic_message else None
    return Asker(PLATFORM, str(user.id), str(chat.id), str(thread) if thread else None)


def _reply(
    asker: Asker,
    chat: Chat,
    outgoing: Outgoing,
    anchor: Message | None,
    language: str,
    *,
    ticket_id: int | None = None,
) -> None:
    """Add a message for ``chat`` to the update's replies; in groups it answers ``anchor``, so
    that it is clear who is meant."""
    in_group = chat.type != ChatType.PRIVATE
    reply_to = anchor.message_id if anchor is not None and in_group else None
    message = OutboxMessage(
        asker, outgoing.plain, language, rendered(outgoing, reply_to), ticket_id=ticket_id
    )
    _handling.get().replies.append(message)


def _from_person(message: Message) -> bool:
    return message.from_user is not None and not message.from_user.is_bot
