"""Every template renders in Indonesian and English from ids alone, with working links."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale, gettext

from app.accounts.operations import user_for_reset_token
from app.notifications import events
from app.notifications.channels import build_email, gateway_payload, normalise_phone
from app.notifications.operations import notify
from app.notifications.rendering import render
from tests.notifications.factories import make_world

DEADLINE = date(2026, 2, 1)

#: template → (how to raise the event, a word its subject has in Indonesian, in English)
CASES = {
    "application_received": (lambda w: events.application_received(w.application),
                             "diterima", "received"),
    "returned_for_revision": (lambda w: events.returned_for_revision(
        w.application, "Lengkapi foto lokasi usaha.", DEADLINE), "diperbaiki", "corrections"),
    "revision_due": (lambda w: events.revision_due(w.application), "Pengingat", "Reminder"),
    "revision_lapsed": (lambda w: events.revision_lapsed(w.application, [w.reviewer]),
                        "terlewati", "passed"),
    "stage_advanced": (lambda w: events.stage_advanced(w.application, "feasibility"),
                       "tahap", "moved"),
    "decided": (lambda w: events.decided(w.application, "rejected", "Kuota kecamatan penuh."),
                "tidak disetujui", "not approved"),
    "disbursement_sent": (lambda w: events.disbursement_sent(w.application, w.disbursement),
                          "ditransfer", "transferred"),
    "disbursement_failed": (lambda w: events.disbursement_failed(w.application, w.disbursement),
                            "gagal", "failed"),
    "report_due": (lambda w: events.report_due(w.report), "jatuh tempo", "due"),
    "report_overdue": (lambda w: events.report_overdue(w.report), "terlambat", "overdue"),
    "new_work": (lambda w: events.new_work(w.task, [w.reviewer]), "Tugas baru", "New task"),
    "task_overdue": (lambda w: events.task_overdue(w.task, [w.reviewer]),
                     "Melewati batas waktu", "Overdue"),
    "overdue_escalation": (lambda w: events.overdue_escalation(w.task, [w.head]),
                           "Eskalasi", "Escalation"),
    "daily_digest": (lambda w: events.daily_digest(w.reviewer, {"open": 4, "overdue": 1}),
                     "Ringkasan harian", "daily summary"),
}


@pytest.fixture
def world(db_session, programs):
    world = make_world()
    world.application.revision_deadline = DEADLINE
    return world


@pytest.mark.parametrize("template", sorted(CASES))
def test_each_template_renders_in_both_languages(world, template):
    raise_event, indonesian, english = CASES[template]
    row = next(r for r in raise_event(world) if r.channel == "email")
    assert row.template == template
    for lang, word in (("id", indonesian), ("en", english)):
        rendered = render(row, lang=lang)
        assert word in rendered.subject, (lang, rendered.subject)
        assert rendered.summary and rendered.summary in rendered.text
        assert f"<title>{rendered.subject}</title>" in rendered.html.replace("&#34;", '"')
        assert "None" not in rendered.text and "None" not in rendered.subject
        assert rendered.link and rendered.link.startswith("http://localhost/")


def test_the_recipients_language_is_the_default(world):
    world.owner.language = "en"
    row = next(r for r in events.decided(world.application, "approved") if r.channel == "email")
    assert render(row).subject == f"Application {world.application.number} approved"


def test_the_mail_has_text_and_html_and_the_whatsapp_payload_is_short(world):
    row = next(r for r in events.returned_for_revision(world.application, "Foto buram.", DEADLINE)
               if r.channel == "email")
    message = build_email(row, render(row))
    assert "Foto buram." in message.get_body(("plain",)).get_content()
    assert "Foto buram." in message.get_body(("html",)).get_content()
    payload = gateway_payload(row, render(row, html=False))
    assert payload["reference"] == f"sibantu-notification-{row.id}"
    assert "1 Februari 2026" in payload["message"] and len(payload["message"]) < 1000


def test_phone_numbers_are_normalised_for_the_gateway():
    assert normalise_phone("0812-3456-7890") == "6281234567890"
    assert normalise_phone("+62 812 3456 7890") == "6281234567890"


def test_the_reset_link_is_made_at_send_time_and_only_for_e_mail(world):
    user = world.owner
    rows = notify(f"password_reset:{user.id}:1:req", "password_reset", [user],
                  context={"user_id": user.id})
    email = next(r for r in rows if r.channel == "email")
    inbox = next(r for r in rows if r.channel == "inapp")
    assert email.context == {"user_id": user.id}
    text = render(email).text
    token = text.split("/atur-ulang-sandi/")[1].split()[0]
    assert user_for_reset_token(token) == user
    assert "/atur-ulang-sandi/" not in render(inbox).text


def test_the_layouts_translated_lines_follow_the_recipients_language(world):
    """The layout's ``_()`` texts (bound once per render) come out as Flask-Babel translates
    them in the recipient's language, in the text and in the HTML part."""
    row = next(r for r in events.decided(world.application, "approved") if r.channel == "email")
    line = "Petugas tidak pernah meminta uang, pulsa, atau kata sandi Anda."
    seen = {}
    for lang in ("id", "en"):
        with force_locale(lang):
            expected = gettext(line)
        rendered = render(row, lang=lang)
        assert expected in rendered.text and expected in rendered.html, lang
        seen[lang] = expected
    assert seen["id"] == line and seen["en"] != line


@pytest.mark.parametrize("template", ["report_due", "report_overdue"])
def test_a_report_reminder_names_the_report_as_the_program_does(world, template):
    """The report's stage name from the pinned definition, in the recipient's language; it used
    to be the stage key in capitals ("LPJ")."""
    from app.applications.workflow import definition_of

    [row] = [r for r in CASES[template][0](world) if r.channel == "email"]
    name = definition_of(world.application).stage(world.report.kind).name
    for lang, expected in (("id", name.id), ("en", name.en)):
        summary = render(row, lang=lang).summary
        assert summary.startswith(expected), (lang, summary)
        assert "MONITORING" not in summary
