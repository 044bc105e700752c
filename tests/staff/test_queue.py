"""The reviewer queue: agency scoping, filters, search by NIK, keyset pages, claiming."""

import re

import pytest
import sqlalchemy as sa

from app.applications.models import StageTask
from app.extensions import db
from app.staff import queue
from tests.conftest import choose_language
from tests.staff.conftest import login, nominate_guru, submitted_sanitren

pytestmark = pytest.mark.usefixtures("staff")


def test_queue_shows_own_agency_tasks_only(client, staff):
    _, application = submitted_sanitren()
    login(client, staff["kemenag"])
    page = client.get("/staf/antrean").get_data(as_text=True)
    assert application.number in page
    client.post("/keluar", data={})
    other = client.application.test_client()
    login(other, staff["disdik"])
    assert application.number not in other.get("/staf/antrean").get_data(as_text=True)
    assert other.get(f"/staf/permohonan/{application.id}").status_code == 404


def test_filters_search_by_nik_and_number(client, staff):
    first = nominate_guru(staff["operator"], name="Ustadz Satu")
    second = nominate_guru(staff["operator"], name="Ustadzah Dua")
    person = db.session.get(
        __import__("app.organizations.models", fromlist=["Person"]).Person, second.person_id
    )
    nik = person.reveal_nik()
    kesra = staff["kesra"]
    found = queue.page(kesra, queue.QueueFilter(q=nik)).rows
    assert [r.application.id for r in found] == [second.id]
    found = queue.page(kesra, queue.QueueFilter(q=first.number)).rows
    assert [r.application.id for r in found] == [first.id]
    found = queue.page(kesra, queue.QueueFilter(q="dua")).rows
    assert [r.application.id for r in found] == [second.id]
    assert queue.page(kesra, queue.QueueFilter(kecamatan="36.03.02")).rows == []
    assert len(queue.page(kesra, queue.QueueFilter(desa="36.03.01.2003")).rows) == 2
    assert queue.page(kesra, queue.QueueFilter(overdue=True)).rows == []
    assert queue.page(staff["kemenag"], queue.QueueFilter(q=nik)).rows == []


def test_keyset_pages_cover_every_task_once_in_due_order(staff):
    made = [nominate_guru(staff["operator"], name=f"Guru {i}") for i in range(7)]
    seen, after = [], None
    while True:
        page = queue.page(staff["kesra"], queue.QueueFilter(program="guru_ngaji"), after, limit=3)
        seen += [r.application.id for r in page.rows]
        after = page.next_cursor
        if after is None:
            break
        assert queue.Cursor.decode(after.encode()) == after
    assert sorted(seen) == sorted(a.id for a in made) and len(seen) == len(made)
    counts = dict((stage, n) for stage, n, _ in queue.stage_counts(staff["kesra"]))
    assert counts == {"verification": 7}


def test_claim_conflict_is_explained_in_english_when_chosen(client, staff, compiled_catalog):
    _, application = submitted_sanitren()
    task = db.session.scalar(
        sa.select(StageTask).where(
            StageTask.application_id == application.id, StageTask.completed_dt.is_(None)
        )
    )
    holder = staff["kemenag"]
    login(client, holder)
    page = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    claimed = client.post(f"/staf/tugas/{task.id}/ambil", data={"csrf_token": token})
    assert claimed.status_code == 302
    other = client.application.test_client()
    login(other, staff["kemenag2"])
    choose_language(other, "en")
    queue = other.get("/staf/antrean").get_data(as_text=True)
    response = other.post(
        f"/staf/tugas/{task.id}/ambil",
        data={"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', queue).group(1)},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert (f"This case has already been claimed by {holder.full_name}. "
            "Choose another case from the queue.") in text
    assert "sudah diambil oleh" not in text


def test_claim_is_exclusive_with_a_clear_message(client, staff):
    _, application = submitted_sanitren()
    task = db.session.scalar(
        sa.select(StageTask).where(
            StageTask.application_id == application.id, StageTask.completed_dt.is_(None)
        )
    )
    login(client, staff["kemenag"])
    page = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert (
        client.post(f"/staf/tugas/{task.id}/ambil", data={"csrf_token": token}).status_code == 302
    )
    other = client.application.test_client()
    login(other, staff["kemenag2"])
    response = other.post(
        f"/staf/tugas/{task.id}/ambil",
        data={
            "csrf_token": re.search(
                r'name="csrf_token"[^>]*value="([^"]+)"',
                other.get("/staf/antrean").get_data(as_text=True),
            ).group(1)
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "sudah diambil oleh" in text
    assert "Berkas sedang ditangani petugas lain" in text
    db.session.expire_all()
    assert db.session.get(StageTask, task.id).claimed_by_user_id == staff["kemenag"].id
