"""Two web hosts behind HAProxy, PgBouncer in transaction mode, one Redis
(tests/cluster/harness.py): an upload on one host downloads on the other, a login on one host
acts on the other, and the rate limit counts across both."""

from __future__ import annotations

from collections import Counter

import pytest
import redis
import requests
import sqlalchemy as sa

from app.api.tokens import issue_token
from app.applications.models import Application
from app.audit.verify import verify_chain
from app.extensions import db
from bench.client import input_value, log_in
from tests.support.factories import PASSWORD
from tests.support.programs import PDF, make_pesantren, open_program, sanitren_draft

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

PROPOSAL = PDF + b"%" + bytes(range(256)) * 2048  # about half a megabyte, streamed in chunks


def make_applicant_with_draft(app, email: str) -> tuple[int, str]:
    from app.demo import ensure_reference_data
    from tests.support.factories import create_applicant

    with app.app_context():
        ensure_reference_data()
        db.session.commit()
        open_program("sanitren")
        owner = create_applicant(email)
        application = sanitren_draft(owner, make_pesantren(owner))
        _, token = issue_token(owner, "applicant")
        db.session.commit()
        return application.id, token


def test_upload_on_one_host_downloads_on_the_other_and_a_login_acts_on_both(cluster):
    application_id, token = make_applicant_with_draft(cluster.seed, "dua.host@contoh.id")
    first, second = cluster.host_url(0), cluster.host_url(1)

    uploaded = requests.post(
        f"{first}/api/v1/applications/{application_id}/documents",
        headers={"Authorization": f"Bearer {token}"}, data={"doc_type": "proposal"},
        files={"file": ("proposal.pdf", PROPOSAL, "application/pdf")}, timeout=60)
    assert uploaded.status_code == 201, uploaded.text[:500]
    document_id = uploaded.json()["id"]

    browser = log_in(second, "dua.host@contoh.id", PASSWORD)
    assert browser is not None, "login on the second host failed"
    download = browser.get(f"{second}/permohonan/{application_id}/dokumen/{document_id}",
                           timeout=60)
    assert download.status_code == 200 and download.content == PROPOSAL

    # the session and CSRF token from the second host are good on the first
    page = browser.get(f"{first}/portal/permohonan/{application_id}", timeout=60)
    assert page.status_code == 200 and "/masuk" not in page.url
    submitted = browser.post(f"{first}/portal/permohonan/{application_id}/kirim",
                             data={"csrf_token": input_value(page.text, "csrf_token")},
                             allow_redirects=False, timeout=60)
    assert submitted.status_code == 302, submitted.text[:500]
    with cluster.seed.app_context():
        stage = db.session.scalar(sa.select(Application.stage).where(
            Application.id == application_id))
        db.session.remove()
    assert stage != "draft"


def test_the_login_rate_limit_counts_across_both_hosts(cluster):
    """LOGIN_RATE_LIMIT is 5 per minute per address: the sixth attempt is refused, wherever
    it lands; the attempts went to both hosts."""
    redis.Redis.from_url(cluster.redis_url).flushdb()  # earlier tests' logins counted too
    hosts, codes = Counter(), []
    session = requests.Session()
    for _ in range(6):
        page = session.get(f"{cluster.url}/masuk", timeout=60)
        hosts[page.headers["X-Sibantu-Host"]] += 1
        response = session.post(f"{cluster.url}/masuk", data={
            "csrf_token": input_value(page.text, "csrf_token"),
            "email": "tidak.ada@contoh.id", "password": "salah-sekali"}, timeout=60)
        hosts[response.headers["X-Sibantu-Host"]] += 1
        codes.append(response.status_code)
    assert len(hosts) == 2, hosts
    assert codes[:5] == [200] * 5 and codes[5] == 429, codes


def test_prepared_statements_and_the_audit_lock_work_through_pgbouncer(cluster):
    """Many requests on pooled connections: no prepared-statement clash, no lost audit lock
    (the chain verifies: every append took the transaction-level advisory lock)."""
    browser = requests.Session()
    for _ in range(30):
        assert browser.get(f"{cluster.url}/transparansi", timeout=60).status_code == 200
    for process in cluster.processes:
        assert "prepared statement" not in process.text(), process.name
    with cluster.seed.app_context():
        assert verify_chain(db.session).ok
        db.session.remove()


def test_the_hosts_share_no_instance_folder_and_generate_no_keys(cluster):
    for n in range(2):
        instance = cluster.directory / f"web{n}" / "instance"
        assert instance.is_dir()
        assert not any(p.name.endswith("_key") for p in instance.iterdir()), list(
            instance.iterdir())
