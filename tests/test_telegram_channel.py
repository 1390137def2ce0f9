"""End-to-end: the real python-telegram-bot Application against a fake Bot API server.

Each test builds a real ``Runtime`` (``start_runtime``) on a small knowledge
pack with the bundled embedding model (the session fixture of conftest.py), a fresh
SQLite desk and data directory, and a ``TelegramChannel`` whose API base URL
points at ``tests.fake_telegram`` on 127.0.0.1, with its inbox and outbox.
Updates reach the bot through polling (the fake's ``getUpdates``), through
the webhook route of the shared HTTP server, or one at a time through the
inbox, handled to the end (replies sent) before the test goes on. An error
handler records every exception a handler raised; each test ends by
asserting there were none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select
from telegram import Update
from telegram.ext import ContextTypes

import bot.runtime
from bot.channels.serve import Server
from bot.channels.telegram import WEBHOOK_PATH, TelegramChannel
from bot.config import Settings
from bot.escalation import Inbox, OutboxWorker, TicketStatus
from bot.escalation.schema import Feedback
from bot.runtime import Runtime, start_runtime
from bot.texts import text
from index.dense import Embedder
from tests.fake_telegram import BOT_USER, BOT_USERNAME, TOKEN, FakeTelegram, user

pytestmark = pytest.mark.model

ASKER_ID = 4242
ALICE = user(ASKER_ID, "Alice", "da")
STAFF_CHAT = -1001
GROUP = -2002
KAREN = user(500, "Karen", "da")
MALLORY = user(666, "Mallory", "da")
INJECTION = "<b>x</b><script>"
ENVIRONMENT = (
    "UDBUDSBOT_PUBLIC_URL",
    "UDBUDSBOT_STAFF_IDS",
    "UDBUDSBOT_STAFF_LANGUAGE",
    "UDBUDSBOT_DATABASE_URL",
    "UDBUDSBOT_ANSWER_THRESHOLD",
    "TELEGRAM_WEBHOOK_SECRET",
    "UDBUDSBOT_TELEGRAM_WEBHOOK_SECRET",
)

FAQ = """\
- id: invoice-format
  tags: [faktura]
  source_url: https://aarhus.dk/faktura?del=1&sprog=da
  da:
    question: Hvordan sender jeg en faktura til kommunen?
    alternates: [hvordan fakturerer jeg kommunen, send regning til aarhus kommune]
    answer: Fakturaen skal sendes elektronisk som e-faktura med kommunens EAN-nummer.
  en:
    question: How do I send an invoice to the municipality?
    alternates: [how to bill aarhus kommune]
    answer: Invoices must be sent electronically as e-invoices with the municipality's EAN number.
- id: payment-terms
  tags: [betaling]
  source_url: https://aarhus.dk/betaling
  da:
    question: Hvornår betaler kommunen en faktura?
    answer: Kommunen betaler normalt en korrekt faktura 30 dage efter modtagelsen.
  en:
    question: When does the municipality pay an invoice?
    answer: The municipality normally pays a correct invoice 30 days after receiving it.
- id: markup-tags
  tags: [html]
  source_url: https://aarhus.dk/tegn
  da:
    question: Hvad betyder <b>x</b><script> i et tilbudsskema?
    answer: Skriv aldrig <b>x</b><script>alert(1)</script> i et tilbudsskema; felterne er ren tekst.
  en:
    question: What does <b>x</b><script> mean in a bid form?
    answer: Never write <b>x</b><script>alert(1)</script> in a bid form; the fields are plain text.
- id: ean-schools
  source_url: https://aarhus.dk/ean/skoler
  da:
    question: Hvor finder jeg EAN-nummeret til en skole?
    answer: Skolernes EAN-numre står i kommunens EAN-liste under Børn og Unge.
- id: ean-care-homes
  source_url: https://aarhus.dk/ean/plejehjem
  da:
    question: Hvor finder jeg EAN-nummeret til et plejehjem?
    answer: Plejehjemmenes EAN-numre står i kommunens EAN-liste under Sundhed og Omsorg.
