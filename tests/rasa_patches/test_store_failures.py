"""headease_rasa.store_failures: a tracker-store error fails the turn (Rasa's own Agent method)."""
import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from headease_rasa import store_failures


class DatabaseDown(Exception):
    pass


class UnreachableStore(InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise DatabaseDown("connection refused")

    async def save(self, tracker):
        raise DatabaseDown("connection refused")


@pytest.fixture
def patched():
    was_installed = store_failures.installed()
    store_failures.install()
    yield
    if not was_installed:
        store_failures.uninstall()


def wrapped_store():
    return Agent._create_tracker_store(UnreachableStore(Domain.empty()), Domain.empty())


def test_rasa_alone_hides_the_outage_and_starts_the_conversation_over():
    was_installed = store_failures.installed()
    store_failures.uninstall()
    try:
        store = wrapped_store()
        assert asyncio.run(store.retrieve("patient")) is None  # a fresh conversation, mid-consultation
        asyncio.run(store.save(DialogueStateTracker("patient", [])))  # kept in memory, never read back
    finally:
        if was_installed:
            store_failures.install()


def test_with_the_patch_retrieve_and_save_raise_the_stores_error(patched):
    store = wrapped_store()
    with pytest.raises(DatabaseDown):
        asyncio.run(store.retrieve("patient"))
    with pytest.raises(DatabaseDown):
        asyncio.run(store.save(DialogueStateTracker("patient", [])))
    with pytest.raises(DatabaseDown):
        asyncio.run(store.get_or_create_tracker("patient"))


def test_install_is_idempotent_and_uninstall_restores_rasa(patched):
    store_failures.install()
    assert Agent._create_tracker_store.__wrapped__ is not None
    store_failures.uninstall()
    assert not hasattr(Agent._create_tracker_store, "__wrapped__")
    store_failures.install()
