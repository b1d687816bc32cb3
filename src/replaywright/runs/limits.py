"""Limits shared by every worker, held in Redis.

- **Per-site slots** (`--per-site N`): at most N runs against one host at a time, across all
  workers and machines.
- **The first-run gate**: while a flow has never passed on this cache, its runs go one at a
  time, so the first run resolves and writes the cache and the others replay it instead of
  all paying for the same resolver calls at once.

Both are counting semaphores: a sorted set per key whose members are run ids, scored by
when their lease runs out (Redis server time, so machines' clocks do not matter). A holder
renews its lease while it runs; a worker killed mid-run stops renewing and its slot frees
itself after one lease. The run that held a slot can take it again at once (a re-delivered
run does not wait for its own dead attempt).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

ACQUIRE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ms + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
  return 1
end
return 0
"""
RENEW = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local done = redis.call('ZADD', KEYS[1], 'XX', 'CH', ms + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return done
"""
PREFIX = "replaywright:"
WARM_SECONDS = 24 * 3600  # how long "this flow has passed on this cache" is believed


class Limits:
    """Per-site slots and the first-run gate on one Redis server."""

    def __init__(self, redis_url: str, lease: float = 30.0, poll: float = 0.1) -> None:
        import redis

        self.redis = redis.Redis.from_url(redis_url)
        self.lease_ms = int(lease * 1000)
        self.poll = poll
        self._acquire = self.redis.register_script(ACQUIRE)
        self._renew = self.redis.register_script(RENEW)

    @contextmanager
    def slot(self, key: str, limit: int, member: str) -> Iterator[None]:
        """Hold one of `limit` slots of `key` as `member`, waiting for one to free up."""
        while not self._take(key, limit, member):
            time.sleep(self.poll)
        with self._held(key, member):
            yield

    def _take(self, key: str, limit: int, member: str) -> bool:
        return bool(self._acquire(keys=[PREFIX + key], args=[limit, member, self.lease_ms]))

    @contextmanager
    def _held(self, key: str, member: str) -> Iterator[None]:
        """Renew `member`'s lease while the body runs; free the slot afterwards."""
        key = PREFIX + key
        stop = threading.Event()
        keeper = threading.Thread(target=self._keep, args=(key, member, stop), daemon=True,
                                  name=f"lease {key}")
        keeper.start()
        try:
            yield
        finally:
            stop.set()
            keeper.join()
            self.redis.zrem(key, member)

    def _keep(self, key: str, member: str, stop: threading.Event) -> None:
        while not stop.wait(self.lease_ms / 3000):
            try:
                self._renew(keys=[key], args=[member, self.lease_ms])
            except Exception:  # Redis away for a moment: the next renewal tries again
                continue

    def site(self, host: str, per_site: int | None, run_id: str) -> Any:
        """At most `per_site` runs on `host` at once (no limit when None or no host)."""
        if not per_site or not host:
            return nullcontext()
        return self.slot(f"site:{host}", per_site, run_id)

    @contextmanager
    def first_run(self, flow_key: str, run_id: str) -> Iterator[None]:
        """Runs of a flow that has not yet passed on this cache go one at a time; once one
        has passed, the others stop waiting and run side by side."""
        while not self.warm(flow_key):
            if self._take(f"first:{flow_key}", 1, run_id):
                with self._held(f"first:{flow_key}", run_id):
                    yield
                return
            time.sleep(self.poll)
        yield

    def warm(self, flow_key: str) -> bool:
        return bool(self.redis.exists(f"{PREFIX}warm:{flow_key}"))

    def mark_warm(self, flow_key: str) -> None:
        self.redis.set(f"{PREFIX}warm:{flow_key}", "1", ex=WARM_SECONDS)

    def close(self) -> None:
        self.redis.close()


def flow_key(org: str, cache: str | None, flow_text: str) -> str:
    """Identifies "this flow, as written, on this cache" for the first-run gate."""
    return hashlib.sha256(f"{org}\0{cache or ''}\0{flow_text}".encode()).hexdigest()[:24]
