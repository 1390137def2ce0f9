"""Tender watch (subscriptions, tender snapshot, notices) and the interaction log.

Deliveries no longer need a ticket: a tender-watch notice is a delivery of
its own.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("asker_key", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("chat_id", sa.String(255), nullable=False),
        sa.Column("thread", sa.String(255)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("keywords", sa.String(255), nullable=False),
        _when("created_at", nullable=False),
        sa.UniqueConstraint("asker_key", "keywords"),
    )
    op.create_index("ix_subscriptions_asker_key", "subscriptions", ["asker_key"])

    op.create_table(
        "tender_snapshot",
        sa.Column("tender_id", sa.String(255), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        _when("seen_at", nullable=False),
    )

    op.create_table(
        "watch_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("tender_id", sa.String(255), nullable=False),
        sa.Column("change_hash", sa.String(64), nullable=False),
        _when("created_at", nullable=False),
        sa.UniqueConstraint("subscription_id", "tender_id", "change_hash"),
    )

    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _when("at", nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("record_id", sa.String(255)),
        sa.Column("topic", sa.String(255)),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("question", sa.Text()),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="SET NULL")),
    )
    op.create_index("ix_interactions_at", "interactions", ["at"])
    op.create_index("ix_interactions_record_id", "interactions", ["record_id"])


def downgrade() -> None:
    for table in ("interactions", "watch_notices", "tender_snapshot", "subscriptions"):
        op.drop_table(table)
    op.execute("DELETE FROM deliveries WHERE ticket_id IS NULL")
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
