"""Platform-neutral messages between the channels and the assistant.

Channels only translate: a platform update becomes a ``Question``, a ``Reply``
becomes a platform message. Nothing here knows about Slack or Telegram.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from knowledge.model import Citation


class Action(StrEnum):
    """What the assistant decided to do with a question."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    ESCALATE = "escalate"
    REDIRECT = "redirect"
    OUT_OF_SCOPE = "out_of_scope"
    SMALL_TALK = "small_talk"


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asked, and where to reach them again (for an escalated answer).

    ``platform`` is ``console``, ``telegram`` or ``slack``; ``chat_id`` is the
    conversation to post into and ``thread`` an optional thread/reply anchor.
    """

    platform: str
    user_id: str
    chat_id: str
    thread: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    asker: Asker
    language_hint: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """A button or numbered option; ``value`` is sent back as the next question."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Reply:
    action: Action
    text: str
    language: str
    citations: tuple[Citation, ...] = ()
    confidence: float = 0.0
    choices: tuple[Choice, ...] = ()
    ticket_id: int | None = None
    record_ids: tuple[str, ...] = field(default=())


def short_id(record_id: str) -> str:
    """Ten hex digits naming a record where space is short (Telegram buttons carry 64 bytes)."""
    return hashlib.sha1(record_id.encode()).hexdigest()[:10]
