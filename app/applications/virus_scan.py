"""An optional virus scan of uploads by ClamAV's daemon (clamd), when ``CLAMD_SOCKET`` is set.

The bytes are streamed with clamd's ``INSTREAM`` command over its Unix socket (a path) or TCP
(``tcp://host:port``): a length-prefixed chunk at a time, then a zero-length chunk; clamd answers
``stream: OK`` or ``stream: <signature> FOUND``. The protocol is a few lines, documented in
clamd(8); the Python wrappers on PyPI (clamd, pyclamd) are unmaintained, so it is spoken here.

``scan`` returns the signature's name for an infected file and None for a clean one. A clamd
that cannot be reached or answers with an error raises ``ScannerUnavailable``: the caller
(app/applications/documents.py) then keeps the upload as *pending* and the rescan sweep checks
it when clamd is back.
"""

from __future__ import annotations

import socket
import struct

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be asked, or did not give a verdict."""


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


def scan(content: bytes, address: str, *, timeout: float = 30.0) -> str | None:
    """The signature clamd found in ``content``, or None when it found nothing."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            view = memoryview(content)
            for start in range(0, len(view), CHUNK):
                part = view[start:start + CHUNK]
                sock.sendall(struct.pack(">I", len(part)) + part)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                received = sock.recv(4096)
                if not received:
                    break
                reply += received
    except (OSError, ValueError) as exc:
        raise ScannerUnavailable(f"clamd at {address}: {exc}") from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    verdict = answer.partition(": ")[2] if answer.startswith("stream:") else answer
    if verdict == "OK":
        return None
    if verdict.endswith(" FOUND"):
        return verdict.removesuffix(" FOUND").strip() or "unknown"
    raise ScannerUnavailable(f"clamd at {address} answered {answer!r}")
