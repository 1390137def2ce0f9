"""Staff notices: what staff are owed (a new ticket or question, a reminder, a message the
outbox gave up on) is queued with the change that makes it due and sent by any worker,
with retries, instead of once after the commit.

Revision ID: 0005_staff_notices
Revises: 0004_inbox
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_staff_notices"
down_revision = "0004_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("destination", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE")),
        sa.Column("messages", sa.Integer()),
        sa.Column("delivery_id", sa.Integer(), sa.ForeignKey("deliveries.id", ondelete="CASCADE")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_staff_notices_due", "staff_notices", ["status", "next_attempt_at"])
    op.create_index("ix_staff_notices_ticket_id", "staff_notices", ["ticket_id"])
    op.create_index("ix_staff_notices_created_at", "staff_notices", ["created_at"])


def downgrade() -> None:
    op.drop_table("staff_notices")
