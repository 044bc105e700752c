"""One WTForms builder for every program's declared application form (``form:`` in the YAML).

The widgets only collect what the browser sends; the rules (required, bounds, identifiers,
conditions, named checks) are ``workflows.answers.validate_answers``, the same function the
API calls. Labels and help come from the definition in the page's language.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.widgets import DateInput

from app.common.i18n import jakarta_today
from forms import choices
from forms.i18n import LocalizedForm
from forms.portal import as_yes_no
from workflows.answers import AnswerCheck, validate_answers
from workflows.form_model import IDENTIFIER_TYPES, Form, FormField

INPUT_MODES = {"number": "decimal", "money": "numeric", "phone": "tel"}
TEXT_INPUTS = frozenset({"text", *IDENTIFIER_TYPES})  # rendered as one-line text inputs


class _Required:
    """Marks a field required for the label's asterisk; ``validate_answers`` does the check."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Field) -> None:
        return None


def page_lang() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "id"


class DeclaredForm(LocalizedForm):
    """Base of the built classes; ``checked`` holds the clean answers after ``validate``."""

    declaration: Form
    checked: AnswerCheck | None = None

    def raw_answers(self) -> dict[str, Any]:
        return {spec.key: self[spec.key].data for spec in self.declaration.fields}

    def validate(self, extra_validators=None) -> bool:
        base_ok = super().validate(extra_validators)
        self.checked = validate_answers(self.declaration, self.raw_answers(), today=jakarta_today())
        lang = page_lang()
        for key, reason in self.checked.errors.items():
            self[key].errors = [*self[key].errors, reason.get(lang) or reason["id"]]
        return base_ok and self.checked.ok

    def steps(self) -> list[tuple[str, list[tuple[Field, dict[str, str]]]]]:
        """(step title, [(bound field, wrapper attributes)]) in the page's language."""
        lang = page_lang()
        return [
            (getattr(step.title, lang), [(self[f.key], shown_attrs(f)) for f in step.fields])
            for step in self.declaration.steps
        ]


def shown_attrs(spec: FormField) -> dict[str, str]:
    """Attributes for the wrapper of a conditional field (read by static/js/app.js)."""
    if spec.shown_when is None:
        return {}
    values = [as_yes_no(v) if isinstance(v, bool) else str(v) for v in spec.shown_when.values]
    return {"data-shown-when": spec.shown_when.field, "data-shown-values": json.dumps(values)}


def build_form_class(
    declaration: Form, *, desa_choices: Any = None, base: type[FlaskForm] | None = None
) -> type[DeclaredForm]:
    """A FlaskForm class for ``declaration`` (build it per request: labels follow the locale).

    ``base`` adds fixed fields before the declared ones (an organisation's common fields).
    """
    lang = page_lang()
    attrs: dict[str, Any] = {"declaration": declaration}
    for spec in declaration.fields:
        attrs[spec.key] = _field(spec, lang, desa_choices)
    bases = (DeclaredForm,) if base is None else (DeclaredForm, base)
    return type("DeclaredApplicationForm", bases, attrs)


def _field(spec: FormField, lang: str, desa_choices: Any) -> Field:
    label = getattr(spec.label, lang)
    options: dict[str, Any] = {
        "label": label,
        "description": getattr(spec.help, lang) if spec.help else "",
        "validators": [_Required()] if spec.required else [],
    }
    render_kw: dict[str, Any] = {}
    if spec.type in INPUT_MODES:
        render_kw["inputmode"] = INPUT_MODES[spec.type]
    elif spec.type in TEXT_INPUTS - {"text"}:
        render_kw.update(inputmode="numeric", autocomplete="off")
    if spec.max_length:
        render_kw["maxlength"] = spec.max_length
    if spec.type == "yes_no":
        return RadioField(choices=choices.YES_NO, validate_choice=False, **options)
    if spec.type == "choice":
        pairs = [("", _l("— pilih —")), *((o.key, getattr(o.label, lang)) for o in spec.options)]
        return SelectField(choices=choices.options(pairs), validate_choice=False, **options)
    if spec.type == "desa":
        return SelectField(
            choices=desa_choices or choices.options([("", _l("— pilih desa/kelurahan —"))]),
            validate_choice=False,
            **options,
        )
    if spec.type == "long_text":
        return TextAreaField(render_kw=render_kw, **options)
    if spec.type == "date":
        return StringField(widget=DateInput(), render_kw=render_kw, **options)
    return StringField(render_kw=render_kw, **options)


def initial_data(declaration: Form, answers: dict[str, Any]) -> dict[str, Any]:
    """Saved answers as the widgets show them (booleans as ya/tidak, numbers as text)."""
    data = {}
    for spec in declaration.fields:
        value = answers.get(spec.key)
        if value is None:
            continue
        data[spec.key] = as_yes_no(value) if isinstance(value, bool) else str(value)
    return data
