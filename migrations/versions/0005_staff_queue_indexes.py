"""staff queue and dashboard indexes

* ``ix_stage_tasks_open_role_queue`` (agency_id, role, due_dt, id) WHERE completed_dt IS NULL:
  one (agency, role) slice of a reviewer's queue, read in keyset order (``bench/queue.py``);
* ``ix_stage_tasks_open_stage_queue`` (agency_id, role, stage, due_dt, id) WHERE completed_dt IS
  NULL: the same queue filtered by stage, and the per-stage counts (an index-only scan);
* ``ix_applications_program_year_stage`` (program_key, fiscal_year, stage): dashboard and
  transparency aggregates per program and fiscal year.

Revision ID: 0005
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN = sa.text("completed_dt IS NULL")


def upgrade():
    op.create_index("ix_stage_tasks_open_role_queue", "stage_tasks",
                    ["agency_id", "role", "due_dt", "id"], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index("ix_stage_tasks_open_stage_queue", "stage_tasks",
                    ["agency_id", "role", "stage", "due_dt", "id"], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index("ix_applications_program_year_stage", "applications",
                    ["program_key", "fiscal_year", "stage"], unique=False)


def downgrade():
    op.drop_index("ix_applications_program_year_stage", table_name="applications")
    op.drop_index("ix_stage_tasks_open_stage_queue", table_name="stage_tasks")
    op.drop_index("ix_stage_tasks_open_role_queue", table_name="stage_tasks")
