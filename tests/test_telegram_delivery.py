"""Messages carried to Telegram askers through the outbox: a 503 then success, flood control,
refusals that retrying cannot help, long texts (fake Bot API server on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot

from bot.channels.telegram_send import TelegramDeliverer
from bot.conversation import Asker
from bot.escalation import (
    EscalationDesk,
    OutboxMessage,
    OutboxWorker,
    PermanentDeliveryError,
    RateLimitedError,
)
from bot.escalation.schema import Delivery
from tests.desk_support import Clock, RecordingNotifier
from tests.fake_telegram import TOKEN, FakeTelegram

ASKER = Asker(platform="telegram", user_id="4242", chat_id="4242")


@pytest.fixture(name="fake")
async def fixture_fake() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture(name="deliverer")
async def fixture_deliverer(fake: FakeTelegram) -> AsyncIterator[TelegramDeliverer]:
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        yield TelegramDeliverer(bot)


def _queue(desk: EscalationDesk, text: str) -> None:
    """A staff answer waiting in the outbox, as the desk queues one."""
    message = OutboxMessage(ASKER, text, "da")
    desk.store.transaction(
        lambda s: s.add(Delivery.queued(message, kind="answer", text=text, now=desk.clock()))
    )


async def test_a_503_then_success_delivers_once(
    desk: EscalationDesk, clock: Clock, fake: FakeTelegram, deliverer: TelegramDeliverer
) -> None:
    _queue(desk, "Svar fra Indkøb og Udbud: <ja> & tak")
    fake.fail_next("sendMessage", 503, "Service Unavailable")
    worker = OutboxWorker(desk, {"telegram": deliverer}, jitter=lambda: 1.0)

    assert await worker.process_once() == 1  # 503: kept, tried again in a second
    assert fake.sent_to(4242) == []
    assert await worker.process_once() == 0
    clock.advance(seconds=1)
    assert await worker.process_once() == 1

    statuses = [c.status for c in fake.calls if c.method == "sendMessage"]
    assert statuses == [503, 200]
    [sent] = fake.sent_to(4242)
    assert sent["text"] == "Svar fra Indkøb og Udbud: <ja> & tak"
    assert "parse_mode" not in sent


async def test_flood_control_waits_as_long_as_telegram_says(
    desk: EscalationDesk, clock: Clock, fake: FakeTelegram, deliverer: TelegramDeliverer
) -> None:
    _queue(desk, "Svar")
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", {"retry_after": 7})
    worker = OutboxWorker(desk, {"telegram": deliverer}, jitter=lambda: 0.0)

    assert await worker.process_once() == 1
    clock.advance(seconds=6)
    assert await worker.process_once() == 0
    clock.advance(seconds=1)
    assert await worker.process_once() == 1
    assert [m["text"] for m in fake.sent_to(4242)] == ["Svar"]


@pytest.mark.parametrize(
    "refusal",
    [
        (403, "Forbidden: bot was blocked by the user"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_a_blocked_bot_or_a_missing_chat_is_not_retried_and_staff_are_told(
    desk: EscalationDesk,
    notifier: RecordingNotifier,
    fake: FakeTelegram,
    deliverer: TelegramDeliverer,
    refusal: tuple[int, str],
) -> None:
    status, description = refusal
    _queue(desk, "Svar")
    fake.fail_next("sendMessage", status, description)
    worker = OutboxWorker(desk, {"telegram": deliverer})

    assert await worker.process_once() == 1
    assert desk.store.transaction(lambda s: s.query(Delivery.status).scalar()) == "failed"
    assert await worker.process_once() == 0
    assert len([c for c in fake.calls if c.method == "sendMessage"]) == 1
    [failure] = notifier.failures
    assert description.split(": ")[1].casefold() in failure.reason.casefold()


async def test_the_deliverer_names_what_went_wrong(
    fake: FakeTelegram, deliverer: TelegramDeliverer
) -> None:
    fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with pytest.raises(PermanentDeliveryError, match="blocked by the user"):
        await deliverer.deliver(OutboxMessage(ASKER, "Svar", "da"))
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", {"retry_after": 3})
    with pytest.raises(RateLimitedError) as limited:
        await deliverer.deliver(OutboxMessage(ASKER, "Svar", "da"))
    assert limited.value.retry_after == 3


async def test_a_long_answer_arrives_in_parts(
    fake: FakeTelegram, deliverer: TelegramDeliverer
) -> None:
    answer = "\n\n".join(f"Afsnit {n}: " + "ord " * 300 for n in range(1, 8))

    await deliverer.deliver(OutboxMessage(ASKER, answer, "da"))

    parts = [m["text"] for m in fake.sent_to(4242)]
    assert len(parts) >= 3
    assert all(len(p) <= 4096 for p in parts)
    assert next(p.split(":")[0] for p in parts if p.startswith("Afsnit")) == "Afsnit 1"
    assert sum(p.count("ord") for p in parts) == answer.count("ord")


async def test_a_group_that_became_a_supergroup_still_gets_the_answer(
    fake: FakeTelegram, deliverer: TelegramDeliverer
) -> None:
    fake.fail_next(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": -100777},
    )

    await deliverer.deliver(OutboxMessage(Asker("telegram", "4242", "-777"), "Svar", "da"))

    assert [m["text"] for m in fake.sent_to(-100777)] == ["Svar"]


def test_give_up_age_comes_from_the_settings(desk: EscalationDesk) -> None:
    worker = OutboxWorker(desk, {"telegram": TelegramDeliverer(Bot(TOKEN))})
    assert worker.give_up_after == timedelta(hours=24)
