"""register imports may bring earlier awards

``register_imports.register`` accepts ``'awards'``: a CSV/XLSX file of earlier aid whose rows
become ``awards`` with source ``'import'`` (``app/registers/awards.py``). The downgrade removes
those imported awards and their import batches, since the older constraint cannot hold them.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NAME = "ck_register_imports_register_known"
AWARD_BATCHES = "SELECT id FROM register_imports WHERE register = 'awards'"


def _constrain(registers: str) -> None:
    with op.batch_alter_table("register_imports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(NAME), type_="check")
        batch_op.create_check_constraint(batch_op.f(NAME), sa.text(f"register IN {registers}"))


def upgrade():
    _constrain("('dtks', 'pesantren', 'awards')")


def downgrade():
    imported = f"SELECT id FROM awards WHERE import_id IN ({AWARD_BATCHES})"
    op.execute(f"DELETE FROM award_identifiers WHERE award_id IN ({imported})")
    op.execute(f"DELETE FROM awards WHERE import_id IN ({AWARD_BATCHES})")
    op.execute("DELETE FROM register_imports WHERE register = 'awards'")
    _constrain("('dtks', 'pesantren')")
