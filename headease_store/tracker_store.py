"""Rasa's SQL tracker store plus the privacy duties Rasa lacks (retention, "delete my data") and a
cache that keeps long conversations fast.

Conversations are health data. This store (configured in endpoints.yml) purges conversations
whose last event is older than the retention period (default 30 days, HEADEASE_RETENTION_DAYS)
when the server starts and on `make purge`, and deletes a sender's whole conversation when the
`action_delete_my_data` action has just run for them, so nothing of it is written back.

Rasa rebuilds the tracker on every message by loading and replaying every event of the session
(about 170 ms at 200 turns on these cores, growing linearly). The store keeps the last trackers it
saved in memory and hands one back when the database still holds exactly the events it saw
(same count and same newest id since the session start: one cheap indexed query), so several
instances on one database stay correct: another instance's write changes the newest id and the
tracker is loaded afresh.

Per message the store runs two small statements besides the turn's inserts: the version check
when the tracker is read (a cache hit), and the check before plus the new version after the write.
They are plain SQL statements built once per store (`_statements`), the same selection of the
latest session as Rasa's ORM query (`_event_query`, tested equal), which cost about 1.4 ms each
to build and compile on every call; the turn's events go in as one batched insert (executemany). On an
SQLite file the connections are pooled (SQLAlchemy 1.4 opens and closes a file database on every
session otherwise) and the database is in write-ahead-log mode with full synchronous commits: a
commit is one fsync of the log instead of the rollback journal's several, as durable, and readers
(the purge, the health check) no longer wait for a writer. Two indexes created at start-up
(`INDEXES`, SQLite and PostgreSQL) let the latest-session count read the index instead of every
row of the sender.

Outages and concurrent turns: a turn is written in one transaction at its end, so a
server killed mid-turn leaves nothing half-written. The engine checks a pooled connection before
using it (`pool_pre_ping`, not on SQLite), so the first message after PostgreSQL restarts works; it gives up on a
connection after `HEADEASE_DB_CONNECT_TIMEOUT_S` (default 5 s) instead of blocking the server;
and SQL errors never carry the statement's data (`hide_parameters`: it is health text). A save is
refused (`ConcurrentTurnError`) when another turn of the conversation was stored after this one
read it - possible only when the Redis lock was lost (Redis restarted) - so turns never
interleave; on PostgreSQL the check and the write hold a transaction-scoped advisory lock on the
conversation.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import time
from collections import OrderedDict
from typing import Any, Dict, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from headease_store.errors import ConcurrentTurnError

logger = logging.getLogger(__name__)

# (HeadEase's patches to Rasa are installed by `python -m headease_rasa run`, the launcher every
# run script uses, not as a side effect of importing this store: headease_rasa/patches.py.)

def _report_patches() -> None:
    """Say at start-up which of HeadEase's Rasa patches are active (the launcher applies them)."""
    from headease_rasa import patches

    active = patches.active()
    if active:
        logger.info("Rasa patches active: %s", ", ".join(active))
    else:
        logger.warning("no HeadEase Rasa patches active: start the server with `python -m headease_rasa run ...` "
                       "(a failed action would not reach the reply guard)")


DELETE_ACTION = "action_delete_my_data"
DEFAULT_RETENTION_DAYS = 30.0
# Conversations whose tracker is kept in memory (0 turns the cache off).
CACHE_SIZE = int(os.environ.get("HEADEASE_TRACKER_CACHE", 256))
# Seconds to wait for a new database connection before the turn fails (PostgreSQL).
CONNECT_TIMEOUT_S = int(os.environ.get("HEADEASE_DB_CONNECT_TIMEOUT_S") or 5)
# The (stored event count, newest event id) a tracker object was read at, set on the object.
_VERSION = "_headease_stored_version"
# Senders whose last read found nothing stored, kept to check their first save (bounded).
_EMPTY_READS = 10_000

Version = Tuple[int, int]

