"""Names instead of keys: what a page shows for a stage, an action, a tranche, a document type,
a program, a role or an audit event, in the page's language.

Every name comes from the program definition (pinned by the application) or the catalog; a key
nothing knows is shown as a readable phrase rather than as ``snake_case``. Registered as Jinja
globals (``stage_label(application, key)`` …) by ``init_app``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _

from app.accounts.roles import ROLE_LABELS
from app.common.i18n import localized
from app.common.identifiers import N_
from app.programs.registry import registry
from app.regions.reference import areas
from workflows.facts import FACT_LABELS
from workflows.parse_kind import known_kinds

#: audit event kinds (the part before the dot) in Indonesian; the full name stays in <code>
EVENT_KINDS = {
    "application": N_("Permohonan"),
    "decision": N_("Keputusan"),
    "document": N_("Dokumen"),
    "budget": N_("Anggaran"),
    "personal_data": N_("Data pribadi"),
    "disbursement": N_("Pencairan"),
    "account": N_("Akun"),
}




def readable(key: str | None) -> str:
    """A last resort for a key with no name anywhere: ``tranche_1`` → ``tranche 1``."""
    return (key or "").replace("_", " ").replace(".", " ")


def definition_of(application: Any) -> Any:
    try:
        return registry().pinned(application.program_key, application.definition_version)
    except LookupError:
        return registry().current(application.program_key)


def stage_label(application: Any, key: str | None) -> str:
    definition = definition_of(application)
    if key and definition is not None and definition.has_stage(key):
        return localized(definition.stage(key).name)
    return readable(key)


def action_label(application: Any, action: str | None) -> str:
    definition = definition_of(application)
    for transition in definition.transitions if definition is not None else ():
        if transition.action == action:
            return localized(transition.label)
    if action == "withdraw":
        return _("Dibatalkan pemohon")
    return readable(action)


def tranche_label(application: Any, key: str | None) -> str:
    definition = definition_of(application)
    for tranche in definition.funding.tranches if definition is not None else ():
        if tranche.key == key:
            return localized(tranche.label)
    return readable(key)


def document_label(application: Any, doc_type: str | None) -> str:
    definition = definition_of(application)
    requirement = definition.document(doc_type) if definition is not None else None
    return localized(requirement.label) if requirement is not None else readable(doc_type)


def answer_label(application: Any, key: str) -> str:
    """A form answer's label: the declared form's field label, else the rule vocabulary's."""
    definition = definition_of(application)
    field = registry().form_of(definition).field(key) if definition is not None else None
    if field is not None:
        return localized(field.label)
    fact = FACT_LABELS.get(f"answers.{key}")
    return localized(fact) if fact is not None else readable(key).capitalize()


def program_label(key: str | None) -> str:
    definition = registry().current(key) if key else None
    return localized(definition.name) if definition is not None else readable(key)


def role_label(role: str | None) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else readable(role)


def org_kind_label(kind: str | None) -> str:
    """An applicant kind's declared name (``workflows/kinds/``) in the page's language."""
    declared = known_kinds().get(kind or "")
    return localized(declared.name) if declared is not None else readable(kind)


def region_label(code: str | None) -> str:
    """``36.03.01.2003`` → ``Cangkudu, Kec. Balaraja`` (the code itself if unknown)."""
    names = {area.code: area.name for area in areas()}
    if not code or code not in names:
        return code or ""
    parent = names.get(code[:8]) if len(code) > 8 else None
    return f"{names[code]}, {_('Kec.')} {parent}" if parent else names[code]


def event_label(action: str | None) -> str:
    kind = (action or "").split(".", 1)[0]
    return _(EVENT_KINDS[kind]) if kind in EVENT_KINDS else readable(kind)


#: what a personal-data read opened (``record_personal_data_read``'s ``what``)
READ_LABELS = {
    "nik": N_("NIK lengkap"),
    "decision_file": N_("Berkas keputusan"),
    "subject_access_export": N_("Ekspor data subjek"),
}


def read_label(what: str | None) -> str:
    """``document:ktp`` → ``Dokumen: KTP``; ``nik`` → ``NIK lengkap``."""
    kind, _sep, detail = (what or "").partition(":")
    if kind == "document" and detail:
        names = [localized(d.label) for defn in registry().current_definitions()
                 for d in defn.documents if d.type == detail]
        return f"{_('Dokumen')}: {names[0] if names else readable(detail)}"
    return _(READ_LABELS[what]) if what in READ_LABELS else readable(what)


def init_app(app: Flask) -> None:
    for function in (stage_label, action_label, answer_label, tranche_label, document_label,
                     program_label, role_label, org_kind_label, region_label, event_label,
                     read_label):
        app.jinja_env.globals[function.__name__] = function
