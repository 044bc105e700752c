from __future__ import annotations

from flask import Blueprint, g, make_response, render_template
from flask_login import current_user, login_required

from app.applications import agreements, letters
from app.applications.downloads import document_response
from app.applications.grounds import DecisionGrounds, grounds_by_decision
from app.applications.models import Application, Document
from app.applications.permissions import can_view_application, can_view_document, is_applicant_of
from app.audit.operations import record_personal_data_read
from app.common.web import get_or_404, require
from app.extensions import db
from app.programs.registry import registry

bp = Blueprint("applications", __name__, url_prefix="/permohonan")


@bp.route("/<int:application_id>")
@login_required
def detail(application_id: int):
    application = get_or_404(db.session.get(Application, application_id))
    require(can_view_application(current_user, application))
    definition = registry().pinned(application.program_key, application.definition_version)
    return render_template(
        "applications/detail.html", application=application, definition=definition
    )


@bp.app_template_global()
def decision_letter_available(application: Application) -> bool:
    return letters.approval_decision(application) is not None


@bp.app_template_global()
def decision_grounds_of(application: Application, definition) -> dict[int, DecisionGrounds]:
    """Grounds of every decision by decision id, in the page's language (staff and audit)."""
    return grounds_by_decision(definition, application, g.get("lang") or "id")


@bp.route("/<int:application_id>/surat-keputusan.pdf")
@login_required
def decision_letter(application_id: int):
    """The decision letter, rendered from the audited approval (see app/applications/letters.py)."""
    application = get_or_404(db.session.get(Application, application_id))
    require(can_view_application(current_user, application))
    decision = get_or_404(letters.approval_decision(application))
    response = make_response(letters.decision_letter_pdf(application, decision))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"surat-keputusan-{application.number}.pdf"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@bp.app_template_global()
def agreements_issued(application: Application) -> list:
    return agreements.issued(application)


@bp.route("/<int:application_id>/perjanjian/<agreement_key>.pdf")
@login_required
def agreement(application_id: int, agreement_key: str):
    """An agreement to sign, rendered from the award (see app/applications/agreements.py)."""
    application = get_or_404(db.session.get(Application, application_id))
    require(can_view_application(current_user, application))
    chosen = get_or_404(
        next((a for a in agreements.issued(application) if a.key == agreement_key), None)
    )
    response = make_response(agreements.agreement_pdf(application, chosen))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"{chosen.key}-{application.number}.pdf"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@bp.route("/<int:application_id>/dokumen/<int:document_id>")
@login_required
def document(application_id: int, document_id: int):
    """Download one document: always as an attachment, never sniffed; staff reads are audited."""
    doc = get_or_404(db.session.get(Document, document_id))
    require(doc.application_id == application_id and can_view_document(current_user, doc))
    application = doc.application
    if not is_applicant_of(current_user, application):
        record_personal_data_read(current_user, application, f"document:{doc.doc_type}")
        db.session.commit()
    return document_response(doc)
