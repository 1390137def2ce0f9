"""The assistant on a thread of its own, so retrieval never holds up Slack's acknowledgements.

Retrieval is CPU work (embedding the question, scoring every record) that
takes 50–500 ms and never yields. Run on the event loop that also serves
``POST /slack/events``, a burst of questions would queue every
acknowledgement behind it and break Slack's three-second rule. So the Slack
channel keeps an assistant of its own on a dedicated thread with its own
event loop; the request loop only parses, acknowledges and posts.

The assistant reaches the desk through ``_DeskOnLoop``, which runs each
desk call on the main loop: opening a ticket notifies the staff
destinations (Slack, Telegram), whose clients belong to that loop. The
search index is shared with the rest of the process; it swaps its state
atomically when learned answers are added, so searching from this thread
is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from bot.assistant import Assistant, Escalations
from bot.conversation import Asker, Question, Reply
from bot.escalation.views import Candidate, Erasure, TicketView
from bot.runtime import Runtime, term_set

T = TypeVar("T")

STOP_SECONDS = 10.0


class _DeskOnLoop:
    """The desk calls the assistant makes, run on the loop that owns the notifiers."""

    def __init__(self, desk: Escalations, loop: asyncio.AbstractEventLoop) -> None:
        self._desk = desk
        self._loop = loop

    async def open_ticket(
        self,
        question: str,
        language: str,
        asker: Asker,
        candidates: Sequence[Candidate] = (),
        confidence: float | None = None,
    ) -> TicketView:
        return await self._on_loop(
            self._desk.open_ticket(question, language, asker, candidates, confidence)
        )

    async def forget_user(self, platform: str, user_id: str) -> Erasure:
        return await self._on_loop(self._desk.forget_user(platform, user_id))

    async def _on_loop(self, call: Awaitable[T]) -> T:
        async def run() -> T:
            return await call

        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), self._loop))


class AssistantThread:
    """``await reply(question)`` from the request loop; the work happens on this thread."""

    def __init__(self, runtime: Runtime) -> None:
        if runtime.desk is None:
            raise ValueError("the Slack channel needs the escalation desk")
        self._runtime = runtime
        self._desk = runtime.desk
        self._assistant: Assistant | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread; call from the loop that owns the desk's notifiers."""
        if self._thread is not None:
            return
        settings = self._runtime.settings
        self._assistant = Assistant(
            self._runtime.knowledge,
            self._runtime.index,
            _DeskOnLoop(self._desk, asyncio.get_running_loop()),
            answer_threshold=settings.answer_threshold,
            terms=term_set,
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, args=(self._loop,), name="slack-assistant", daemon=True
        )
        self._thread.start()

    async def reply(self, question: Question) -> Reply:
        if self._loop is None or self._assistant is None:
            raise RuntimeError("the assistant thread is not running")
        future = asyncio.run_coroutine_threadsafe(self._assistant.reply(question), self._loop)
        return await asyncio.wrap_future(future)

    async def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = self._thread = None
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, STOP_SECONDS)

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            with contextlib.suppress(Exception):
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()
