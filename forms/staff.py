"""Staff forms. The decision form of a transition is generated from the program definition.

``action_form(transition)`` builds one FlaskForm per transition: a field (or a group of fields)
per ``requires_fields`` entry, a reason when the transition needs one, an upload per required
document, and the hidden ``seen_version``. ``field_values(form)`` turns the posted data into the
typed values ``workflow.fire`` checks again (the engine has the last word).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.common.i18n import jakarta_today, localized
from forms.choices import YES_NO, options
from forms.i18n import LocalizedForm as FlaskForm
from workflows import FieldSpec, Transition

REASON_MAX = 2000
TEXT_MAX = 4000

#: a definition text in the page's language (one home: ``app.common.i18n.localized``)
text = localized


class MoneyField(IntegerField):
    """Whole rupiah; accepts ``Rp130.000.000`` and ``130 000 000``."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            cleaned = valuelist[0].replace("Rp", "").replace(".", "").replace(" ", "").strip()
            super().process_formdata([cleaned])


@dataclass
class Part:
    """How the template lays the form out: one field, or a group under a legend."""

    kind: str  # "field" | "checklist" | "geo" | "score"
    names: list[str]
    legend: str = ""
    hint: str = ""
    spec: FieldSpec | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ActionForm(FlaskForm):
    seen_version = HiddenField()

    transition: Transition
    parts: list[Part]

    def reason_text(self) -> str | None:
        reason = getattr(self, "reason", None)
        return (reason.data or "").strip() or None if reason is not None else None


class DeadlineAfterToday:
    def __call__(self, form, field) -> None:
        if field.data and field.data <= jakarta_today():
            raise ValidationError(_l("Batas waktu harus setelah hari ini."))


def _required(spec: FieldSpec, message) -> list:
    return [InputRequired(message)] if spec.required else [Optional()]


def _bounds(spec: FieldSpec) -> list:
    if spec.min is None and spec.max is None:
        return []
    return [
        NumberRange(
            min=spec.min, max=spec.max, message=_l("Nilai harus antara %(min)s dan %(max)s.")
        )
    ]


def _add_simple(attrs: dict, parts: list[Part], spec: FieldSpec) -> None:
    label, missing = text(spec.label), _l("Kolom ini wajib diisi.")
    kind = spec.type
    if kind == "text":
        made = TextAreaField(
            label,
            validators=[*_required(spec, missing), Length(max=TEXT_MAX)],
            render_kw={"maxlength": TEXT_MAX, "rows": 4},
        )
    elif kind == "number":
        made = DecimalField(
            label,
            places=None,
            validators=[*_required(spec, missing), *_bounds(spec)],
            render_kw={"inputmode": "decimal"},
        )
    elif kind == "money":
        made = MoneyField(
            label,
            validators=[*_required(spec, missing), *_bounds(spec)],
            description=_l("Dalam rupiah, tanpa desimal."),
            render_kw={"inputmode": "numeric", "class": "input--w20"},
        )
    elif kind == "date":
        checks = [DeadlineAfterToday()] if spec.name == "deadline" else []
        made = DateField(label, validators=[*_required(spec, missing), *checks])
    elif kind == "boolean":
        made = RadioField(
            label,
            choices=YES_NO,
            validators=_required(spec, _l("Pilih salah satu.")),
        )
    else:  # choice
        made = RadioField(
            label,
            choices=options((i.key, text(i.label)) for i in spec.items),
            validators=_required(spec, _l("Pilih salah satu.")),
        )
    attrs[spec.name] = made
    parts.append(Part("field", [spec.name], spec=spec))


def _add_checklist(attrs: dict, parts: list[Part], spec: FieldSpec) -> None:
    names = []
    for item in spec.items:
        name = f"{spec.name}__{item.key}"
        attrs[name] = BooleanField(text(item.label))
        names.append(name)
    parts.append(
        Part(
            "checklist",
            names,
            legend=text(spec.label),
            spec=spec,
            hint=str(_l("Centang butir yang sudah diperiksa dan sesuai.")),
        )
    )


