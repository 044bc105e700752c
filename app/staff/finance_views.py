"""Staff workspace: finance — applications awaiting payment and the payment list export."""

from __future__ import annotations

import io

from flask import redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.applications import transfers
from app.common.web import require
from app.extensions import db
from app.staff import finance
from app.staff.blueprint import bp
from app.staff.permissions import for_roles
from forms.staff import RevealNikForm, TransferResultsForm


@bp.route("/keuangan", endpoint="finance")
@for_roles("finance")
def finance_list():
    return _finance_page()


def _finance_page(results_form: TransferResultsForm | None = None,
                  report: transfers.TransferReport | None = None, status: int = 200):
    programs = finance.awaiting_programs(current_user)
    program = finance.chosen_program(programs, request.args.get("program"))
    page = finance.awaiting_payment(current_user, request.args.get("halaman", type=int),
                                    program)
    return render_template("staff/finance.html", rows=page.items, page=page,
                           programs=programs, program=program,
                           amount=finance.awaiting_total(current_user, program)
                           if page.total else 0,
                           export_form=RevealNikForm(),
                           results_form=results_form or TransferResultsForm(formdata=None),
                           max_filled=transfers.MAX_FILLED, report=report), status


@bp.route("/keuangan/hasil-transfer", methods=["GET", "POST"])
@for_roles("finance")
def finance_results():
    """The bank's results: each filled row recorded as the case page would, one report. (A GET,
    from reloading the report's address: the finance page.)"""
    if request.method == "GET":
        return redirect(url_for("staff.finance"))
    form = TransferResultsForm()
    if not form.validate_on_submit():
        return _finance_page(form, status=422)
    upload = form.file.data
    report = transfers.import_results(current_user, upload.filename or "", upload.read())
    db.session.commit()
    return _finance_page(report=report, status=422 if report.error else 200)


@bp.route("/keuangan/daftar-bayar", methods=["POST"])
@for_roles("finance")
def finance_export():
    require(RevealNikForm().validate_on_submit(), hide=False)
    program = finance.chosen_program(finance.awaiting_programs(current_user),
                                     request.form.get("program"))
    content = finance.payment_list_xlsx(
        current_user, finance.every_awaiting_payment(current_user, program), program)
    db.session.commit()
    response = send_file(
        io.BytesIO(content),
        as_attachment=True,
        download_name=f"daftar-bayar-{program}.xlsx" if program else "daftar-bayar.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
