"""Who may see and act on an application. Used by the web views and the API alike.

Agency scoping: staff see an application only when their agency takes part in its program;
auditors see everything and change nothing; applicants see only their own (others → 404).

Full NIK (UU PDP purpose limitation), one policy for every interface: ``nik_reveal_grant``.
Seeing a file is not a need to see the person's full NIK. Only the agency roles that *work* a
stage of the application's program (its pinned definition: ``stage.agency`` + ``stage.role``)
may reveal it, because they check it against the KTP or pay the person; a partner agency that
only reads the file (DISDIK on Guru Ngaji) may not. An auditor may, but only with a stated
reason, which goes into the read's audit event. Administrators may not. Every reveal is audited.

Each rule is written once here; the portal, the staff workspace and the API all call it.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts import scopes
from app.accounts.models import User
from app.accounts.roles import (
    ADMIN,
    APPROVER,
    AUDITOR,
    FINANCE,
    REVIEWER,
    SCHOOL_OPERATOR,
    VILLAGE_OPERATOR,
)
from app.applications.models import Application, Document, StageTask
from app.applications.queries import open_task, uploadable_documents
from app.organizations.models import Organization, Person
from app.organizations.permissions import is_member
from app.programs.registry import registry

STAFF_READ_ROLES = (REVIEWER, APPROVER, FINANCE)
#: why a full NIK may be shown (``nik_reveal_grant``)
NIK_SELF, NIK_WORK, NIK_AUDIT = "self", "work", "audit"
#: roles that work on stage tasks (claim, decide) at an agency
WORK_ROLES = STAFF_READ_ROLES


def is_applicant_of(user: User, application: Application) -> bool:
    """The applicant's side: the owner, a member of the applying organisation, or the office
    that nominated it (``is_nominating_office_of``)."""
    if not user.is_authenticated:
        return False
    if application.owner_user_id == user.id:
        return True
    if application.organization_id is not None and is_member(user, application.organization_id):
        return True
    return is_nominating_office_of(user, application)


def is_nominating_office_of(user: User, application: Application) -> bool:
    """The operator who nominated the application, or one holding the same office now: an
    operator of the nominee's desa for a program village operators nominate for, of the named
    school for one school operators nominate for. Nominations belong to the office, so a
    colleague or a successor follows them and fixes what the reviewers send back."""
    if not user.is_authenticated or application.nominated_by_user_id is None:
        return False
    if application.nominated_by_user_id == user.id:
        return True
    nomination = registry().pinned(application.program_key,
                                   application.definition_version).nomination
    if nomination is None:
        return False
    if nomination.by == VILLAGE_OPERATOR:
        return application.desa_code in operator_desas(user)
    return nomination.by == SCHOOL_OPERATOR and operates_school_of(user, application)


def program_agencies(application: Application) -> set[str]:
    defn = registry().pinned(application.program_key, application.definition_version)
    return set(defn.agencies) | {s.agency for s in defn.stages if s.agency}


def is_agency_staff_of(user: User, application: Application) -> bool:
    """Holds a reading role at an agency of the program, within its declared narrowing (a
    kecamatan office sees its kecamatan's applications only: ``app/accounts/scopes.py``)."""
    agencies = program_agencies(application)
    return any(
        r.role in STAFF_READ_ROLES and r.agency_code in agencies and scopes.within(r, application)
        for r in user.roles
    )


def operates_school_of(user: User, application: Application) -> bool:
    """A school operator of the school the application names (``school_npsn`` in its answers):
    the one who confirms a pupil's enrolment and achievement at a school stage."""
    return application.school_npsn in operator_schools(user)


def nominating_office_clause(user: User) -> sa.ColumnElement[bool]:
    """``is_nominating_office_of`` as a WHERE clause, for lists: what the user nominated, and
    what operators of the same desa or school nominated for programs their office nominates
    for (read from the current definitions)."""
    clauses: list[sa.ColumnElement[bool]] = [Application.nominated_by_user_id == user.id]
    by_role: dict[str, list[str]] = {}
    for defn in registry().current_definitions():
        if defn.nomination is not None:
            by_role.setdefault(defn.nomination.by, []).append(defn.key)
    desas = sorted(operator_desas(user))
    if desas and by_role.get(VILLAGE_OPERATOR):
        clauses.append(sa.and_(Application.nominated_by_user_id.is_not(None),
                               Application.program_key.in_(by_role[VILLAGE_OPERATOR]),
                               Application.desa_code.in_(desas)))
    schools = sorted(operator_schools(user))
    if schools and by_role.get(SCHOOL_OPERATOR):
        clauses.append(sa.and_(Application.nominated_by_user_id.is_not(None),
                               Application.program_key.in_(by_role[SCHOOL_OPERATOR]),
                               Application.answers["school_npsn"].as_string().in_(schools)))
    return sa.or_(*clauses)


def can_view_application(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if is_applicant_of(user, application) or user.has_role(AUDITOR) or user.has_role(ADMIN):
        return True
    return is_agency_staff_of(user, application) or operates_school_of(user, application)


def can_edit_application(user: User, application: Application) -> bool:
    """The applicant edits only while the current stage lets them (draft, revision)."""
    if not is_applicant_of(user, application) or application.is_closed:
        return False
    defn = registry().pinned(application.program_key, application.definition_version)
    stage = defn.stage(application.stage)
    return "edit" in stage.applicant_may


def can_view_document(user: User, document: Document) -> bool:
    """Whoever may see the application may download its documents (staff reads are audited)."""
    return can_view_application(user, document.application)


def nik_working_roles(application: Application) -> set[tuple[str, str]]:
    """(agency, role) pairs that work a stage of the application's program."""
    defn = registry().pinned(application.program_key, application.definition_version)
    return {(s.agency, s.role) for s in defn.stages if s.agency and s.role}


def nik_reveal_grant(user: User, application: Application) -> str | None:
    """``NIK_SELF``, ``NIK_WORK``, ``NIK_AUDIT`` (a reason must be stated) or None (refused)."""
    if not user.is_authenticated or application.person_id is None:
        return None
    if user.person_id == application.person_id:
        return NIK_SELF
    if any(user.has_role(role, agency) for agency, role in nik_working_roles(application)):
        return NIK_WORK
    if user.has_role(AUDITOR):
        return NIK_AUDIT
    return None


def can_reveal_nik(user: User, application: Application) -> bool:
    return nik_reveal_grant(user, application) is not None


def reveal_needs_reason(user: User, application: Application) -> bool:
    return nik_reveal_grant(user, application) == NIK_AUDIT
def can_view_case(user: User, application: Application) -> bool:
    """Staff of an agency taking part in the program, auditors and admins, and the operators of
    the school the application names (who confirm it); never the applicant."""
    if not user.is_authenticated or is_applicant_of(user, application):
        return False
    return (user.has_role(AUDITOR) or user.has_role(ADMIN) or is_agency_staff_of(user, application)
            or operates_school_of(user, application))


def can_view_case_document(user: User, document: Document) -> bool:
    """A document opened from the staff workspace: the case's audience, never the applicant."""
    return can_view_case(user, document.application) and can_view_document(user, document)


def work_scopes(user: User) -> list[tuple[int, str]]:
    """(agency id, role) pairs whose open tasks this user works on, in a stable order."""
    pairs = {(r.agency_id, r.role) for r in user.roles if r.role in WORK_ROLES and r.agency_id}
    return sorted(pairs)


def work_limits(user: User, agency_id: int, role: str) -> list[tuple[str, str]]:
    """The declared narrowing of the user's (agency, role) work: empty when not narrowed."""
    held = [r for r in user.roles if (r.agency_id, r.role) == (agency_id, role)]
    narrowed = [scopes.limits(r) for r in held]
    return [] if any(not pairs for pairs in narrowed) else [p for ps in narrowed for p in ps]


def can_work_task(user: User, task: StageTask | None) -> bool:
    """The user holds the task's role at the task's agency, within its narrowing (and the task
    is still open). A task without an agency is a school's: its operators work it."""
    if task is None or task.completed_dt is not None:
        return False
    if task.agency_id is None:
        return task.role == SCHOOL_OPERATOR and operates_school_of(user, task.application)
    if (task.agency_id, task.role) not in work_scopes(user):
        return False
    pairs = work_limits(user, task.agency_id, task.role)
    return not pairs or any(getattr(task.application, c) == v for c, v in pairs)


def school_task_clause(user: User) -> sa.ColumnElement[bool]:
    """``can_work_task`` for a school's task (no agency) as a WHERE clause over ``StageTask``
    joined to its application: open, the school operator's role, one of the user's schools."""
    schools = sorted(operator_schools(user))
    if not schools:
        return sa.false()
    return sa.and_(StageTask.completed_dt.is_(None), StageTask.agency_id.is_(None),
                   StageTask.role == SCHOOL_OPERATOR,
                   Application.answers["school_npsn"].as_string().in_(schools))


def can_act_as_applicant(user: User, application: Application) -> bool:
    return is_applicant_of(user, application) and not application.is_closed


def stage_allows_bank_correction(application: Application) -> bool:
    """The stage lets the applicant record a new bank account (agreement, failed transfer)."""
    defn = registry().pinned(application.program_key, application.definition_version)
    return "correct_bank_account" in defn.stage(application.stage).applicant_may


def can_upload_document(user: User, application: Application, definition, doc_type: str) -> bool:
    """The applicant uploads what the portal offers at this stage; agency staff upload their
    agency's documents (e.g. survey photos) on a task they may work on."""
    requirement = definition.document(doc_type)
    if requirement is None or application.is_closed:
        return False
    if requirement.uploaded_by == "agency":
        return can_work_task(user, open_task(application))
    return can_act_as_applicant(user, application) and any(
        d.type == doc_type for d in uploadable_documents(definition, application)
    )


def operator_desa(user: User) -> str | None:
    """The desa a village operator nominates for (None for everyone else)."""
    if not user.is_authenticated:
        return None
    return next((r.region_code for r in user.roles
                 if r.role == VILLAGE_OPERATOR and r.region_code), None)


def operator_desas(user: User) -> set[str]:
    """Every desa the user is a village operator of."""
    if not user.is_authenticated:
        return set()
    return {r.region_code for r in user.roles if r.role == VILLAGE_OPERATOR and r.region_code}


def operator_schools(user: User) -> set[str]:
    """Every school (NPSN) the user is a school operator of."""
    if not user.is_authenticated:
        return set()
    return {r.school_npsn for r in user.roles if r.role == SCHOOL_OPERATOR and r.school_npsn}


def operator_school(user: User) -> str | None:
    """The school (NPSN) a school operator nominates for (None for everyone else)."""
    if not user.is_authenticated:
        return None
    return next((r.school_npsn for r in user.roles
                 if r.role == SCHOOL_OPERATOR and r.school_npsn), None)


def can_apply_as(user: User, party: Organization | Person | None) -> bool:
    """A member applies for their organization; a person applies for themself."""
    if party is None or not user.is_authenticated:
        return False
    if isinstance(party, Organization):
        return is_member(user, party)
    return user.person_id == party.id


def can_follow_application(user: User, application: Application) -> bool:
    """The applicant's side of an application: its owner, members, or the nominating operator."""
    if not user.is_authenticated:
        return False
    return is_applicant_of(user, application)


def can_nominate_for(user: User, defn) -> bool:
    """The user holds the role the program's ``nomination.by`` names, with its scope (a desa
    for a village operator, a school for a school operator)."""
    if defn is None or defn.nomination is None or not user.is_authenticated:
        return False
    if defn.nomination.by == VILLAGE_OPERATOR:
        return operator_desa(user) is not None
    return operator_school(user) is not None


def nominating_programs(user: User) -> list:
    """The current programs this user may nominate people for, by key."""
    return [d for d in registry().current_definitions() if can_nominate_for(user, d)]


def can_nominate(user: User) -> bool:
    return bool(nominating_programs(user))
