"""positions: proposals, stances, spectrum, process groups and vote rolls, with revisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Who stands where (issue 16). One pair of tables holds every kind of position record: the
current document in `position_records`, every change in `position_revisions`, which is
append-only like the revisions of events and items.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "position_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("parent", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("known_on", sa.Date(), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"], ["processes.id"], name=op.f("fk_position_records_process_id_processes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_records")),
        sa.UniqueConstraint(
            "process_id", "kind", "key", name=op.f("uq_position_records_process_id_kind_key")
        ),
    )
    with op.batch_alter_table("position_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_position_records_parent", ["process_id", "kind", "parent"], unique=False
        )
    op.create_table(
        "position_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("parent", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("known_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("snapshot", _json(), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["processes.id"],
            name=op.f("fk_position_revisions_process_id_processes"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["position_records.id"],
            name=op.f("fk_position_revisions_record_id_position_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_revisions")),
        sa.UniqueConstraint(
            "record_id", "version", name=op.f("uq_position_revisions_record_id_version")
        ),
    )
    with op.batch_alter_table("position_revisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_position_revisions_replay", ["process_id", "kind", "known_on"], unique=False
        )
        batch_op.create_index(
            "ix_position_revisions_process_id_id", ["process_id", "id"], unique=False
        )
    _protect()


def downgrade() -> None:
    _unprotect()
    with op.batch_alter_table("position_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_position_revisions_process_id_id")
        batch_op.drop_index("ix_position_revisions_replay")
    op.drop_table("position_revisions")
    with op.batch_alter_table("position_records", schema=None) as batch_op:
        batch_op.drop_index("ix_position_records_parent")
    op.drop_table("position_records")


_TABLE = "position_revisions"


def _protect() -> None:
    # The function timeline_refuse_revision_change() comes from migration 0001.
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {_TABLE}_append_only BEFORE UPDATE OR DELETE ON {_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION timeline_refuse_revision_change()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {_TABLE}_no_{action.lower()} BEFORE {action} ON {_TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'revisions are append-only: {action} refused'); END"
        )


def _unprotect() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_append_only ON {_TABLE}")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_no_{action}")
