"""indexes for log versions: the newest revision of a process in one index probe

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Every conditional GET (calendar and feed ETags, analysis cache keys) asks for the newest
revision id and time of a process. With only (process_id, known_on) indexed, that read every
revision of the process (bench/: the 304 path of a 5,000-event calendar); these indexes answer
max(id) and max(recorded_at) per process from the end of an index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event_revisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_revisions_process_id_id", ["process_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_event_revisions_process_id_recorded_at", ["process_id", "recorded_at"], unique=False
        )
    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.create_index("ix_item_revisions_process_id_id", ["process_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_item_revisions_process_id_id")
    with op.batch_alter_table("event_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_event_revisions_process_id_recorded_at")
        batch_op.drop_index("ix_event_revisions_process_id_id")
