"""The ``agreements:`` section: documents the system issues for the recipient to sign.

Each names a per-program template (``templates/agreements/<template>``), the stage at which it is
issued and the document type under which the applicant uploads the signed copy::

    agreements:
      - key: nphd
        title: {id: Naskah Perjanjian Hibah Daerah (NPHD), en: Regional grant agreement (NPHD)}
        template: sanitren/nphd.html
        issued_at: agreement
        signed_copy: signed_nphd
"""

from __future__ import annotations

import re
from typing import Any

from ._reader import Reader, join
from .model import Agreement

TEMPLATE = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+\.html$")
FIELDS = ("key", "title", "template", "issued_at", "signed_copy")


def parse_agreements(r: Reader, value: Any) -> tuple[tuple[str, Agreement], ...]:
    found = []
    for index, item in enumerate(r.sequence(value, "agreements")):
        path = join("agreements", index)
        data = r.mapping(item, path, FIELDS)
        if data is None:
            continue
        parts = (
            r.key(data.get("key"), join(path, "key")),
            r.text(data.get("title"), join(path, "title")),
            r.string(data.get("template"), join(path, "template"), TEMPLATE),
            r.key(data.get("issued_at"), join(path, "issued_at")),
            r.key(data.get("signed_copy"), join(path, "signed_copy")),
        )
        if all(part is not None for part in parts):
            found.append((path, Agreement(*parts)))
    r.unique([(join(p, "key"), a.key) for p, a in found], "agreement key")
    return tuple(found)


def check_agreements(
    r: Reader, agreements: tuple[tuple[str, Agreement], ...], stages: set, documents: set
) -> None:
    """Each agreement is issued at a known stage and signed back as a declared document."""
    for path, agreement in agreements:
        if agreement.issued_at not in stages:
            r.error(join(path, "issued_at"), f"unknown stage {agreement.issued_at!r}")
        if agreement.signed_copy not in documents:
            r.error(join(path, "signed_copy"), f"unknown document type {agreement.signed_copy!r}")
