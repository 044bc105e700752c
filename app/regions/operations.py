from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.regions.models import Region
from app.regions.reference import areas


def load_reference_regions() -> int:
    """Insert the shipped area codes missing from the database; returns how many were added."""
    known = set(db.session.scalars(sa.select(Region.code)))
    added = 0
    for area in areas():
        if area.code not in known:
            db.session.add(
                Region(
                    code=area.code, level=area.level, name=area.name, parent_code=area.parent_code
                )
            )
            added += 1
    db.session.flush()
    return added


def kecamatan_choices() -> list[tuple[str, str]]:
    rows = db.session.scalars(
        sa.select(Region).where(Region.level == "kecamatan").order_by(Region.name)
    )
    return [(r.code, r.name) for r in rows]


def village_choices(kecamatan_code: str | None = None) -> list[tuple[str, str]]:
    query = sa.select(Region).where(Region.level.in_(("desa", "kelurahan")))
    if kecamatan_code:
        query = query.where(Region.parent_code == kecamatan_code)
    rows = db.session.scalars(query.order_by(Region.name))
    return [(r.code, r.name) for r in rows]
