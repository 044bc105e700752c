"""Auditor tools: filtered keyset pages, CSV/XLSX exports, the decision file, subject access."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from app.audit.operations import record, record_personal_data_read
from app.auditor.queries import AuditFilter, page
from app.auditor.subject_access import subject_access_export
from app.db import utcnow
from app.extensions import db
from tests.audit.conftest import append_events, decide, make_application
from tests.support import services

NIK = "3603014708900001"


def _seed_mixed() -> None:
    append_events(5, action="account.login", actor=7, agency_code="KESRA")
    append_events(3, action="decision.approve", actor=8, program_key="guru_ngaji",
                  agency_code="KESRA")
    append_events(4, action="decision.reject", actor=8, program_key="sanitren",
                  agency_code="KEMENAG")
    record("note", reason="=HYPERLINK(\"http://evil\")")
    db.session.commit()


def test_keyset_pages_cover_every_match_once(db_session):
    _seed_mixed()
    seen, after = [], None
    while True:
        result = page(AuditFilter(action="decision."), after=after, limit=3)
        seen += [e.seq for e in result.events]
        if result.next_after is None:
            break
        after = result.next_after
    assert seen == list(range(6, 13))


def test_filters_combine(db_session):
    _seed_mixed()
    def seqs(**kw):
        return [e.seq for e in page(AuditFilter(**kw), limit=100).events]
    assert seqs(program_key="sanitren") == [9, 10, 11, 12]
    assert seqs(agency_code="KESRA", actor_user_id=8) == [6, 7, 8]
    assert seqs(action="account.login") == [1, 2, 3, 4, 5]
    assert seqs(action="decision*", agency_code="KEMENAG") == [9, 10, 11, 12]
    now = utcnow()
    assert len(seqs(since=now - timedelta(minutes=5), until=now + timedelta(minutes=5))) == 13
    assert seqs(until=now - timedelta(days=1)) == []


def test_csv_export_streams_filtered_rows_with_formulas_defused(db_session, app):
    _seed_mixed()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "export", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert result.exit_code == 0 and len(rows) == 13
    assert rows[-1]["reason"].startswith("'=HYPERLINK")
    filtered = runner.invoke(args=["audit", "export", "--program", "guru_ngaji"])
    assert len(list(csv.DictReader(io.StringIO(filtered.output)))) == 3


def test_xlsx_export(db_session, app, tmp_path):
    from openpyxl import load_workbook

    _seed_mixed()
    target = tmp_path / "audit.xlsx"
    result = app.test_cli_runner().invoke(
        args=["audit", "export", "--format", "xlsx", "--action", "decision.", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("seq", "occurred_dt", "actor_user_id") and len(rows) == 8
    assert json.loads(rows[1][10]) == {"n": 0}


def test_subject_access_export_has_everything_but_no_plain_nik(db_session, audit_keys):
    application, person, reviewer = make_application(nik=NIK)
    record_personal_data_read(reviewer, person, "nik")
    db.session.commit()
    data = subject_access_export(person, actor=reviewer, reason="permintaan subjek data")
    db.session.commit()
    text = json.dumps(data, ensure_ascii=False)
    assert NIK not in text
    assert data["person"]["nik_masked"] == "3603" + "\u2022" * 8 + "0001"
    assert [a["number"] for a in data["applications"]] == [application.number]
    actions = [e["action"] for e in data["audit_events"]]
    assert "application.created" in actions and "personal_data.read" in actions
    assert data["user_accounts"][0]["id"] == application.owner_user_id
    assert data["export_audit_seq"] > max(e["seq"] for e in data["audit_events"])


def test_decision_file_shows_every_decision_and_digest(db_session, audit_keys):
    from app.auditor.decision_file import decision_file_html

    application, _, reviewer = make_application()
    application.eligibility = {"results": [
        {"key": "domisili", "outcome": "pass", "reason": {"id": "Domisili: Tangerang"}}]}
    first = decide(application, reviewer, reason="Berkas lengkap")
    second = decide(application, reviewer, action="return", to_stage="revision",
                    reason="KTP buram")
    db.session.commit()
    html = decision_file_html(application)
    for expected in (application.number, reviewer.full_name, "Berkas lengkap", "KTP buram",
                     first.answers_digest, second.documents_digest, "Domisili: Tangerang",
                     f"seq {second.audit_seq}"):
        assert expected in html


def test_decision_file_pdf(db_session, audit_keys, app, tmp_path):
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # the pango libraries are missing
        services.need(f"WeasyPrint ({exc})", False)
    application, _, reviewer = make_application()
    decide(application, reviewer)
    db.session.commit()
    target = tmp_path / "berkas.pdf"
    result = app.test_cli_runner().invoke(
        args=["audit", "decision-file", application.number, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")


def test_checkpoint_then_verify_cli(db_session, audit_keys, app):
    append_events(3)
    db.session.commit()
    runner = app.test_cli_runner()
    made = runner.invoke(args=["audit", "checkpoint"])
    assert made.exit_code == 0 and "checkpoint seq=3" in made.output
    checked = runner.invoke(args=["audit", "verify"])
    assert checked.exit_code == 0 and "1 checkpoints verified" in checked.output


def test_intact_events_flags_one_applications_altered_event(db_session):
    from app.auditor.queries import application_events, intact_events
    from tests.audit.conftest import tamper

    application, _, reviewer = make_application()
    decide(application, reviewer)
    db.session.commit()
    events = application_events(application.id)
    assert all(intact_events(events).values())
    tamper("UPDATE audit_events SET reason = 'diubah' WHERE seq = :s", s=events[-1].seq)
    db.session.expire_all()
    flags = intact_events(application_events(application.id))
    assert flags[events[-1].seq] is False and flags[events[0].seq] is True
