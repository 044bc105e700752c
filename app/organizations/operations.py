"""Organization and personal profiles, bank accounts. Flush and audit; never commit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit.operations import record
from app.common import pii
from app.common.errors import Refusal
from app.extensions import db
from app.organizations.models import BankAccount, Membership, Organization, Person
from workflows.parse_kind import ApplicantKind, known_kinds

#: Organization columns a profile form may set (identifiers arrive already normalised). A kind's
#: declared field with one of these names fills the column; any other goes into ``profile``
#: (read by eligibility rules as ``org.<name>``).
ORG_FIELDS = (
    "name", "pesantren_type", "nspp", "npsn", "nib", "npwp", "ahu_number", "rat_last_year",
    "founded_on", "active", "address", "desa_code", "phone", "email", "leader_name",
)
#: Person columns a personal profile may set (NIK goes through ``set_nik``).
PERSON_FIELDS = (
    "full_name", "birth_date", "gender", "phone", "npwp", "desa_code", "address",
    "is_civil_servant", "has_fixed_income", "teaching_since",
)


class ProfileError(Refusal):
    """A refused profile change; ``field`` names the form field concerned (may be None)."""


def _unique_clash(org: Organization | None, column: str, value: Any) -> bool:
    if not value:
        return False
    query = sa.select(Organization.id).where(getattr(Organization, column) == value)
    if org is not None and org.id is not None:
        query = query.where(Organization.id != org.id)
    return db.session.scalar(query.limit(1)) is not None


#: one whole sentence per identifier (no label spliced in: the English word order differs)
TAKEN = {
    "nspp": _l("NSPP ini sudah terdaftar untuk lembaga lain. Hubungi pengurus lembaga tersebut "
               "untuk diundang sebagai pengelola."),
    "npsn": _l("NPSN ini sudah terdaftar untuk lembaga lain. Hubungi pengurus lembaga tersebut "
               "untuk diundang sebagai pengelola."),
    "ahu_number": _l("Nomor badan hukum ini sudah terdaftar untuk lembaga lain. Hubungi pengurus "
                     "lembaga tersebut untuk diundang sebagai pengelola."),
}


def _check_unique(org: Organization | None, values: dict[str, Any]) -> None:
    for column, message in TAKEN.items():
        if _unique_clash(org, column, values.get(column)):
            raise ProfileError(message, column)


def organization_kind(key: str) -> ApplicantKind:
    """The declared kind ``key`` held by organisations, or a refusal."""
    kind = known_kinds().get(key)
    if kind is None or not kind.is_organization:
        raise ProfileError(_l("Jenis lembaga %(kind)s tidak dikenal.", kind=key), "name")
    return kind


def profile_fields(kind: ApplicantKind) -> tuple[str, ...]:
    """The declared fields of ``kind`` kept in ``Organization.profile`` (not columns)."""
    return tuple(f.key for f in kind.form.fields if f.key not in ORG_FIELDS)


def profile_values(org: Organization) -> dict[str, Any]:
    """The current values of ``org``'s declared kind fields, by field key."""
    kind = organization_kind(org.kind)
    return {
        f.key: getattr(org, f.key) if f.key in ORG_FIELDS else (org.profile or {}).get(f.key)
        for f in kind.form.fields
    }


def _check_required(kind: ApplicantKind, values: dict[str, Any]) -> None:
    """What the database's per-kind CHECKs used to hold, now from the kind's declaration."""
    for spec in kind.form.fields:
        shown = spec.shown_when is None or spec.shown_when.holds(values)
        if spec.required and shown and values.get(spec.key) in (None, ""):
            raise ProfileError(_l("%(label)s wajib diisi.", label=spec.label.id), spec.key)


def _apply_org(org: Organization, kind: ApplicantKind, values: dict[str, Any]) -> None:
    for name in ORG_FIELDS:
        if name in values:
            setattr(org, name, values[name] if values[name] != "" else None)
    facts = {k: values[k] for k in profile_fields(kind) if k in values}
    merged = {**(org.profile or {}), **facts}
    org.profile = {k: v for k, v in merged.items() if v not in (None, "")}


