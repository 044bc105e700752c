"""argon2id password hashing with parameters from the configuration.

The parameters are one of OWASP's recommended argon2id sets (Password Storage Cheat Sheet), which
give the same protection and trade memory for passes. ``flask accounts calibrate-hash`` measures
them on the host and picks one (see ``calibrate``); a hash made with other parameters is redone at
the holder's next successful login (``needs_rehash``), so a change reaches every account that is
used.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context


@dataclass(frozen=True, order=True)
class HashParams:
    """argon2id cost: memory in KiB, passes, lanes; written ``m=19456,t=2,p=1`` like a PHC hash."""

    memory_kib: int
    time_cost: int
    parallelism: int

    def __str__(self) -> str:
        return f"m={self.memory_kib},t={self.time_cost},p={self.parallelism}"

    @classmethod
    def parse(cls, text: str) -> HashParams:
        try:
            fields = dict(part.strip().split("=", 1) for part in text.split(","))
            params = cls(int(fields["m"]), int(fields["t"]), int(fields["p"]))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"argon2 parameters must look like m=19456,t=2,p=1: {text!r}") from exc
        if params.memory_kib < MIN_MEMORY_KIB or params.time_cost < 1 or params.parallelism < 1:
            raise ValueError(f"argon2 parameters below OWASP's weakest recommended set: {text!r}")
        return params


#: OWASP's recommended argon2id sets, all of equal strength (memory × passes), p = 1
OWASP_SETS = (
    HashParams(47104, 1, 1),
    HashParams(19456, 2, 1),
    HashParams(12288, 3, 1),
    HashParams(9216, 4, 1),
    HashParams(7168, 5, 1),
)
DEFAULT = HashParams(19456, 2, 1)
MIN_MEMORY_KIB = 7168
CONFIG_KEY = "PASSWORD_HASH_PARAMS"
#: timings this close to the quickest count as a tie (a shared host's noise)
NEAR_TIE = 1.1


@lru_cache(maxsize=8)
def _hasher(params: HashParams) -> PasswordHasher:
    return PasswordHasher(time_cost=params.time_cost, memory_cost=params.memory_kib,
                          parallelism=params.parallelism, type=Type.ID)


@lru_cache(maxsize=8)
def _dummy_hash(params: HashParams) -> str:
    """Verified against when the e-mail is unknown, so both paths cost the same (no user
    enumeration): made with the current parameters, like the accounts' hashes."""
    return _hasher(params).hash("sibantu-dummy-password")


def current_params() -> HashParams:
    if not has_app_context():
        return DEFAULT
    return configured_params(current_app.config)


def configured_params(config) -> HashParams:
    value = config.get(CONFIG_KEY) or DEFAULT
    return value if isinstance(value, HashParams) else HashParams.parse(str(value))


def hash_password(password: str) -> str:
    return _hasher(current_params()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher(current_params())
    try:
        return hasher.verify(password_hash or _dummy_hash(current_params()), password) and (
            password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher(current_params()).check_needs_rehash(password_hash)


def time_hash(params: HashParams, rounds: int = 5) -> float:
    """Median seconds of one verification with ``params`` on this host (one warm-up first)."""
    hasher = _hasher(params)
    stored = hasher.hash("calibration-password")
    timings = []
    for _ in range(rounds + 1):
        started = time.perf_counter()
        hasher.verify(stored, "calibration-password")
        timings.append(time.perf_counter() - started)
    return statistics.median(timings[1:])


def calibrate(
    max_seconds: float, rounds: int = 5
) -> tuple[HashParams | None, dict[HashParams, float]]:
    """Time every OWASP set here and pick the quickest within ``max_seconds``.

    The sets are equally strong, so the quickest costs the least CPU per login, which is what a
    burst of logins on few cores waits on; among sets within ``NEAR_TIE`` of the quickest, the
    one with the most memory (the cost an attacker's GPU pays). None when no set fits."""
    timings = {params: time_hash(params, rounds) for params in OWASP_SETS}
    fitting = [p for p, seconds in timings.items() if seconds <= max_seconds]
    if not fitting:
        return None, timings
    quickest = min(timings[p] for p in fitting)
    near = [p for p in fitting if timings[p] <= quickest * NEAR_TIE]
    return max(near, key=lambda p: p.memory_kib), timings
