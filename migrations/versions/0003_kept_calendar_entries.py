"""kept calendar entries: each event's VEVENT parts, written with the event

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

A cold calendar feed of thousands of events was mostly the writing of each entry. The parts of
an entry that do not depend on the feed (everything but the event's link and the alarm) are
now written when the event is, and kept beside it (`timeline.formats.ics.encode_entry`).
Existing events have none yet: `timeline db upgrade` writes them after migrating (with the
code of the release that runs it, which a migration must not depend on), and until then, or
for an event it has not reached, a feed writes the entry at read time as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ics_entry", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("ics_entry")
