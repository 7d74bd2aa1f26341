"""Retention purge and "delete my data" on the SQL tracker store, on SQLite (the embedded default)
and on a real PostgreSQL server (the scaled-out deployment)."""
import asyncio
import time
import uuid

import pytest

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from headease_store.tracker_store import HeadEaseSQLTrackerStore


@pytest.fixture(params=["sqlite", "postgresql"])
def make_store(request, tmp_path):
    """A factory for stores that all open the same database of the parametrised dialect."""
    if request.param == "sqlite":
        options = dict(dialect="sqlite", db=str(tmp_path / "t.db"))
    else:
        postgres = request.getfixturevalue("postgres")
        database = f"t_{uuid.uuid4().hex[:12]}"
        postgres.sql(f'CREATE DATABASE "{database}"', database="postgres")
        options = dict(dialect="postgresql", host="127.0.0.1", port=postgres.port, db=database, username=postgres.user)

    def make(**kwargs):
        return HeadEaseSQLTrackerStore(domain=Domain.empty(), **options, **kwargs)

    return make


def conversation(sender, *events, at=None):
    tracker = DialogueStateTracker.from_events(sender, [])
    for event in events:
        if at is not None:
            event.timestamp = at
        tracker.update(event)
    return tracker


def test_delete_my_data_removes_everything_and_writes_nothing_back(make_store):
    store = make_store()
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


def test_old_conversations_are_purged_on_start(make_store):
    store = make_store()
    old = time.time() - 31 * 86400
    asyncio.run(store.save(conversation("old", UserUttered("hi"), at=old)))
    asyncio.run(store.save(conversation("new", UserUttered("hi"))))
    reopened = make_store(retention_days=30)
    assert asyncio.run(reopened.retrieve("old")) is None
    assert asyncio.run(reopened.retrieve("new")) is not None


def test_retention_is_configurable(make_store, monkeypatch):
    store = make_store()
    asyncio.run(store.save(conversation("recent", UserUttered("hi"), at=time.time() - 3 * 86400)))
    monkeypatch.setenv("HEADEASE_RETENTION_DAYS", "2")
    assert asyncio.run(make_store().retrieve("recent")) is None


def saved(store, tracker):
    asyncio.run(store.save(tracker))
    return tracker


def test_cached_tracker_is_handed_back_while_the_database_is_unchanged(make_store):
    store = make_store()
    tracker = saved(store, conversation("carol", UserUttered("tight band round my head"), BotUttered("How bad?")))
    again = asyncio.run(store.retrieve("carol"))
    assert again is tracker  # no reload and replay
    again.update(UserUttered("about 4 out of 10"))
    saved(store, again)
    fresh = make_store(retention_days=10000)  # another instance on the same database
    assert [e.as_dict() for e in asyncio.run(fresh.retrieve("carol")).events] == [e.as_dict() for e in again.events]


def test_a_write_by_another_instance_invalidates_the_cache(make_store):
    mine, theirs = make_store(), make_store(retention_days=10000)
    saved(mine, conversation("dave", UserUttered("hello")))
    assert asyncio.run(mine.retrieve("dave")) is not None
    other = asyncio.run(theirs.retrieve("dave"))
    other.update(UserUttered("my neck is stiff"))
    saved(theirs, other)
    texts = [e.text for e in asyncio.run(mine.retrieve("dave")).events if isinstance(e, UserUttered)]
    assert texts == ["hello", "my neck is stiff"]


def test_unsaved_changes_to_a_cached_tracker_are_not_handed_out(make_store):
    store = make_store()
    tracker = saved(store, conversation("erin", UserUttered("hello")))
    tracker.update(UserUttered("never saved"))  # e.g. a turn that failed before saving
    texts = [e.text for e in asyncio.run(store.retrieve("erin")).events if isinstance(e, UserUttered)]
    assert texts == ["hello"]


def test_deleting_a_conversation_also_forgets_its_cached_tracker(make_store):
    store = make_store()
    saved(store, conversation("frank", UserUttered("hello")))
    store.delete_sender("frank")
    assert asyncio.run(store.retrieve("frank")) is None


def _stored(store, sender, events):
    """Write rows one by one through the ORM (timestamps as given, in this order)."""
    with store.session_scope() as session:
        for event in events:
            session.add(store.SQLEvent(**HeadEaseSQLTrackerStore._row(sender, event)))
        session.commit()


def _rasa_selection(store, sender):
    """(count, newest id, [(id, data)]) of the latest session, from Rasa's own ORM query."""
    with store.session_scope() as session:
        rows = store._event_query(session, sender, fetch_events_from_all_sessions=False).all()
    return len(rows), max((r.id for r in rows), default=0), [(r.id, r.data) for r in rows]


def test_the_latest_session_is_selected_as_rasas_query_selects_it(make_store):
    """The store's plain statements (version check, load) select exactly the rows of Rasa's
    `_event_query`: several sessions, equal and out-of-order timestamps, no session start."""
    import random

    from rasa.shared.core.events import SessionStarted

    store = make_store()
    rng = random.Random(7)
    cases = {
        "no_session": [UserUttered("a"), BotUttered("b")],
        "one_session": [SessionStarted(), UserUttered("a"), SessionStarted(), UserUttered("b")],
    }
    for n in range(12):
        events = []
        for _ in range(rng.randint(1, 25)):
            event = rng.choice([SessionStarted(), UserUttered("x"), BotUttered("y"), ActionExecuted("action_listen")])
            event.timestamp = float(rng.choice([1, 2, 2, 3, 5, 8]))  # ties and going back in time
            events.append(event)
        cases[f"random_{n}"] = events
    for sender, events in cases.items():
        _stored(store, sender, events)
        count, newest, rows = _rasa_selection(store, sender)
        assert store._stored_version(sender) == (count, newest), sender
        with store.session_scope() as session:
            ours = [(r.id, r.data) for r in session.execute(store._events_sql, store._params(sender))]
        assert ours == rows, sender
    assert store._stored_version("nobody") == (0, 0)


def test_saved_rows_are_the_rows_rasas_store_writes(make_store, tmp_path):
    """Same columns and values as Rasa's SQLTrackerStore.save, written in one insert."""
    from rasa.core.tracker_store import SQLTrackerStore

    events = [UserUttered("my head hurts", {"name": "describe_headache", "confidence": 0.9}),
              ActionExecuted("consultation_form"), BotUttered("How bad?", {"buttons": [{"title": "Mild", "payload": "mild"}]}),
              ActionExecuted("action_listen")]
    ours, theirs = make_store(), SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "rasa.db"))
    for store in (ours, theirs):
        asyncio.run(store.save(conversation("gina", *events)))
    columns = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")

    def rows(store):
        with store.session_scope() as session:
            return [tuple(getattr(r, c) for c in columns)
                    for r in session.query(store.SQLEvent).order_by(store.SQLEvent.id)]

    assert rows(ours) == rows(theirs)


def test_an_sqlite_file_is_pooled_in_write_ahead_log_mode(tmp_path):
    store = HeadEaseSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: commits are durable
    assert store.engine.pool.__class__.__name__ == "QueuePool"


def test_the_latest_session_indexes_exist_and_are_created_once(make_store):
    store = make_store()
    make_store(retention_days=10000)  # a second instance on the same database: no error
    names = {index["name"] for index in __import__("sqlalchemy").inspect(store.engine).get_indexes("events")}
    assert {"ix_events_sender_type_time", "ix_events_sender_time"} <= names
