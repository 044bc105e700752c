"""The inbox (/kotak-masuk) and the administrators' dead-letter list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.common.web import get_or_404, require
from app.extensions import db
from app.notifications import operations as ops
from app.notifications.models import Notification
from app.notifications.permissions import can_manage_notifications
from app.notifications.rendering import headline

bp = Blueprint("notifications", __name__)
PAGE = 30


def _cursor() -> int | None:
    return request.args.get("sebelum", type=int)


def _next_url(endpoint: str, rows: list[Notification]) -> str | None:
    return url_for(endpoint, sebelum=rows[-1].id) if len(rows) == PAGE else None


@bp.route("/kotak-masuk")
@login_required
def inbox():
    rows = ops.inbox(current_user, before_id=_cursor(), limit=PAGE)
    lang = g.get("lang", "id")
    items = [(row, *headline(row, lang)) for row in rows]
    return render_template(
        "notifications/inbox.html", items=items, next_url=_next_url("notifications.inbox", rows),
        unread=ops.unread_count(current_user),
    )


@bp.route("/kotak-masuk", methods=["POST"])
@login_required
def mark_read():
    """Mark one message read (``notification_id``) or all of them (``all``)."""
    if request.form.get("all"):
        ops.mark_read(current_user)
    else:
        notification_id = request.form.get("notification_id", type=int)
        if notification_id is None:
            abort(400)
        ops.mark_read(current_user, [notification_id])
    db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.route("/admin/notifikasi/gagal")
@login_required
def dead_letters():
    require(can_manage_notifications(current_user), hide=False)
    rows = ops.dead_letters(before_id=_cursor(), limit=PAGE)
    return render_template(
        "notifications/dead_letters.html", rows=rows,
        next_url=_next_url("notifications.dead_letters", rows),
    )


@bp.route("/admin/notifikasi/<int:notification_id>/kirim-ulang", methods=["POST"])
@login_required
def retry(notification_id: int):
    require(can_manage_notifications(current_user), hide=False)
    notification = get_or_404(db.session.get(Notification, notification_id))
    if ops.retry_dead(notification, actor=current_user):
        db.session.commit()
        flash(_("Notifikasi dijadwalkan untuk dikirim ulang."), "success")
    else:
        flash(_("Notifikasi ini tidak lagi berstatus gagal."), "info")
    return redirect(url_for("notifications.dead_letters"))
