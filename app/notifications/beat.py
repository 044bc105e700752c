"""The beat scheduler: celery-redbeat (schedule and a lock in Redis) that outlives Redis.

RedBeat as shipped lets a Redis error escape ``tick`` (renewing the lock, reading the schedule),
which ends the beat process; and a Redis that restarts empty has lost the lock and the schedule
entries. Here a Redis error costs one tick: the beat drops the lock, waits, and when Redis
answers again takes the lock without blocking (or leaves it to the beat that got it first) and
reinstalls the schedule entries, keeping each entry's last run where Redis still has it.

RedBeat also writes the entries when the scheduler is created, before the first tick: a beat
started while Redis is down (or an embedded beat (``worker -B``) whose process gets there after
Redis went down) ended there, for good. Here the entries are written only by the beat that
holds the lock, on its first tick with it, so starting during an outage is one more tick
without Redis.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from redbeat.schedulers import LUA_EXTEND_TO_SCRIPT, RedBeatScheduler, get_redis
from redis.exceptions import LockError, RedisError

logger = logging.getLogger(__name__)


class LockedScheduler(RedBeatScheduler):
    """Sends only while it holds the Redis lock; survives Redis outages and restarts."""

    #: the schedule entries were written to Redis since this beat last took the lock
    installed = False

    def setup_schedule(self) -> None:
        """Nothing when the scheduler is created (Redis may be down): see ``_hold_lock``."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        try:
            if not self._hold_lock():
                return self.max_interval
            return super().tick(*args, **kwargs)
        except (RedisError, LockError) as exc:
            logger.warning("beat: Redis unavailable or lock lost (%s); sending nothing "
                           "until it is back", exc)
            self.lock = None
            self.installed = False
            return self.max_interval

    def _hold_lock(self) -> bool:
        """True while we hold the lock, the schedule entries written; otherwise one attempt to
        take it, without waiting. (RedBeat's ``beat_init`` handler may have taken it at start.)
        """
        if self.lock is None and not self._take_lock():
            return False
        if not self.installed:
            super().setup_schedule()  # Redis may have restarted empty: the entries are back
            self.installed = True
        return True

    def _take_lock(self) -> bool:
        client = get_redis(self.app)
        lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
        lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
        if not lock.acquire(blocking=False):
            return False
        logger.info("beat: Acquired lock")
        self.lock = lock
        self.installed = False
        return True

    def close(self) -> None:
        with contextlib.suppress(RedisError, LockError):
            super().close()
