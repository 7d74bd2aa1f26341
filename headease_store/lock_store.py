"""A Redis lock store whose per-conversation lock is atomic across Rasa instances.

Rasa 3.6's `RedisLockStore` keeps a "ticket lock" as a JSON value that every instance updates by
read-modify-write (GET, add a ticket, SET) without a transaction. Two instances that receive
messages of the same conversation at the same moment can therefore both draw the same ticket and
run the two turns concurrently; the SQL tracker store then keeps only one turn's events. The
cluster load test saw exactly that (a message of a "double tap" missing from PostgreSQL). A ticket
also expires after 60 s even while its turn is still running under heavy load.

This store replaces the ticket with Redis' own lock (SET NX with a random token, released by a
compare-and-delete script; redis-py's asyncio `Lock`): one turn per conversation at a time, on any
instance. The lease is renewed while the turn runs; it is long (`LEASE_S`, 120 s) because the
renewal is a task on the Rasa server's event loop, which an overloaded server runs late (a 20 s
lease expired in the load test on a saturated 2-core machine). A crashed instance frees its
conversations when the lease runs out.

endpoints.cluster.yml: `lock_store: {type: headease_store.lock_store.HeadEaseRedisLockStore, ...}`
with the same keys as Rasa's `redis` lock store.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

LEASE_S = float(os.environ.get("HEADEASE_LOCK_LEASE_S") or 120)
# How long a message may wait for its conversation's previous turn before it fails (the channel's
# reply guard then answers with the safety fallback).
WAIT_LIMIT_S = float(os.environ.get("HEADEASE_LOCK_WAIT_S") or 300)
# Waiting turns poll Redis this often; every poll is a coroutine on the Rasa server, so not faster.
POLL_S = 0.1


class HeadEaseRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        import redis.asyncio

        connection = self.red.connection_pool.connection_kwargs
        self.async_red = redis.asyncio.StrictRedis(
            host=connection.get("host", "localhost"),
            port=connection.get("port", 6379),
            db=connection.get("db", 0),
            username=connection.get("username"),
            password=connection.get("password"),
            socket_timeout=connection.get("socket_timeout"),
            ssl=bool(kwargs.get("use_ssl")),
        )

    def _mutex_key(self, conversation_id: Text) -> str:
        return f"{self.key_prefix}mutex:{conversation_id}"

    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[None, None]:
        mutex = self.async_red.lock(
            self._mutex_key(conversation_id), timeout=LEASE_S, sleep=POLL_S, blocking_timeout=WAIT_LIMIT_S
        )
        if not await mutex.acquire():
            raise LockError(f"Could not acquire the lock for a conversation within {WAIT_LIMIT_S:.0f}s.")
        renewal = asyncio.create_task(self._renew(mutex))
        try:
            yield None
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
            try:
                await mutex.release()
            except Exception:  # lease lost (e.g. Redis restarted): the turn itself has finished
                logger.warning("conversation lock was no longer held when the turn finished")

    @staticmethod
    async def _renew(mutex: Any) -> None:
        from redis.exceptions import LockError as RedisLockError

        while True:
            await asyncio.sleep(LEASE_S / 3)
            try:
                await mutex.reacquire()
            except RedisLockError:  # the lease ran out first: the turn goes on, but say so
                logger.warning("conversation lock lease expired during a turn (server overloaded?)")
                return
