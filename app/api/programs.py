"""Programs (public): what each program funds, who may apply, its rules, documents and stages."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from app.api.blueprint import api
from app.api.problems import ApiProblem
from app.api.schemas import Out, Text, text
from app.extensions import db
from app.programs.models import Program
from app.programs.registry import registry


class Window(Out):
    opens: date
    closes: date
    is_open: bool


class ProgramSummary(Out):
    key: str
    version: int
    name: Text
    purpose: Text
    agencies: list[str]
    applicant_kinds: list[str]
    funding_mechanism: str
    window: Window


class ProgramList(Out):
    items: list[ProgramSummary]
    next_cursor: str | None = None


class RuleOut(Out):
    key: str
    message: Text
    hint: Text | None
    blocking: bool


class DocumentRequirementOut(Out):
    type: str
    label: Text
    mandatory: bool
    accept: list[str]
    max_mb: int
    stage: str | None
    uploaded_by: str
    applicant_kinds: list[str]
    max_files: int = Field(1, description="how many files of this type may be current at once")


class StageOut(Out):
    key: str
    name: Text
    actor: str | None
    agency: str | None
    role: str | None
    sla_days: int | None
    terminal: bool
    outcome: str | None
    applicant_may: list[str]


class FieldOut(Out):
    name: str
    label: Text
    type: str
    required: bool
    items: list[dict[str, Any]]
    min: float | None
    max: float | None


class TransitionOut(Out):
    from_stage: str
    action: str
    to: str
    label: Text
    roles: list[str]
    reason_required: bool
    requires_fields: list[FieldOut]
    requires_documents: list[str]


class AmountOut(Out):
    rule: str
    value: int | None
    min: int | None
    max: int | None
    levels: dict[str, int] | None


class ProgramDetail(ProgramSummary):
    amount: AmountOut
    eligibility: list[RuleOut]
    documents: list[DocumentRequirementOut]
    stages: list[StageOut]
    transitions: list[TransitionOut]


def window_of(defn) -> Window:
    program = db.session.get(Program, defn.key)
    return Window(
        opens=program.window_opens if program and program.window_opens else defn.window.opens,
        closes=program.window_closes if program and program.window_closes else defn.window.closes,
        is_open=program.is_open if program else False,
    )


def summary(defn) -> dict[str, Any]:
    return {
        "key": defn.key, "version": defn.version, "name": text(defn.name),
        "purpose": text(defn.purpose), "agencies": list(defn.agencies),
        "applicant_kinds": list(defn.applicant_kinds),
        "funding_mechanism": defn.funding.mechanism, "window": window_of(defn),
    }


def field_out(spec) -> FieldOut:
    return FieldOut(name=spec.name, label=text(spec.label), type=spec.type, required=spec.required,
                    items=[i.to_dict() for i in spec.items], min=spec.min, max=spec.max)


def transition_out(t) -> TransitionOut:
    return TransitionOut(
        from_stage=t.from_stage, action=t.action, to=t.to, label=text(t.label),
        roles=list(t.roles), reason_required=t.reason_required,
        requires_fields=[field_out(f) for f in t.requires_fields],
        requires_documents=list(t.requires_documents),
    )


def detail(defn) -> ProgramDetail:
    amount = defn.amount.to_dict()
    return ProgramDetail(
        **summary(defn),
        amount=AmountOut(**{k: amount[k] for k in ("rule", "value", "min", "max", "levels")}),
        eligibility=[RuleOut(key=r.key, message=text(r.message),
                             hint=text(r.hint) if r.hint else None, blocking=r.blocking)
                     for r in defn.eligibility],
        documents=[DocumentRequirementOut(**d.to_dict()) for d in defn.documents],
        stages=[StageOut(**{k: v for k, v in s.to_dict().items()}) for s in defn.stages],
        transitions=[transition_out(t) for t in defn.transitions],
    )


def definition_or_404(program_key: str):
    defn = registry().current(program_key)
    if defn is None:
        raise ApiProblem(404, "Program tidak ditemukan.", code="program_not_found")
    return defn


@api.operation("GET", "/programs", summary="List programs", tags=("programs",), public=True,
               response=ProgramList)
def list_programs():
    """Every program the regency runs now, with its application period."""
    return ProgramList(items=[ProgramSummary(**summary(d))
                              for d in registry().current_definitions()])


@api.operation("GET", "/programs/<program_key>", summary="Program detail", tags=("programs",),
               public=True, response=ProgramDetail, path_schemas={"program_key": "program_key"})
def get_program(program_key: str):
    """Eligibility rules, required documents, stages and transitions of one program."""
    return detail(definition_or_404(program_key))


class FormFieldOut(Out):
    key: str
    type: str
    label: Text
    help: Text | None = None
    required: bool
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    decimals: int | None = None
    options: list[dict[str, Any]] | None = None
    shown_when: dict[str, Any] | None = None
    check: str | None = None


class FormStepOut(Out):
    key: str
    title: Text
    fields: list[FormFieldOut]


class FormOut(Out):
    program_key: str
    version: int
    amount_field: str | None = None
    steps: list[FormStepOut]
    answers_schema: dict[str, Any] = Field(
        description="JSON Schema of `answers` (PATCH /applications/{id}/answers)")


JSON_TYPES = {"number": "number", "money": "integer", "yes_no": "boolean"}


def answers_schema(declaration) -> dict[str, Any]:
    """Types, bounds and options as JSON Schema; identifiers are normalised server-side."""
    properties = {}
    for spec in declaration.fields:
        prop: dict[str, Any] = {"type": [JSON_TYPES.get(spec.type, "string"), "null"],
                                "title": spec.label.en}
        if spec.type == "date":
            prop["format"] = "date"
        if spec.options:
            prop["enum"] = [o.key for o in spec.options] + [None]
        for name, key in (("min", "minimum"), ("max", "maximum"), ("min_length", "minLength"),
                          ("max_length", "maxLength")):
            if getattr(spec, name) is not None:
                prop[key] = getattr(spec, name)
        properties[spec.key] = prop
    return {"type": "object", "properties": properties, "additionalProperties": False}


@api.operation("GET", "/programs/<program_key>/form", summary="Program application form",
               tags=("programs",), public=True, response=FormOut,
               path_schemas={"program_key": "program_key"})
def get_program_form(program_key: str):
    """The answers a program asks (steps, fields, conditions) and their JSON Schema: the same
    declaration the portal renders and `PATCH /applications/{id}/answers` checks."""
    defn = definition_or_404(program_key)
    declaration = registry().form_of(defn)
    data = declaration.to_dict()
    return FormOut(program_key=defn.key, version=defn.version,
                   amount_field=data.get("amount_field"), steps=data["steps"],
                   answers_schema=answers_schema(declaration))
