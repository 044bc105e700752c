"""The shipped list of official area codes (see data/NOTICE.md for source and licence)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "wilayah-3603.csv"
REGENCY_CODE = "36.03"


@dataclass(frozen=True)
class Area:
    code: str
    level: str
    name: str

    @property
    def parent_code(self) -> str | None:
        if self.level == "kabupaten":
            return None
        return self.code.rsplit(".", 1)[0]


@cache
def areas() -> tuple[Area, ...]:
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return tuple(Area(row["code"], row["level"], row["name"]) for row in csv.DictReader(handle))


def kecamatan() -> list[Area]:
    return [a for a in areas() if a.level == "kecamatan"]


def villages() -> list[Area]:
    return [a for a in areas() if a.level in ("desa", "kelurahan")]


def is_village_code(code: str) -> bool:
    return any(a.code == code for a in villages())


def kecamatan_of(code: str) -> str:
    """``36.03.01.2003`` → ``36.03.01``."""
    return code[:8]
