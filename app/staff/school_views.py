"""The school operator's page: the pupils' applications waiting for their school's confirmation.
Each one opens on the staff case page, where the confirmation form is."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.accounts.roles import SCHOOL_OPERATOR
from app.staff import filters
from app.staff import school as worklist
from app.staff.blueprint import bp
from app.staff.permissions import for_roles


@bp.route("/sekolah")
@for_roles(SCHOOL_OPERATOR)
def school():
    rows = worklist.waiting_for(current_user)
    regions = filters.region_names(
        {c for row in rows for c in (row.application.desa_code, row.application.kecamatan_code)
         if c})
    return render_template("staff/school.html", rows=rows, regions=regions,
                           limit=worklist.LIMIT, task_stage_name=filters.task_stage_name,
                           now=filters.now())
