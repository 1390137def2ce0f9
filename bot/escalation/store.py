"""The desk's database: engine set-up, migrations, and transactions that survive a busy database.

SQLite (the default, one file in the data directory) runs in WAL mode with a
busy timeout, and every transaction starts with ``BEGIN IMMEDIATE`` so that
read-then-write transactions wait for the write lock instead of failing
half-way. PostgreSQL (``postgresql+psycopg://``) is for several workers
sharing one desk. A transaction that meets a locked or unreachable database
is retried with exponential back-off, then fails with a clear message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.escalation.errors import DeskUnavailableError

log = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 5000
# Any constant works; it only has to be the same in every udbudsbot process.
_MIGRATION_LOCK = 0x75646264


def create_desk_engine(url: str, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """An engine for ``url``; for a SQLite file, its directory is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (``alembic upgrade head``).

    On PostgreSQL an advisory lock lets several workers start at once.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class DeskStore:
    """Runs units of work in transactions, retrying while the database is busy or away."""

    def __init__(
        self,
        url: str,
        *,
        attempts: int = 5,
        first_delay: float = 0.2,
        busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    ) -> None:
        self.url = url
        self.engine = create_desk_engine(url, busy_timeout_ms)
        self.attempts = attempts
        self.first_delay = first_delay

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        self.run_with_retry(lambda: migrate(self.engine))

    def transaction(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` in one transaction, committed when it returns."""

        def attempt() -> T:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                return work(session)

        return self.run_with_retry(attempt)

    def run_with_retry(self, attempt: Callable[[], T]) -> T:
        delay = self.first_delay
        for _ in range(self.attempts - 1):
            try:
                return attempt()
            except OperationalError as exc:
                log.warning(
                    "Desk database busy or unreachable (%s); retry in %.2fs", _reason(exc), delay
                )
                time.sleep(delay)
                delay *= 2
        try:
            return attempt()
        except OperationalError as exc:
            where = make_url(self.url).render_as_string(hide_password=True)
            raise DeskUnavailableError(
                f"The escalation database {where} is unavailable ({_reason(exc)}); "
                f"gave up after {self.attempts} attempts."
            ) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _reason(exc: OperationalError) -> str:
    return str(exc.orig or exc).strip().splitlines()[0]
