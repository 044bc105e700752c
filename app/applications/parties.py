"""Who applies: an application's organisation, person and current bank account, and the
identifiers they are known by (blind-indexed), read by facts, duplicate checks and awards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.applications.models import Application
from app.common import pii
from app.extensions import db
from app.organizations.models import BankAccount, Organization, Person

#: the kind of a person applying without an organisation (``workflows/kinds/perorangan.yaml``)
PERSON_KIND = "perorangan"


def kind_of(organization: Organization | None) -> str:
    """An applying party's kind: its organisation's, else a person's."""
    return organization.kind if organization is not None else PERSON_KIND


@dataclass
class Parties:
    """An application's organisation, person and current bank account, loaded once.

    Firing a transition reads them several times (facts, duplicate checks, guards); holding
    them here also keeps them alive in the session's (weak-referencing) identity map.
    """

    organization: Organization | None
    person: Person | None
    account: BankAccount | None

    @property
    def applicant_kind(self) -> str:
        """The applying party's kind (``perorangan`` for a person applying alone)."""
        return kind_of(self.organization)

    @classmethod
    def of(cls, application: Application) -> Parties:
        """One query for the applying party and its current account (a person applying for
        an organisation is loaded on its own)."""
        org = person = account = None
        if application.organization_id:
            org, account = _with_account(_ORGANIZATION_WITH_ACCOUNT, application.organization_id)
            if application.person_id:
                person = db.session.get(Person, application.person_id)
        elif application.person_id:
            person, account = _with_account(_PERSON_WITH_ACCOUNT, application.person_id)
        return cls(org, person, account)


def _owner_with_account(entity: Any, owner: Any) -> sa.Select:
    return (
        sa.select(entity, BankAccount)
        .outerjoin(BankAccount, sa.and_(owner == entity.id, BankAccount.is_current.is_(True)))
        .where(entity.id == sa.bindparam("owner_id"))
        .order_by(BankAccount.id.desc())
        .limit(1)
    )


#: built once (module-level statements compute their cache key once)
_ORGANIZATION_WITH_ACCOUNT = _owner_with_account(Organization, BankAccount.organization_id)
_PERSON_WITH_ACCOUNT = _owner_with_account(Person, BankAccount.person_id)


def _with_account(query: sa.Select, owner_id: int) -> tuple[Any, BankAccount | None]:
    """The owner row and its newest current bank account (None when it has none)."""
    row = db.session.execute(query, {"owner_id": owner_id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


def current_bank_account(application: Application) -> BankAccount | None:
    owner = (
        BankAccount.organization_id == application.organization_id
        if application.organization_id
        else BankAccount.person_id == application.person_id
    )
    return db.session.scalar(
        sa.select(BankAccount)
        .where(owner, BankAccount.is_current.is_(True))
        .order_by(BankAccount.id.desc())
        .limit(1)
    )


def identifiers_of(application: Application, parties: Parties | None = None) -> dict[str, str]:
    """kind → blind index (or the public number itself for NSPP/NPSN/AHU/NISN, keyed too)."""
    parties = parties or Parties.of(application)
    found: dict[str, str] = {}
    org, person = parties.organization, parties.person
    if org is not None:
        pairs = (("nspp", org.nspp), ("ahu", org.ahu_number), ("nib", org.nib), ("npsn", org.npsn))
        for kind, value in pairs:
            if value:
                found[kind] = pii.blind_index(value, purpose=kind)
    if person is not None:
        if person.nik_bidx:
            found["nik"] = person.nik_bidx
        if person.kk_bidx:
            found["kk"] = person.kk_bidx
        if person.nisn:
            found["nisn"] = pii.blind_index(person.nisn, purpose="nisn")
    nisn = (application.answers or {}).get("nisn")
    if "nisn" not in found and nisn:  # a parent applying names the student by NISN
        found["nisn"] = pii.blind_index(str(nisn), purpose="nisn")
    if parties.account is not None:
        found["bank"] = parties.account.number_bidx
    return found