# The events of a sender's latest session, selected as Rasa's `SQLTrackerStore._event_query` does
# (events at or after the newest `session_started` timestamp, or all when there is none), as one
# plain statement; `{table}` is the events table's name.
_LATEST_SESSION = (
    "FROM {table}, (SELECT max(timestamp) AS session_start FROM {table} "
    "WHERE sender_id = :sender AND type_name = :session_started) AS latest "
    "WHERE {table}.sender_id = :sender "
    "AND ({table}.timestamp >= latest.session_start OR latest.session_start IS NULL)"
)
VERSION_SQL = "SELECT count({table}.id), max({table}.id) " + _LATEST_SESSION
EVENTS_SQL = "SELECT {table}.id, {table}.data " + _LATEST_SESSION + " ORDER BY {table}.id"
# Created when the store starts, if missing (Rasa's table has an index on sender_id only).
INDEXES = (
    ("ix_events_sender_type_time", ("sender_id", "type_name", "timestamp")),
    ("ix_events_sender_time", ("sender_id", "timestamp")),
)


def stored_version(tracker: DialogueStateTracker) -> Optional[Version]:
    """The store's version of the conversation when `tracker` was read or last saved, if known."""
    return tracker.__dict__.get(_VERSION)


def retention_days(configured: Optional[Any] = None) -> float:
    value = os.environ.get("HEADEASE_RETENTION_DAYS", configured)
    return float(value) if value not in (None, "") else DEFAULT_RETENTION_DAYS


