"""The assistant on a thread of its own, so retrieval never holds up a channel's event loop.

Retrieval is CPU work (embedding the question, scoring every record) that
takes 10–500 ms and never yields. Run on the event loop that also receives
events, a burst of questions would queue every acknowledgement (Slack's
three-second rule, Telegram's webhook calls), every send and every lease
renewal behind it. So the channels keep an assistant of their own on a
dedicated thread with its own event loop; the request loop only parses,
records, acknowledges and sends.

The thread's assistant is built like the runtime's (``build_assistant``,
on the same knowledge and index) and rebuilt when the runtime swaps in a
new one after a pack reload. It reaches the desk through ``_DeskOnLoop``,
which runs each desk call on the main loop: opening a ticket notifies the
staff destinations (Slack, Telegram), whose clients belong to that loop.
The index swaps its state atomically when learned answers are added, so
searching from this thread is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import threading
from typing import Any

from bot.assistant import Assistant
from bot.conversation import Question, Reply
from bot.escalation.desk import EscalationDesk
from bot.runtime import Runtime, build_assistant

STOP_SECONDS = 10.0
# Replies in progress at once. Retrieval is CPU-bound, so more at once only
# makes every reply late together; a few let one wait on the desk while
# another searches, and keep the queue first come, first served.
CONCURRENT_REPLIES = 4


class _DeskOnLoop:
    """The desk as the assistant sees it, with every coroutine method run on ``loop``.

    Forwarding by name keeps this in step with whatever part of the desk the
    assistant uses; plain attributes and methods pass through unchanged.
    """

    def __init__(self, desk: EscalationDesk, loop: asyncio.AbstractEventLoop) -> None:
        self._desk = desk
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._desk, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        async def on_loop(*args: Any, **kwargs: Any) -> Any:
            call = asyncio.run_coroutine_threadsafe(attribute(*args, **kwargs), self._loop)
            return await asyncio.wrap_future(call)

        return on_loop


class AssistantThread:
    """``await reply(question)`` from the request loop; the work happens on this thread."""

    def __init__(self, runtime: Runtime) -> None:
        if runtime.desk is None:
            raise ValueError("the assistant thread needs the escalation desk")
        self._runtime = runtime
        self._desk: EscalationDesk = runtime.desk
        self._proxy: _DeskOnLoop | None = None
        self._assistant: Assistant | None = None
        self._built_for: Assistant | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._turns: asyncio.Semaphore | None = None

    def start(self) -> None:
        """Start the thread; call from the loop that owns the desk's notifiers."""
        if self._thread is not None:
            return
        self._proxy = _DeskOnLoop(self._desk, asyncio.get_running_loop())
        self._turns = asyncio.Semaphore(CONCURRENT_REPLIES)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, args=(self._loop,), name="assistant", daemon=True
        )
        self._thread.start()

    async def reply(self, question: Question) -> Reply:
        if self._loop is None or self._turns is None:
            raise RuntimeError("the assistant thread is not running")
        async with self._turns:
            loop = self._loop
            if loop is None:
                raise RuntimeError("the assistant thread has stopped")
            assistant = self._current()
            future = asyncio.run_coroutine_threadsafe(assistant.reply(question), loop)
            return await asyncio.wrap_future(future)

    def _current(self) -> Assistant:
        """This thread's assistant, rebuilt when the runtime's changed (a reloaded pack)."""
        runtime = self._runtime
        if self._assistant is None or self._built_for is not runtime.assistant:
            self._assistant = build_assistant(
                runtime.settings,
                runtime.knowledge,
                runtime.index,
                self._proxy,  # type: ignore[arg-type]
            )
            self._built_for = runtime.assistant
        return self._assistant

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
