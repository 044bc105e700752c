from __future__ import annotations

import sqlalchemy as sa

from app.agencies.models import AGENCIES, Agency
from app.extensions import db


def ensure_agencies() -> dict[str, Agency]:
    """Create the known agencies that are missing; return all by code."""
    existing = {a.code: a for a in db.session.scalars(sa.select(Agency))}
    for code, name in AGENCIES.items():
        if code not in existing:
            existing[code] = Agency(code=code, name=name)
            db.session.add(existing[code])
    db.session.flush()
    return existing


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(sa.select(Agency).where(Agency.code == code))
