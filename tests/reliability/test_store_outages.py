"""The conversation stores through restarts, on a real PostgreSQL and Redis (no Rasa server):
errors while a store is away, the first use after it returns works, turns never interleave, a
crashed holder's lock is free again within one lease, a live holder's is not lost."""
import asyncio
import os
import subprocess
import sys
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from cluster.services import Postgres, Redis
from headease_store import lock_store as lock_module
from headease_store.errors import ConcurrentTurnError, is_store_outage
from headease_store.lock_store import HeadEaseRedisLockStore
from headease_store.tracker_store import HeadEaseSQLTrackerStore

pytestmark = pytest.mark.services

DOMAIN = Domain.load("domain.yml")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def pg():
    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis_server():
    server = Redis().start()
    yield server
    server.stop()


def tracker_store(pg):
    """One store object per Rasa server."""
    return HeadEaseSQLTrackerStore(domain=DOMAIN, dialect="postgresql", host="127.0.0.1", port=pg.port,
                                   db=pg.database, username=pg.user, login_db="postgres")


def turn(tracker, text):
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_ok"))
    tracker.update(BotUttered("ok"))
    tracker.update(ActionExecuted("action_listen"))


def user_texts(pg, sender):
    rows = pg.sql(f"SELECT data FROM events WHERE sender_id = '{sender}' AND type_name = 'user' ORDER BY id")
    import json

    return [json.loads(r[0])["text"] for r in rows]


def test_postgresql_restart_fails_turns_while_away_and_the_first_one_after_works(pg):
    store, quiet = tracker_store(pg), tracker_store(pg)
    tracker = asyncio.run(store.get_or_create_tracker("restart"))
    turn(tracker, "before")
    asyncio.run(store.save(tracker))
    assert asyncio.run(quiet.retrieve("restart")) is not None  # a server with no traffic during the restart
    pg.stop_server()
    try:
        with pytest.raises(Exception) as away:
            asyncio.run(store.retrieve("restart"))
        assert is_store_outage(away.value)
        turn(tracker, "my face has gone numb")
        with pytest.raises(Exception) as saving:
            asyncio.run(store.save(tracker))
        assert is_store_outage(saving.value)
        assert "numb" not in str(saving.value)  # statement data is hidden from errors (and logs)
    finally:
        pg.start_server()
    # The pooled connections died with the server: the first use after the restart still works,
    # also on the server that had no message meanwhile (its pool never saw the error).
    assert asyncio.run(quiet.retrieve("restart")) is not None
    again = asyncio.run(store.retrieve("restart"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["before"]
    turn(again, "after")
    asyncio.run(store.save(again))
    assert user_texts(pg, "restart") == ["before", "after"]
    assert store.ping() is None


def test_a_turn_that_read_the_conversation_before_another_was_saved_is_refused(pg):
    first_server, second_server = tracker_store(pg), tracker_store(pg)
    tracker = asyncio.run(first_server.get_or_create_tracker("race"))
    turn(tracker, "hello")
    asyncio.run(first_server.save(tracker))
    # Both servers read the conversation (their Redis lock was lost), both run a turn.
    a = asyncio.run(first_server.retrieve("race"))
    b = asyncio.run(second_server.retrieve("race"))
    turn(a, "first")
    turn(b, "second")
    asyncio.run(first_server.save(a))
    with pytest.raises(ConcurrentTurnError) as refused:
        asyncio.run(second_server.save(b))
    assert is_store_outage(refused.value)
    assert user_texts(pg, "race") == ["hello", "first"]  # nothing interleaved, nothing half-written
    # The refused message is sent again and goes through on a fresh read.
    c = asyncio.run(second_server.retrieve("race"))
    turn(c, "second")
    asyncio.run(second_server.save(c))
    assert user_texts(pg, "race") == ["hello", "first", "second"]


def test_two_first_messages_of_a_new_conversation_cannot_both_start_it(pg):
    first_server, second_server = tracker_store(pg), tracker_store(pg)
    a = asyncio.run(first_server.get_or_create_tracker("fresh", append_action_listen=False))
    b = asyncio.run(second_server.get_or_create_tracker("fresh", append_action_listen=False))
    turn(a, "hi")
    turn(b, "hello")
    asyncio.run(first_server.save(a))
    with pytest.raises(ConcurrentTurnError):
        asyncio.run(second_server.save(b))
    assert user_texts(pg, "fresh") == ["hi"]


def locks(redis_server, count=1):
    return [HeadEaseRedisLockStore(host="127.0.0.1", port=redis_server.port, db=0, key_prefix="outage")
            for _ in range(count)]


HOLD_AND_DIE = """
import asyncio, os, sys
os.environ["HEADEASE_LOCK_LEASE_S"] = "1"
from headease_store.lock_store import HeadEaseRedisLockStore
store = HeadEaseRedisLockStore(host="127.0.0.1", port=int(sys.argv[1]), db=0, key_prefix="outage")
async def hold():
    async with store.lock("crashed"):
        print("held", flush=True)
        await asyncio.sleep(3600)
asyncio.run(hold())
"""


def test_a_crashed_servers_conversation_is_free_again_within_its_lease(redis_server, monkeypatch):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_DIE, str(redis_server.port)], cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        store = locks(redis_server)[0]
        assert store.red.exists(store._mutex_key("crashed"))
    finally:
        holder.kill()  # SIGKILL: no release
        holder.wait()
    monkeypatch.setattr(lock_module, "WAIT_LIMIT_S", 15.0)  # a lock never freed fails here, it does not hang

    async def take():
        async with store.lock("crashed"):
            return True

    assert asyncio.run(take())


def test_a_live_holder_keeps_its_lock_while_its_event_loop_is_blocked(redis_server, monkeypatch):
    monkeypatch.setattr(lock_module, "LEASE_S", 0.6)
    holder, other = locks(redis_server, 2)

    async def scenario():
        async with holder.lock("busy"):
            time.sleep(2.0)  # the server's event loop is stuck for over three leases
            monkeypatch.setattr(lock_module, "WAIT_LIMIT_S", 0.3)
            with pytest.raises(lock_module.LockError):
                async with other.lock("busy"):
                    pass
        monkeypatch.setattr(lock_module, "WAIT_LIMIT_S", 5.0)
        async with other.lock("busy"):
            return True

    assert asyncio.run(scenario())


def test_redis_restart_fails_locks_while_away_and_the_first_one_after_works(redis_server, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    monkeypatch.setattr(lock_module, "WAIT_LIMIT_S", 30.0)
    store = locks(redis_server)[0]

    async def one(name):
        async with store.lock(name):
            return True

    async def scenario():  # one event loop, as in the server
        assert await one("before")  # leaves a pooled connection that the restart kills
        await asyncio.to_thread(redis_server.stop)
        try:
            # Refused by the unreachable server (not a lock wait running out), so answered at once.
            with pytest.raises(RedisConnectionError) as away:
                await one("during")
            assert is_store_outage(away.value)
        finally:
            await asyncio.to_thread(redis_server.start)
        assert await one("after")
        await store.ping()

    asyncio.run(scenario())