"""
GLOSSARY = """\
- da: [faktura, regning, e-faktura]
  en: [invoice, bill, e-invoice]
- da: [udbud, licitation]
  en: [tender, call for tenders, procurement]
"""


@pytest.fixture(name="fake")
async def fixture_fake() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@dataclass
class TelegramBot:
    """A started channel, its runtime, inbox and outbox, and the errors its handlers raised."""

    channel: TelegramChannel
    runtime: Runtime
    fake: FakeTelegram
    inbox: Inbox
    outbox: OutboxWorker
    errors: list[BaseException] = field(default_factory=list)

    async def deliver(self, **content: Any) -> None:
        """One update through the inbox, handled and its replies sent before this returns."""
        data = self.fake.new_update(**content)
        sender = Update.de_json(data, self.channel.application.bot).effective_user
        event = await self.inbox.receive(
            "telegram", str(data["update_id"]), data, str(sender.id) if sender else None
        )
        assert event is not None
        await self.inbox.process(event)

    async def say(
        self, words: str, sender: dict[str, Any] = ALICE, chat_id: int = ASKER_ID, **extra: Any
    ) -> dict[str, Any]:
        message = self.fake.message(words, sender=sender, chat_id=chat_id, **extra)
        await self.deliver(message=message)
        return message

    async def press(
        self, message: dict[str, Any], data: str, sender: dict[str, Any] = ALICE
    ) -> None:
        await self.deliver(callback_query=self.fake.button_press(message, data, sender))


BotFactory = Callable[..., "contextlib.AbstractAsyncContextManager[TelegramBot]"]


@pytest.fixture(name="make_bot")
def fixture_make_bot(
    fake: FakeTelegram,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bundled_embedder: Embedder,
) -> BotFactory:
    """Start a channel (polling unless ``public_url`` is given) with these settings."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    knowledge = tmp_path / "knowledge"
    (knowledge / "faq").mkdir(parents=True)
    (knowledge / "faq" / "faq.yaml").write_text(FAQ, encoding="utf-8")
    (knowledge / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    monkeypatch.setattr(bot.runtime, "load_embedder", lambda model: bundled_embedder)

    @contextlib.asynccontextmanager
    async def make(start: bool = True, **values: Any) -> AsyncIterator[TelegramBot]:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=tmp_path / "data",
            knowledge_dir=knowledge,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=fake.base_url,
            **{"telegram_staff_chat_id": STAFF_CHAT, **values},
        )
        runtime = start_runtime(settings)
        channel = TelegramChannel(runtime)
        if start and channel.notifier is not None:  # as the Server would
            runtime.desk.add_notifier(channel.notifier)
        outbox = OutboxWorker(runtime.desk, {"telegram": channel.deliverer})
        inbox = Inbox(runtime.desk, outbox, {"telegram": channel})
        tested = TelegramBot(channel, runtime, fake, inbox, outbox)

        async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            tested.errors.append(context.error)

        channel.application.add_error_handler(record)
        try:
            if start:
                await channel.start(inbox)
            yield tested
        finally:
            if start:
                await inbox.close()
                await channel.stop()
            runtime.close()

    return make


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


# Polling -----------------------------------------------------------------------------------------


