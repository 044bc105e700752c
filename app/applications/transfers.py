"""The bank's transfer results, recorded from its file.

The finance officer downloads the payment list (``staff.finance``), the bank fills in each
row's result, and the officer uploads it back: each filled row fires the finance stage's
transition as the case page would (a tranche paid, or a failed transfer sent back for a bank
correction), each in its own savepoint, so one refused row leaves the others recorded. Which
transition is which is read from the definition (its ``record_tranche_paid`` or
``record_transfer_failed`` effect), not from action names. Uploading the same file again records
nothing twice: a tranche already sent is reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.applications import workflow
from app.applications.models import Application, Disbursement
from app.applications.permissions import can_view_case, can_work_task
from app.applications.queries import open_task
from app.applications.review import REFUSALS, decide, refusal_text
from app.extensions import db
from app.registers.operations import RegisterFileError, read_rows
from workflows import Transition

#: the payment list's columns (``staff.finance.EXPORT_COLUMNS`` writes the same headers)
NUMBER, TRANCHE = "no. permohonan", "tahap"
RESULT, REASON = "hasil (berhasil/gagal)", "alasan gagal"
#: the file's column for each value a finance transition asks for, by the field's name
FIELD_COLUMNS = {"transfer_date": "tanggal transfer", "transfer_reference": "referensi sp2d",
                 "deadline": "batas perbaikan rekening"}
RESULT_COLUMNS = ("Tanggal transfer", "Referensi SP2D", "Hasil (berhasil/gagal)", "Alasan gagal",
                  "Batas perbaikan rekening")
PAID_WORDS, FAILED_WORDS = {"berhasil", "sukses", "ok"}, {"gagal"}
#: what a paid or failed result fires: the transition carrying this effect
EFFECTS = {"paid": "record_tranche_paid", "failed": "record_transfer_failed"}
#: rows read from one file (a year's list is 17,810), and filled rows recorded from one upload:
#: each is a transition in the request, and the request must end well within a worker's timeout
MAX_ROWS = 50_000
MAX_FILLED = 500


class RowRefused(Exception):
    pass


@dataclass
class TransferRow:
    line: int
    number: str
    status: str  # "paid" | "failed" | "already" | "blank" | "refused"
    message: str
    application_id: int | None = None


@dataclass
class TransferReport:
    rows: list[TransferRow] = field(default_factory=list)
    error: str | None = None

    def count(self, *statuses: str) -> int:
        return sum(row.status in statuses for row in self.rows)


def import_results(user: User, filename: str, content: bytes) -> TransferReport:
    """Record every filled row of the bank's file; blank results are left for a later file."""
    report = TransferReport()
    try:
        rows = read_rows(filename, content)
    except RegisterFileError as refused:
        report.error = str(refused)
        return report
    if rows and NUMBER not in rows[0]:
        report.error = _("Kolom \"No. permohonan\" tidak ditemukan: unggah daftar bayar yang "
                         "diunduh dari halaman ini, dengan hasil transfer terisi.")
        return report
    if len(rows) > MAX_ROWS:
        report.error = _("Berkas berisi lebih dari %(max)s baris; bagi menjadi beberapa berkas.",
                         max=MAX_ROWS)
        return report
    filled = sum(bool((row.get(RESULT) or "").strip()) for row in rows)
    if filled > MAX_FILLED:
        report.error = _("Berkas berisi %(n)s baris dengan hasil terisi; paling banyak %(max)s "
                         "per unggahan. Bagi menjadi beberapa berkas (baris yang sudah tercatat "
                         "dilewati).", n=filled, max=MAX_FILLED)
        return report
    for line, row in enumerate(rows, start=2):  # row 1 is the header
        report.rows.append(_one(user, line, row))
    return report


