"""The pure engine: authorisation, requirements, guards, withdrawal, revision round trips."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from workflows import (
    EFFECTS,
    GUARDS,
    Actor,
    Task,
    TransitionContext,
    TransitionDenied,
    allowed_transitions,
    guard,
    plan_transition,
    rubric_score,
)


def staff(role: str, agency: str | None, user_id: int = 20) -> Actor:
    return Actor(user_id=user_id, roles=frozenset({(role, agency)}))


APPLICANT = Actor(user_id=10, is_applicant=True)
KEMENAG_REVIEWER = staff("reviewer", "KEMENAG")
DISDIK_REVIEWER = staff("reviewer", "DISDIK")
BAPPEDA_REVIEWER = staff("reviewer", "BAPPEDA")


def denied(call) -> TransitionDenied:
    with pytest.raises(TransitionDenied) as caught:
        call()
    error = caught.value
    assert error.message["id"] and error.message["en"]
    return error


# --- authorisation --------------------------------------------------------------------------


def test_reviewer_of_another_agency_cannot_act(sanitren, wf):
    error = denied(lambda: wf.fire(sanitren, "admin_verification", "verify", actor=DISDIK_REVIEWER))
    assert error.code == "agency"
    assert "KEMENAG" in error.message["en"]


def test_right_agency_wrong_role_is_refused(sanitren, wf):
    approver = staff("approver", "KEMENAG")
    assert denied(
        lambda: wf.fire(sanitren, "admin_verification", "verify", actor=approver)
    ).code == ("role")


@pytest.mark.parametrize(
    "actor",
    [
        Actor(user_id=None),
        staff("auditor", "INSPEKTORAT"),
        staff("admin", "KEMENAG"),
        staff("admin", None),
    ],
    ids=["nobody", "auditor", "agency admin", "global admin"],
)
def test_denied_by_default(sanitren, wf, actor):
    assert denied(lambda: wf.fire(sanitren, "admin_verification", "verify", actor=actor)).code == (
        "role"
    )


def test_right_agency_and_role_may_act(sanitren, wf):
    plan = wf.fire(sanitren, "admin_verification", "verify", actor=KEMENAG_REVIEWER)
    assert (plan.from_stage, plan.to_stage) == ("admin_verification", "field_survey")
    assert plan.task == Task(agency="BAPPEDA", role="reviewer", sla_days=21)
    assert plan.outcome is None


def test_applicant_can_never_process_their_own_application(sanitren, wf):
    insider = Actor(user_id=10, roles=frozenset({("reviewer", "KEMENAG")}), is_applicant=True)
    error = denied(lambda: wf.fire(sanitren, "admin_verification", "verify", actor=insider))
    assert error.code == "separation_of_duties"


def test_staff_cannot_fire_applicant_transitions(sanitren, wf):
    assert denied(lambda: wf.fire(sanitren, "draft", "submit", actor=KEMENAG_REVIEWER)).code == (
        "role"
    )


def test_village_operator_nominates_only_when_named(definitions, wf):
    defn = definitions["guru_ngaji"]
    operator = Actor(user_id=40, roles=frozenset({("village_operator", None)}), nominated=True)
    assert wf.fire(defn, "nomination", "submit", actor=operator).to_stage == "verification"
    stranger = Actor(user_id=41, roles=frozenset({("village_operator", None)}))
    assert denied(lambda: wf.fire(defn, "nomination", "submit", actor=stranger)).code == "role"


def test_school_operator_confirms_and_agency_staff_cannot(definitions, wf):
    defn = definitions["beasiswa_mbr"]
    operator = Actor(user_id=50, roles=frozenset({("school_operator", None)}), nominated=True)
    plan = wf.fire(defn, "school_confirmation", "confirm", actor=operator)
    assert plan.task == Task(agency="DISDIK", role="reviewer", sla_days=14)
    assert denied(lambda: wf.fire(defn, "school_confirmation", "confirm", actor=DISDIK_REVIEWER))
    own_school = Actor(
        50, frozenset({("school_operator", None)}), is_applicant=True, nominated=True
    )
    error = denied(lambda: wf.fire(defn, "school_confirmation", "confirm", actor=own_school))
    assert error.code == "separation_of_duties"


def test_allowed_transitions_follow_roles_and_agency(sanitren):
    actions = [
        t.action for t in allowed_transitions(sanitren, "admin_verification", KEMENAG_REVIEWER)
    ]
    assert actions == ["verify", "return", "reject"]
    assert allowed_transitions(sanitren, "admin_verification", DISDIK_REVIEWER) == []
    applicant_actions = allowed_transitions(sanitren, "admin_verification", APPLICANT)
    assert [t.action for t in applicant_actions] == ["withdraw"]
    assert allowed_transitions(sanitren, sanitren.stage("tranche_1"), APPLICANT) == []
    assert allowed_transitions(sanitren, "completed", APPLICANT) == []
    assert allowed_transitions(sanitren, "no_such_stage", APPLICANT) == []


# --- requirements ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reason_required(sanitren, wf, reason):
    error = denied(lambda: wf.fire(sanitren, "decision", "reject", reason=reason))
    assert error.code == "reason_required"
    assert wf.fire(sanitren, "decision", "reject").outcome == "rejected"


def test_missing_fields_are_named_in_both_languages(sanitren, wf):
    error = denied(lambda: wf.fire(sanitren, "admin_verification", "verify", fields={}))
    assert error.code == "fields_missing"
    assert "Daftar periksa administrasi" in error.message["id"]
    assert "Administrative checklist" in error.message["en"]


def test_incomplete_checklist_is_invalid(sanitren, wf):
    fields = {"admin_checklist": {"nspp_valid": True}}
    assert denied(
        lambda: wf.fire(sanitren, "admin_verification", "verify", fields=fields)
    ).code == ("fields_invalid")


def test_deadline_must_be_in_the_future(sanitren, wf):
    fields = {"deadline": date(2026, 1, 1)}
    error = denied(lambda: wf.fire(sanitren, "admin_verification", "return", fields=fields))
    assert error.code == "fields_invalid"
    assert "Revision deadline" in error.message["en"]


def test_geotag_must_be_coordinates(sanitren, wf):
    transition = sanitren.find_transition("field_survey", "complete_survey")
    fields = wf.sample_fields(transition, date(2026, 3, 1)) | {"site_location": "Balaraja"}
    error = denied(lambda: wf.fire(sanitren, "field_survey", "complete_survey", fields=fields))
    assert error.code == "fields_invalid"


def test_survey_photos_are_required(sanitren, wf):
    docs = frozenset(d.type for d in sanitren.documents) - {"survey_photo"}
    error = denied(lambda: wf.fire(sanitren, "field_survey", "complete_survey", documents=docs))
    assert error.code == "documents_missing"
    assert "Geotagged field survey photos" in error.message["en"]


def test_score_justification_is_required(definitions, wf):
    defn = definitions["kembangku"]
    transition = defn.find_transition("feasibility", "score")
    fields = wf.sample_fields(transition, date(2026, 3, 2))
    del fields["management_justification"]
    error = denied(lambda: wf.fire(defn, "feasibility", "score", fields=fields))
    assert error.code == "fields_missing"
    assert "Governance and board (justification)" in error.message["en"]


def test_rubric_score_weights_fields(definitions):
    transition = definitions["kembangku"].find_transition("feasibility", "score")
    scores = {
        "management": 5,
        "business_viability": 5,
        "repayment_capacity": 1,
        "member_benefit": 3,
    }
    assert rubric_score(transition, scores) == 25 + 30 + 0 + 7.5
    assert rubric_score(transition, {"management": 5}) is None


# --- guards ---------------------------------------------------------------------------------


def test_guard_refuses_with_its_reason(sanitren, wf):
    facts = wf.good_facts(sanitren, today=date(2026, 6, 1))
    error = denied(lambda: wf.fire(sanitren, "draft", "submit", facts=facts))
    assert error.code == "guard"
    assert error.message["id"] == "Di luar periode pendaftaran (2026-02-02 – 2026-04-30)."


def test_all_refusing_guards_are_reported(sanitren, wf):
    facts = wf.good_facts(sanitren, eligibility_ok=False, blocking_duplicates=[17])
    error = denied(lambda: wf.fire(sanitren, "draft", "submit", facts=facts))
    assert len(error.reasons) == 2
    assert "Eligibility" in error.reasons[0]["en"]
    assert "same identifier" in error.reasons[1]["en"]


def test_admin_period_overrides_the_definition_window(sanitren, wf):
    facts = wf.good_facts(
        sanitren,
        today=date(2027, 2, 10),
        window_opens=date(2027, 2, 1),
        window_closes=date(2027, 4, 30),
    )
    assert wf.fire(sanitren, "draft", "submit", facts=facts).to_stage == "admin_verification"


def test_documents_complete_lists_missing_mandatory_documents(sanitren, wf):
    docs = frozenset({"cover_letter", "proposal"})
    error = denied(lambda: wf.fire(sanitren, "draft", "submit", documents=docs))
    assert error.code == "guard"
    assert "Board list" in error.message["en"]
    assert "Signed grant agreement" not in error.message["en"]  # due later, at agreement


def test_documents_complete_respects_applicant_kind(definitions, wf):
    defn = definitions["kembangku"]
    group_docs = frozenset(
        d.type for d in defn.documents if d.stage is None and "koperasi" not in d.applicant_kinds
    )
    group = wf.good_facts(defn, applicant_kind="kelompok_usaha")
    assert wf.fire(defn, "proposal", "submit", documents=group_docs, facts=group)
    cooperative = wf.good_facts(defn, applicant_kind="koperasi")
    error = denied(
        lambda: wf.fire(defn, "proposal", "submit", documents=group_docs, facts=cooperative)
    )
    assert "AHU" in error.message["en"]


def test_missing_fact_means_guard_refuses(sanitren, wf):
    facts = wf.good_facts(sanitren)
    del facts["bank_account_confirmed"]
    assert denied(lambda: wf.fire(sanitren, "tranche_1", "pay", facts=facts)).code == "guard"


def test_custom_guard_registration():
    @guard("test_always_refuses")
    def refuses(ctx, defn):
        return {"id": "Tidak", "en": "No"}

    try:
        assert GUARDS["test_always_refuses"] is refuses
        with pytest.raises(ValueError):
            guard("test_always_refuses")(lambda ctx, defn: None)
    finally:
        del GUARDS["test_always_refuses"]


def test_snapshot_with_an_unregistered_guard_is_refused(sanitren):
    import dataclasses

    submit = sanitren.find_transition("draft", "submit")
    odd = dataclasses.replace(submit, guards=("gone_guard",))
    defn = dataclasses.replace(sanitren, transitions=(odd,) + sanitren.transitions[1:])
    ctx = TransitionContext(stage="draft", facts={"today": date(2026, 3, 1)})
    error = denied(lambda: plan_transition(defn, "submit", APPLICANT, ctx))
    assert error.code == "guard"
    assert "gone_guard" in error.message["en"]


# --- withdrawal, revision, terminal ---------------------------------------------------------


def test_applicant_withdraws_from_a_listed_stage(sanitren, wf):
    plan = wf.fire(sanitren, "decision", "withdraw", actor=APPLICANT)
    assert plan.to_stage == "withdrawn"
    assert plan.outcome == "withdrawn"
    assert plan.effects == ("release_budget",)
    assert plan.task is None


def test_withdrawal_reason_is_required_when_configured(sanitren, wf):
    error = denied(lambda: wf.fire(sanitren, "draft", "withdraw", actor=APPLICANT, reason=""))
    assert error.code == "reason_required"


def test_withdraw_not_listed_is_unknown(sanitren, wf):
    error = denied(
        lambda: plan_transition(sanitren, "withdraw", APPLICANT, TransitionContext("tranche_1"))
    )
    assert error.code == "unknown_action"


def test_staff_cannot_withdraw_for_the_applicant(sanitren, wf):
    assert denied(lambda: wf.fire(sanitren, "draft", "withdraw", actor=KEMENAG_REVIEWER)).code == (
        "role"
    )


@pytest.mark.parametrize(
    ("stage", "actor"),
    [
        ("admin_verification", KEMENAG_REVIEWER),
        ("field_survey", BAPPEDA_REVIEWER),
    ],
)
def test_return_for_revision_then_resubmit_goes_back(sanitren, wf, stage, actor):
    returned = wf.fire(sanitren, stage, "return", actor=actor)
    assert returned.to_stage == "revision"
    assert returned.returned_from == stage
    assert returned.task is None
    back = wf.fire(sanitren, "revision", "resubmit", returned_from=returned.returned_from)
    assert back.to_stage == stage
    assert back.returned_from is None
    assert back.task.agency == sanitren.stage(stage).agency


def test_return_needs_reason_and_deadline(sanitren, wf):
    assert (
        denied(lambda: wf.fire(sanitren, "admin_verification", "return", reason=None)).code
        == "reason_required"
    )
    assert (
        denied(lambda: wf.fire(sanitren, "admin_verification", "return", fields={})).code
        == "fields_missing"
    )


@pytest.mark.parametrize("returned_from", [None, "decision", "nowhere"])
def test_resubmit_needs_a_stage_that_can_return(sanitren, wf, returned_from):
    error = denied(lambda: wf.fire(sanitren, "revision", "resubmit", returned_from=returned_from))
    assert error.code == "returned_from"


def test_failed_transfer_goes_to_bank_correction_and_back(sanitren, wf):
    failed = wf.fire(sanitren, "tranche_2", "transfer_failed")
    assert (failed.to_stage, failed.returned_from) == ("bank_correction", "tranche_2")
    retry = wf.fire(sanitren, "bank_correction", "resubmit", returned_from="tranche_2")
    assert retry.to_stage == "tranche_2"
    assert retry.task == Task(agency="BPKAD", role="finance", sla_days=14)


@pytest.mark.parametrize("stage", ["completed", "rejected", "withdrawn"])
@pytest.mark.parametrize("action", ["submit", "withdraw", "approve", "reopen"])
def test_terminal_stages_refuse_everything(sanitren, stage, action):
    for actor in (APPLICANT, KEMENAG_REVIEWER, staff("admin", None)):
        error = denied(lambda: plan_transition(sanitren, action, actor, TransitionContext(stage)))
        assert error.code == "terminal"


def test_unknown_action_and_stage(sanitren):
    error = denied(
        lambda: plan_transition(sanitren, "teleport", APPLICANT, TransitionContext("draft"))
    )
    assert error.code == "unknown_action"
    error = denied(
        lambda: plan_transition(sanitren, "submit", APPLICANT, TransitionContext("lost"))
    )
    assert error.code == "unknown_stage"


def test_decision_plan_lists_effects_in_order(sanitren, wf):
    plan = wf.fire(sanitren, "decision", "approve")
    assert plan.effects == ("reserve_budget", "issue_decision_letter", "issue_agreement")
    assert plan.to_stage == "agreement" and plan.task is None


def test_planning_is_pure(sanitren, wf):
    before = sanitren.digest()
    wf.fire(sanitren, "decision", "approve")
    assert sanitren.digest() == before


# --- registries and isolation ---------------------------------------------------------------


def test_effect_registry_binds_handlers():
    assert "reserve_budget" in EFFECTS
    assert set(EFFECTS) >= {
        "reserve_budget",
        "release_budget",
        "create_disbursements",
        "record_tranche_paid",
        "schedule_report",
        "issue_decision_letter",
        "issue_agreement",
        "mark_completed",
    }
    with pytest.raises(KeyError):
        EFFECTS.bind("no_such_effect", print)
    calls = []
    original = EFFECTS.handler("schedule_report")
    try:
        EFFECTS.bind("schedule_report", calls.append)
        EFFECTS.handler("schedule_report")("x")
        assert calls == ["x"]
        assert "schedule_report" not in EFFECTS.unbound()
    finally:
        if original is None:
            EFFECTS._handlers.pop("schedule_report", None)
        else:
            EFFECTS.bind("schedule_report", original)


def test_engine_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, workflows; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_checklist_marked_all_checked_refuses_unticked_items():
    from workflows import (
        Actor,
        TransitionContext,
        TransitionDenied,
        load_definition,
        plan_transition,
    )
    from workflows.loading import DEFINITIONS_DIR

    defn = load_definition(DEFINITIONS_DIR / "sanitren.yaml")
    spec = defn.find_transition("admin_verification", "verify").field("admin_checklist")
    assert spec.all_checked
    reviewer = Actor(user_id=1, roles=frozenset({("reviewer", "KEMENAG")}))
    ticked = {item.key: True for item in spec.items}
    plan = plan_transition(defn, "verify", reviewer, TransitionContext(
        stage="admin_verification", fields={"admin_checklist": ticked}))
    assert plan.to_stage == "field_survey"
    one_open = {**ticked, spec.items[0].key: False}
    try:
        plan_transition(defn, "verify", reviewer, TransitionContext(
            stage="admin_verification", fields={"admin_checklist": one_open}))
    except TransitionDenied as denied:
        assert denied.code == "checklist_incomplete"
        assert spec.items[0].label.id in denied.message["id"]
    else:
        raise AssertionError("an unticked item must refuse the verification")


def test_all_checked_is_refused_on_a_field_that_is_not_a_checklist():
    import yaml

    from workflows import DefinitionError, parse_definition
    from workflows.loading import DEFINITIONS_DIR

    data = yaml.safe_load((DEFINITIONS_DIR / "sanitren.yaml").read_text())
    survey = next(t for t in data["transitions"] if t["action"] == "complete_survey")
    survey["requires_fields"][0]["all_checked"] = True  # survey_date, a date
    with pytest.raises(DefinitionError, match="all_checked applies only to checklists"):
        parse_definition(data, source="sanitren.yaml")
