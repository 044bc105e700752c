"""Signed checkpoints kept outside the database, one line each.

The line is what ``flask audit checkpoint`` prints::

    checkpoint seq=12 head_hash=<64 hex> key_id=<16 hex> signature=<128 hex>

``flask audit checkpoint --output FILE`` appends it to a file, ``flask audit checkpoint-export``
writes every stored checkpoint, and the daily beat task writes one file per checkpoint into
``AUDIT_CHECKPOINT_DIR``. ``flask audit verify --checkpoint FILE_OR_DIR`` reads them back: blank
lines, ``#`` comments and other ``key=value`` words are ignored; a malformed line is an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from app.audit.models import AuditCheckpoint
from app.audit.verify import CheckpointRef

HEX = {"head_hash": 64, "key_id": 16, "signature": 128}
WORD = re.compile(r"(\w+)=(\S*)")


class OutsideCheckpointError(ValueError):
    """An outside checkpoint file cannot be read; the message names the file and line."""


def line_of(checkpoint: AuditCheckpoint) -> str:
    return (
        f"checkpoint seq={checkpoint.seq} head_hash={checkpoint.head_hash} "
        f"key_id={checkpoint.key_id} signature={checkpoint.signature}"
    )


def parse_line(line: str, source: str) -> CheckpointRef | None:
    """One line as a checkpoint (None for a blank or comment line)."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    words = dict(WORD.findall(text))
    if not text.startswith("checkpoint ") or not str(words.get("seq", "")).isdigit():
        raise OutsideCheckpointError(f"{source}: not a checkpoint line")
    for name, length in HEX.items():
        if not re.fullmatch(f"[0-9a-f]{{{length}}}", words.get(name, "")):
            raise OutsideCheckpointError(f"{source}: {name} missing or malformed")
    return CheckpointRef(0, int(words["seq"]), words["head_hash"], words["signature"],
                         words["key_id"], source=source)


def read_file(path: Path) -> list[CheckpointRef]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise OutsideCheckpointError(f"{path}: cannot be read ({exc})") from exc
    found = (parse_line(line, f"{path}:{n}") for n, line in enumerate(lines, 1))
    return [ref for ref in found if ref is not None]


def read_paths(paths: Iterable[Path]) -> list[CheckpointRef]:
    """Every checkpoint in the given files, and in the ``*.txt`` files of given directories."""
    refs: list[CheckpointRef] = []
    for path in paths:
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        for file in files:
            refs.extend(read_file(file))
    return refs


def append_line(path: Path, checkpoint: AuditCheckpoint) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line_of(checkpoint) + "\n")


def write_to_directory(directory: str | Path, checkpoint: AuditCheckpoint) -> Path:
    """``checkpoint-<seq>-<key id>.txt`` in ``directory``, written whole (temp file + rename)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"checkpoint-{checkpoint.seq:012d}-{checkpoint.key_id}.txt"
    temporary = target.with_suffix(".tmp")
    temporary.write_text(line_of(checkpoint) + "\n", encoding="utf-8")
    os.replace(temporary, target)
    return target
