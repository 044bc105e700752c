"""Channels: e-mail (SMTP, .eml files, or memory) and WhatsApp/SMS through an HTTP gateway.

A channel raises ``PermanentFailure`` when retrying cannot help (the address is refused) and
any other exception for a failure worth retrying.

Inside ``with reused_connections():`` (one delivery batch) the SMTP backend keeps one connection
open for all the messages sent in that block instead of one connection per message.
"""

from __future__ import annotations

import json
import os
import random
import smtplib
import ssl
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from flask import current_app

from app.db import utcnow
from app.notifications.models import Notification
from app.notifications.rendering import Rendered, render
from app.notifications.settings import setting

#: ``app.extensions`` key of the list the ``memory`` mail backend appends to
MAIL_OUTBOX = "sibantu.mail_outbox"
#: HTTP statuses from the gateway that are worth retrying
RETRYABLE_HTTP = {408, 425, 429}


class PermanentFailure(Exception):
    """Retrying will not help: the row goes straight to the dead-letter list."""


def send(notification: Notification) -> None:
    if notification.channel == "email":
        send_email(notification)
    elif notification.channel == "whatsapp":
        send_whatsapp(notification)
    # in-app rows are "sent" when written: the inbox reads them from the table


# --- e-mail ---------------------------------------------------------------------------------


#: headers whose values repeat from message to message: parsed (and folded) once per value
SHARED_HEADERS = frozenset({"from", "auto-submitted", "mime-version", "content-type",
                            "content-transfer-encoding", "content-disposition"})
_SHARED_LIMIT = 256


class _HeaderFactory(HeaderRegistry):
    """The stdlib registry, minus two costs that showed up per message: it builds a new header
    class with ``type()`` for every header set, and it parses again values that are the same in
    every message (``Content-Type: text/plain; charset="utf-8"``, the sender, …). Header
    objects are immutable, so one parsed object per such value is shared. Same classes, same
    parse trees, same output."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}
        self._shared: dict[tuple[str, str], Any] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._classes.get(key)
        if made is None:
            made = self._classes[key] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value: Any) -> Any:
        if type(value) is not str or name.lower() not in SHARED_HEADERS:
            return self[name](name, value)
        key = (name, value)
        header = self._shared.get(key)
        if header is None:
            header = self[name](name, value)
            # a multipart boundary is never the same twice; the limit is only a safety net
            if "boundary=" not in value and len(self._shared) < _SHARED_LIMIT:
                header.shared_source = value
                self._shared[key] = header
        return header


class _Policy(EmailPolicy):
    """``email.policy.default`` whose shared headers (above) are folded once per line format."""

    _folded: ClassVar[dict[tuple[Any, ...], str]] = {}

    def _fold(self, name: str, value: Any, refold_binary: bool = False) -> str:
        source = getattr(value, "shared_source", None)
        if source is None:
            return super()._fold(name, value, refold_binary)
        key = (name, value.name, source, self.linesep, self.max_line_length, self.utf8,
               self.cte_type)
        folded = self._folded.get(key)
        if folded is None:
            folded = super()._fold(name, value, refold_binary)
            if len(self._folded) < _SHARED_LIMIT * 4:
                self._folded[key] = folded
        return folded


#: the policy of the messages we build: ``email.policy.default``, made cheaper (see above)
POLICY = _Policy(header_factory=_HeaderFactory())


def message_id(notification: Notification) -> str:
    """Stable per row, so a receiving client can drop the duplicate of an at-least-once resend."""
    domain = _sender_domain(current_app.config["MAIL_DEFAULT_SENDER"])
    return f"<notification-{notification.id}@{domain}>"


@lru_cache(maxsize=32)
def _sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "sibantu.local"


def _boundary(*texts: str) -> str:
    """A MIME boundary as the generator makes one, but chosen here (the generator compiles a
    regular expression per message to check its own); never a line of the content."""
    while True:
        boundary = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
        if not any(boundary in text for text in texts):
            return boundary


def build_email(notification: Notification, rendered: Rendered) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["Subject"] = rendered.subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = notification.recipient_address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(notification)
    message["Auto-Submitted"] = "auto-generated"
    message["X-SIBANTU-Event"] = notification.event_key
    message.set_content(rendered.text)
    message.make_alternative(boundary=_boundary(rendered.text, rendered.html))
    message.add_alternative(rendered.html, subtype="html")
    return message


def send_email(notification: Notification) -> None:
    if not notification.recipient_address:
        raise PermanentFailure("no e-mail address")
    message = build_email(notification, render(notification))
    backend = current_app.config.get("MAIL_BACKEND", "smtp")
    {"smtp": _smtp_send, "file": _file_send, "memory": _memory_send}[backend](message)


class _SMTP(smtplib.SMTP):
    """``smtplib.SMTP`` that remembers whether the current message got past ``MAIL FROM``."""

    at_mail = False  # True while the MAIL command of a message is being sent or answered
    transactions = 0  # messages attempted on this connection

    def mail(self, sender: str, options: tuple[str, ...] = ()) -> tuple[int, bytes]:
        self.at_mail = True
        self.transactions += 1
        reply = super().mail(sender, options)
        self.at_mail = reply[0] == 421  # "closing": the server is dropping the connection
        return reply


def _connect() -> _SMTP:
    config = current_app.config
    smtp = _SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=setting("NOTIFY_SMTP_TIMEOUT"))
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        _quit_quietly(smtp)
        raise
    return smtp


class SMTPConnection:
    """One SMTP connection for the messages of a delivery batch: opened at the first message,
    opened again (once per message) when the server dropped it between two messages, closed
    with QUIT at the end of the batch."""

    def __init__(self) -> None:
        self.smtp: _SMTP | None = None
        self.opened = 0  # connections made (for logs and tests)

    def send(self, message: EmailMessage) -> None:
        if self.smtp is not None and self.smtp.sock is None:
            self.close()  # lost with an earlier message of the batch
        if self.smtp is not None:
            try:
                self._transmit(message)
                return
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPSenderRefused):
                # A reused connection that fails at MAIL FROM (closed, reset, or 421): the server
                # dropped it after the previous message. Nothing of this message reached DATA, so
                # it cannot have been accepted: send it again on a new connection (once).
                if not self._dropped_before_this_message():
                    raise
                self.close()
        self.smtp = _connect()
        self.opened += 1
        self._transmit(message)

    def _transmit(self, message: EmailMessage) -> None:
        assert self.smtp is not None
        try:
            _transmit(self.smtp, message)
        except BaseException as exc:
            # smtplib resets the transaction after a refusal (RSET) and closes the socket when
            # the server is gone; any other error leaves the connection in an unknown state
            if not self._usable_after_refusal(exc):
                self._drop_socket()
            raise

    def _dropped_before_this_message(self) -> bool:
        smtp = self.smtp
        return smtp is not None and smtp.at_mail and smtp.transactions > 1

    def _usable_after_refusal(self, exc: BaseException) -> bool:
        refusal = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, PermanentFailure)
        smtp = self.smtp
        return (smtp is not None and smtp.sock is not None and isinstance(exc, refusal)
                and not smtp.at_mail)

    def _drop_socket(self) -> None:
        """Close the socket but keep the object, so ``send`` can still ask how it failed."""
        if self.smtp is not None and self.smtp.sock is not None:
            self.smtp.close()

    def close(self) -> None:
        if self.smtp is not None:
            _quit_quietly(self.smtp)
            self.smtp = None


#: the SMTP connection of the delivery batch running in this context, if any
_CONNECTION: ContextVar[SMTPConnection | None] = ContextVar("sibantu_smtp_connection",
                                                            default=None)


@contextmanager
def reused_connections() -> Iterator[SMTPConnection]:
    """Send every SMTP message of this block over one connection (one delivery batch)."""
    connection = SMTPConnection()
    token = _CONNECTION.set(connection)
    try:
        yield connection
    finally:
        _CONNECTION.reset(token)
        connection.close()


def _smtp_send(message: EmailMessage) -> None:
    connection = _CONNECTION.get()
    if connection is not None:
        connection.send(message)
        return
    smtp = _connect()
    try:
        _transmit(smtp, message)
    finally:
        _quit_quietly(smtp)


def _transmit(smtp: smtplib.SMTP, message: EmailMessage) -> None:
    try:
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentFailure(f"recipient refused: {codes}") from exc
        raise
    except smtplib.SMTPDataError as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(f"message refused: {exc.smtp_code}") from exc
        raise


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    """The message is accepted at the DATA reply; a failing QUIT must not turn that into a retry."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _file_send(message: EmailMessage) -> None:
    """Development backend (``make run``): one .eml file per message in MAIL_FILE_DIR."""
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    number = message["Message-ID"].strip("<>").partition("@")[0]
    target = directory / f"{utcnow():%Y%m%dT%H%M%S}-{number}.eml"
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(message.as_bytes())
    os.replace(temporary, target)


