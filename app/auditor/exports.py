"""Streaming CSV and XLSX exports of audit events for auditors (memory stays flat at any size).

Cells that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@`` ...) are prefixed
with ``'``: an exported reason must never run as a formula on an auditor's machine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from app.audit.chain import iso_utc
from app.auditor.queries import EXPORT_COLUMNS, AuditFilter, iter_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """One exported value: times in UTC ISO 8601, JSON as compact text, formulas defused."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cells(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [cell(value) for value in row]


def iter_csv(filters: AuditFilter) -> Iterator[str]:
    """CSV text chunk by chunk (header first), suitable for a streamed HTTP response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for count, values in enumerate(_cells(iter_rows(filters)), start=1):
        writer.writerow(values)
        if count % 1000 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_csv(filters: AuditFilter, out: IO[str]) -> None:
    for chunk in iter_csv(filters):
        out.write(chunk)


def write_xlsx(filters: AuditFilter, out: IO[bytes] | str) -> int:
    """Write a one-sheet workbook (openpyxl write-only mode); returns the number of events."""
    from openpyxl import Workbook  # loaded only when a workbook is read or written

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("audit_events")
    sheet.append(list(EXPORT_COLUMNS))
    count = 0
    for values in _cells(iter_rows(filters)):
        sheet.append(values)
        count += 1
    workbook.save(out)
    return count
