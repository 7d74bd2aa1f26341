"""Outgoing messages on the messaging platforms: retried, in order, emergency lines first.

A platform can refuse a message for a while (Telegram's 429 with `retry_after`, Slack's
`ratelimited` with `Retry-After`, Messenger's rate-limit codes) or fail for a moment (5xx, a
network error). Rasa's connectors send once: one refused message raised, and every later reply of
the turn was lost, emergency lines included. Here:

- `Sender.call` runs ONE platform API call (one message part) and retries it when the platform's
  own error says a retry can work: after the platform's retry-after when it gives one, otherwise
  with exponential backoff and jitter, within a time budget. Permanent errors (a 400, a blocked
  bot, a bad token) are not retried. Retrying the single call, not the whole reply, never sends
  a part twice.
- `send_turn` sends one turn's replies (after `reply_guard` collected them): the emergency lines
  first (`chat_render.is_emergency_reply`), then the rest in the bot's order. A reply that finally
  fails does not stop the others; a reply with buttons or a card that the platform refused as
  malformed is sent again as plain text; an emergency line that still fails is logged at ERROR.
  Replies to one recipient are sent one turn at a time (`InOrder`).
- Every final failure is logged with the platform and the error code only (never the text) and
  counted in `STATS`, which each connector's health route (`GET /webhooks/<platform>/`) shows.

Clock, sleep and jitter are injectable, so tests run the backoff without waiting.
"""
from __future__ import annotations

import asyncio
import copy
import logging
import random
import time
from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Hashable, List, Optional, TypeVar

from channels import chat_render

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """What a platform's error means for a retry. `reason` is a short code for the logs (an HTTP
    status, the platform's error code), never message text."""

    retry: bool
    reason: str
    wait_s: Optional[float] = None  # the platform's own "retry after", when it gave one


class SendFailed(Exception):
    """A platform call that did not succeed, after the retries its error allowed."""

    def __init__(self, platform: str, reason: str, permanent: bool, attempts: int) -> None:
        super().__init__(f"{platform} send failed: {reason} ({attempts} attempt(s))")
        self.platform = platform
        self.reason = reason
        self.permanent = permanent  # the platform refused this message; sending it again won't help
        self.attempts = attempts


@dataclass(frozen=True)
class Backoff:
    attempts: int = 6  # tries in all, the first one included
    first_s: float = 1.0
    factor: float = 2.0
    max_s: float = 20.0  # longest wait of our own choosing (a platform's retry-after may be longer)
    budget_s: float = 90.0  # most time one call may take, waits included


Classifier = Callable[[BaseException], Failure]


class SendStats:
    """Counts per platform: `retried` calls, `failed` replies, `emergency_failed` emergency lines
    that could not be delivered, `plain_fallback` replies sent again as plain text."""

    def __init__(self) -> None:
        self._counts: Counter = Counter()

    def add(self, platform: str, outcome: str) -> None:
        self._counts[(platform, outcome)] += 1

    def get(self, platform: str, outcome: str) -> int:
        return self._counts[(platform, outcome)]

    def snapshot(self, platform: Optional[str] = None) -> Dict[str, int]:
        return {
            (outcome if platform else f"{name}.{outcome}"): count
            for (name, outcome), count in sorted(self._counts.items())
            if platform is None or name == platform
        }


STATS = SendStats()


class Sender:
    """Runs platform API calls with the retries each error allows."""

    def __init__(
        self,
        platform: str,
        classify: Classifier,
        backoff: Optional[Backoff] = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        stats: SendStats = STATS,
    ) -> None:
        self.platform = platform
        self.classify = classify
        self.backoff = backoff or Backoff()
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self.stats = stats

    def _delay(self, attempt: int, failure: Failure) -> float:
        if failure.wait_s is not None:
            return max(0.0, float(failure.wait_s))
        own = min(self.backoff.max_s, self.backoff.first_s * self.backoff.factor ** (attempt - 1))
        return own * (0.5 + 0.5 * self._jitter())  # "equal jitter": never less than half

    async def call(self, make_call: Callable[[], Awaitable[T]], what: str = "send") -> T:
        """`make_call()` builds and awaits one API call; it is called again for each retry."""
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                return await make_call()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # classified below; the platform's error, not ours
                failure = self.classify(error)
                if not failure.retry:
                    raise SendFailed(self.platform, failure.reason, True, attempt) from error
                delay = self._delay(attempt, failure)
                spent = self._clock() - started
                if attempt >= self.backoff.attempts or spent + delay > self.backoff.budget_s:
                    raise SendFailed(self.platform, failure.reason, False, attempt) from error
                self.stats.add(self.platform, "retried")
                logger.info(
                    "%s %s: %s, retry %d/%d in %.1f s",
                    self.platform, what, failure.reason, attempt, self.backoff.attempts - 1, delay,
                )
                await self._sleep(delay)


class InOrder:
    """Work for one key runs one at a time, in the order it asked (asyncio locks are FIFO)."""

    def __init__(self) -> None:
        self._locks: Dict[Hashable, asyncio.Lock] = {}
        self._users: Counter = Counter()

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                self._locks.pop(key, None)

    def __len__(self) -> int:
        return len(self._locks)


_TURNS = InOrder()
RICH_KEYS = ("buttons", "quick_replies", "custom", "elements", "attachment", "image")


def emergency_first(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The emergency lines, then everything else, each group in the bot's order."""
    urgent = [reply for reply in replies if chat_render.is_emergency_reply(reply)]
    return urgent + [reply for reply in replies if not chat_render.is_emergency_reply(reply)]


async def send_turn(output: Any, recipient_id: str, replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Send one turn's replies through `output` (an OutputChannel); returns those not delivered."""
    platform = output.name() if hasattr(output, "name") else type(output).__name__
    undelivered: List[Dict[str, Any]] = []
    async with _TURNS.hold((platform, str(recipient_id))):
        for reply in emergency_first(replies):
            reply = {key: value for key, value in reply.items() if key != "recipient_id" and value is not None}
            emergency = chat_render.is_emergency_reply(reply)
            try:
                await output.send_response(recipient_id, copy.deepcopy(reply))  # Rasa pops its keys
                continue
            except Exception as error:
                reason = error.reason if isinstance(error, SendFailed) else type(error).__name__
                permanent = getattr(error, "permanent", False)
            plain = chat_render.plain_reply_text(reply)
            rich = any(key in reply for key in RICH_KEYS)
            fallback_ok = False
            if plain and (emergency or (permanent and rich)):
                # Refused as malformed (a bad markup, a block the platform rejects), or an
                # emergency line: one more try as plain text.
                try:
                    await output.send_text_message(recipient_id, plain)
                    fallback_ok = True
                    STATS.add(platform, "plain_fallback")
                except Exception as error:
                    reason = f"{reason}; plain text: " + (
                        error.reason if isinstance(error, SendFailed) else type(error).__name__
                    )
            if fallback_ok:
                logger.warning("%s reply sent as plain text after: %s", platform, reason)
                continue
            undelivered.append(reply)
            STATS.add(platform, "failed")
            if emergency:
                STATS.add(platform, "emergency_failed")
                logger.error("%s: an EMERGENCY reply could not be delivered (%s)", platform, reason)
            else:
                logger.warning("%s: a reply could not be delivered (%s)", platform, reason)
    return undelivered