def _add_score(attrs: dict, parts: list[Part], spec: FieldSpec) -> None:
    label = text(spec.label)
    attrs[spec.name] = IntegerField(
        _l("Nilai"),
        validators=[*_required(spec, _l("Nilai wajib diisi.")), *_bounds(spec)],
        render_kw={"inputmode": "numeric", "min": spec.min, "max": spec.max},
    )
    names = [spec.name]
    if spec.justification:
        attrs[f"{spec.name}_justification"] = TextAreaField(
            _l("Alasan penilaian"),
            validators=[DataRequired(_l("Tuliskan alasan penilaian.")), Length(max=TEXT_MAX)],
            render_kw={"maxlength": TEXT_MAX, "rows": 3},
        )
        names.append(f"{spec.name}_justification")
    hint = str(
        _l(
            "Bobot %(weight)s%%, nilai %(min)s–%(max)s.",
            weight=spec.weight or 0,
            min=spec.min,
            max=spec.max,
        )
    )
    parts.append(Part("score", names, legend=label, hint=hint, spec=spec))


def _add_geo(attrs: dict, parts: list[Part], spec: FieldSpec) -> None:
    missing = _l("Koordinat wajib diisi.")
    attrs[f"{spec.name}__lat"] = FloatField(
        _l("Lintang (latitude)"),
        validators=[
            *_required(spec, missing),
            NumberRange(-90, 90, _l("Lintang antara -90 dan 90.")),
        ],
        render_kw={"inputmode": "decimal", "class": "input--w10", "data-geo": "lat"},
    )
    attrs[f"{spec.name}__lon"] = FloatField(
        _l("Bujur (longitude)"),
        validators=[
            *_required(spec, missing),
            NumberRange(-180, 180, _l("Bujur antara -180 dan 180.")),
        ],
        render_kw={"inputmode": "decimal", "class": "input--w10", "data-geo": "lon"},
    )
    parts.append(
        Part(
            "geo",
            [f"{spec.name}__lat", f"{spec.name}__lon"],
            legend=text(spec.label),
            spec=spec,
            hint=str(_l("Contoh: -6.1783 dan 106.4965.")),
        )
    )


BUILDERS = {"checklist": _add_checklist, "score": _add_score, "photo_geo": _add_geo}


def _reason_field(transition: Transition) -> TextAreaField:
    if transition.reason_required:
        label = (
            _l("Alasan") if transition.action != "return" else _l("Catatan perbaikan untuk pemohon")
        )
        checks = [DataRequired(_l("Alasan wajib diisi.")), Length(max=REASON_MAX)]
        return TextAreaField(
            label, validators=checks, render_kw={"maxlength": REASON_MAX, "rows": 4}
        )
    return TextAreaField(
        _l("Catatan"),
        validators=[Optional(), Length(max=REASON_MAX)],
        render_kw={"maxlength": REASON_MAX, "rows": 3},
    )


def action_form(
    transition: Transition, documents: dict[str, Any] | None = None, **kwargs: Any
) -> ActionForm:
    """The form of one transition; ``documents`` maps doc types to their requirements."""
    attrs: dict[str, Any] = {}
    parts: list[Part] = []
    for spec in transition.requires_fields:
        BUILDERS.get(spec.type, _add_simple)(attrs, parts, spec)
    for doc_type in transition.requires_documents:
        requirement = (documents or {}).get(doc_type)
        accept = ",".join(f".{a}" for a in requirement.accept) if requirement else ""
        max_bytes = requirement.max_mb * 1024 * 1024 if requirement else 0
        attrs[f"doc__{doc_type}"] = FileField(
            text(requirement.label) if requirement else doc_type,
            description=_l("Format: %(accept)s.", accept=accept.replace(".", "").upper()),
            render_kw={"accept": accept, "data-max-bytes": max_bytes},
        )
        parts.append(Part("field", [f"doc__{doc_type}"], extra={"file": True}))
    attrs["reason"] = _reason_field(transition)
    parts.append(Part("field", ["reason"]))
    cls = type(f"ActionForm_{transition.action}", (ActionForm,), attrs)
    kwargs.setdefault("prefix", transition.action)
    form = cls(**kwargs)
    form.transition, form.parts = transition, parts
    return form


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def field_values(form: ActionForm) -> dict[str, Any]:
    """Typed values for ``workflow.fire`` from a validated form."""
    values: dict[str, Any] = {}
    for spec in form.transition.requires_fields:
        kind = spec.type
        if kind == "checklist":
            values[spec.name] = {
                i.key: bool(form[f"{spec.name}__{i.key}"].data) for i in spec.items
            }
        elif kind == "photo_geo":
            lat, lon = form[f"{spec.name}__lat"].data, form[f"{spec.name}__lon"].data
            values[spec.name] = (
                {"lat": lat, "lon": lon} if lat is not None and lon is not None else None
            )
        elif kind == "score":
            values[spec.name] = form[spec.name].data
            if spec.justification:
                values[f"{spec.name}_justification"] = form[f"{spec.name}_justification"].data
        elif kind == "number":
            values[spec.name] = _number(form[spec.name].data)
        elif kind == "date":
            day = form[spec.name].data
            values[spec.name] = day.isoformat() if day else None
        elif kind == "boolean":
            answer = form[spec.name].data
            values[spec.name] = {"ya": True, "tidak": False}.get(answer)
        else:
            values[spec.name] = form[spec.name].data
    return {k: v for k, v in values.items() if v is not None}


