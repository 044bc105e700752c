"""The optional ClamAV scan of uploads (issue 15, "Files"): a real clamd from Debian.

clamd cannot fetch its signature database here (no internet for freshclam), so the fixture
starts a private clamd whose only database is one signature for the EICAR test string, matched
anywhere in a file. What is tested is our side: the INSTREAM exchange, the refusal and its
message, the pending upload kept while clamd is down, and the rescan that quarantines.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.api.tokens import issue_token
from app.applications import documents
from app.applications.models import Document
from app.applications.sample_files import blank_pdf
from app.audit.models import AuditEvent
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.rendering import render
from tests.security.test_hostile_files import upload as api_upload
from tests.staff.conftest import login
from tests.support import services

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
#: a clamd .ndb line: name, any target type, any offset, the hex of the EICAR string
SIGNATURE = f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n"
#: a well-formed PDF (it opens, has a page, no active content) carrying the string in a comment
PDF_WITH_EICAR = blank_pdf() + b"\n%" + EICAR + b"\n"


def clamd_path() -> str | None:
    """clamd lives in /usr/sbin, which a non-root PATH may leave out."""
    return shutil.which("clamd") or next(
        (str(p) for p in [Path("/usr/sbin/clamd")] if p.exists()), None)


class Clamd:
    """A private ``clamd`` in the foreground, its socket in a short temporary directory (a
    Unix socket path may not exceed 107 bytes; pytest's tmp_path can)."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="clamd-"))
        (self.directory / "db").mkdir()
        (self.directory / "db" / "eicar.ndb").write_text(SIGNATURE)
        self.socket = str(self.directory / "clamd.sock")
        lines = [f"LocalSocket {self.socket}", f"DatabaseDirectory {self.directory / 'db'}",
                 "Foreground yes", f"LogFile {self.directory / 'clamd.log'}"]
        if os.geteuid() == 0:
            lines.append("User root")  # clamd would otherwise drop to the clamav user
        self.config = self.directory / "clamd.conf"
        self.config.write_text("\n".join(lines) + "\n")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([clamd_path(), "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.directory / "clamd.log").read_text(errors="replace")[-2000:]
                raise AssertionError(f"clamd did not start:\n{log}")
            time.sleep(0.1)

    def answers(self) -> bool:
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(self.socket)
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket)


@pytest.fixture
def clamd(app, monkeypatch):
    services.need("clamd (apt-get install clamav-daemon)", clamd_path() is not None)
    server = Clamd()
    server.start()
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", server.socket)
    monkeypatch.setitem(app.config, "CLAMD_TIMEOUT", 10.0)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.directory, ignore_errors=True)


def upload(app, draft, owner, content, filename="usulan.pdf"):
    """The applicant's API upload of a proposal (as in test_hostile_files)."""
    _, token = issue_token(owner, "applicant")
    db.session.commit()
    return api_upload(app, draft, {"Authorization": f"Bearer {token}"}, "proposal", filename,
                      content)


def stored(draft) -> list[Document]:
    return db.session.scalars(sa.select(Document).where(Document.application_id == draft.id)
                              .order_by(Document.id)).all()


@pytest.mark.parametrize("content", [EICAR, PDF_WITH_EICAR], ids=["eicar", "pdf_carrying_it"])
def test_an_infected_upload_is_refused_naming_what_was_found(app, applicant_draft, clamd,
                                                             content):
    owner, draft = applicant_draft
    response = upload(app, draft, owner, content)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    detail = response.get_json()["detail"]
    assert "pemindai virus menemukan Eicar-Test-Signature" in detail
    assert stored(draft) == []


def test_a_clean_upload_is_stored_and_marked_scanned(app, applicant_draft, clamd):
    owner, draft = applicant_draft
    assert upload(app, draft, owner, blank_pdf()).status_code == 201
    [document] = stored(draft)
    assert document.meta["virus_scan"] == "clean"
    assert documents.read(document) == blank_pdf()


def test_without_a_scanner_nothing_is_scanned(app, applicant_draft):
    """No CLAMD_SOCKET: the checks are the parse alone (the PDF carrying EICAR is a valid PDF),
    and a rescan by hand says there is no scanner instead of reporting nothing found."""
    owner, draft = applicant_draft
    assert upload(app, draft, owner, PDF_WITH_EICAR).status_code == 201
    assert "virus_scan" not in stored(draft)[0].meta
    result = app.test_cli_runner().invoke(args=["documents", "rescan"])
    assert result.exit_code == 1 and "CLAMD_SOCKET is not set" in result.output


def test_uploads_wait_while_clamd_is_down_and_the_rescan_quarantines(app, applicant_draft,
                                                                     clamd):
    owner, draft = applicant_draft
    clamd.stop()
    # while clamd is down the applicant's uploads are kept, not lost to the outage
    assert upload(app, draft, owner, blank_pdf(), "bersih.pdf").status_code == 201
    assert upload(app, draft, owner, PDF_WITH_EICAR, "bertopeng.pdf").status_code == 201
    clean, infected = stored(draft)
    assert clean.meta["virus_scan"] == infected.meta["virus_scan"] == "pending"
    runner = app.test_cli_runner()
    still_down = runner.invoke(args=["documents", "rescan"])
    assert still_down.exit_code == 0 and "pending=2" in still_down.output

    clamd.start()
    result = runner.invoke(args=["documents", "rescan"])
    assert result.exit_code == 0 and result.output.split() == ["clean=1", "infected=1",
                                                               "pending=0"]
    db.session.expire_all()
    assert clean.meta["virus_scan"] == "clean" and clean.is_current is False  # superseded
    assert infected.meta["virus_scan"] == "infected" and infected.is_current is False
    assert infected.meta["virus"] == "Eicar-Test-Signature.UNOFFICIAL"
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "document.quarantined"))
    assert event.object_id == str(infected.id) or event.object_id == infected.id
    assert event.summary["virus"] == "Eicar-Test-Signature.UNOFFICIAL"

    # the uploader is told (an outbox row of the rescan's transaction), in their language
    [notice] = db.session.scalars(sa.select(Notification).where(
        Notification.event_key == f"document:{infected.id}:quarantined",
        Notification.channel == "email")).all()
    assert notice.recipient_user_id == owner.id
    with app.test_request_context("/"):
        mail = render(notice)
    assert mail.subject == f'Berkas "Proposal dan RAB" pada permohonan {draft.number} diblokir'
    assert "Pemindai virus menemukan Eicar-Test-Signature.UNOFFICIAL" in mail.text
    assert "bertopeng.pdf" in mail.text and "unggah berkas pengganti yang bersih" in mail.text
    assert "unggah berkas pengganti yang bersih" in mail.html
    with app.test_request_context("/"):
        assert "upload a clean replacement" in render(notice, lang="en").text

    client = app.test_client()
    login(client, owner)
    refused = client.get(f"/permohonan/{draft.id}/dokumen/{infected.id}")
    assert refused.status_code == 403 and EICAR not in refused.get_data()
    assert client.get(f"/permohonan/{draft.id}/dokumen/{clean.id}").status_code == 200
    assert runner.invoke(args=["documents", "rescan"]).output.split() == [
        "clean=0", "infected=0", "pending=0"]
