"""Escalation desk: tickets, outbox, learned FAQ, events, feedback, audit.

Revision ID: 0001
Revises:
Create Date: 2025-11-28
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    meta = op.create_table(
        "desk_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    # One pseudonym secret per installation, shared by every worker on this database.
    op.bulk_insert(meta, [{"key": "pseudonym_secret", "value": secrets.token_hex(32)}])

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(255)),
        sa.Column("chat_id", sa.String(255)),
        sa.Column("thread", sa.String(255)),
        sa.Column("asker_key", sa.String(64)),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text()),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("answered_by", sa.String(255)),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        _when("answered_at"),
        _when("delivered_at"),
        _when("closed_at"),
        _when("reminded_at"),
        _when("erased_at"),
    )
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_index(
        "uq_tickets_open_asker",
        "tickets",
        ["asker_key"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )

    op.create_table(
        "ticket_follow_ups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        _when("created_at", nullable=False),
    )
    op.create_index("ix_ticket_follow_ups_ticket_id", "ticket_follow_ups", ["ticket_id"])

    op.create_table(
        "staff_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("message_ref", sa.String(255), nullable=False),
        sa.UniqueConstraint("platform", "message_ref"),
    )
    op.create_index("ix_staff_messages_ticket_id", "staff_messages", ["ticket_id"])

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(255)),
        sa.Column("chat_id", sa.String(255)),
        sa.Column("thread", sa.String(255)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("due_at", nullable=False),
        _when("claimed_until"),
        sa.Column("claim_token", sa.String(64)),
        sa.Column("last_error", sa.Text()),
        _when("created_at", nullable=False),
        _when("delivered_at"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "due_at"])
    op.create_index("ix_deliveries_ticket_id", "deliveries", ["ticket_id"])

    op.create_table(
        "learned_faq",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="SET NULL")),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(255), nullable=False),
        _when("created_at", nullable=False),
    )
    op.create_index("ix_learned_faq_ticket_id", "learned_faq", ["ticket_id"])

    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        _when("processed_at", nullable=False),
    )
    op.create_index("ix_processed_events_processed_at", "processed_events", ["processed_at"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("asker_key", sa.String(64)),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="SET NULL")),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(8)),
        _when("created_at", nullable=False),
    )
    op.create_index("ix_feedback_asker_key", "feedback", ["asker_key"])

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        _when("at", nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("ticket_id", sa.Integer()),
        sa.Column("actor", sa.String(255)),
        sa.Column("detail", sa.Text()),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_ticket_id", "audit", ["ticket_id"])


def downgrade() -> None:
    for table in (
        "audit",
        "feedback",
        "processed_events",
        "learned_faq",
        "deliveries",
        "staff_messages",
        "ticket_follow_ups",
        "tickets",
        "desk_meta",
    ):
        op.drop_table(table)
