"""The desk's database: migrations, a locked or unreachable database, unreadable rows."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.escalation import DeskUnavailableError, EscalationDesk
from bot.escalation.schema import Base
from bot.escalation.store import DeskStore
from tests.desk_support import (
    asker,
    settings_for,
)


def test_migrations_create_exactly_the_model_tables(desk: EscalationDesk) -> None:
    with desk.store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert {
        "tickets",
        "deliveries",
        "learned_faq",
        "inbox",
        "feedback",
        "audit",
    } <= tables


def test_opening_twice_migrates_once_and_keeps_data(desk_url: str, tmp_path: Path) -> None:
    first = EscalationDesk.open(settings_for(desk_url, tmp_path))
    ticket = asyncio.run(first.open_ticket("Bliver jeg husket?", "da", asker()))
    first.dispose()
    second = EscalationDesk.open(settings_for(desk_url, tmp_path))
    assert asyncio.run(second.ticket(ticket.id)).question == "Bliver jeg husket?"
    second.dispose()


def test_default_database_is_a_file_in_a_new_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "not" / "there" / "yet"
    desk = EscalationDesk.open(settings_for(None, data_dir))  # type: ignore[arg-type]
    assert (data_dir / "udbudsbot.db").is_file()
    with desk.store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    desk.dispose()


def test_locked_sqlite_database_is_retried_then_reported(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    EscalationDesk.open(settings_for(url, tmp_path)).dispose()
    store = DeskStore(url, attempts=3, first_delay=0.01, busy_timeout_ms=20)
    blocker = sqlite3.connect(tmp_path / "desk.db", isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DeskUnavailableError, match=r"database is locked.*after 3 attempts"):
            store.transaction(lambda s: s.execute(text("SELECT 1")).scalar())
    finally:
        blocker.execute("ROLLBACK")

    # A lock that is released while the desk waits is no error at all.
    store = DeskStore(url, attempts=5, first_delay=0.1, busy_timeout_ms=20)
    blocker.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.15, lambda: blocker.execute("ROLLBACK")).start()
    assert store.transaction(lambda s: s.execute(text("SELECT 1")).scalar()) == 1
    store.dispose()


def test_unreachable_postgres_gives_a_clear_error_without_the_password() -> None:
    store = DeskStore(
        "postgresql+psycopg://bot:s3cret@127.0.0.1:1/desk", attempts=2, first_delay=0.01
    )
    with pytest.raises(DeskUnavailableError) as raised:
        store.migrate()
    message = str(raised.value)
    assert "127.0.0.1:1/desk" in message and "gave up after 2 attempts" in message
    assert "s3cret" not in message


async def test_a_corrupt_row_is_shown_with_a_clear_note_and_nothing_is_lost(
    desk: EscalationDesk,
) -> None:
    ticket = await desk.open_ticket("Hvad koster det?", "da", asker())
    desk.store.transaction(
        lambda s: s.execute(
            text("UPDATE tickets SET candidates = '{not json' WHERE id = :id"), {"id": ticket.id}
        )
    )
    view = await desk.ticket(ticket.id)
    assert view.question == "Hvad koster det?"
    assert view.candidates == ()
    assert view.problem is not None and "could not be read" in view.problem
    assert [t.id for t in await desk.tickets()] == [ticket.id]
    audit = await desk.audit_rows()
    assert "could not be read" in audit[0]["sources"]
    stored = desk.store.transaction(
        lambda s: s.execute(text("SELECT candidates FROM tickets")).scalar()
    )
    assert stored == "{not json"
