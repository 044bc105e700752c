"""applicant kinds and staff scopes as data: no fixed list of kinds or scope rules in CHECKs

The CHECK constraints naming the four shipped kinds, the pesantren types and each kind's
required identifier are dropped: kinds are declared in ``workflows/kinds/*.yaml`` (and a
PROGRAMS_DIR's ``kinds/``), and the profile operations enforce each kind's required fields and
choices from its declaration. ``kind`` is widened for longer kind keys. Likewise the role
assignment CHECKs ``staff_role_has_agency`` and ``village_operator_has_desa``: where a role is held
and what narrows it is declared in ``app/accounts/data/scopes.yaml`` and enforced by
``grant_role``.

Downgrading restores the old constraints; it fails while organisations of a kind outside the
four shipped ones (or one missing an identifier) exist: remove them first.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OLD_CHECKS = {
    "koperasi_has_ahu": "kind != 'koperasi' OR ahu_number IS NOT NULL",
    "pesantren_has_nspp": "kind != 'pesantren' OR nspp IS NOT NULL",
    "school_has_npsn": "kind != 'sekolah' OR npsn IS NOT NULL",
    "kind_known": "kind IN ('pesantren', 'koperasi', 'kelompok_usaha', 'sekolah')",
    "pesantren_type_known": (
        "pesantren_type IS NULL OR "
        "pesantren_type IN ('salafi', 'pengembangan_salafi', 'modern', 'terpadu')"
    ),
}


ROLE_CHECKS = {
    "staff_role_has_agency": (
        "role NOT IN ('reviewer', 'approver', 'finance', 'auditor') OR agency_id IS NOT NULL"
    ),
    "village_operator_has_desa": "role != 'village_operator' OR region_code IS NOT NULL",
}


def upgrade():
    with op.batch_alter_table("role_assignments") as batch:
        for name in ROLE_CHECKS:
            batch.drop_constraint(op.f(f"ck_role_assignments_{name}"), type_="check")
    with op.batch_alter_table("organizations") as batch:
        for name in OLD_CHECKS:
            batch.drop_constraint(op.f(f"ck_organizations_{name}"), type_="check")
        batch.alter_column("kind", type_=sa.String(40), existing_nullable=False)
        batch.create_check_constraint(op.f("ck_organizations_kind_named"), "kind <> ''")


def downgrade():
    with op.batch_alter_table("organizations") as batch:
        batch.drop_constraint(op.f("ck_organizations_kind_named"), type_="check")
        batch.alter_column("kind", type_=sa.String(20), existing_nullable=False)
        for name, condition in OLD_CHECKS.items():
            batch.create_check_constraint(op.f(f"ck_organizations_{name}"), condition)
    with op.batch_alter_table("role_assignments") as batch:
        for name, condition in ROLE_CHECKS.items():
            batch.create_check_constraint(op.f(f"ck_role_assignments_{name}"), condition)