def _memory_send(message: EmailMessage) -> None:
    """Test backend: messages are appended to ``app.extensions[MAIL_OUTBOX]``."""
    current_app.extensions.setdefault(MAIL_OUTBOX, []).append(message)


# --- WhatsApp / SMS gateway -----------------------------------------------------------------


def normalise_phone(phone: str) -> str:
    """``0812-3456-7890`` / ``+62 812…`` → ``6281234567890`` (digits, country code 62)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def gateway_payload(notification: Notification, rendered: Rendered) -> dict[str, str]:
    text = f"{rendered.subject}\n\n{rendered.summary}"
    if rendered.link:
        text += f"\n\n{rendered.link}"
    return {
        "to": normalise_phone(notification.recipient_address or ""),
        "message": text,
        "reference": f"sibantu-notification-{notification.id}",
        "template": notification.template,
        "language": notification.language,
    }


def send_whatsapp(notification: Notification) -> None:
    url = current_app.config.get("WA_GATEWAY_URL")
    if not url or not url.startswith(("http://", "https://")):
        raise RuntimeError("WA_GATEWAY_URL is not configured")
    if not notification.recipient_address:
        raise PermanentFailure("no phone number")
    payload = gateway_payload(notification, render(notification, html=False))
    _post_json(url, payload, reference=payload["reference"])


def _post_json(url: str, payload: dict[str, str], *, reference: str) -> None:
    headers = {"Content-Type": "application/json", "Idempotency-Key": reference}
    token = current_app.config.get("WA_GATEWAY_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(payload).encode()
    # the scheme is checked in send_whatsapp (http/https only)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=setting("NOTIFY_HTTP_TIMEOUT")):  # noqa: S310
            return
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500 and exc.code not in RETRYABLE_HTTP:
            raise PermanentFailure(f"gateway refused the message: HTTP {exc.code}") from exc
        raise
