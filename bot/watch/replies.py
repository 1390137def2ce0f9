"""Replies to ``/abonner`` (``/subscribe``), ``/abonnementer`` (``/subscriptions``) and
``/afmeld`` (``/unsubscribe``), and the subscribe button under tender listings.

Keywords are read the way a tender listing reads them (``/udbud rengøring``
and ``/abonner rengøring`` mean the same rows), so the button under a
listing subscribes to exactly what was listed.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from bot import intents, tender_query
from bot.conversation import Action, Asker, Choice, Reply
from bot.escalation.subscriptions import SubscriptionView
from bot.texts import text

SUBSCRIBE_COMMAND = "/abonner"
MAX_SUBSCRIPTIONS = 20
MAX_KEYWORDS_CHARS = 100
BUTTON_VALUE_BYTES = 60
"""Room for a button value on every platform (Telegram allows 64 bytes of callback data)."""


class WatchDesk(Protocol):
    """The part of the escalation desk that keeps subscriptions."""

    async def subscribe(
        self, asker: Asker, keywords: str, language: str
    ) -> tuple[SubscriptionView, bool]: ...

    async def subscriptions(self, asker: Asker) -> list[SubscriptionView]: ...

    async def unsubscribe(self, asker: Asker, which: str) -> list[SubscriptionView]: ...


def keywords_of(argument: str) -> str:
    """The keywords a subscription is kept under: lower case, listing words dropped."""
    words = tender_query.parse_request(argument, date.today()).keywords
    kept: list[str] = []
    for word in words:
        if word not in kept and len(" ".join([*kept, word])) <= MAX_KEYWORDS_CHARS:
            kept.append(word)
    return " ".join(kept)


def subscribe_choice(keywords: str, language: str) -> Choice | None:
    """The button under a tender listing that subscribes to its keywords (if they fit)."""
    value = f"{SUBSCRIBE_COMMAND} {keywords}"
    if not keywords or len(value.encode()) > BUTTON_VALUE_BYTES:
        return None
    return Choice(label=text("watch_button", language, keywords=keywords), value=value)


async def watch_reply(
    desk: WatchDesk | None, recognised: intents.Recognised, language: str, asker: Asker
) -> Reply:
    """The reply to one of the three subscription commands."""
    if desk is None:
        return _say(text("watch_no_desk", language), language)
    match recognised.intent:
        case intents.Intent.SUBSCRIBE:
            return await _subscribe(desk, recognised.argument, language, asker)
        case intents.Intent.UNSUBSCRIBE:
            return await _unsubscribe(desk, recognised.argument, language, asker)
        case _:
            return _say(_listing(await desk.subscriptions(asker), language), language)


async def _subscribe(desk: WatchDesk, argument: str, language: str, asker: Asker) -> Reply:
    keywords = keywords_of(argument)
    if not keywords:
        return _say(text("watch_usage", language), language)
    existing = await desk.subscriptions(asker)
    if len(existing) >= MAX_SUBSCRIPTIONS and all(s.keywords != keywords for s in existing):
        return _say(text("watch_too_many", language, count=len(existing)), language)
    view, created = await desk.subscribe(asker, keywords, language)
    key = "watch_subscribed" if created else "watch_already"
    return _say(text(key, language, keywords=keywords, number=view.number), language)


async def _unsubscribe(desk: WatchDesk, argument: str, language: str, asker: Asker) -> Reply:
    which = " ".join(argument.casefold().split())
    if not which:
        return _say(_listing(await desk.subscriptions(asker), language), language)
    removed = await desk.unsubscribe(asker, which)
    if removed:
        keywords = ", ".join(f"{view.number}. {view.keywords}" for view in removed)
        return _say(text("watch_removed", language, keywords=keywords), language)
    remaining = _listing(await desk.subscriptions(asker), language)
    return _say(f"{text('watch_not_found', language, which=which)}\n\n{remaining}", language)


def _listing(views: list[SubscriptionView], language: str) -> str:
    if not views:
        return text("watch_none", language)
    lines = "\n".join(f"{view.number}. {view.keywords}" for view in views)
    return text("watch_list", language, lines=lines)


def _say(body: str, language: str) -> Reply:
    return Reply(Action.SMALL_TALK, body, language)
