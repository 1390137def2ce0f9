"""The terminal chat: talk to the bot with no Slack or Telegram account.

Works like the platform channels: every line becomes a ``Question`` for the
assistant, escalations become real tickets in the desk, and answers that
staff give (``udbudsbot escalations answer N TEXT`` in another terminal)
arrive through the outbox and are printed between questions.
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Callable

from bot.conversation import Asker, Question, Reply
from bot.escalation.console import CONSOLE_PLATFORM, ConsoleDeliverer, ConsoleNotifier
from bot.escalation.outbox import OutboxWorker
from bot.runtime import Runtime
from bot.texts import text

QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit", "/afslut", "farvel"})


def render_plain(reply: Reply) -> str:
    """A reply as plain text: body, numbered choices, then sources."""
    parts = [reply.text]
    if reply.choices:
        parts.append("\n".join(f"  {n}. {c.label}" for n, c in enumerate(reply.choices, 1)))
    if reply.citations:
        lines = [f"  • {c.title} — {c.url}" if c.url else f"  • {c.title}" for c in reply.citations]
        parts.append(f"{text('sources', reply.language)}:\n" + "\n".join(lines))
    return "\n\n".join(parts)


class ConsoleChat:
    """One terminal user talking to the assistant."""

    def __init__(
        self,
        runtime: Runtime,
        read: Callable[[str], str] = input,
        write: Callable[[str], object] = print,
    ) -> None:
        self._runtime = runtime
        self._read = read
        self._write = write
        user = getpass.getuser()
        self._asker = Asker(platform=CONSOLE_PLATFORM, user_id=user, chat_id=user)
        self._outbox = None
        if runtime.desk is not None:
            runtime.desk.add_notifier(ConsoleNotifier())
            deliverer = ConsoleDeliverer(self._show_staff)
            self._outbox = OutboxWorker(runtime.desk, {CONSOLE_PLATFORM: deliverer})
        self._last: Reply | None = None

    async def run(self) -> None:
        self._write(text("greeting", "da") + "\n" + text("greeting", "en"))
        self._write("(/help · /udbud · /menneske · /quit)")
        while True:
            await self._collect_staff_answers()
            try:
                line = (await asyncio.to_thread(self._read, "\n> ")).strip()
            except EOFError:
                self._write("")
                return
            if line.casefold() in QUIT_WORDS:
                return
            if not line:
                continue
            reply = await self.ask(self._choice_value(line))
            self._write(render_plain(reply))

    async def ask(self, line: str) -> Reply:
        await self._runtime.refresh_learned()
        reply = await self._runtime.assistant.reply(Question(text=line, asker=self._asker))
        self._last = reply
        return reply

    def _choice_value(self, line: str) -> str:
        """A number typed after a reply with choices picks that choice."""
        if self._last and self._last.choices and line.isdigit():
            number = int(line)
            if 1 <= number <= len(self._last.choices):
                return self._last.choices[number - 1].value
        return line

    async def _collect_staff_answers(self) -> None:
        if self._outbox is not None:
            await self._outbox.process_once()

    def _show_staff(self, message: str) -> None:
        self._write(f"\n📬 {message}")


def run_chat(runtime: Runtime) -> int:
    asyncio.run(ConsoleChat(runtime).run())
    return 0
