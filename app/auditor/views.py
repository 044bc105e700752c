"""Auditor tools (read-only): search, decision trails with chain checks, PDF file, exports."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request, send_file, stream_with_context
from flask_login import current_user
from flask_wtf import FlaskForm

from app.accounts.models import User
from app.applications.models import Application, Decision
from app.applications.permissions import can_view_case
from app.audit.operations import latest_checkpoint, record, record_personal_data_read
from app.audit.verify import verify_chain
from app.auditor import exports, queries
from app.auditor.decision_file import decision_file_pdf
from app.common.web import get_or_404, require
from app.extensions import db
from app.organizations.models import Person
from app.programs.registry import registry
from app.staff.permissions import AUDIT_ROLES, for_roles
from app.staff.queue import _search_condition

bp = Blueprint("audit", __name__, url_prefix="/audit")
SEARCH_LIMIT = 50


class CsrfForm(FlaskForm):
    pass


def _search(q: str | None, program: str | None, before: int | None) -> list[Application]:
    query = sa.select(Application).where(Application.submitted_dt.is_not(None))
    if q:
        query = query.where(_search_condition(q.strip()))
    if program:
        query = query.where(Application.program_key == program)
    if before:
        query = query.where(Application.id < before)
    return list(db.session.scalars(query.order_by(Application.id.desc()).limit(SEARCH_LIMIT)))


def _index(verification=None):
    q, program = request.args.get("cari", "")[:150], request.args.get("program") or None
    results = _search(q, program, request.args.get("sebelum", type=int))
    return render_template(
        "audit/index.html",
        results=results,
        q=q,
        program=program,
        programs=registry().current_definitions(),
        checkpoint=latest_checkpoint(),
        verification=verification,
        form=CsrfForm(),
        limit=SEARCH_LIMIT,
    )


@bp.route("/")
@for_roles(*AUDIT_ROLES)
def index():
    return _index()


@bp.route("/verifikasi", methods=["POST"])
@for_roles(*AUDIT_ROLES)
def verify():
    """Walk the whole chain now (streams in batches; seconds for millions of events)."""
    return _index(verification=verify_chain(db.session))


def _application(application_id: int) -> Application:
    application = get_or_404(db.session.get(Application, application_id))
    require(can_view_case(current_user, application))
    return application


@bp.route("/permohonan/<int:application_id>")
@for_roles(*AUDIT_ROLES)
def trail(application_id: int):
    application = _application(application_id)
    events = queries.application_events(application.id)
    decisions = db.session.scalars(
        sa.select(Decision).where(Decision.application_id == application.id).order_by(Decision.id)
    ).all()
    actors = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(
                User.id.in_(
                    {e.actor_user_id for e in events if e.actor_user_id}
                    | {d.actor_user_id for d in decisions}
                )
            )
        )
    }
    intact = queries.intact_events(events)
    linked = {e.seq for e in events}
    return render_template(
        "audit/trail.html",
        application=application,
        events=events,
        decisions=decisions,
        actors=actors,
        intact=intact,
        all_intact=all(intact.values()),
        unlinked=[d for d in decisions if d.audit_seq not in linked],
        definition=registry().pinned(application.program_key, application.definition_version),
    )


@bp.route("/permohonan/<int:application_id>/berkas-keputusan.pdf")
@for_roles(*AUDIT_ROLES)
def decision_file(application_id: int):
    application = _application(application_id)
    pdf = decision_file_pdf(application)
    record_personal_data_read(current_user, application, "decision_file")
    db.session.commit()
    response = send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"berkas-keputusan-{application.number}.pdf",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/orang/<int:person_id>")
@for_roles(*AUDIT_ROLES)
def person_reads(person_id: int):
    person = get_or_404(db.session.get(Person, person_id))
    events = queries.who_read_person(person.id)
    actors = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.id.in_({e.actor_user_id for e in events if e.actor_user_id}))
        )
    }
    return render_template("audit/person_reads.html", person=person, events=events, actors=actors)


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    moment = datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
    return moment


def _filters() -> queries.AuditFilter:
    form = request.form
    return queries.AuditFilter(
        program_key=form.get("program") or None,
        agency_code=form.get("opd") or None,
        action=(form.get("aksi") or "").strip()[:60] or None,
        since=_day(form.get("sejak")),
        until=_day(form.get("sampai"), end=True),
    )


@bp.route("/ekspor", methods=["POST"])
@for_roles(*AUDIT_ROLES)
def export():
    require(CsrfForm().validate_on_submit(), hide=False)
    filters = _filters()
    fmt = "xlsx" if request.form.get("format") == "xlsx" else "csv"
    record(
        "audit.exported",
        actor=current_user,
        object_type="audit_events",
        summary={
            "format": fmt,
            "program": filters.program_key,
            "agency": filters.agency_code,
            "action": filters.action,
        },
    )
    db.session.commit()
    name = f"jejak-audit-{datetime.now(UTC):%Y%m%d-%H%M}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if fmt == "csv":
        return Response(
            stream_with_context(exports.iter_csv(filters)), mimetype="text/csv", headers=headers
        )
    buffer = io.BytesIO()
    exports.write_xlsx(filters, buffer)
    return Response(
        buffer.getvalue(),
        headers=headers,
        mimetype=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
