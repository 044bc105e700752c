"""The seed list of the regency's agencies: a data file, read by the migration and demo data.

Agencies live in the ``agencies`` table; this file only seeds a new database. Add or rename one
with ``flask agencies add|rename`` or on the admin page, never in code.
"""

from __future__ import annotations

import csv
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent / "data" / "agencies.csv"


def seed_agencies(path: Path = SEED_FILE) -> dict[str, str]:
    """The seed agencies, name by code, in file order."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}
