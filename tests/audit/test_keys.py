"""Checkpoint keys: configuration, the instance fallback, production strictness, keygen."""

from __future__ import annotations

import base64
import stat

import pytest

from app.audit import keys


def test_generated_pair_signs_and_verifies():
    private, public = keys.generate_keypair()
    raw_private = keys.decode_key(private, "private")
    pinned = keys.parse_public_keys(public)
    (key_id, public_key), = pinned.items()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signature = Ed25519PrivateKey.from_private_bytes(raw_private).sign(b"m")
    public_key.verify(signature, b"m")
    assert len(key_id) == 16 and int(key_id, 16) >= 0


def test_decode_accepts_urlsafe_and_unpadded_but_only_32_bytes():
    raw = bytes(range(200, 232))
    urlsafe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert keys.decode_key(urlsafe, "k") == raw
    with pytest.raises(keys.AuditKeyError):
        keys.decode_key(base64.b64encode(b"short").decode(), "k")
    with pytest.raises(keys.AuditKeyError):
        keys.decode_key("not base64!", "k")


def test_instance_key_is_created_once_private_and_stable(tmp_path):
    first = keys.instance_signing_key(tmp_path)
    assert keys.instance_signing_key(tmp_path) == first
    mode = stat.S_IMODE((tmp_path / keys.INSTANCE_FILE).stat().st_mode)
    assert mode == 0o600
    assert len(keys.decode_key(first, "instance")) == 32


def test_embedded_default_falls_back_to_the_instance_key(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY", None)
    monkeypatch.setitem(app.config, "AUDIT_PUBLIC_KEY", None)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    with app.app_context():
        key_id = keys.key_id(keys.signing_key().public_key())
        assert list(keys.public_keys()) == [key_id]
    assert (tmp_path / keys.INSTANCE_FILE).exists()


def test_production_refuses_to_invent_a_key(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY", None)
    monkeypatch.setitem(app.config, "PROFILE", "production")
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    with app.app_context(), pytest.raises(keys.AuditKeyError):
        keys.signing_key()


def test_keygen_prints_a_usable_pair(app):
    result = app.test_cli_runner().invoke(args=["audit", "keygen"])
    assert result.exit_code == 0
    lines = dict(line.split("=", 1) for line in result.output.splitlines() if "=" in line
                 and not line.startswith("#"))
    assert len(keys.decode_key(lines["AUDIT_SIGNING_KEY"], "s")) == 32
    assert len(keys.parse_public_keys(lines["AUDIT_PUBLIC_KEY"])) == 1
