"""Retention purge and "delete my data" on the SQL tracker store (SQLite here; PostgreSQL in the
cluster tests)."""
import asyncio
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from headease_store.tracker_store import HeadEaseSQLTrackerStore


def make_store(tmp_path, **kwargs):
    return HeadEaseSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"), **kwargs)


def conversation(sender, *events, at=None):
    tracker = DialogueStateTracker.from_events(sender, [])
    for event in events:
        if at is not None:
            event.timestamp = at
        tracker.update(event)
    return tracker


def test_delete_my_data_removes_everything_and_writes_nothing_back(tmp_path):
    store = make_store(tmp_path)
    asyncio.run(store.save(conversation("alice", UserUttered("my head hurts"), BotUttered("sorry to hear"))))
    asyncio.run(store.save(conversation("bob", UserUttered("hello"))))
    deleting = conversation(
        "alice",
        UserUttered("my head hurts"),
        BotUttered("sorry to hear"),
        UserUttered("delete my data"),
        ActionExecuted("action_delete_my_data"),
        BotUttered("Done"),
        ActionExecuted("action_listen"),
    )
    asyncio.run(store.save(deleting))
    asyncio.run(store.save(deleting))  # a second save in the same turn must not write it back
    assert asyncio.run(store.retrieve("alice")) is None
    assert asyncio.run(store.retrieve("bob")) is not None


def test_old_conversations_are_purged_on_start(tmp_path):
    store = make_store(tmp_path)
    old = time.time() - 31 * 86400
    asyncio.run(store.save(conversation("old", UserUttered("hi"), at=old)))
    asyncio.run(store.save(conversation("new", UserUttered("hi"))))
    reopened = make_store(tmp_path, retention_days=30)
    assert asyncio.run(reopened.retrieve("old")) is None
    assert asyncio.run(reopened.retrieve("new")) is not None


def test_retention_is_configurable(tmp_path, monkeypatch):
    store = make_store(tmp_path)
    asyncio.run(store.save(conversation("recent", UserUttered("hi"), at=time.time() - 3 * 86400)))
    monkeypatch.setenv("HEADEASE_RETENTION_DAYS", "2")
    assert make_store(tmp_path).retrieve is not None
    assert asyncio.run(make_store(tmp_path).retrieve("recent")) is None
