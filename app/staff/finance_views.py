"""Staff workspace: finance — applications awaiting payment and the payment list export."""

from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_login import current_user

from app.common.web import require
from app.extensions import db
from app.staff import finance
from app.staff.blueprint import bp
from app.staff.permissions import for_roles
from forms.staff import RevealNikForm


@bp.route("/keuangan", endpoint="finance")
@for_roles("finance")
def finance_list():
    page = finance.awaiting_payment(current_user, request.args.get("halaman", type=int))
    return render_template("staff/finance.html", rows=page.items, page=page,
                           amount=finance.awaiting_total(current_user) if page.total else 0,
                           export_form=RevealNikForm())


@bp.route("/keuangan/daftar-bayar", methods=["POST"])
@for_roles("finance")
def finance_export():
    require(RevealNikForm().validate_on_submit(), hide=False)
    content = finance.payment_list_xlsx(current_user,
                                         finance.every_awaiting_payment(current_user))
    db.session.commit()
    response = send_file(
        io.BytesIO(content),
        as_attachment=True,
        download_name="daftar-bayar.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
