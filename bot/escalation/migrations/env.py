"""Alembic environment of the escalation desk.

Migrations run programmatically from ``bot.escalation.store.migrate``,
which passes an open connection; there is no alembic.ini.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "The desk's migrations run from bot.escalation.store.migrate(engine), "
        "which every udbudsbot process calls at start."
    )
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