def _one(user: User, line: int, row: dict[str, str]) -> TransferRow:
    number = (row.get(NUMBER) or "").strip()
    result = (row.get(RESULT) or "").strip().lower()
    if not result:
        return TransferRow(line, number, "blank", _("Hasil belum diisi: dilewati."))
    try:
        outcome = "paid" if result in PAID_WORDS else "failed" if result in FAILED_WORDS else None
        if outcome is None:
            raise RowRefused(_l("Hasil harus \"berhasil\" atau \"gagal\"."))
        application = _application(user, number)
        tranche = _tranche_of(row)
        attempts = _attempts(application, tranche)
        if _already_recorded(application, attempts, outcome):
            return TransferRow(line, number, "already",
                               _("Angsuran ini sudah tercatat sebelumnya; tidak dicatat lagi."),
                               application.id)
        if not can_work_task(user, open_task(application)):
            raise RowRefused(_l("Permohonan %(number)s tidak sedang menunggu transfer.",
                                number=number))
        _check_pending(application, tranche, attempts)
        transition = _transition(application, outcome)
        # a field the file has no column for stays empty: the engine names it as missing
        fields = {spec.name: _value(spec.type, row.get(FIELD_COLUMNS[spec.name], "")
                                    if spec.name in FIELD_COLUMNS else "")
                  for spec in transition.requires_fields}
        reason = (row.get(REASON) or "").strip() or None
        with db.session.begin_nested():
            decide(application, transition.action, user, reason=reason, fields=fields)
    except RowRefused as refused:
        return TransferRow(line, number, "refused", str(refused))
    except workflow.AlreadyHandled as handled:
        return TransferRow(line, number, "refused", handled.localized)
    except REFUSALS as refused:
        return TransferRow(line, number, "refused", refusal_text(refused))
    message = _("Transfer dicatat.") if outcome == "paid" else _(
        "Transfer gagal dicatat; penerima diminta memperbaiki rekening.")
    return TransferRow(line, number, outcome, message, application.id)


def _application(user: User, number: str) -> Application:
    """The application the row names, if the user's agency handles it (else as if unknown)."""
    application = db.session.scalar(sa.select(Application).where(Application.number == number))
    if application is None or not can_view_case(user, application):
        raise RowRefused(_l("Permohonan %(number)s tidak ada di daftar pembayaran Anda.",
                            number=number or "—"))
    return application


def _tranche_of(row: dict[str, str]) -> int:
    try:
        return int(float(row.get(TRANCHE) or ""))
    except ValueError as exc:
        raise RowRefused(_l("Kolom Tahap harus berisi nomor angsuran.")) from exc


def _attempts(application: Application, tranche: int) -> list[Disbursement]:
    return list(db.session.scalars(sa.select(Disbursement).where(
        Disbursement.application_id == application.id, Disbursement.tranche_no == tranche)
        .order_by(Disbursement.attempt)))


def _already_recorded(application: Application, attempts: list[Disbursement],
                      outcome: str) -> bool:
    """The same file again: the tranche was sent, or (a failure) its last attempt failed and
    the recipient is correcting the account, so the new attempt is not yet the bank's."""
    if any(d.status == "sent" for d in attempts):
        return True
    return (outcome == "failed" and len(attempts) >= 2 and attempts[-2].status == "failed"
            and attempts[-1].status == "pending" and application.stage in
            workflow.definition_of(application).revision_stages)


def _check_pending(application: Application, tranche: int,
                   attempts: list[Disbursement]) -> None:
    """The row's tranche is the one waiting now (not a later one, not one that never was)."""
    if not any(d.status == "pending" for d in attempts):
        raise RowRefused(_l("Permohonan ini tidak punya angsuran %(n)s yang menunggu transfer.",
                            n=tranche))
    first_pending = db.session.scalar(sa.select(sa.func.min(Disbursement.tranche_no)).where(
        Disbursement.application_id == application.id, Disbursement.status == "pending"))
    if first_pending != tranche:
        raise RowRefused(_l("Angsuran %(n)s belum waktunya: angsuran %(first)s belum tercatat.",
                            n=tranche, first=first_pending))


def _transition(application: Application, outcome: str) -> Transition:
    defn = workflow.definition_of(application)
    found = next((t for t in defn.transitions_from(application.stage)
                  if EFFECTS[outcome] in t.effects), None)
    if found is None:
        raise RowRefused(_l("Tahap permohonan ini tidak mencatat transfer."))
    return found


def _value(kind: str, text: str) -> Any:
    """A cell as the field's type: dates from XLSX (``2026-12-03 00:00:00``), ISO or
    dd/mm/yyyy; anything else as the text."""
    text = (text or "").strip()
    if kind != "date" or not text:
        return text
    for shape in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, shape).date()
        except ValueError:
            continue
    raise RowRefused(_l("Tanggal \"%(text)s\" tidak dikenali; tulis sebagai 2026-12-31 atau "
                        "31/12/2026.", text=text))

