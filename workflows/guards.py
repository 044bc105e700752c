"""Built-in guards. Each is pure: it reads the context and definition and returns a reason or None.

The app computes the facts guards read (``eligibility_ok``, ``blocking_duplicates`` ...) before
planning; a fact that is absent counts as "not satisfied" (denied by default).
"""

from __future__ import annotations

from .context import TransitionContext
from .facts import lookup
from .model import DocumentRequirement, ProgramDefinition, Transition, Window
from .registry import Reason, guard
from .rule_values import as_date


def _reason(id_: str, en: str) -> Reason:
    return {"id": id_, "en": en}


def documents_due(
    defn: ProgramDefinition, stage: str, applicant_kind: str | None
) -> list[DocumentRequirement]:
    """Mandatory documents due when leaving ``stage``: the proposal set plus the stage's own."""
    return [
        d
        for d in defn.documents
        if d.mandatory
        and d.applies_to(applicant_kind)
        and (d.stage in (None, defn.initial_stage) or d.stage == stage)
    ]


@guard("documents_complete")
def documents_complete(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    kind = lookup(ctx.facts, "applicant_kind")
    kind = kind if isinstance(kind, str) else None
    missing = [d for d in documents_due(defn, ctx.stage, kind) if d.type not in ctx.documents]
    if not missing:
        return None
    return _reason(
        "Dokumen wajib belum lengkap: " + ", ".join(d.label.id for d in missing) + ".",
        "Mandatory documents are missing: " + ", ".join(d.label.en for d in missing) + ".",
    )


@guard("eligibility_passed")
def eligibility_passed(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    if ctx.facts.get("eligibility_ok") is True:
        return None
    return _reason(
        "Persyaratan kelayakan belum terpenuhi atau belum dapat dipastikan."
        + _details(ctx.facts.get("eligibility_failures")),
        "Eligibility requirements are not met or cannot yet be confirmed.",
    )


def _details(items: object) -> str:
    """The app may pass the specific failures (strings) so the message names them."""
    if isinstance(items, list | tuple) and items and all(isinstance(i, str) for i in items):
        return " " + "; ".join(i.strip().rstrip(".") for i in items) + "."  # one per clause
    return ""


@guard("no_blocking_duplicates")
def no_blocking_duplicates(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    if not ctx.facts.get("blocking_duplicates"):
        return None
    return _reason(
        "Sudah ada usulan atau bantuan lain untuk identitas yang sama dalam periode ini."
        + _details(ctx.facts.get("blocking_duplicates")),
        "Another application or award exists for the same identifier in this period.",
    )


@guard("bank_account_confirmed")
def bank_account_confirmed(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    if ctx.facts.get("bank_account_confirmed") is True:
        return None
    return _reason(
        "Rekening bank penerima belum terkonfirmasi.",
        "The recipient's bank account is not confirmed.",
    )


def _window(ctx: TransitionContext, defn: ProgramDefinition) -> Window | None:
    """The admin-managed period if the app passes one, else the definition's window."""
    opens = as_date(ctx.facts.get("window_opens"))
    closes = as_date(ctx.facts.get("window_closes"))
    if opens is None and closes is None:
        return defn.window
    if opens is None or closes is None:
        return None
    return Window(opens, closes)


@guard("within_window")
def within_window(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    today = as_date(ctx.facts.get("today"))
    window = _window(ctx, defn)
    if today is None or window is None:
        return _reason(
            "Tanggal hari ini atau periode pendaftaran tidak diketahui.",
            "Today's date or the application period is unknown.",
        )
    if window.contains(today):
        return None
    period = f"{window.opens.isoformat()} – {window.closes.isoformat()}"
    return _reason(
        f"Di luar periode pendaftaran ({period}).",
        f"Outside the application period ({period}).",
    )


@guard("budget_available")
def budget_available(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    if ctx.facts.get("budget_available") is True:
        return None
    return _reason(
        "Pagu anggaran tahun ini tidak mencukupi.",
        "This fiscal year's budget ceiling is not sufficient.",
    )


@guard("quota_available")
def quota_available(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    if ctx.facts.get("quota_available") is True:
        return None
    return _reason(
        "Kuota wilayah untuk program ini sudah terpenuhi.",
        "The area's quota for this program is already filled.",
    )


@guard("loan_repaid")
def loan_repaid(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    if ctx.facts.get("loan_repaid") is True:
        return None
    return _reason("Pinjaman belum lunas.", "The loan is not fully repaid.")


def _applicant_kind_is(ctx: TransitionContext, kind: str) -> bool:
    return lookup(ctx.facts, "applicant_kind") == kind


@guard("applicant_is_school")
def applicant_is_school(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    if _applicant_kind_is(ctx, "sekolah"):
        return None
    return _reason(
        "Aksi ini hanya untuk usulan yang diajukan oleh sekolah.",
        "This action is only for applications made by a school.",
    )


@guard("applicant_is_individual")
def applicant_is_individual(ctx: TransitionContext, defn: ProgramDefinition) -> Reason | None:
    if _applicant_kind_is(ctx, "perorangan"):
        return None
    return _reason(
        "Aksi ini hanya untuk usulan perorangan (orang tua/wali).",
        "This action is only for individual applications (parent/guardian).",
    )


#: guards that read nothing but the applicant's kind
_KIND_GUARDS = {"applicant_is_school": "sekolah", "applicant_is_individual": "perorangan"}


def fits_applicant_kind(transition: Transition, kind: str) -> bool:
    """Whether the transition's applicant-kind guards (if any) admit this kind of applicant:
    the interfaces offer the one submit meant for the applicant without firing anything."""
    return all(_KIND_GUARDS[g] == kind for g in transition.guards if g in _KIND_GUARDS)
