"""register checks: a pesantren asks Kemenag to check its registration

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=12), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_dt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'refused')",
                           name=op.f("ck_register_checks_status_known")),
        sa.CheckConstraint("register IN ('dtks', 'pesantren')",
                           name=op.f("ck_register_checks_register_known")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_register_checks_organization_id_organizations")),
        sa.ForeignKeyConstraint(["requested_by_user_id"], ["users.id"],
                                name=op.f("fk_register_checks_requested_by_user_id_users")),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["users.id"],
                                name=op.f("fk_register_checks_decided_by_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_checks")),
    )
    op.create_index(op.f("ix_register_checks_organization_id"), "register_checks",
                    ["organization_id"])
    op.create_index(op.f("ix_register_checks_status"), "register_checks", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_register_checks_status"), table_name="register_checks")
    op.drop_index(op.f("ix_register_checks_organization_id"), table_name="register_checks")
    op.drop_table("register_checks")