async def test_polling_answers_in_html_with_a_citation_link_and_registers_commands(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    async with make_bot() as tested:
        question = fake.message(
            "Hvordan sender jeg en faktura til kommunen?", sender=ALICE, chat_id=ASKER_ID
        )
        await fake.push(fake.new_update(message=question))
        [call] = await fake.wait_for("sendMessage", chat_id=ASKER_ID)

    reply = call.params
    assert reply["parse_mode"] == "HTML"
    assert "Fakturaen skal sendes elektronisk som e-faktura" in reply["text"]
    assert (
        '<a href="https://aarhus.dk/faktura?del=1&amp;sprog=da">'
        "Hvordan sender jeg en faktura til kommunen?</a>"
    ) in reply["text"]
    assert [label for label, _ in buttons(fake.sent_message(ASKER_ID))] == ["👍", "👎"]
    assert fake.called("getUpdates")
    menus = {
        c.params.get("language_code"): c.params["commands"] for c in fake.called("setMyCommands")
    }
    assert set(menus) == {"da", None}
    for commands in menus.values():
        assert [c["command"] for c in commands] == [
            "start",
            "help",
            "udbud",
            "abonner",
            "abonnementer",
            "afmeld",
            "kontakt",
            "menneske",
            "slet",
        ]
    assert menus["da"][0]["description"] != menus[None][0]["description"]
    assert tested.errors == []


# Asking, choosing, feedback ----------------------------------------------------------------------


async def test_a_tapped_clarify_choice_is_asked_as_the_next_question(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    # Nothing is certain enough to answer at threshold 1, and the two EAN entries tie.
    async with make_bot(answer_threshold=1.0) as tested:
        await tested.say("Hvor finder jeg EAN-nummeret?")
        clarify = fake.sent_message(ASKER_ID)
        choices = buttons(clarify)
        assert clarify["text"] == text("clarify", "da")
        assert all(len(data.encode()) <= 64 for _, data in choices)
        labels = [label for label, _ in choices]
        assert "Hvor finder jeg EAN-nummeret til en skole?" in labels
        assert labels[-1] == text("clarify_none", "da")
        picked = dict(choices)["Hvor finder jeg EAN-nummeret til en skole?"]

        await tested.press(clarify, picked)

    assert fake.called("answerCallbackQuery")
    assert fake.called("editMessageReplyMarkup", message_id=clarify["message_id"])
    assert "reply_markup" not in fake.messages[(ASKER_ID, clarify["message_id"])]
    answer = fake.sent_to(ASKER_ID)[-1]
    assert "Skolernes EAN-numre står i kommunens EAN-liste" in answer["text"]
    assert 'href="https://aarhus.dk/ean/skoler"' in answer["text"]
    assert tested.errors == []


async def test_feedback_is_stored_and_a_thumbs_down_offers_a_person(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    async with make_bot() as tested:
        await tested.say("Hvordan sender jeg en faktura til kommunen?")
        first = fake.sent_message(ASKER_ID)
        await tested.press(first, dict(buttons(first))["👍"])
        await tested.say("Hvornår betaler kommunen en faktura?")
        second = fake.sent_message(ASKER_ID)
        await tested.press(second, dict(buttons(second))["👎"])

        rows = stored_votes(tested)
        offer = fake.sent_message(ASKER_ID)

    assert rows == [(True, '["invoice-format"]', "da"), (False, '["payment-terms"]', "da")]
    thanks = fake.called("answerCallbackQuery", text=text("feedback_thanks", "da"))
    assert len(thanks) == 2
    assert "reply_markup" not in fake.messages[(ASKER_ID, first["message_id"])]
    assert offer["text"] == text("feedback_sorry", "da")
    assert buttons(offer) == [(text("ask_person", "da"), "c:/menneske")]
    assert tested.errors == []


async def test_a_vote_after_a_restart_still_names_the_answer(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    async with make_bot() as before:
        await before.say("Hvordan sender jeg en faktura til kommunen?")
        answer = fake.sent_message(ASKER_ID)
    async with make_bot() as after:
        await after.press(answer, dict(buttons(answer))["👍"])
        rows = stored_votes(after)
    assert rows == [(True, '["invoice-format"]', "da")]
    assert after.errors == []


def stored_votes(tested: TelegramBot) -> list[tuple[bool, str, str | None]]:
    """Every feedback row: the vote, the answer's record ids (JSON) and its language."""
    return tested.runtime.desk.store.transaction(
        lambda s: [(r.helpful, r.record_ids, r.language) for r in s.scalars(select(Feedback))]
    )


async def test_an_english_client_gets_english(make_bot: BotFactory, fake: FakeTelegram) -> None:
    async with make_bot() as tested:
        await tested.say("/help", sender=user(77, "Bob", "en-GB"), chat_id=77)
    assert fake.sent_to(77)[-1]["text"].startswith("Ask your question in your own words")
    assert tested.errors == []


# Escalation through the staff group --------------------------------------------------------------


@pytest.mark.parametrize("publish", ["/faq", f"/faq@{BOT_USERNAME}"])
async def test_a_staff_reply_in_the_group_reaches_the_asker(
    make_bot: BotFactory, fake: FakeTelegram, publish: str
) -> None:
    fake.members[500] = "member"
    async with make_bot() as tested:
        await tested.say("/menneske Kan I tjekke vores faktura fra marts?")
        told = fake.sent_to(ASKER_ID)[-1]["text"]
        [posted] = fake.sent_to(STAFF_CHAT)
        ticket = fake.sent_message(STAFF_CHAT)

        reply = fake.message(
            f"{publish} Ja, send den igen med EAN-nummeret.",
            sender=KAREN,
            chat_id=STAFF_CHAT,
            reply_to=ticket,
        )
        await tested.deliver(
            message=fake.message(
                "intern: Er det ikke den faktura, vi afviste?",
                sender=KAREN,
                chat_id=STAFF_CHAT,
                reply_to=ticket,
            )
        )
        staff_posts = len(fake.sent_to(STAFF_CHAT))
        await tested.deliver(message=reply)
        confirmation = fake.sent_to(STAFF_CHAT)[-1]
        delivered = await OutboxWorker(
            tested.runtime.desk, {"telegram": tested.channel.deliverer}
        ).process_once()
        answer = fake.sent_to(ASKER_ID)[-1]
        [view] = await tested.runtime.desk.tickets()
        learned = await tested.runtime.desk.learned_entries()

        await tested.deliver(
            message=fake.message(
                "Og husk ordrenummeret.",
                sender=KAREN,
                chat_id=STAFF_CHAT,
                reply_to=fake.sent_message(STAFF_CHAT),
            )
        )
        await OutboxWorker(
            tested.runtime.desk, {"telegram": tested.channel.deliverer}
        ).process_once()
        addition = fake.sent_to(ASKER_ID)[-1]["text"]

    assert "#1" in told
    assert "Kan I tjekke vores faktura fra marts?" in posted["text"]
    assert posted["parse_mode"] == "HTML"
    assert "asker-" in posted["text"]
    assert "Alice" not in posted["text"] and str(ASKER_ID) not in posted["text"]
    assert fake.called("getChatMember", chat_id=STAFF_CHAT, user_id=500)
    published = text("staff_published", "da", ticket=1, entry="learned-1", number=1)
    unfound = text("staff_published_unfound", "da", number=1, other="engelsk")
    assert confirmation["text"] == f"{published}\n{unfound}"
    assert confirmation["reply_parameters"]["message_id"] == reply["message_id"]
    assert delivered == 1
    assert staff_posts == 1  # the internal note got no reply
    assert "Ja, send den igen med EAN-nummeret." in answer["text"]
    assert all("afviste" not in m["text"] for m in fake.sent_to(ASKER_ID))
    assert "/faq" not in answer["text"]
    assert "parse_mode" not in answer
    assert view.status is TicketStatus.DELIVERED
    assert len(learned) == 1
    assert "Og husk ordrenummeret." in addition
    assert tested.errors == []


@pytest.mark.parametrize(
    ("status", "staff_ids"),
    [("left", ""), ("member", "telegram:501")],
    ids=["not-in-the-staff-group", "not-in-staff-ids"],
)
async def test_a_reply_from_someone_not_staff_is_refused(
    make_bot: BotFactory, fake: FakeTelegram, status: str, staff_ids: str
) -> None:
    fake.members[666] = status
    async with make_bot(staff_ids=staff_ids) as tested:
        await tested.say("/menneske Kan I tjekke vores faktura fra marts?")
        ticket = fake.sent_message(STAFF_CHAT)
        await tested.deliver(
            message=fake.message(
                "Det må I selv finde ud af.", sender=MALLORY, chat_id=STAFF_CHAT, reply_to=ticket
            )
        )
        [view] = await tested.runtime.desk.tickets()
        delivered = await OutboxWorker(
            tested.runtime.desk, {"telegram": tested.channel.deliverer}
        ).process_once()

    assert fake.sent_to(STAFF_CHAT)[-1]["text"] == text("staff_refused", "da")
    assert view.status is TicketStatus.OPEN
    assert delivered == 0
    assert all("selv finde ud af" not in m["text"] for m in fake.sent_to(ASKER_ID))
    assert tested.errors == []


async def test_follow_ups_reminders_and_failed_deliveries_are_posted_under_the_ticket(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    fake.members[500] = "member"
    async with make_bot() as tested:
        desk = tested.runtime.desk
        await tested.say("/menneske Kan I tjekke vores faktura fra marts?")
        ticket = fake.sent_message(STAFF_CHAT)
        await tested.say("/menneske Og den fra april?")
        follow_up = fake.sent_message(STAFF_CHAT)
        follow_up_call = fake.sent_to(STAFF_CHAT)[-1]
        desk.clock = lambda: datetime.now(UTC) + timedelta(days=10)
        reminded = await desk.send_due_reminders()
        reminder_call = fake.sent_to(STAFF_CHAT)[-1]

        await tested.deliver(
            message=fake.message(
                "Begge er modtaget.", sender=KAREN, chat_id=STAFF_CHAT, reply_to=follow_up
            )
        )
        # The asker blocks the bot: the reminder to them fails for good, staff are told.
        fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        await OutboxWorker(desk, {"telegram": tested.channel.deliverer}).process_once()
        failure = fake.sent_to(STAFF_CHAT)[-1]
        [view] = await desk.tickets()

    assert "Og den fra april?" in follow_up_call["text"]
    assert follow_up_call["reply_parameters"]["message_id"] == ticket["message_id"]
    assert reminded == [1]
    assert reminder_call["reply_parameters"]["message_id"] == ticket["message_id"]
    assert view.answer == "Begge er modtaget."
    assert "#1" in failure["text"] and "blocked by the user" in failure["text"]
    assert failure["reply_parameters"]["message_id"] == ticket["message_id"]
    assert tested.errors == []


async def test_publishing_a_ticket_with_two_questions_goes_by_the_question_line_replied_to(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    fake.members[500] = "member"
    async with make_bot() as tested:
        desk = tested.runtime.desk
        await tested.say("/menneske Kan I tjekke vores faktura fra marts?")
        await tested.say("/menneske Og den fra april?")
        follow_up_line = fake.sent_message(STAFF_CHAT)
        await tested.deliver(
            message=fake.message(
                "Vi ser på det.", sender=KAREN, chat_id=STAFF_CHAT, reply_to=follow_up_line
            )
        )
        thanks = fake.sent_message(STAFF_CHAT)
        await tested.deliver(  # a reply to the thanks shows no question: which one?
            message=fake.message(
                "/faq Begge er betalt.", sender=KAREN, chat_id=STAFF_CHAT, reply_to=thanks
            )
        )
        which = fake.sent_to(STAFF_CHAT)[-1]["text"]
        await tested.deliver(
            message=fake.message(
                "/faq Fakturaer betales inden for 30 dage.\nogså: when is my invoice paid?",
                sender=KAREN,
                chat_id=STAFF_CHAT,
                reply_to=follow_up_line,
            )
        )
        published = fake.sent_message(STAFF_CHAT)
        [entry] = await desk.learned_entries()

    assert which == text("staff_which_question_telegram", "da", ticket=1, count=2)
    assert entry.texts["da"].question == "Og den fra april?"
    assert entry.texts["en"].question == "when is my invoice paid?"
    assert entry.texts["da"].answer == "Fakturaer betales inden for 30 dage."
    assert published["text"] == text("staff_published", "da", ticket=1, entry="learned-1", number=1)
    assert buttons(published) == [(text("staff_faq_withdraw_button", "da"), "w:1")]
    assert tested.errors == []


async def test_staff_list_correct_and_withdraw_learned_answers_from_the_group(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    fake.members[500] = "member"
    fake.members[666] = "left"
    async with make_bot() as tested:
        desk = tested.runtime.desk
        await tested.say("/menneske Hvem godkender vores fakturaer?")
        await tested.deliver(
            message=fake.message(
                "/faq Den enhed, der har bestilt.",
                sender=KAREN,
                chat_id=STAFF_CHAT,
                reply_to=fake.sent_message(STAFF_CHAT),
            )
        )
        confirmation = fake.sent_message(STAFF_CHAT)

        async def staff_says(words: str, sender: dict[str, Any] = KAREN) -> str:
            await tested.deliver(message=fake.message(words, sender=sender, chat_id=STAFF_CHAT))
            return fake.sent_to(STAFF_CHAT)[-1]["text"]

        listed = await staff_says("/faq liste")
        refused = await staff_says("/faq fjern 1", sender=MALLORY)
        corrected = await staff_says(
            "/faq ret 1 Den enhed, der har bestilt varen.\nalso: who approves our invoices?"
        )
        [entry] = await desk.learned_entries()
        await tested.press(confirmation, "w:1", sender=MALLORY)
        still = await desk.learned_entries()
        await tested.press(confirmation, "w:1", sender=KAREN)
        withdrawn = fake.sent_to(STAFF_CHAT)[-1]["text"]
        gone = await desk.learned_entries()
        empty = await staff_says("/faq list")

    assert "learned-1" in listed and "Hvem godkender vores fakturaer?" in listed
    assert refused == text("staff_refused", "da")
    assert corrected == text("staff_faq_edited", "da", entry="learned-1")
    assert entry.texts["da"].answer == "Den enhed, der har bestilt varen."
    assert entry.texts["en"].question == "who approves our invoices?"
    assert [e.number for e in still] == [1]  # Mallory's press changed nothing
    assert withdrawn == text("staff_faq_withdrawn", "da", entry="learned-1")
    assert fake.called("editMessageReplyMarkup", message_id=confirmation["message_id"])
    assert gone == []
    assert empty == text("staff_faq_none", "da")
    assert tested.errors == []


async def test_the_log_names_the_chat_id_of_a_group_the_bot_joins(
    make_bot: BotFactory, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.telegram")
    async with make_bot() as tested:
        await tested.deliver(
            my_chat_member={
                "chat": {"id": -100555, "type": "supergroup", "title": "Indkøb staff"},
                "from": KAREN,
                "date": 0,
                "old_chat_member": {"status": "left", "user": BOT_USER},
                "new_chat_member": {"status": "member", "user": BOT_USER},
            }
        )
    assert "chat id -100555" in caplog.text
    assert tested.errors == []


async def test_without_a_staff_chat_there_is_no_notifier(make_bot: BotFactory) -> None:
    async with make_bot(start=False, telegram_staff_chat_id=None) as tested:
        assert tested.channel.notifier is None
        assert tested.channel.deliverer is not None


# Groups and message kinds ------------------------------------------------------------------------


async def test_in_a_group_the_bot_answers_only_when_addressed(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    question = "hvordan sender jeg en faktura til kommunen?"
    async with make_bot() as tested:
        await tested.say(question, chat_id=GROUP)
        assert fake.sent_to(GROUP) == []

        await tested.say("/help@other_bot", chat_id=GROUP)
        assert fake.sent_to(GROUP) == []

        mention = await tested.say(f"@{BOT_USERNAME} {question}", chat_id=GROUP)
        [answer] = fake.sent_to(GROUP)
        assert "Fakturaen skal sendes elektronisk" in answer["text"]
        assert answer["reply_parameters"]["message_id"] == mention["message_id"]

        follow_up = await tested.say(
            "Hvornår betaler kommunen en faktura?",
            chat_id=GROUP,
            reply_to=fake.sent_message(GROUP),
        )
        assert "30 dage" in fake.sent_to(GROUP)[-1]["text"]
        assert fake.sent_to(GROUP)[-1]["reply_parameters"]["message_id"] == follow_up["message_id"]

        await tested.say(f"/kontakt@{BOT_USERNAME}", chat_id=GROUP)
        assert "Rådhuspladsen 2" in fake.sent_to(GROUP)[-1]["text"]
    assert len(fake.sent_to(GROUP)) == 3
    assert tested.errors == []


async def test_stickers_photos_and_edits_get_a_polite_reply(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    photo = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
    voice = {"file_id": "v1", "file_unique_id": "u3", "duration": 3}
    async with make_bot() as tested:
        for kind in ({"sticker": sticker}, {"photo": photo}, {"voice": voice}):
            await tested.deliver(message=fake.message(None, sender=ALICE, chat_id=ASKER_ID, **kind))
        edited = fake.message("rettet spørgsmål", sender=ALICE, chat_id=ASKER_ID)
        edited["edit_date"] = edited["date"] + 5
        await tested.deliver(edited_message=edited)
        await tested.deliver(
            message=fake.message(None, sender=ALICE, chat_id=GROUP, sticker=sticker)
        )
        await tested.deliver(
            message=fake.message(
                None,
                sender=ALICE,
                chat_id=GROUP,
                new_chat_members=[user(9, "Newcomer")],
            )
        )

    texts = [m["text"] for m in fake.sent_to(ASKER_ID)]
    assert texts == [text("unsupported_message", "da")] * 3 + [text("edited_message", "da")]
    assert fake.sent_to(GROUP) == []
    assert tested.errors == []


# Robustness --------------------------------------------------------------------------------------


async def test_flood_control_is_waited_out_and_the_send_retried(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    async with make_bot() as tested:
        fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
        await tested.say("Hvordan sender jeg en faktura til kommunen?")
        assert await tested.outbox.process_once() == 0  # not before the second is up
        await asyncio.sleep(1.2)
        assert await tested.outbox.process_once() == 1

    attempts = [c for c in fake.calls if c.method == "sendMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.9
    assert "Fakturaen skal sendes elektronisk" in attempts[1].params["text"]
    assert tested.errors == []


async def test_html_in_questions_and_knowledge_is_shown_as_text(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    async with make_bot() as tested:
        await tested.say(f"{INJECTION} hvad betyder det i et tilbudsskema?")
        answer = fake.sent_to(ASKER_ID)[-1]["text"]
        shown = fake.sent_message(ASKER_ID)["text"]
        await tested.say(f"/menneske {INJECTION} står i mit skema")
        ticket = fake.sent_to(STAFF_CHAT)[-1]["text"]

    assert "&lt;b&gt;x&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in answer
    assert "<script>" not in answer and "<b>x</b>" not in answer
    assert "Skriv aldrig <b>x</b><script>alert(1)</script>" in shown
    assert "&lt;b&gt;x&lt;/b&gt;&lt;script&gt; står i mit skema" in ticket
    assert "<script>" not in ticket
    assert tested.errors == []


# Webhook mode and the shared server --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_webhook_mode_checks_the_secret_token_and_healthz_reports_ready(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    port = free_port()
    async with make_bot(
        start=False, public_url="https://bot.example.org/", telegram_webhook_secret="s3cret-token"
    ) as tested:
        server = Server(tested.runtime, [tested.channel])
        await server.start(port)
        running = asyncio.create_task(server.run_until_stopped())
        base = f"http://127.0.0.1:{port}"
        update = fake.new_update(
            message=fake.message(
                "Hvordan sender jeg en faktura til kommunen?", sender=ALICE, chat_id=ASKER_ID
            )
        )
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/healthz") as health:
                    assert health.status == 200
                    body = await health.json()
                    assert body["ready"] is True
                    assert body["staff_notices"] == {"waiting": 0, "oldest_seconds": 0.0}
                statuses = []
                for headers in (
                    {},
                    {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                    {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
                    {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
                ):
                    async with http.post(
                        f"{base}{WEBHOOK_PATH}", json=update, headers=headers
                    ) as response:
                        statuses.append(response.status)
                async with http.post(
                    f"{base}{WEBHOOK_PATH}",
                    json=["not", "an", "update"],
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
                ) as response:
                    statuses.append(response.status)
                await fake.wait_for("sendMessage", chat_id=ASKER_ID)
                await asyncio.sleep(0.2)
        finally:
            server.stop()
            await running

    assert statuses == [401, 403, 200, 200, 400]  # the repeated update is answered once
    [answer] = fake.sent_to(ASKER_ID)
    assert "Fakturaen skal sendes elektronisk" in answer["text"]
    [webhook] = fake.called("setWebhook")
    assert webhook.params["url"] == "https://bot.example.org/telegram/webhook"
    assert webhook.params["secret_token"] == "s3cret-token"
    assert not fake.called("getUpdates")
    assert tested.errors == []


# Restarts ----------------------------------------------------------------------------------------


async def test_an_update_delivered_again_after_a_restart_is_answered_once(
    make_bot: BotFactory, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """The answer failed (503) and waited in the outbox through the restart; the restarted
    poller gets the same update again from Telegram and lets it go."""
    caplog.set_level(logging.INFO, logger="bot.escalation.inbox")
    update = fake.new_update(
        message=fake.message(
            "Hvordan sender jeg en faktura til kommunen?", sender=ALICE, chat_id=ASKER_ID
        )
    )
    fake.fail_next("sendMessage", 503, "Service Unavailable")
    async with make_bot() as before:
        await fake.push(update)
        await asyncio.wait_for(_failed_send(fake), timeout=10)
    assert fake.sent_to(ASKER_ID) == []

    async with make_bot() as after:
        seen = len(fake.called("getUpdates"))
        await fake.wait_for("getUpdates", count=seen + 2)  # the update came again, and went
        await asyncio.sleep(1.0)  # the retry's back-off
        assert await after.outbox.process_once() == 1
    ignored = f"telegram event {update['update_id']} was handled before; ignoring the retry"
    assert ignored in caplog.text
    [answer] = fake.sent_to(ASKER_ID)
    assert "Fakturaen skal sendes elektronisk" in answer["text"]
    assert before.errors == after.errors == []


async def _failed_send(fake: FakeTelegram) -> None:
    while not any(c.method == "sendMessage" and c.status == 503 for c in fake.calls):
        await asyncio.sleep(0.05)


async def test_a_webhook_update_sent_again_after_a_restart_is_answered_once(
    make_bot: BotFactory, fake: FakeTelegram
) -> None:
    secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
    update = fake.new_update(
        message=fake.message("Hvornår betaler kommunen en faktura?", sender=ALICE, chat_id=ASKER_ID)
    )
    statuses = []
    for _ in ("before", "after"):
        port = free_port()
        async with make_bot(
            start=False,
            public_url="https://bot.example.org/",
            telegram_webhook_secret="s3cret-token",
        ) as tested:
            server = Server(tested.runtime, [tested.channel])
            await server.start(port)
            running = asyncio.create_task(server.run_until_stopped())
            try:
                async with (
                    aiohttp.ClientSession() as http,
                    http.post(
                        f"http://127.0.0.1:{port}{WEBHOOK_PATH}", json=update, headers=secret
                    ) as response,
                ):
                    statuses.append(response.status)
                await fake.wait_for("sendMessage", chat_id=ASKER_ID)
            finally:
                server.stop()
                await running
            assert tested.errors == []
    assert statuses == [200, 200]
    [answer] = fake.sent_to(ASKER_ID)
    assert "30 dage" in answer["text"]
