"""reference data: the 29 kecamatan and 274 desa/kelurahan of Kabupaten Tangerang, and the agencies
(seeded from app/agencies/data/agencies.csv)

Revision ID: 0002
Revises: 0001
"""

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CSV = Path(__file__).resolve().parents[2] / "app" / "regions" / "data" / "wilayah-3603.csv"
AGENCIES_CSV = CSV.parents[2] / "agencies" / "data" / "agencies.csv"

regions = sa.table(
    "regions", sa.column("code"), sa.column("level"), sa.column("name"), sa.column("parent_code")
)
agencies = sa.table("agencies", sa.column("code"), sa.column("name"))


def upgrade():
    with CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    order = {"kabupaten": 0, "kecamatan": 1, "desa": 2, "kelurahan": 2}
    rows.sort(key=lambda r: order[r["level"]])
    op.bulk_insert(
        regions,
        [
            {
                "code": r["code"],
                "level": r["level"],
                "name": r["name"],
                "parent_code": None if r["level"] == "kabupaten" else r["code"].rsplit(".", 1)[0],
            }
            for r in rows
        ],
    )
    op.bulk_insert(agencies, _seed_agencies())


def downgrade():
    codes = [row["code"] for row in _seed_agencies()]
    op.execute(agencies.delete().where(agencies.c.code.in_(codes)))
    op.execute(regions.delete().where(regions.c.level.in_(["desa", "kelurahan"])))
    op.execute(regions.delete().where(regions.c.level == "kecamatan"))
    op.execute(regions.delete())


def _seed_agencies() -> list[dict[str, str]]:
    """The regency's agencies as seeded (agencies are data: see app/agencies/seed.py)."""
    with AGENCIES_CSV.open(newline="", encoding="utf-8") as handle:
        return [{"code": r["code"], "name": r["name"]} for r in csv.DictReader(handle)]
