"""Rasa's SQL tracker store plus the privacy duties Rasa lacks: retention and "delete my data".

Conversations are health data. This store (configured in endpoints.yml) purges conversations
whose last event is older than the retention period (default 30 days, HEADEASE_RETENTION_DAYS)
when the server starts and on `make purge`, and deletes a sender's whole conversation when the
`action_delete_my_data` action has just run for them, so nothing of it is written back.
"""
from __future__ import annotations

import logging
import os
import time
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from headease_store import action_payload, action_validation

logger = logging.getLogger(__name__)

# The Rasa server imports this module (endpoints.yml) before it handles any message: install the
# cached validation of action server responses and the recent-events action requests here
# (see action_validation, action_payload; bench/PROFILE.md).
action_validation.install()
action_payload.install()

DELETE_ACTION = "action_delete_my_data"
DEFAULT_RETENTION_DAYS = 30.0


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
        self.retention_days = globals()["retention_days"](retention_days)
        purged = self.purged_on_start = self.purge_expired()
        logger.info("tracker store ready; purged %d expired conversation(s)", purged)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if deletion_requested(tracker):
            self.delete_sender(tracker.sender_id)
            return
        await super().save(tracker)

    def delete_sender(self, sender_id: Text) -> int:
        """Remove every stored event of one conversation; returns the number removed."""
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
