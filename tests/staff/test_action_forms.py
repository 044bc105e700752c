"""Decision forms generated from transitions: every field type, bounds, and typed values."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from werkzeug.datastructures import MultiDict

from app.common.i18n import jakarta_today
from app.programs.registry import registry
from forms.staff import action_form, bulk_capable, field_values
from workflows import Transition, field_value_ok
from workflows.model import Choice, FieldSpec, Text


def T(text):
    return Text(text, text)


EVERY_TYPE = Transition(
    from_stage="review",
    action="decide",
    to="done",
    label=T("Putuskan"),
    roles=("reviewer",),
    reason_required=True,
    requires_fields=(
        FieldSpec("note", T("Catatan"), "text"),
        FieldSpec("pupils", T("Jumlah santri"), "number", min=0, max=500),
        FieldSpec("amount", T("Nilai"), "money", min=1_000, max=5_000_000),
        FieldSpec("deadline", T("Batas waktu"), "date"),
        FieldSpec("active", T("Aktif"), "boolean"),
        FieldSpec(
            "level", T("Jenjang"), "choice", items=(Choice("SD", T("SD")), Choice("SMP", T("SMP")))
        ),
        FieldSpec(
            "docs",
            T("Dokumen"),
            "checklist",
            items=(Choice("ktp", T("KTP")), Choice("kk", T("KK"))),
        ),
        FieldSpec(
            "governance", T("Tata kelola"), "score", min=1, max=5, weight=100, justification=True
        ),
        FieldSpec("site", T("Lokasi"), "photo_geo"),
    ),
)


def posted(**values):
    return MultiDict({f"decide-{k}": v for k, v in values.items()})


GOOD = dict(
    note="Sesuai",
    pupils="12.5",
    amount="Rp1.500.000",
    deadline=(jakarta_today() + timedelta(days=3)).isoformat(),
    active="tidak",
    level="SMP",
    docs__ktp="y",
    governance="4",
    governance_justification="Pengurus lengkap",
    site__lat="-6.2",
    site__lon="106.5",
    reason="Layak",
)


def test_every_field_type_becomes_a_value_the_engine_accepts(app):
    with app.test_request_context():
        form = action_form(EVERY_TYPE, formdata=posted(**GOOD), meta={"csrf": False})
        assert form.validate(), form.errors
        values = field_values(form)
    assert values == {
        "note": "Sesuai",
        "pupils": 12.5,
        "amount": 1_500_000,
        "deadline": GOOD["deadline"],
        "active": False,
        "level": "SMP",
        "docs": {"ktp": True, "kk": False},
        "governance": 4,
        "governance_justification": "Pengurus lengkap",
        "site": {"lat": -6.2, "lon": 106.5},
    }
    specs = {s.name: s for s in EVERY_TYPE.requires_fields}
    today = jakarta_today()
    assert all(field_value_ok(specs[k], v, today) for k, v in values.items() if k in specs)
    assert form.reason_text() == "Layak"


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("pupils", "900", "Nilai harus antara 0 dan 500."),
        ("amount", "999", "Nilai harus antara 1000 dan 5000000."),
        ("deadline", jakarta_today().isoformat(), "Batas waktu harus setelah hari ini."),
        ("governance_justification", "", "Tuliskan alasan penilaian."),
        ("site__lat", "-95", "Lintang antara -90 dan 90."),
        ("reason", "", "Alasan wajib diisi."),
    ],
)
def test_bad_values_get_an_indonesian_message_on_the_field(app, field, bad, message):
    with app.test_request_context():
        form = action_form(
            EVERY_TYPE, formdata=posted(**{**GOOD, field: bad}), meta={"csrf": False}
        )
        assert not form.validate()
        assert message in [str(m) for m in form[field].errors]


def test_kembangku_rubric_and_simple_stages(app):
    with app.test_request_context():
        defn, guru = registry().current("kembangku"), registry().current("guru_ngaji")
        score = defn.find_transition("feasibility", "score")
        form = action_form(score, meta={"csrf": False})
    assert [p.kind for p in form.parts][:4] == ["score"] * 4
    assert "Bobot 25%, nilai 1–5." in form.parts[0].hint
    assert not bulk_capable(score)
    assert bulk_capable(guru.find_transition("verification", "verify"))
    assert not bulk_capable(guru.find_transition("verification", "reject"))


def test_today_is_the_day_in_jakarta_whatever_the_server_clock(app):
    """At 01:30 WIB the UTC date is still yesterday. The deadline rule, like awards, reports and
    the register import, reads the day in Jakarta (app.common.i18n.jakarta_today): a deadline
    of the Jakarta day is "today", not "tomorrow". Before, this rule read the server's date."""
    with time_machine.travel(datetime(2026, 3, 10, 18, 30, tzinfo=UTC), tick=False):
        assert jakarta_today() == date(2026, 3, 11)
        with app.test_request_context():
            form = action_form(EVERY_TYPE, meta={"csrf": False},
                               formdata=posted(**{**GOOD, "deadline": "2026-03-11"}))
            assert not form.validate()
            assert "Batas waktu harus setelah hari ini." in [str(m) for m in form.deadline.errors]
            form = action_form(EVERY_TYPE, meta={"csrf": False},
                               formdata=posted(**{**GOOD, "deadline": "2026-03-12"}))
            assert form.validate(), form.errors
