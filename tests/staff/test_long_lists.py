"""An office's nominations stay within reach however many there are.

The dashboard and the operator's page used to read the user's 50 most recent applications. A
desa nominates some 65 guru ngaji on average (17,810 over 274 desa): a nomination Kesra sent back
for a correction, once 50 newer ones were typed, was on neither page, and the correction waited
for someone to guess its number. Now the to-do list asks the database for every application
awaiting the applicant's side, and both lists go page by page, the operator's also by stage.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.applications import operations
from app.common.i18n import jakarta_today
from app.common.paging import PAGE_SIZE
from app.extensions import db
from app.portal.views import TODO_SHOWN
from tests.staff.conftest import login, nominate_guru
from tests.support.programs import act, make_person

pytestmark = pytest.mark.usefixtures("staff")

NEWER = PAGE_SIZE + 5


@pytest.fixture
def crowded(staff):
    """One nomination sent back for a correction, then 55 newer drafts of the same office."""
    operator = staff["operator"]
    returned = nominate_guru(operator, pupils=25)
    act(returned, "return", staff["kesra"], reason="Jumlah santri perlu dibuktikan",
        deadline=jakarta_today() + timedelta(days=7))
    for n in range(NEWER):
        person = make_person(name=f"Ustadz Nomor {n}", teacher=True, user=operator)
        operations.create_draft("guru_ngaji", owner=operator, person=person,
                                nominated_by=operator)
    db.session.commit()
    return operator, returned


def _section(html: str, start: str, end: str) -> str:
    begins = html.index(start)
    return html[begins:html.index(end, begins)]


def test_the_old_correction_leads_the_dashboards_to_do_list(client, crowded):
    operator, returned = crowded
    login(client, operator)
    html = client.get("/portal").get_data(as_text=True)
    todo = _section(html, 'id="todo-title"', 'id="apps-title"')
    assert returned.number in todo, "a correction is on the to-do list however old it is"
    assert todo.index(returned.number) < todo.index("Draf belum dikirim"), "corrections first"
    assert "Ustadz Hasan" in todo and f"Ustadz Nomor {NEWER - 1}" in todo, "whom each is for"
    assert todo.count('class="card todo ') == TODO_SHOWN
    waiting = NEWER + 1 - TODO_SHOWN
    assert f"Dan {waiting} permohonan lain menunggu tindakan Anda." in todo
    assert 'href="/portal/operator"' in todo


def test_every_application_is_reachable_page_by_page_on_the_dashboard(client, crowded):
    operator, returned = crowded
    login(client, operator)
    first = client.get("/portal").get_data(as_text=True)
    listing = _section(first, 'id="apps-title"', 'id="profiles-title"')
    assert returned.number not in listing, "the newest fifty come first"
    assert "Halaman 1 dari 2 (56 seluruhnya)" in listing
    assert 'href="/portal?halaman=2"' in listing
    second = client.get("/portal?halaman=2").get_data(as_text=True)
    assert returned.number in _section(second, 'id="apps-title"', 'id="profiles-title"')
    assert 'href="/portal?halaman=1"' in second
    for odd in ("abc", "0", "-3", "999"):  # typed into the address bar: a page, never an error
        response = client.get(f"/portal?halaman={odd}")
        assert response.status_code == 200, odd
        assert "Halaman " in response.get_data(as_text=True)


def test_the_operator_pages_through_every_nomination_and_filters_by_stage(client, crowded):
    operator, returned = crowded
    login(client, operator)
    url = "/portal/operator/guru_ngaji"
    first = client.get(url).get_data(as_text=True)
    listing = _section(first, 'id="daftar-title"', "</section>")
    assert returned.number not in listing
    assert "Semua (56)" in listing and "Halaman 1 dari 2" in listing
    assert returned.number in client.get(f"{url}?halaman=2").get_data(as_text=True)
    revision = re.search(r'href="(/portal/operator/guru_ngaji\?tahap=[a-z_]+)">[^<]*\(1\)',
                         listing)
    assert revision, "each stage with nominations is a filter, with its count"
    narrowed = client.get(revision.group(1)).get_data(as_text=True)
    rows = _section(narrowed, 'id="daftar-title"', "</section>")
    assert returned.number in rows and rows.count("<tr>") == 1 + 1  # the header and the one
    assert 'aria-current="page"' in rows
    unknown = client.get(f"{url}?tahap=tidak_ada&halaman=x")
    assert unknown.status_code == 200
    assert "Tidak ada usulan pada tahap ini." in unknown.get_data(as_text=True)
