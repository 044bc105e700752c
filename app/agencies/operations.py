"""Agencies are data: seeded from ``data/agencies.csv``, added and renamed by an admin.

Each change is audited and flushed, never committed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.agencies.models import Agency
from app.agencies.seed import seed_agencies
from app.audit.operations import record
from app.common.errors import Refusal
from app.extensions import db
from workflows import AGENCY_CODE_PATTERN

MAX_CODE, MAX_NAME = 20, 200


class AgencyRefused(Refusal):
    """A refused agency change; ``field`` names the form field concerned."""


def ensure_agencies() -> dict[str, Agency]:
    """Create the seed agencies that are missing; return all by code."""
    existing = {a.code: a for a in db.session.scalars(sa.select(Agency))}
    for code, name in seed_agencies().items():
        if code not in existing:
            existing[code] = Agency(code=code, name=name)
            db.session.add(existing[code])
    db.session.flush()
    return existing


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(sa.select(Agency).where(Agency.code == code))


def all_agencies() -> list[Agency]:
    return list(db.session.scalars(sa.select(Agency).order_by(Agency.code)))


def add_agency(code: str, name: str, *, actor=None) -> Agency:
    code, name = (code or "").strip().upper(), _clean_name(name)
    if not code or len(code) > MAX_CODE or not AGENCY_CODE_PATTERN.match(code):
        raise AgencyRefused(
            _l(
                "Kode OPD terdiri dari huruf kapital, angka, atau garis bawah, diawali huruf, "
                "paling banyak %(max)s karakter.",
                max=MAX_CODE,
            ),
            "code",
        )
    if agency_by_code(code) is not None:
        raise AgencyRefused(_l("OPD dengan kode %(code)s sudah ada.", code=code), "code")
    agency = Agency(code=code, name=name)
    db.session.add(agency)
    db.session.flush()
    record(
        "agency.added", actor=actor, agency_code=code, object_type="agency",
        object_id=agency.id, summary={"code": code, "name": name},
    )
    return agency


def rename_agency(code: str, name: str, *, actor=None) -> Agency:
    agency = agency_by_code((code or "").strip().upper())
    if agency is None:
        raise AgencyRefused(_l("OPD dengan kode %(code)s tidak ada.", code=code), "code")
    name, before = _clean_name(name), agency.name
    agency.name = name
    db.session.flush()
    record(
        "agency.renamed", actor=actor, agency_code=agency.code, object_type="agency",
        object_id=agency.id, summary={"code": agency.code, "before": before, "after": name},
    )
    return agency


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise AgencyRefused(_l("Nama OPD wajib diisi."), "name")
    if len(name) > MAX_NAME:
        raise AgencyRefused(
            _l("Nama OPD paling banyak %(max)s karakter.", max=MAX_NAME), "name"
        )
    return name
