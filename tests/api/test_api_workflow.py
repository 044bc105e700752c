"""Integrations end to end through the API: an applicant system applies, Kemenag's system works
its queue, BPKAD's records a transfer, the open-data portal reads statistics, an auditor pulls
events."""

from __future__ import annotations

import io
import re

from app.applications import bank
from app.applications.models import Disbursement
from app.extensions import db
from tests.api.conftest import pending_disbursement, to_first_tranche
from tests.support.programs import PDF, fake_file

CHECKLIST = {k: True for k in ("nspp_valid", "salafi_confirmed", "legal_docs_valid",
                               "land_status_clear", "bank_account_matches")}


def _upload_proposal_set(client, world, application_id: int, program: dict) -> None:
    for doc in program["documents"]:
        if doc["mandatory"] and doc["stage"] is None and doc["uploaded_by"] == "applicant":
            name, content = fake_file(tuple(doc["accept"]))
            response = client.post(
                f"/api/v1/applications/{application_id}/documents",
                data={"doc_type": doc["type"], "file": (io.BytesIO(content), name)},
                content_type="multipart/form-data", headers=world.headers("applicant"))
            assert response.status_code == 201, response.data


def test_apply_review_return_resubmit_verify(client, world):
    program = client.get("/api/v1/programs/sanitren").json
    assert {"eligibility", "documents", "stages", "transitions"} <= set(program)
    created = client.post("/api/v1/applications", headers=world.headers("applicant"), json={
        "program_key": "sanitren", "organization_id": world.organization.id,
        "answers": {"similar_aid_this_year": False, "sanitation_adequate": False}})
    assert created.status_code == 201, created.data
    app_id = created.json["id"]
    assert created.headers["Location"].endswith(f"/api/v1/applications/{app_id}")
    _upload_proposal_set(client, world, app_id, program)
    check = client.get(f"/api/v1/applications/{app_id}/eligibility",
                       headers=world.headers("applicant")).json
    assert check["passed"] is True, check

    submitted = client.post(f"/api/v1/applications/{app_id}/submit",
                            headers=world.headers("applicant"))
    assert submitted.status_code == 200, submitted.data
    assert submitted.json["application"]["stage"] == "admin_verification"

    queue = client.get("/api/v1/review/queue", headers=world.headers("reviewer")).json
    assert app_id in [item["application_id"] for item in queue["items"]]
    actions = client.get(f"/api/v1/applications/{app_id}/actions",
                         headers=world.headers("reviewer")).json
    assert {a["action"] for a in actions["items"]} == {"verify", "return", "reject"}

    returned = client.post(f"/api/v1/applications/{app_id}/transitions", json={
        "action": "return", "reason": "Akta yayasan tidak terbaca",
        "fields": {"deadline": "2099-12-31"}, "seen_version": actions["version"]},
        headers=world.headers("reviewer"))
    assert returned.status_code == 200, returned.data
    assert returned.json["application"]["stage"] == "revision"
    assert returned.json["application"]["revision_note"] == "Akta yayasan tidak terbaca"

    resubmitted = client.post(f"/api/v1/applications/{app_id}/submit",
                              headers=world.headers("applicant"))
    assert resubmitted.json["application"]["stage"] == "admin_verification"
    version = resubmitted.json["application"]["version"]
    verified = client.post(f"/api/v1/applications/{app_id}/transitions",
                           json={"action": "verify", "fields": {"admin_checklist": CHECKLIST}},
                           headers=world.headers("reviewer", **{"If-Match": f'"{version}"'}))
    assert verified.status_code == 200 and verified.json["application"]["stage"] == "field_survey"

    history = client.get(f"/api/v1/applications/{app_id}/history?limit=2",
                         headers=world.headers("applicant")).json
    rest = client.get(f"/api/v1/applications/{app_id}/history?cursor={history['next_cursor']}",
                      headers=world.headers("applicant")).json
    actions_fired = [d["action"] for d in history["items"] + rest["items"]]
    assert actions_fired == ["submit", "return", "resubmit", "verify"]
    assert rest["next_cursor"] is None


def test_withdraw_needs_a_reason_and_closes(client, world):
    url = f"/api/v1/applications/{world.draft.id}/withdraw"
    refused = client.post(url, json={}, headers=world.headers("applicant"))
    assert refused.status_code == 422 and refused.json["code"] == "reason_required"
    done = client.post(url, json={"reason": "Sudah dibangun swadaya"},
                       headers=world.headers("applicant"))
    assert done.status_code == 200 and done.json["application"]["outcome"] == "withdrawn"
    status = client.get(f"/api/v1/applications/{world.draft.id}/status",
                        headers=world.headers("applicant")).json
    assert status["stage"] == "withdrawn" and status["open_task"] is None


def test_finance_lists_records_and_fails_transfers(client, world):
    application = to_first_tranche(world)
    tranche = pending_disbursement(application)
    listed = client.get("/api/v1/disbursements?status=pending",
                        headers=world.headers("finance")).json
    row = next(i for i in listed["items"] if i["id"] == tranche.id)
    assert row["amount"] == 91_000_000 and row["account_number_masked"].startswith("••")

    failed = client.post(f"/api/v1/disbursements/{tranche.id}/fail",
                         json={"reason": "Rekening tidak aktif", "deadline": "2099-01-31"},
                         headers=world.headers("finance"))
    assert failed.status_code == 200, failed.json
    assert failed.json["application"]["stage"] == "bank_correction"
    again = client.post(f"/api/v1/disbursements/{tranche.id}/record",
                        json={"transfer_date": "2026-03-02", "transfer_reference": "SP2D-1"},
                        headers=world.headers("finance"))
    assert again.status_code == 409 and again.json["code"] == "not_due"

    bank.correct_bank_account(application, world.users["applicant"], bank_name="Bank BJB",
                                    number="0012345678901", holder_name=world.organization.name)
    db.session.commit()
    resubmit = client.post(f"/api/v1/applications/{application.id}/submit",
                           headers=world.headers("applicant"))
    assert resubmit.json["application"]["stage"] == "tranche_1", resubmit.data
    retry = pending_disbursement(application)
    assert retry.attempt == 2
    paid = client.post(f"/api/v1/disbursements/{retry.id}/record",
                       json={"transfer_date": "2026-03-09", "transfer_reference": "SP2D-2"},
                       headers=world.headers("finance"))
    assert paid.status_code == 200 and paid.json["application"]["stage"] == "progress_report"
    sent = db.session.get(Disbursement, retry.id)
    assert (sent.status, sent.reference) == ("sent", "SP2D-2")


