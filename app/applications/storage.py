"""Where a document's bytes live, behind one small interface: put, get, stream, delete.

``DOCUMENT_STORAGE=db`` (the default, production and ``make run`` alike) keeps the bytes in the
``document_blobs`` table, written in the caller's transaction: every web host sees them and a
request that rolls back leaves nothing behind. ``DOCUMENT_STORAGE=folder`` keeps them under
``UPLOAD_DIR`` on the local disk, as before; it is for one host only, and a rollback after
``put`` leaves an orphan file there. ``flask documents migrate --to db`` moves one to the other.

Neither backend commits: the request (or the CLI command) does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from flask import current_app

from app.applications.models import DocumentBlob
from app.extensions import db

#: bytes per chunk of a streamed download
CHUNK_SIZE = 256 * 1024
BACKENDS = ("db", "folder")


class MissingContent(LookupError):
    """The store holds no bytes under this key."""


class DocumentStore(Protocol):
    name: str

    def put(self, key: str, content: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def stream(self, key: str) -> Iterator[bytes]:
        """The bytes in chunks; raises ``MissingContent`` at once (before a response starts)."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


class DatabaseStore:
    """Bytes in ``document_blobs``; needs the ``documents`` row flushed first (foreign key)."""

    name = "db"

    def put(self, key: str, content: bytes) -> None:
        # a Core insert: the bytes go straight to the database, not into the identity map
        db.session.execute(sa.insert(DocumentBlob).values(storage_key=key, content=content))

    def get(self, key: str) -> bytes:
        content = db.session.scalar(
            sa.select(DocumentBlob.content).where(DocumentBlob.storage_key == key)
        )
        if content is None:
            raise MissingContent(key)
        return bytes(content)

    def _slice(self, key: str, offset: int) -> bytes | None:
        piece = db.session.scalar(
            sa.select(sa.func.substr(DocumentBlob.content, offset + 1, CHUNK_SIZE))
            .where(DocumentBlob.storage_key == key)
        )
        return None if piece is None else bytes(piece)

    def stream(self, key: str) -> Iterator[bytes]:
        first = self._slice(key, 0)
        if first is None:
            raise MissingContent(key)
        return chain((first,), self._rest(key, first))

    def _rest(self, key: str, first: bytes) -> Iterator[bytes]:
        offset, piece = len(first), first
        while len(piece) == CHUNK_SIZE:
            piece = self._slice(key, offset) or b""
            offset += len(piece)
            if piece:
                yield piece

    def exists(self, key: str) -> bool:
        return db.session.scalar(
            sa.select(sa.literal(True)).where(DocumentBlob.storage_key == key)
        ) is not None

    def delete(self, key: str) -> None:
        db.session.execute(sa.delete(DocumentBlob).where(DocumentBlob.storage_key == key))


class FolderStore:
    """Bytes in files under ``root``/<first two key characters>/<key> (one host only)."""

    name = "folder"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not key.isalnum():
            raise MissingContent(key)
        return self.root / key[:2] / key

    def put(self, key: str, content: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # written whole under a temporary name, then renamed: a reader never sees half a file
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise MissingContent(key) from None

    def stream(self, key: str) -> Iterator[bytes]:
        try:
            handle = self.path(key).open("rb")
        except FileNotFoundError:
            raise MissingContent(key) from None
        return self._chunks(handle)

    @staticmethod
    def _chunks(handle) -> Iterator[bytes]:
        with handle:
            while piece := handle.read(CHUNK_SIZE):
                yield piece

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def backend(name: str) -> DocumentStore:
    if name == "db":
        return DatabaseStore()
    if name == "folder":
        return FolderStore(current_app.config["UPLOAD_DIR"])
    raise ValueError(f"DOCUMENT_STORAGE must be one of {BACKENDS}, not {name!r}")


def store() -> DocumentStore:
    """The configured store (``DOCUMENT_STORAGE``)."""
    return backend(current_app.config.get("DOCUMENT_STORAGE", "db"))
