"""A whole Guru Ngaji year through the real submit path, measured on a sample and extrapolated.

Kabupaten Tangerang nominates about 17,810 guru ngaji a year; each nomination is sent by its
village operator with the portal's submit POST (session, CSRF, permission, window, documents and
duplicate-NIK checks, stage move, task, audit event, outbox rows, one commit). Feeding all of them
would take the bench longer than the figure it gives, so a sample of prepared nominations (person,
account, draft, answers, documents: built in-process beforehand, not timed) is submitted by one
client thread per village operator, and the year's minutes are the sample's rate applied to
17,810. ``extrapolated`` says so in the results.
"""

from __future__ import annotations

import sqlalchemy as sa

from bench.submit import run_submit

YEAR = 17_810
GOAL_MINUTES = 5.0
OPERATORS = 8
#: the nomination's required answers (its declared form): a draft without them is refused
ANSWERS = {"pupil_count": 25, "teaching_place": "TPQ Al-Ikhlas"}


def nominations(app, count: int) -> list[tuple[str, list[int]]]:
    """``count`` complete Guru Ngaji nominations, spread over ``OPERATORS`` villages."""
    from app.applications import operations as applications
    from app.extensions import db
    from app.regions.models import Region
    from tests.support.factories import create_staff
    from tests.support.programs import attach_for_stage, make_person, open_program

    with app.app_context():
        open_program("guru_ngaji")
        desas = db.session.scalars(sa.select(Region.code).where(Region.level == "desa")
                                   .order_by(Region.code).limit(OPERATORS)).all()
        result = []
        for number, desa in enumerate(desas):
            operator = create_staff("village_operator", region_code=desa,
                                    email=f"operator{number}@bench.id")
            ids = []
            for n in range(count // len(desas)):
                person = make_person(name=f"Ustadz {number}-{n}", teacher=True, desa_code=desa,
                                     user=operator)
                draft = applications.create_draft("guru_ngaji", owner=operator, person=person,
                                                  nominated_by=operator)
                applications.update_answers(draft, operator, ANSWERS)
                db.session.commit()
                attach_for_stage(draft, operator)
                ids.append(draft.id)
            result.append((operator.email, ids))
    return result


def run_year(base: str, prepared: list[tuple[str, list[int]]], deadline: float) -> dict:
    sample = run_submit(base, prepared, deadline)
    per_second = sample["per_second"]
    minutes = round(YEAR / per_second / 60, 1) if per_second else None
    return {"submissions": YEAR, "sample": sample, "extrapolated": True,
            "minutes": minutes, "target": f"{YEAR:,} submissions in < {GOAL_MINUTES:g} minutes",
            "met": minutes is not None and minutes < GOAL_MINUTES and sample["errors"] == 0}
