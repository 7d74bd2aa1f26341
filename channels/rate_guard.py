"""Per-sender rate guard in the Rasa server, for deployments without nginx in front.

nginx (cluster/nginx_conf.py) limits requests per client address and per sender before they
reach Rasa. Without it (`make run` on a public address, a platform webhook reaching Rasa
directly) one sender could still keep a Rasa server busy. Every channel hands its messages to
`reply_guard.guarded`, which asks this guard first: a sender over its rate is answered at once,
without the message being read or stored (HTTP 429 on REST and voice; on the chat apps and the
widget one friendly notice per pause, never one per flooded message).

A token bucket per (channel, sender): `burst` messages at once, refilled at `per_minute`. The
defaults (30 a minute, bursts of 10) sit far above a person typing, who sends a message every few
seconds at most, and tapping through quick replies stays within the burst.

Off unless `HEADEASE_SENDER_RATE_PER_MIN` is set (scripts/env.sh sets it for `make run`,
cluster/run_cluster.py and docker-compose.yml for the cluster): test harnesses and the benchmark
drive one conversation much faster than a person can. `HEADEASE_SENDER_BURST` sets the burst.
Counts are per process: behind a round-robin proxy each Rasa server sees its share.
"""
from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Hashable, Optional

DEFAULT_PER_MINUTE = 30.0
DEFAULT_BURST = 10
# Senders tracked at once; the least recently seen is forgotten first (forgetting one only lets
# it start again with a full bucket).
MAX_SENDERS = 100_000


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: float = 0.0
    # The first refusal since this sender was last allowed (chat apps get one notice per pause).
    first_refusal: bool = False


class SenderRateGuard:
    def __init__(self, per_minute: float = DEFAULT_PER_MINUTE, burst: int = DEFAULT_BURST,
                 max_senders: int = MAX_SENDERS, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute must be > 0 and burst >= 1")
        self.rate_per_s = per_minute / 60.0
        self.capacity = float(burst)
        self.max_senders = max_senders
        self._clock = clock
        # key -> [tokens, last refill time, refused since last allowed]
        self._buckets: "OrderedDict[Hashable, list]" = OrderedDict()
        self._mutex = threading.Lock()

    def check(self, channel: str, sender: str) -> Decision:
        """Take one message from (channel, sender)'s bucket, or say how long to wait."""
        key = (channel, sender)
        now = self._clock()
        with self._mutex:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = [self.capacity, now, False]
                while len(self._buckets) > self.max_senders:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(key)
                bucket[0] = min(self.capacity, bucket[0] + (now - bucket[1]) * self.rate_per_s)
                bucket[1] = now
            if bucket[0] >= 1.0:
                bucket[0] -= 1.0
                bucket[2] = False
                return Decision(True)
            first = not bucket[2]
            bucket[2] = True
            wait = (1.0 - bucket[0]) / self.rate_per_s
            return Decision(False, retry_after_s=math.ceil(wait), first_refusal=first)


def from_env(environ: Optional[dict] = None) -> Optional[SenderRateGuard]:
    """The guard configured by HEADEASE_SENDER_RATE_PER_MIN / HEADEASE_SENDER_BURST, or None (off)."""
    environ = os.environ if environ is None else environ
    rate = (environ.get("HEADEASE_SENDER_RATE_PER_MIN") or "").strip()
    if not rate or float(rate) <= 0:
        return None
    burst = (environ.get("HEADEASE_SENDER_BURST") or "").strip()
    return SenderRateGuard(float(rate), int(burst) if burst else DEFAULT_BURST)


_shared: Optional[SenderRateGuard] = None
_shared_loaded = False
_shared_mutex = threading.Lock()


def shared() -> Optional[SenderRateGuard]:
    """The process's guard (read from the environment once), shared by every channel."""
    global _shared, _shared_loaded
    with _shared_mutex:
        if not _shared_loaded:
            _shared = from_env()
            _shared_loaded = True
        return _shared
