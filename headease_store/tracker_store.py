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
"""
from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from typing import Any, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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


class HeadEaseSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with retention purging and per-sender deletion."""

    def __init__(self, *args: Any, retention_days: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cache: "OrderedDict[Text, Tuple[DialogueStateTracker, int, int]]" = OrderedDict()
        self.retention_days = globals()["retention_days"](retention_days)
        purged = self.purged_on_start = self.purge_expired()
        logger.info("tracker store ready; purged %d expired conversation(s)", purged)
        _report_patches()

    async def save(self, tracker: DialogueStateTracker) -> None:
        if deletion_requested(tracker):
            self.delete_sender(tracker.sender_id)
            return
        await super().save(tracker)
        self._remember(tracker)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        cached = self._cache.get(sender_id)
        if cached is not None:
            tracker, count, newest = cached
            if len(tracker.events) == count and self._stored_version(sender_id) == (count, newest):
                self._cache.move_to_end(sender_id)
                return tracker
            del self._cache[sender_id]
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(tracker)
        return tracker

    def _stored_version(self, sender_id: Text) -> Tuple[int, int]:
        """(number of events, newest event id) stored for the sender's latest session."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).order_by(None)
            count, newest = query.with_entities(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id)).one()
        return int(count or 0), int(newest or 0)

    def _remember(self, tracker: DialogueStateTracker) -> None:
        if CACHE_SIZE <= 0:
            return
        count, newest = self._stored_version(tracker.sender_id)
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
