"""staff signer's title and NIP, printed under their signature on letters and agreements

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("job_title", sa.String(150), nullable=True))
        batch.add_column(sa.Column("nip", sa.String(18), nullable=True))
        batch.create_check_constraint(op.f("ck_users_nip_18_digits"), "nip IS NULL OR length(nip) = 18")


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_nip_18_digits"), type_="check")
        batch.drop_column("nip")
        batch.drop_column("job_title")
