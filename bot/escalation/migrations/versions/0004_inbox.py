"""The durable inbox, and every reply through the outbox.

Incoming platform events are kept in ``inbox`` until handled; it replaces
``processed_events``, whose ids are carried over as handled events so that a
retry arriving just after the upgrade is still recognised. Outbox rows get
the channel's rendering of a message (``rendered``) and an index for the
per-conversation order.

Revision ID: 0004_inbox
Revises: 0003_learned
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_inbox"
down_revision = "0003_learned"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("order_key", sa.String(255)),
        sa.Column("payload", sa.Text()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("claimed_until"),
        sa.Column("claim_token", sa.String(64)),
        sa.Column("last_error", sa.Text()),
        _when("received_at", nullable=False),
        _when("done_at"),
        sa.UniqueConstraint("platform", "event_id"),
    )
    op.create_index("ix_inbox_waiting", "inbox", ["status", "claimed_until"])
    op.create_index("ix_inbox_received_at", "inbox", ["received_at"])
    op.execute(
        "INSERT INTO inbox (platform, event_id, status, attempts, received_at, done_at) "
        "SELECT platform, event_id, 'done', 1, processed_at, processed_at FROM processed_events"
    )
    op.drop_table("processed_events")

    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("rendered", sa.Text()))
    op.create_index("ix_deliveries_conversation", "deliveries", ["platform", "chat_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_conversation", "deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("rendered")

    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        _when("processed_at", nullable=False),
    )
    op.create_index("ix_processed_events_processed_at", "processed_events", ["processed_at"])
    op.execute(
        "INSERT INTO processed_events (platform, event_id, processed_at) "
        "SELECT platform, event_id, received_at FROM inbox"
    )
    op.drop_table("inbox")
