"""The learning loop: a ticket is one question, and learned entries can be corrected.

An asker may now have several open tickets (one per question), so the unique
index on open tickets per asker gives way to a plain one. Staff messages say
which of a ticket's questions they show. Learned entries get the language of
their answer, further phrasings, a revision that grows with every change
(counted in ``desk_meta`` under ``learned_revision``), and edit and
withdrawal stamps.

Revision ID: 0003_learned
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_learned"
down_revision = "0002"
branch_labels = None
depends_on = None

LEARNED_REVISION = "learned_revision"


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.drop_index("uq_tickets_open_asker", table_name="tickets")
    op.create_index("ix_tickets_asker_key", "tickets", ["asker_key"])

    with op.batch_alter_table("staff_messages") as batch:
        batch.add_column(sa.Column("question", sa.Integer(), nullable=True))

    with op.batch_alter_table("learned_faq") as batch:
        batch.add_column(sa.Column("answer_language", sa.String(8), nullable=True))
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=True))
        batch.add_column(_when("updated_at"))
        batch.add_column(sa.Column("updated_by", sa.String(255), nullable=True))
        batch.add_column(_when("withdrawn_at"))
        batch.add_column(sa.Column("withdrawn_by", sa.String(255), nullable=True))
    op.execute("UPDATE learned_faq SET answer_language = language, revision = id")
    with op.batch_alter_table("learned_faq") as batch:
        batch.alter_column("answer_language", existing_type=sa.String(8), nullable=False)
        batch.alter_column("revision", existing_type=sa.Integer(), nullable=False)
    op.create_index("ix_learned_faq_revision", "learned_faq", ["revision"])

    op.create_table(
        "learned_faq_phrasings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "learned_id",
            sa.Integer(),
            sa.ForeignKey("learned_faq.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_learned_faq_phrasings_learned_id", "learned_faq_phrasings", ["learned_id"])

    op.execute(
        "INSERT INTO desk_meta (key, value) "
        f"SELECT '{LEARNED_REVISION}', CAST(COALESCE(MAX(id), 0) AS VARCHAR(20)) FROM learned_faq"
    )


def downgrade() -> None:
    """Back to 0002; fails while an asker has two open tickets (close one first)."""
    op.execute(f"DELETE FROM desk_meta WHERE key = '{LEARNED_REVISION}'")
    op.drop_table("learned_faq_phrasings")
    op.drop_index("ix_learned_faq_revision", table_name="learned_faq")
    with op.batch_alter_table("learned_faq") as batch:
        for column in (
            "withdrawn_by",
            "withdrawn_at",
            "updated_by",
            "updated_at",
            "revision",
            "answer_language",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("staff_messages") as batch:
        batch.drop_column("question")
    op.drop_index("ix_tickets_asker_key", table_name="tickets")
    op.create_index(
        "uq_tickets_open_asker",
        "tickets",
        ["asker_key"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
