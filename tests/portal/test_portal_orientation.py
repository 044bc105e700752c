"""Orientation on the applicant's status page: a report stage shows its due date by name."""

import re
from datetime import timedelta

from app.applications.models import Report
from app.common.i18n import jakarta_today
from app.extensions import db
from tests.portal.conftest import login
from tests.support.programs import make_pesantren, sanitren_draft


def test_a_report_stage_shows_its_due_date_and_its_name(client, applicant):
    application = sanitren_draft(applicant, make_pesantren(applicant))
    application.stage = "progress_report"  # reached by the workflow in test_sanitren.py
    due = jakarta_today() + timedelta(days=30)
    db.session.add(Report(application_id=application.id, kind="progress_report", due_date=due))
    db.session.commit()
    login(client, applicant)
    page = client.get(f"/portal/permohonan/{application.id}").get_data(as_text=True)
    row = page[page.index("Batas waktu tahap ini"):][:300]
    assert f"{due.day} " in row and str(due.year) in row, row
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "Progress report" not in visible and "progress_report" not in visible
    assert "Belum dikirim" in page
