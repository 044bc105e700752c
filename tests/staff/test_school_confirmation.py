"""The school operator confirms a pupil's Beasiswa MBR application through the web.

The workflow let the operator of the pupil's school confirm (``actor_for``), but the case page
answered 404 to every school operator and their landing page listed nothing, so a parent's
application waited at school confirmation with no way forward in the browser. One rule now
(``operates_school_of``) decides both.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.applications.models import Application
from app.applications.permissions import can_view_case, can_work_task, operates_school_of
from app.applications.queries import open_task
from app.applications.workflow import actor_for
from app.common.i18n import JAKARTA
from app.db import utcnow
from app.extensions import db
from app.notifications import reminders
from app.notifications.models import Notification
from app.notifications.rendering import render
from tests.conftest import post_form
from tests.staff.conftest import login
from tests.support.factories import create_staff
from tests.support.programs import act, beasiswa_draft, open_program

NPSN = "20603456"
TOKEN = re.compile(r'name="confirm-csrf_token"[^>]*value="([^"]+)"')
TOKEN_ANY = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def stage_of(application_id: int) -> str:
    return db.session.scalar(sa.select(Application.stage).where(Application.id == application_id))


def school_operator(npsn: str):
    operator = create_staff("school_operator")
    operator.roles[0].school_npsn = npsn
    db.session.commit()
    return operator


@pytest.fixture
def waiting(db_session, programs):
    """A parent's application for their child, submitted: at school confirmation."""
    open_program("beasiswa_mbr")
    return submitted_scholarship()


def submitted_scholarship():
    parent, application = beasiswa_draft(npsn=NPSN)
    act(application, "submit", parent)
    assert application.stage == "school_confirmation"
    return application


def test_the_workflow_and_the_case_page_agree_on_who_confirms(waiting):
    """The case where the two rules disagreed: the workflow let the school's operator act,
    the case page refused them."""
    ours, theirs = school_operator(NPSN), school_operator("20609999")
    assert actor_for(ours, waiting).nominated and operates_school_of(ours, waiting)
    assert can_view_case(ours, waiting)
    assert not actor_for(theirs, waiting).nominated and not can_view_case(theirs, waiting)