def test_open_statistics_are_cacheable_and_anonymous(client, world):
    application = to_first_tranche(world)
    url = f"/api/v1/statistics/sanitren/{application.fiscal_year}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    etag = response.headers["ETag"]
    body = response.json
    assert body["approved"] == 1 and body["amount_reserved"] == 130_000_000
    row = next(r for r in body["kecamatan"] if r["kecamatan_code"] == "36.03.01")
    assert row["kecamatan_name"] and row["submitted"] == 1
    text = response.get_data(as_text=True)
    assert world.organization.name not in text and application.number not in text
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert client.get("/api/v1/statistics/tidak_ada/2026").status_code == 404


def test_admin_imports_a_register_and_gets_a_row_report(client, world):
    csv = b"nspp;nama;jenis\n510036039991;PP Baru;salafi\n123;PP Rusak;salafi\n"
    response = client.post("/api/v1/registers/pesantren/imports",
                           data={"file": (io.BytesIO(csv), "kemenag.csv")},
                           content_type="multipart/form-data", headers=world.headers("admin"))
    assert response.status_code == 201, response.data
    report = response.json
    assert (report["rows_total"], report["rows_ok"], report["rows_failed"]) == (2, 1, 1)
    assert report["refused"][0]["row"] == 3 and report["refused"][0]["message"]
    wrong = client.post("/api/v1/registers/pesantren/imports",
                        data={"file": (io.BytesIO(b"x"), "kemenag.txt")},
                        content_type="multipart/form-data", headers=world.headers("admin"))
    assert wrong.status_code == 422 and wrong.json["code"] == "register_file_refused"


def test_auditor_pages_events_by_seq_and_verifies_the_chain(client, world):
    headers = world.headers("auditor")
    first = client.get("/api/v1/audit/events?limit=3", headers=headers).json
    second = client.get(f"/api/v1/audit/events?limit=3&cursor={first['next_cursor']}",
                        headers=headers).json
    seqs = [e["seq"] for e in first["items"] + second["items"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 6
    filtered = client.get("/api/v1/audit/events?action=document.*", headers=headers).json
    assert filtered["items"] and all(e["action"].startswith("document.")
                                     for e in filtered["items"])
    bad = client.get("/api/v1/audit/events?cursor=xyz", headers=headers)
    assert bad.status_code == 422 and bad.json["code"] == "bad_cursor"
    verification = client.get("/api/v1/audit/verification", headers=headers).json
    assert verification["ok"] is True and verification["checked"] >= 6


def test_agency_upload_only_by_the_task_holder(client, world):
    """Survey photos are the agency's: the applicant may not upload them."""
    url = f"/api/v1/applications/{world.draft.id}/documents"
    photo = {"doc_type": "survey_photo", "file": (io.BytesIO(PDF), "survey.pdf")}
    response = client.post(url, data=photo, content_type="multipart/form-data",
                           headers=world.headers("applicant"))
    assert response.status_code == 403
    forged = client.post(url, data={"doc_type": "proposal",
                                    "file": (io.BytesIO(b"MZ\x90 not a pdf"), "proposal.pdf")},
                         content_type="multipart/form-data", headers=world.headers("applicant"))
    assert forged.status_code == 422 and forged.json["code"] == "document_rejected"


def test_openapi_document_is_generated_from_the_routes(app, client, world):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    served = {(rule.rule.removeprefix("/api/v1"), method)
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              and rule.endpoint not in ("api.openapi_json", "api.documentation")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper())
                  for path, ops in document["paths"].items() for method in ops}
    normalized = {(re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule), m) for rule, m in served}
    assert normalized == documented
    for path, ops in document["paths"].items():
        for operation in ops.values():
            assert "application/problem+json" in operation["responses"]["500"]["content"], path


def test_docs_page_has_no_external_assets(client, world):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "fire_transition" in html and "problem-already-handled" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script>" not in html and "style=" not in html



def test_refusal_details_are_in_the_problem_language(client, world, compiled_catalog):
    """The API's problem documents are Indonesian (the locale selector sees no browser session
    and no signed-in user), so a refusal's detail is too, whatever the token owner chose for
    the web pages; title, detail and the field message agree."""
    world.users["applicant"].language = "en"
    db.session.commit()
    forged = client.post(f"/api/v1/applications/{world.draft.id}/documents",
                         data={"doc_type": "proposal",
                               "file": (io.BytesIO(b"MZ\x90 not a pdf"), "proposal.pdf")},
                         content_type="multipart/form-data", headers=world.headers("applicant"))
    problem = forged.json
    assert forged.status_code == 422 and problem["code"] == "document_rejected"
    assert problem["title"] == "Data tidak dapat diproses"
    assert problem["detail"] == "Isi berkas bukan PDF yang sah."
    assert problem["errors"] == [{"field": "form.file", "message": problem["detail"]}]
