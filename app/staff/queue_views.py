"""Staff workspace: the work queue (filters, stage counts, paging) and bulk decisions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.applications import review as ops
from app.applications.permissions import WORK_ROLES
from app.common.web import require
from app.extensions import db
from app.staff import filters
from app.staff import queue as work_queue
from app.staff.blueprint import bp
from app.staff.permissions import for_roles
from forms.staff import QueueFilterForm, action_form, field_values

PAGE_SIZES = (25, 50, 100)


@bp.route("/antrean")
@for_roles(*WORK_ROLES)
def queue():
    chosen = work_queue.QueueFilter.from_args(request.args)
    after = work_queue.Cursor.decode(request.args.get("setelah"))
    size = request.args.get("jumlah", type=int)
    size = size if size in PAGE_SIZES else PAGE_SIZES[0]
    page = work_queue.page(current_user, chosen, after, limit=size)
    form = QueueFilterForm(request.args)
    filters.fill_choices(form, current_user, chosen)
    bulk = filters.bulk_transition(current_user, chosen)
    next_url = (
        url_for("staff.queue", **chosen.as_args(), jumlah=size, setelah=page.next_cursor.encode())
        if page.next_cursor
        else None
    )
    return render_template(
        "staff/queue.html",
        page=page,
        form=form,
        chosen=chosen,
        next_url=next_url,
        first_url=url_for("staff.queue", **chosen.as_args()) if after else None,
        counts=work_queue.stage_counts(current_user),
        stage_label=lambda key: filters.stage_label(key, current_user),
        task_stage_name=filters.task_stage_name,
        regions=filters.region_names(
            {
                code
                for r in page.rows
                for code in (r.application.desa_code, r.application.kecamatan_code)
                if code
            }
        ),
        bulk_form=action_form(bulk, prefix="massal") if bulk else None,
        bulk=bulk,
        now=filters.now(),
    )


def _bulk_items(values: list[str]) -> list[ops.BulkItem]:
    items = []
    for value in values[:500]:
        task_id, _, version = value.partition(":")
        if task_id.isdigit():
            items.append(ops.BulkItem(int(task_id), int(version) if version.isdigit() else None))
    return items


@bp.route("/antrean/massal", methods=["POST"])
@for_roles(*WORK_ROLES)
def bulk():
    chosen = work_queue.QueueFilter.from_args(request.form)
    transition = filters.bulk_transition(current_user, chosen)
    require(transition is not None and transition.action == request.form.get("aksi"))
    form = action_form(transition, prefix="massal")
    items = _bulk_items(request.form.getlist("tugas"))
    if not items:
        form.validate()
        form.form_errors.append(_("Pilih minimal satu berkas dari antrean."))
    if not items or not form.validate():
        flash(_("Keputusan massal belum dikirim: pilih berkas dan lengkapi isian."), "error")
        return redirect(url_for("staff.queue", **chosen.as_args()))
    results = ops.bulk_decide(
        items, transition.action, current_user, fields=field_values(form), reason=form.reason_text()
    )
    db.session.commit()
    return render_template(
        "staff/bulk_result.html", results=results, transition=transition, chosen=chosen
    )
