"""Staff answers carried to Telegram askers: retries, refusals, long texts (fake Bot API server)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.channels.telegram_send import TelegramDeliverer
from bot.conversation import Asker
from bot.escalation import PermanentDeliveryError
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


async def test_a_network_error_is_retried(fake: FakeTelegram, deliverer: TelegramDeliverer) -> None:
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    fake.fail_next("sendMessage", 502, "Bad Gateway")

    await deliverer.deliver(ASKER, "Svar fra Indkøb og Udbud: <ja> & tak", "da")

    statuses = [c.status for c in fake.calls if c.method == "sendMessage"]
    assert statuses == [502, 502, 200]
    [sent] = fake.sent_to(4242)
    assert sent["text"] == "Svar fra Indkøb og Udbud: <ja> & tak"
    assert "parse_mode" not in sent


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (403, "Forbidden: bot was blocked by the user"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_a_blocked_bot_or_a_missing_chat_is_permanent(
    fake: FakeTelegram, deliverer: TelegramDeliverer, status: int, description: str
) -> None:
    fake.fail_next("sendMessage", status, description)

    with pytest.raises(PermanentDeliveryError, match=f"(?i){description.split(': ')[1]}"):
        await deliverer.deliver(ASKER, "Svar", "da")

    assert len([c for c in fake.calls if c.method == "sendMessage"]) == 1


async def test_a_long_answer_arrives_in_parts(
    fake: FakeTelegram, deliverer: TelegramDeliverer
) -> None:
    answer = "\n\n".join(f"Afsnit {n}: " + "ord " * 300 for n in range(1, 8))

    await deliverer.deliver(ASKER, answer, "da")

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

    await deliverer.deliver(Asker("telegram", "4242", "-777"), "Svar", "da")

    assert [m["text"] for m in fake.sent_to(-100777)] == ["Svar"]