def create_organization(user: User, kind: str, values: dict[str, Any]) -> Organization:
    """A new organization profile with ``user`` as its owner."""
    declared = organization_kind(kind)
    _check_required(declared, values)
    _check_unique(None, values)
    org = Organization(kind=kind, name=values["name"])
    _apply_org(org, declared, values)
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, organization_id=org.id, role="owner"))
    db.session.flush()
    record("organization.created", actor=user, actor_role="applicant",
           object_type="organization", object_id=org.id, summary={"kind": kind})
    return org


def update_organization(org: Organization, user: User, values: dict[str, Any]) -> Organization:
    declared = organization_kind(org.kind)
    _check_required(declared, {**profile_values(org), **values})
    _check_unique(org, values)
    _apply_org(org, declared, values)
    db.session.flush()
    record("organization.updated", actor=user, actor_role="applicant",
           object_type="organization", object_id=org.id,
           summary={"fields": sorted(k for k in values
                                     if k in ORG_FIELDS + profile_fields(declared))})
    return org


def _nik_taken(nik: str, person: Person | None) -> bool:
    query = sa.select(Person.id).where(Person.nik_bidx == pii.blind_index(nik, purpose="nik"))
    if person is not None and person.id is not None:
        query = query.where(Person.id != person.id)
    return db.session.scalar(query.limit(1)) is not None


def save_personal_profile(user: User, values: dict[str, Any], nik: str | None) -> Person:
    """Create or update the person linked to ``user`` (``User.person_id``)."""
    person = db.session.get(Person, user.person_id) if user.person_id else None
    if nik and _nik_taken(nik, person):
        raise ProfileError(_l("NIK ini sudah terdaftar atas nama orang lain di SIBANTU. Hubungi "
                              "petugas bila menurut Anda ini keliru."), "nik")
    created = person is None
    if created:
        person = Person(full_name=values["full_name"], created_by_user_id=user.id)
        db.session.add(person)
    for name in PERSON_FIELDS:
        if name in values:
            setattr(person, name, values[name] if values[name] != "" else None)
    if nik:
        person.set_nik(nik)
    db.session.flush()
    user.person_id = person.id
    db.session.flush()
    record("person.created" if created else "person.updated", actor=user, actor_role="applicant",
           object_type="person", object_id=person.id,
           summary={"fields": sorted(k for k in values if k in PERSON_FIELDS)})
    return person


def create_nominated_person(operator: User, values: dict[str, Any], nik: str) -> Person:
    """A resident nominated by a village operator (NIK encrypted, blind-indexed)."""
    person = Person(full_name=values["full_name"], created_by_user_id=operator.id)
    for name in PERSON_FIELDS:
        if name in values and values[name] not in ("", None):
            setattr(person, name, values[name])
    person.set_nik(nik)
    db.session.add(person)
    db.session.flush()
    record("person.created", actor=operator, actor_role="village_operator",
           object_type="person", object_id=person.id, summary={"nominated": True})
    return person


def current_account(*, organization: Organization | None = None,
                    person: Person | None = None) -> BankAccount | None:
    owner = (BankAccount.organization_id == organization.id if organization
             else BankAccount.person_id == person.id)
    return db.session.scalar(
        sa.select(BankAccount).where(owner, BankAccount.is_current.is_(True))
        .order_by(BankAccount.id.desc()).limit(1)
    )


def set_bank_account(user: User, *, bank_name: str, number: str, holder_name: str,
                     organization: Organization | None = None,
                     person: Person | None = None) -> BankAccount:
    """Record a new current account; the earlier one stays on record with ``is_current`` false.

    The holder should be the applicant itself (or a pesantren's yayasan), compared with
    ``holder_name_matches``; a remaining mismatch is kept and shown to the reviewer
    (``BankAccount.holder_matches``), not refused: the bank's spelling is the bank's.
    """
    if not (holder_name or "").strip():
        raise ProfileError(_l("Nama pemilik rekening wajib diisi."), "holder_name")
    previous = current_account(organization=organization, person=person)
    if previous is not None:
        previous.is_current = False
    account = BankAccount(
        organization_id=organization.id if organization else None,
        person_id=person.id if person else None,
        bank_name=bank_name.strip(), holder_name=holder_name.strip(),
    )
    account.set_number(number)
    db.session.add(account)
    db.session.flush()
    record("bank_account.set", actor=user, object_type="bank_account", object_id=account.id,
           summary={"organization_id": account.organization_id, "person_id": account.person_id,
                    "last4": account.number_last4, "holder_matches": account.holder_matches,
                    "replaces": previous.id if previous is not None else None})
    return account
