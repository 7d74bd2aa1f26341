"""A Redis lock store whose per-conversation lock is atomic across Rasa instances.

Rasa 3.6's `RedisLockStore` keeps a "ticket lock" as a JSON value that every instance updates by
read-modify-write (GET, add a ticket, SET) without a transaction. Two instances that receive
messages of the same conversation at the same moment can therefore both draw the same ticket and
run the two turns concurrently; the SQL tracker store then keeps only one turn's events. The
cluster load test saw exactly that (a message of a "double tap" missing from PostgreSQL).

This store holds one Redis key per conversation instead: taken with `SET NX PX` and a random
token, released by a compare-and-delete script, so one turn per conversation runs at a time on
any instance.

The lease is short (`LEASE_S`, 10 s) so that the conversations of an instance that dies
(`kill -9`, a crashed container) are free again within seconds and their messages can be sent
again to the survivor. A live instance keeps its leases from a thread (`_LeaseKeeper`, every
quarter lease), not from a task on the server's event loop: an overloaded server runs its tasks
late (a 20 s lease renewed on the event loop expired in the load test on a saturated 2-core
machine), but a thread still gets its turn. A lease can still be lost - Redis restarted (it keeps
no data), or the renewal failed for a whole lease - and is then logged; the tracker store refuses
a turn that would interleave with another (headease_store/tracker_store.py), so a lost lease
costs at most one "please send that again".

While Redis is unreachable, taking a lock fails at once (a refused connection, within
`CONNECT_TIMEOUT_S` when nothing answers at all) and the channels' reply guard answers with the
outage message; the first message after Redis is back takes its lock normally (redis-py replaces
a pooled connection that died with the restart; a command cut off mid-way is tried once more).

endpoints.cluster.yml: `lock_store: {type: headease_store.lock_store.HeadEaseRedisLockStore, ...}`
with the same keys as Rasa's `redis` lock store.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import threading
import time
from typing import Any, AsyncGenerator, Dict, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

LEASE_S = float(os.environ.get("HEADEASE_LOCK_LEASE_S") or 10)
# How long a message may wait for its conversation's previous turn before it fails (the channel's
# reply guard then answers with the safety fallback).
WAIT_LIMIT_S = float(os.environ.get("HEADEASE_LOCK_WAIT_S") or 300)
# Waiting turns poll Redis this often; every poll is a coroutine on the Rasa server, so not faster.
POLL_S = 0.1
# Seconds to wait for a new connection to Redis before the turn fails.
CONNECT_TIMEOUT_S = 2.0

# Delete / extend the key only while it still holds our token (another holder's lock is untouched).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"


def _lease_ms() -> int:
    return max(1, int(LEASE_S * 1000))


def _client_options(connection: Dict[str, Any], use_ssl: bool) -> Dict[str, Any]:
    from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError

    return dict(
        host=connection.get("host", "localhost"),
        port=connection.get("port", 6379),
        db=connection.get("db", 0),
        username=connection.get("username"),
        password=connection.get("password"),
        socket_timeout=connection.get("socket_timeout"),
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        ssl=use_ssl,
        # A command cut off by a dropped connection is tried once more, on a new connection.
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )


class _LeaseKeeper:
    """Extends the leases this process holds, from a daemon thread (every quarter lease)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._held: Dict[str, str] = {}
        self._mutex = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        self._last_error_log = 0.0

    def hold(self, key: str, token: str) -> None:
        with self._mutex:
            self._held[key] = token
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="headease-lock-leases", daemon=True)
                self._thread.start()

    def drop(self, key: str) -> None:
        with self._mutex:
            self._held.pop(key, None)

    def _run(self) -> None:
        from redis.exceptions import RedisError

        while True:
            time.sleep(LEASE_S / 4)
            with self._mutex:
                held = list(self._held.items())
            for key, token in held:
                try:
                    renewed = self._client.eval(_RENEW, 1, key, token, _lease_ms())
                except RedisError as error:
                    now = time.monotonic()
                    if now - self._last_error_log > LEASE_S:
                        self._last_error_log = now
                        logger.warning("could not renew conversation locks (%s)", type(error).__name__)
                    continue
                if not renewed:
                    with self._mutex:
                        lost = self._held.get(key) == token
                        if lost:
                            del self._held[key]
                    if lost:
                        logger.warning("conversation lock lease expired during a turn (Redis restarted or overloaded?)")


class HeadEaseRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        import redis
        import redis.asyncio
        from redis.asyncio.retry import Retry as AsyncRetry
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        options = _client_options(self.red.connection_pool.connection_kwargs, bool(kwargs.get("use_ssl")))
        self.async_red = redis.asyncio.StrictRedis(retry=AsyncRetry(NoBackoff(), 1), **options)
        self._leases = _LeaseKeeper(redis.StrictRedis(retry=Retry(NoBackoff(), 1), **options))

    def _mutex_key(self, conversation_id: Text) -> str:
        return f"{self.key_prefix}mutex:{conversation_id}"

    async def ping(self) -> None:
        """Raise unless Redis answers (readiness check)."""
        await self.async_red.ping()

    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[None, None]:
        key = self._mutex_key(conversation_id)
        token = secrets.token_hex(16)
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not await self.async_red.set(key, token, nx=True, px=_lease_ms()):
            if time.monotonic() > deadline:
                raise LockError(f"Could not acquire the lock for a conversation within {WAIT_LIMIT_S:.0f}s.")
            await asyncio.sleep(POLL_S)
        self._leases.hold(key, token)
        try:
            yield None
        finally:
            self._leases.drop(key)
            try:
                released = await self.async_red.eval(_RELEASE, 1, key, token)
            except Exception as error:  # Redis unreachable: the lease runs out by itself
                logger.warning("could not release a conversation lock (%s)", type(error).__name__)
            else:
                if not released:  # lease lost (e.g. Redis restarted): the turn itself has finished
                    logger.warning("conversation lock was no longer held when the turn finished")
