"""dated awards across programs

``awards`` (one per approved application, or imported from a register of earlier aid) and
``award_identifiers`` (their blind-indexed identifiers). Repeat limits (``once_per`` with scope
``awarded``) count them by date, program or program group, and identifier. Existing approved
applications (decided, not rejected or withdrawn) are copied in with their recorded identifiers.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

BACKFILL = """
INSERT INTO awards (program_key, awarded_on, source, application_id, organization_id,
                    person_id, created_dt)
SELECT program_key, CAST(decided_dt AS DATE), 'application', id, organization_id, person_id,
       decided_dt
FROM applications
WHERE decided_dt IS NOT NULL AND (outcome IS NULL OR outcome NOT IN ('rejected', 'withdrawn'))
"""
BACKFILL_IDENTIFIERS = """
INSERT INTO award_identifiers (award_id, kind, value_bidx)
SELECT w.id, i.kind, i.value_bidx
FROM awards w JOIN application_identifiers i ON i.application_id = w.application_id
WHERE i.kind <> 'bank'
"""


def upgrade():
    op.create_table(
        "awards",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("program_key", sa.String(length=40), nullable=False),
        sa.Column("program_group", sa.String(length=40), nullable=True),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("application_id", BIG_ID, nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("revoked_dt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('application', 'import')",
                           name=op.f("ck_awards_source_known")),
        sa.CheckConstraint("(source = 'application') = (application_id IS NOT NULL)",
                           name=op.f("ck_awards_source_matches")),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_awards_application_id_applications"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_awards_organization_id_organizations")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name=op.f("fk_awards_person_id_persons")),
        sa.ForeignKeyConstraint(["import_id"], ["register_imports.id"],
                                name=op.f("fk_awards_import_id_register_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("application_id", name=op.f("uq_awards_application_id")),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index("ix_awards_program_awarded", ["program_key", "awarded_on"])
        batch_op.create_index(batch_op.f("ix_awards_organization_id"), ["organization_id"])
        batch_op.create_index(batch_op.f("ix_awards_person_id"), ["person_id"])
    op.create_table(
        "award_identifiers",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("award_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value_bidx", sa.String(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('nik', 'kk', 'nisn', 'nspp', 'ahu', 'nib', 'npsn')",
                           name=op.f("ck_award_identifiers_kind_known")),
        sa.ForeignKeyConstraint(["award_id"], ["awards.id"],
                                name=op.f("fk_award_identifiers_award_id_awards"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_identifiers")),
        sa.UniqueConstraint("award_id", "kind", "value_bidx",
                            name=op.f("uq_award_identifiers_award_id_kind_value_bidx")),
    )
    with op.batch_alter_table("award_identifiers", schema=None) as batch_op:
        batch_op.create_index("ix_award_identifiers_lookup", ["kind", "value_bidx"])
    op.execute(BACKFILL)
    op.execute(BACKFILL_IDENTIFIERS)


def downgrade():
    with op.batch_alter_table("award_identifiers", schema=None) as batch_op:
        batch_op.drop_index("ix_award_identifiers_lookup")
    op.drop_table("award_identifiers")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awards_person_id"))
        batch_op.drop_index(batch_op.f("ix_awards_organization_id"))
        batch_op.drop_index("ix_awards_program_awarded")
    op.drop_table("awards")