def test_the_school_operator_finds_opens_and_confirms_the_pupils_application(client, waiting):
    operator = school_operator(NPSN)
    landing = login(client, operator)
    assert landing.headers["Location"].endswith("/staf/sekolah")
    listing = client.get("/staf/sekolah").get_data(as_text=True)
    assert "Rizki Pratama" in listing and waiting.number in listing
    assert f'href="/staf/permohonan/{waiting.id}"' in listing
    assert "Konfirmasi sekolah" in client.get("/portal").get_data(as_text=True)  # the nav link

    page = client.get(f"/staf/permohonan/{waiting.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Konfirmasi data siswa" in text
    done = client.post(f"/staf/permohonan/{waiting.id}/aksi/confirm", data={
        "confirm-csrf_token": TOKEN.search(text).group(1),
        "confirm-seen_version": str(waiting.version),
        "confirm-class_rank": "3", "confirm-report_average": "88",
        "confirm-enrolment_confirmed": "ya"}, follow_redirects=True)
    after = done.get_data(as_text=True)
    # back on the operator's own list (not the agency queue, which would be a 404 for them)
    assert done.status_code == 200
    assert done.request.path == "/staf/sekolah"
    assert "tersimpan" in after and "Tidak ada yang menunggu konfirmasi" in after
    assert stage_of(waiting.id) == "verification"


def test_another_schools_operator_sees_nothing_and_cannot_confirm(client, waiting):
    outsider = school_operator("20609999")
    login(client, outsider)
    assert "Rizki Pratama" not in client.get("/staf/sekolah").get_data(as_text=True)
    assert client.get(f"/staf/permohonan/{waiting.id}").status_code == 404
    response = post_form(client, f"/staf/permohonan/{waiting.id}/aksi/confirm", {
        "confirm-seen_version": str(waiting.version), "confirm-class_rank": "1",
        "confirm-report_average": "99", "confirm-enrolment_confirmed": "ya"})
    assert response.status_code == 404
    assert stage_of(waiting.id) == "school_confirmation"


def test_agency_staff_keep_their_queue_and_never_see_the_school_list(client, waiting):
    reviewer = create_staff("reviewer", "DISDIK")
    login(client, reviewer)
    assert client.get("/staf/sekolah").status_code == 404
    assert client.get(f"/staf/permohonan/{waiting.id}").status_code == 200



def test_a_school_with_two_operators_claims_like_an_agency(client, waiting):
    first, second = school_operator(NPSN), school_operator(NPSN)
    login(client, first)
    page = client.get(f"/staf/permohonan/{waiting.id}").get_data(as_text=True)
    claim = re.search(r'action="(/staf/tugas/(\d+)/ambil)"', page)
    assert claim, "the case page offers the school's operator to take the task"
    taken = post_form(client, claim.group(1), {"kembali": "antrean"},
                      form_url=f"/staf/permohonan/{waiting.id}", follow_redirects=True)
    assert taken.status_code == 200 and taken.request.path == "/staf/sekolah"
    client.post("/keluar", data={"csrf_token": TOKEN_ANY.search(
        client.get("/staf/sekolah").get_data(as_text=True)).group(1)})
    login(client, second)
    text = client.get(f"/staf/permohonan/{waiting.id}").get_data(as_text=True)
    assert "Ditangani oleh" in text and first.full_name in text
    assert "Konfirmasi data siswa" not in text  # no decision form while the colleague holds it


def test_the_schools_operators_are_told_of_the_new_work_and_its_link_opens(client, db_session,
                                                                           programs):
    open_program("beasiswa_mbr")
    ours, colleague, theirs = (school_operator(NPSN), school_operator(NPSN),
                               school_operator("20609999"))
    application = submitted_scholarship()
    rows = db.session.scalars(sa.select(Notification).where(
        Notification.template == "new_work", Notification.application_id == application.id))
    told = {n.recipient_user_id for n in rows}
    assert told == {ours.id, colleague.id}, told
    task = open_task(application)
    assert all(can_work_task(u, task) for u in (ours, colleague))
    assert not can_work_task(theirs, task)
    login(client, ours)
    inbox = client.get("/kotak-masuk").get_data(as_text=True)
    link = re.search(rf'href="([^"]*/permohonan/{application.id})"', inbox)
    assert link, "the inbox links the new work"
    assert client.get(link.group(1)).status_code == 200


def test_an_operator_of_two_schools_lists_what_each_of_them_may_confirm(client, waiting):
    """The list and the permission agree: every school the operator holds, not the first."""
    from app.accounts.models import RoleAssignment

    operator = school_operator("20609999")
    db.session.add(RoleAssignment(user_id=operator.id, role="school_operator", school_npsn=NPSN))
    db.session.commit()
    db.session.refresh(operator)
    assert can_view_case(operator, waiting)
    login(client, operator)
    assert waiting.number in client.get("/staf/sekolah").get_data(as_text=True)


def test_a_second_tap_and_a_typo_land_on_sensible_pages(client, waiting):
    login(client, school_operator(NPSN))
    text = client.get(f"/staf/permohonan/{waiting.id}").get_data(as_text=True)
    form = {"confirm-csrf_token": TOKEN.search(text).group(1),
            "confirm-seen_version": str(waiting.version), "confirm-class_rank": "3",
            "confirm-enrolment_confirmed": "ya"}
    typo = client.post(f"/staf/permohonan/{waiting.id}/aksi/confirm",
                       data={**form, "confirm-report_average": "delapan"})
    page = typo.get_data(as_text=True)
    assert typo.status_code == 422 and 'value="delapan"' in page  # the input is kept
    assert stage_of(waiting.id) == "school_confirmation"
    url = f"/staf/permohonan/{waiting.id}/aksi/confirm"
    assert client.post(url, data={**form, "confirm-report_average": "88"}).status_code == 302
    again = client.post(url, data={**form, "confirm-report_average": "88"},
                        follow_redirects=True)
    assert again.status_code == 200 and again.request.path == "/staf/sekolah"
    assert "sudah tersimpan sebelumnya" in again.get_data(as_text=True)


def test_the_parent_reads_that_the_school_confirmed_not_themselves(client, waiting):
    """The status page named every step without an agency "Pemohon": the school's confirmation
    read as if the parent had confirmed their own child's data."""
    from app.accounts.models import User

    parent = db.session.get(User, waiting.owner_user_id)
    operator = school_operator(NPSN)
    login(client, parent)
    before = client.get(f"/portal/permohonan/{waiting.id}").get_data(as_text=True)
    assert re.search(r"Ditangani oleh</dt>\s*<dd[^>]*>Operator sekolah", before), "the handler"
    act(waiting, "confirm", operator, class_rank=3, report_average=88)
    page = client.get(f"/portal/permohonan/{waiting.id}").get_data(as_text=True)
    item = page[page.index('<p class="timeline__title">Konfirmasi data siswa'):]
    meta = item[:item.index("</p>", item.index("timeline__meta"))]
    assert "Operator sekolah" in meta and "Pemohon" not in meta


def _inapp(template: str, application_id: int | None = None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.template == template,
                                          Notification.channel == "inapp")
    if application_id is not None:
        query = query.where(Notification.application_id == application_id)
    return list(db.session.scalars(query.order_by(Notification.recipient_user_id)))


def test_the_school_gets_the_daily_digest_and_its_link_opens_their_list(client, waiting):
    """The digest counted agency queues only: a school with pupils waiting heard nothing
    after the first notice, and its link would have opened a queue that is a 404 for them."""
    ours, colleague, theirs = (school_operator(NPSN), school_operator(NPSN),
                               school_operator("20609999"))
    morning = datetime.now(JAKARTA).replace(hour=8, minute=5)
    assert reminders.send_daily_digests(morning) >= 2
    digests = {n.recipient_user_id: n for n in _inapp("daily_digest")}
    assert ours.id in digests and colleague.id in digests and theirs.id not in digests
    row = digests[ours.id]
    assert row.context["counts"] == {"open": 1, "overdue": 0, "school": 1}
    email = db.session.scalar(sa.select(Notification).where(
        Notification.template == "daily_digest", Notification.channel == "email",
        Notification.recipient_user_id == ours.id))
    for lang, words in (("id", "Menunggu konfirmasi sekolah Anda: 1 permohonan"),
                        ("en", "Waiting for your school to confirm: 1 applications")):
        rendered = render(email, lang=lang)
        assert words in rendered.text, rendered.text
        assert rendered.link.endswith("/staf/sekolah"), rendered.link
    login(client, ours)
    page = client.get("/staf/sekolah")
    assert page.status_code == 200 and waiting.number in page.get_data(as_text=True)


def test_an_overdue_school_task_goes_up_to_the_agency_waiting_for_it(waiting):
    """An overdue school task had no agency, so its escalation went to no one: now the heads
    of the agency its confirmation leads to (Disdik's verification) hear of it, once."""
    ours = school_operator(NPSN)
    disdik_head, kesra_head = create_staff("approver", "DISDIK"), create_staff("approver", "KESRA")
    task = open_task(waiting)
    task.due_dt = utcnow() - timedelta(days=3)
    db.session.commit()
    first, second = reminders.sweep(), reminders.sweep()
    assert (first["task_escalated"], second["task_escalated"]) == (1, 0)
    assert [n.recipient_user_id for n in _inapp("overdue_escalation", waiting.id)] == [
        disdik_head.id]
    assert kesra_head.id not in [n.recipient_user_id for n in _inapp("overdue_escalation")]
    assert [n.recipient_user_id for n in _inapp("task_overdue", waiting.id)] == [ours.id]
