"""Let a tracker-store failure fail the turn, instead of Rasa silently starting the conversation over.

Rasa 3.6's `Agent` wraps every tracker store in a `FailSafeTrackerStore`. When the store cannot
be read (PostgreSQL down or restarting) it returns *no tracker*, so Rasa starts a brand-new
conversation for the user (the greeting and the first screening question again, mid-consultation)
and, when saving fails too, keeps that turn in an in-memory store that is never read back: the
turn is lost without anyone noticing. If the database comes back between the read and the save,
the fresh conversation's events are appended to the stored one.

`install()` wraps `Agent._create_tracker_store` so that the wrapper it returns re-raises the
store's error (through `FailSafeTrackerStore`'s own `on_tracker_store_error` callback; the
wrapper is otherwise Rasa's). The turn then fails before anything is written, and the channels'
reply guard answers with the outage message (red-flag screen, emergency signs and number, "send
it again"); the next message after the database is back continues the stored conversation.
"""
from __future__ import annotations

_original_create = None


def _store_failed(error: Exception) -> None:
    raise error


def installed() -> bool:
    return _original_create is not None


def install() -> None:
    """Wrap Agent._create_tracker_store once per process (idempotent)."""
    global _original_create
    if _original_create is not None:
        return
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import FailSafeTrackerStore

    original = Agent._create_tracker_store  # a staticmethod: the plain function

    def create_tracker_store(store, domain):
        tracker_store = original(store, domain)
        if isinstance(tracker_store, FailSafeTrackerStore) and tracker_store._on_tracker_store_error is None:
            tracker_store._on_tracker_store_error = _store_failed
        return tracker_store

    create_tracker_store.__wrapped__ = original
    Agent._create_tracker_store = staticmethod(create_tracker_store)
    _original_create = original


def uninstall() -> None:
    """Restore Rasa's method (tests)."""
    global _original_create
    if _original_create is None:
        return
    from rasa.core.agent import Agent

    Agent._create_tracker_store = staticmethod(_original_create)
    _original_create = None