def deletion_requested(tracker: DialogueStateTracker) -> bool:
    """True when the delete action ran after the latest user message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == DELETE_ACTION:
            return True
    return False


def _sqlite_write_ahead_log(connection: Any, _record: Any) -> None:
    """Each new SQLite connection: write-ahead log, commits synced in full (durable)."""
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


class HeadEaseSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with retention purging, per-sender deletion and outage-safe saving."""

    def __init__(self, *args: Any, retention_days: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._use_resilient_engine()
        table = self.SQLEvent.__tablename__
        self._create_indexes(table)
        self._version_sql = sa.text(VERSION_SQL.format(table=table))
        self._events_sql = sa.text(EVENTS_SQL.format(table=table))
        self._insert = self.SQLEvent.__table__.insert()
        self._cache: "OrderedDict[Text, Tuple[DialogueStateTracker, int, int]]" = OrderedDict()
        self._empty_reads: "OrderedDict[Text, None]" = OrderedDict()
        self.retention_days = globals()["retention_days"](retention_days)
        purged = self.purged_on_start = self.purge_expired()
        logger.info("tracker store ready; purged %d expired conversation(s)", purged)
        _report_patches()

    def _use_resilient_engine(self) -> None:
        """Rebuild Rasa's engine (with `login_db` Rasa builds it without its own pool settings):
        check pooled connections before use, bound the connect time, hide statement data."""
        url = self.engine.url
        # A database server can restart under a pooled connection; an SQLite file cannot.
        options = dict(create_engine_kwargs(url), pool_pre_ping=url.get_backend_name() != "sqlite",
                       hide_parameters=True)
        if url.get_backend_name() == "postgresql":
            connect_args = dict(options.get("connect_args") or {})
            connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
            options["connect_args"] = connect_args
        sqlite_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        if sqlite_file:
            # SQLAlchemy 1.4 gives an SQLite file no pool (a new connection per session). A pool
            # hands each connection to one thread at a time (the health check pings in a thread).
            options.update(poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
        self.engine.dispose()
        self.engine = sa.create_engine(url, **options)
        if sqlite_file:
            sa.event.listen(self.engine, "connect", _sqlite_write_ahead_log)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _create_indexes(self, table: str) -> None:
        """Indexes for the latest-session selection (SQLite, PostgreSQL): finding the newest
        session start, then counting the session's events, read the index only instead of every
        row of the sender (at 2,000 events: 0.3 ms instead of 1.5-5 ms per check)."""
        if self.engine.dialect.name not in ("sqlite", "postgresql"):
            return
        for name, columns in INDEXES:
            statement = f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})"
            try:
                with self.engine.begin() as connection:
                    connection.exec_driver_sql(statement)
            except sa.exc.SQLAlchemyError as error:  # another instance created it meanwhile
                logger.warning("could not create index %s (%s)", name, type(error).__name__)

    def ping(self) -> None:
        """Raise unless the database answers (readiness check; blocking, run it in a thread)."""
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if deletion_requested(tracker):
            self.delete_sender(tracker.sender_id)
            return
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        expected = stored_version(tracker)
        if expected is None and sender_id in self._empty_reads:
            expected = (0, 0)  # created after a read that found nothing: nothing may be stored yet
        with self.session_scope() as session:
            self._hold_conversation(session, sender_id)
            count, newest = self._version_in(session, sender_id)
            if expected is not None and expected != (count, newest):
                session.rollback()
                self._cache.pop(sender_id, None)
                raise ConcurrentTurnError("another turn of this conversation was stored first")
            rows = [self._row(sender_id, event) for event in itertools.islice(tracker.events, count, None)]
            if rows:
                session.execute(self._insert, rows)
            version = self._version_in(session, sender_id) if rows else (count, newest)
            session.commit()
        tracker.__dict__[_VERSION] = version
        self._remember(tracker, version)

    def _hold_conversation(self, session: Any, sender_id: Text) -> None:
        """On PostgreSQL, serialise the check-and-write of one conversation's saves until commit."""
        if self.engine.dialect.name == "postgresql":
            session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:sender))"), {"sender": sender_id})

    @staticmethod
    def _row(sender_id: Text, event: Any) -> Dict[str, Any]:
        """One event's column values, as Rasa's SQLTrackerStore.save writes them."""
        data = event.as_dict()
        intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
        return dict(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=intent,
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _params(self, sender_id: Text) -> Dict[str, Any]:
        return {"sender": sender_id, "session_started": SessionStarted.type_name}

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        cached = self._cache.get(sender_id)
        if cached is not None:
            tracker, count, newest = cached
            if len(tracker.events) == count and self._stored_version(sender_id) == (count, newest):
                self._cache.move_to_end(sender_id)
                return tracker
            del self._cache[sender_id]
        with self.session_scope() as session:
            rows = session.execute(self._events_sql, self._params(sender_id)).all()
        if not rows or not self.domain:
            self._empty_reads[sender_id] = None
            self._empty_reads.move_to_end(sender_id)
            while len(self._empty_reads) > _EMPTY_READS:
                self._empty_reads.popitem(last=False)
            return None
        self._empty_reads.pop(sender_id, None)
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row.data) for row in rows], self.domain.slots)
        version = (len(rows), max(row.id for row in rows))
        tracker.__dict__[_VERSION] = version
        self._remember(tracker, version)
        return tracker

    def _version_in(self, session: Any, sender_id: Text) -> Tuple[int, int]:
        count, newest = session.execute(self._version_sql, self._params(sender_id)).one()
        return int(count or 0), int(newest or 0)

    def _stored_version(self, sender_id: Text) -> Tuple[int, int]:
        """(number of events, newest event id) stored for the sender's latest session."""
        with self.session_scope() as session:
            return self._version_in(session, sender_id)

    def _remember(self, tracker: DialogueStateTracker, version: Tuple[int, int]) -> None:
        if CACHE_SIZE <= 0:
            return
        count, newest = version
        if count != len(tracker.events):  # e.g. a new session started: the next load is fresh
            self._cache.pop(tracker.sender_id, None)
            return
        self._cache[tracker.sender_id] = (tracker, count, newest)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def delete_sender(self, sender_id: Text) -> int:
        """Remove every stored event of one conversation; returns the number removed."""
        self._cache.pop(sender_id, None)
        self._empty_reads.pop(sender_id, None)
        with self.session_scope() as session:
            removed = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        logger.info("deleted a conversation on the user's request (%d events)", removed)
        return removed

    def purge_expired(self, now: Optional[float] = None) -> int:
        """Delete conversations whose newest event is older than the retention period."""
        cutoff = (now or time.time()) - self.retention_days * 86400
        self._cache.clear()
        with self.session_scope() as session:
            newest = (
                session.query(self.SQLEvent.sender_id, sa.func.max(self.SQLEvent.timestamp).label("last"))
                .group_by(self.SQLEvent.sender_id)
                .subquery()
            )
            expired = [row[0] for row in session.query(newest.c.sender_id).filter(newest.c.last < cutoff)]
            if expired:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id.in_(expired)).delete(
                    synchronize_session=False
                )
                session.commit()
        return len(expired)
