"""One entry for every import the admin page and ``flask registers import`` offer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from app.registers.awards import import_awards
from app.registers.models import RegisterImport
from app.registers.operations import ImportReport, import_register


def import_file(
    register: str,
    filename: str,
    content: bytes,
    *,
    actor=None,
    progress: Callable[[Iterable[Any]], Iterator[Any]] | None = None,
) -> tuple[RegisterImport, ImportReport]:
    """A register's entries (DTKS, pesantren) or earlier awards. Never commits."""
    if register == "awards":
        return import_awards(filename, content, actor=actor, progress=progress)
    return import_register(register, filename, content, actor=actor, progress=progress)
