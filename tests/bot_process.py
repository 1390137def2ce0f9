"""``udbudsbot run`` in a process of its own, started, killed and started again.

Configured only through the environment, as an operator would, with nothing
inherited from the developer's own platform settings and no ``.env`` (it runs
in its own working directory). The index cache of the tests (``.test-cache``)
is its data directory, so the shipped pack is not embedded again; give it a
database of its own with ``UDBUDSBOT_DATABASE_URL``. Used by the end-to-end
tests and by the load and chaos benchmarks.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
TEST_CACHE = REPO / ".test-cache"
START_TIMEOUT = 600.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """One ``udbudsbot run`` worker on its own HTTP port; its output goes to ``log``."""

    def __init__(self, settings: dict[str, str], workdir: Path, name: str = "bot") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        kept = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("UDBUDSBOT_", "SLACK_", "TELEGRAM_"))
        }
        self.env = {
            **kept,
            "UDBUDSBOT_DATA_DIR": str(TEST_CACHE),
            **settings,
            "UDBUDSBOT_HTTP_PORT": str(self.port),
        }

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def launch(self) -> None:
        """Start the process (``ready`` waits until it takes events)."""
        command = shutil.which("udbudsbot", path=str(Path(sys.executable).parent))
        if command is None:
            raise RuntimeError("the udbudsbot command is not installed next to this Python")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [command, "run"], cwd=self.workdir, env=self.env, stdout=log, stderr=log
            )

    async def ready(self, session: aiohttp.ClientSession, timeout: float = START_TIMEOUT) -> None:
        """Wait until ``/healthz`` answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"udbudsbot run ended before it was ready; see {self.log}")
            try:
                async with session.get(f"{self.url}/healthz") as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.2)
        raise RuntimeError(f"udbudsbot run was not ready within {timeout:.0f} s; see {self.log}")

    async def start(self, session: aiohttp.ClientSession) -> None:
        self.launch()
        await self.ready(session)

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything or let go of its claims."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; killed if it does not end in 30 s."""
        if self.running:
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
