"""The cluster's lock store on a real Redis: one turn per conversation at a time, across instances."""
import asyncio

import pytest

from cluster.services import Redis
from headease_store.lock_store import HeadEaseRedisLockStore

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def redis_server():
    server = Redis().start()
    yield server
    server.stop()


def instances(redis_server, count=2):
    """Separate store objects, as separate Rasa servers would have."""
    return [HeadEaseRedisLockStore(host="127.0.0.1", port=redis_server.port, db=0, key_prefix="test") for _ in range(count)]


def test_turns_of_one_conversation_never_overlap_across_instances(redis_server):
    stores = instances(redis_server, 4)
    active, overlaps, done = set(), [], []

    async def turn(store, conversation, index):
        async with store.lock(conversation):
            if conversation in active:
                overlaps.append(conversation)
            active.add(conversation)
            await asyncio.sleep(0.01)  # the turn yields, as a real one does (I/O, model)
            active.discard(conversation)
            done.append(index)

    async def burst():
        await asyncio.gather(*(turn(stores[i % 4], f"c{i % 5}", i) for i in range(100)))

    asyncio.run(burst())
    assert overlaps == [] and sorted(done) == list(range(100))


def test_different_conversations_run_in_parallel(redis_server):
    store = instances(redis_server, 1)[0]
    inside, both_inside = set(), asyncio.Event()

    async def hold(conversation):
        async with store.lock(conversation):
            inside.add(conversation)
            if len(inside) == 2:
                both_inside.set()
            # Serialised locks would leave the first holder waiting here until the timeout.
            await asyncio.wait_for(both_inside.wait(), timeout=10)

    async def both():
        await asyncio.gather(hold("a"), hold("b"))

    asyncio.run(both())
    assert inside == {"a", "b"}


def test_lock_is_released_after_an_error(redis_server):
    store = instances(redis_server, 1)[0]

    async def failing_then_next():
        with pytest.raises(RuntimeError):
            async with store.lock("x"):
                raise RuntimeError("turn failed")
        async with store.lock("x"):
            return True

    assert asyncio.run(asyncio.wait_for(failing_then_next(), timeout=5))


def test_a_lost_lease_is_logged_and_does_not_fail_the_turn(redis_server, monkeypatch, caplog):
    import headease_store.lock_store as lock_store

    monkeypatch.setattr(lock_store, "LEASE_S", 0.3)
    store = instances(redis_server, 1)[0]

    async def turn():
        async with store.lock("slow"):
            await store.async_red.delete(store._mutex_key("slow"))  # the lease ran out
            await asyncio.sleep(0.4)  # renewal is due meanwhile
        return "answered"

    assert asyncio.run(turn()) == "answered"
    assert any("lease expired" in r.getMessage() for r in caplog.records)