def geo_of(form: ActionForm) -> dict[str, float] | None:
    """The first photo_geo value, stored with the uploaded photo as its geotag."""
    for spec in form.transition.requires_fields:
        if spec.type == "photo_geo":
            return field_values(form).get(spec.name)
    return None


def bulk_capable(transition: Transition) -> bool:
    """Simple decisions only: checklists and yes/no, no reason, no documents."""
    return (
        not transition.reason_required
        and not transition.requires_documents
        and all(f.type in ("checklist", "boolean") for f in transition.requires_fields)
    )


class QueueFilterForm(FlaskForm):
    """GET filter form (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    cari = StringField(
        _l("Cari nama, nomor permohonan, atau NIK"), validators=[Optional(), Length(max=150)]
    )
    program = SelectField(_l("Program"), choices=[], validate_choice=False)
    tahap = SelectField(_l("Tahap"), choices=[], validate_choice=False)
    kecamatan = SelectField(_l("Kecamatan"), choices=[], validate_choice=False)
    desa = SelectField(_l("Desa/kelurahan"), choices=[], validate_choice=False)
    diambil = SelectField(
        _l("Penanganan"),
        choices=options([("", _l("Semua")), ("mine", _l("Yang saya ambil")),
                         ("free", _l("Belum diambil"))]),
        validate_choice=False,
    )
    jumlah = SelectField(
        _l("Baris per halaman"),
        choices=options([("25", "25"), ("50", "50"), ("100", "100")]),
        validate_choice=False,
    )
    terlambat = BooleanField(_l("Hanya yang melewati tenggat"))
    ganda = BooleanField(_l("Hanya yang ditandai ganda/tumpang tindih"))


class RevealNikForm(FlaskForm):
    pass


class TransferResultsForm(FlaskForm):
    """The payment list back from the bank, with each row's result filled in."""

    file = FileField(_l("Daftar bayar berisi hasil transfer (XLSX atau CSV)"), validators=[
        FileRequired(_l("Pilih berkas daftar bayar yang sudah diisi bank."))],
        description=_l("Isi kolom Hasil dengan \"berhasil\" (beserta tanggal transfer dan "
                       "referensi SP2D) atau \"gagal\" (beserta alasan dan batas perbaikan "
                       "rekening). Baris yang kosong dilewati; berkas yang sama boleh diunggah "
                       "lagi."),
        render_kw={"accept": ".csv,.xlsx"})


class NikReasonForm(FlaskForm):
    """The full-NIK reveal; ``alasan`` is asked of auditors (checked by the view) and audited."""

    alasan = StringField(
        _l("Alasan pemeriksaan"),
        validators=[Optional(), Length(max=300, message=_l("Alasan paling banyak 300 karakter."))],
    )

    def stated_reason(self) -> str:
        return " ".join((self.alasan.data or "").split())


class AssignForm(FlaskForm):
    assignee = SelectField(
        _l("Serahkan kepada"),
        coerce=int,
        choices=[],
        validators=[DataRequired(_l("Pilih petugas."))],
    )


class RegisterCheckForm(FlaskForm):
    """Kemenag's answer to one pesantren's request to be checked against the register."""

    check_id = IntegerField(validators=[InputRequired()])
    decision = RadioField(_l("Keputusan"), choices=options([
        ("confirm", _l("Terdaftar: masukkan NSPP ke register")),
        ("refuse", _l("Tidak terdaftar")),
    ]), validators=[InputRequired(_l("Pilih keputusan."))])
    note = TextAreaField(_l("Catatan untuk pesantren"), validators=[Optional(), Length(max=1000)],
                         description=_l("Wajib bila tidak terdaftar: apa yang perlu dilakukan."))
