"""The grounds of each decision: the fields the deciding officer recorded, labelled from the
program definition in the reader's language, with the photos the transition required.

Used by the staff case page, the applicant's timeline, the audit trail and the decision-file PDF,
so all four show the same thing. Pure reading: no writes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext

from app.applications import documents as stored
from app.applications.models import Application, Decision, Document
from app.common.i18n import date_id, rupiah
from workflows.model import FieldSpec, ProgramDefinition, Transition

#: field types the applicant does not see (the officers' internal assessment)
INTERNAL_TYPES = frozenset({"score"})


@dataclass(frozen=True)
class Ground:
    name: str
    label: str
    text: str
    items: tuple[tuple[str, bool], ...] = ()
    note: str = ""
    internal: bool = False


@dataclass
class DecisionGrounds:
    decision: Decision
    title: str
    grounds: list[Ground] = field(default_factory=list)
    photos: list[Document] = field(default_factory=list)


def _text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    return (
        (value.en if lang == "en" and value.en else value.id)
        if hasattr(value, "id")
        else str(value)
    )


def _yes_no(value: Any) -> str:
    return gettext("Ya") if value else gettext("Tidak")


def _day(value: Any, lang: str) -> str:
    try:
        return date_id(date.fromisoformat(str(value)), locale=lang)
    except ValueError:
        return str(value)


def _number(spec: FieldSpec, value: Any) -> str:
    if spec.type == "score" and spec.max is not None:
        return f"{value} / {spec.max}"
    if spec.name.endswith("percent") or spec.label.id.endswith("(%)"):
        return f"{value}%"
    return str(value)


def _formatted(spec: FieldSpec, value: Any, lang: str) -> str:
    kind = spec.type
    if kind == "date":
        return _day(value, lang)
    if kind == "money":
        return rupiah(value)
    if kind in ("number", "score"):
        return _number(spec, value)
    if kind == "boolean":
        return _yes_no(value)
    if kind == "choice":
        return next((_text(i.label, lang) for i in spec.items if i.key == value), str(value))
    if kind == "photo_geo" and isinstance(value, dict):
        return f"{value.get('lat')}, {value.get('lon')}"
    if kind == "checklist" and isinstance(value, dict):
        ticked = sum(1 for v in value.values() if v)
        return gettext("%(done)s dari %(total)s terpenuhi", done=ticked, total=len(value))
    return str(value)


def _ground(spec: FieldSpec, fields: dict[str, Any], lang: str) -> Ground | None:
    value = fields.get(spec.name)
    if value is None or value == "":
        return None
    items: tuple[tuple[str, bool], ...] = ()
    if spec.type == "checklist" and isinstance(value, dict):
        items = tuple((_text(i.label, lang), bool(value.get(i.key))) for i in spec.items)
    return Ground(
        name=spec.name,
        label=_text(spec.label, lang),
        text=_formatted(spec, value, lang),
        items=items,
        note=str(fields.get(f"{spec.name}_justification") or ""),
        internal=spec.type in INTERNAL_TYPES,
    )


def field_grounds(transition: Transition | None, fields: dict[str, Any], lang: str) -> list[Ground]:
    """Every recorded field, in the definition's order; unknown keys (older versions) last."""
    fields = fields or {}
    if transition is None:
        return [Ground(k, k, str(v)) for k, v in sorted(fields.items())]
    known = {s.name for s in transition.requires_fields}
    known |= {f"{s.name}_justification" for s in transition.requires_fields}
    rows = [g for s in transition.requires_fields if (g := _ground(s, fields, lang))]
    return rows + [Ground(k, k, str(v)) for k, v in sorted(fields.items()) if k not in known]


def _photos(transition: Transition | None, decision: Decision, documents: list[Document]) -> list:
    """The latest version, at the time of the decision, of each image the transition required."""
    if transition is None or not transition.requires_documents:
        return []
    latest: dict[str, Document] = {}
    for doc in documents:
        if doc.doc_type not in transition.requires_documents:
            continue
        if not doc.content_type.startswith("image/") or doc.uploaded_dt > decision.created_dt:
            continue
        if doc.doc_type not in latest or doc.version > latest[doc.doc_type].version:
            latest[doc.doc_type] = doc
    return list(latest.values())


def decision_grounds(
    defn: ProgramDefinition, application: Application, lang: str, *, applicant: bool = False
) -> list[DecisionGrounds]:
    """One entry per decision, oldest first. ``applicant`` leaves out internal scores."""
    documents = list(application.documents)
    result = []
    for decision in sorted(application.decisions, key=lambda d: d.id):
        transition = defn.find_transition(decision.from_stage, decision.action)
        grounds = field_grounds(transition, decision.fields, lang)
        if applicant:
            grounds = [g for g in grounds if not g.internal]
        title = _text(transition.label, lang) if transition else decision.action
        photos = [] if applicant else _photos(transition, decision, documents)
        result.append(DecisionGrounds(decision, title, grounds, photos))
    return result


def grounds_by_decision(
    defn: ProgramDefinition, application: Application, lang: str, *, applicant: bool = False
) -> dict[int, DecisionGrounds]:
    return {
        g.decision.id: g for g in decision_grounds(defn, application, lang, applicant=applicant)
    }


def photo_data_uri(document: Document) -> str:
    """The photo inline (``data:`` URI), for the PDF printer which fetches nothing."""
    encoded = base64.b64encode(stored.read(document)).decode("ascii")
    return f"data:{document.content_type};base64,{encoded}"
