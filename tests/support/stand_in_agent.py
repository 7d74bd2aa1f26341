"""A stand-in for Rasa's Agent over Rasa's own in-memory stores, for the resend tests (no model).

`Dialogue` takes the place of Rasa's MessageProcessor: it stores the user message and one answer
(text with buttons, and a custom card) per turn, in one save at the end of the turn as Rasa does.
Two `Agent`s built with `sharing=` the first one's stores stand for two Rasa servers behind one
tracker store and one lock store.
"""
from __future__ import annotations

import asyncio
from typing import Optional

from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

BUTTONS = [{"title": "Mild", "payload": "mild"}]


class Dialogue:
    """Stands in for Rasa's MessageProcessor: stores the user message and one answer per turn.

    `fail_with`: an exception every turn raises (a store outage). `gate`: an asyncio.Event each
    turn waits for before it answers (a turn still running)."""

    def __init__(self, store):
        self.store = store
        self.turns = 0
        self.fail_with = None
        self.gate: Optional[asyncio.Event] = None
        self.seen_message_ids = []  # the id of every message handed to the dialogue

    async def handle_message(self, message):
        if self.fail_with is not None:
            raise self.fail_with
        self.seen_message_ids.append(message.message_id)
        if self.gate is not None:
            await self.gate.wait()
        self.turns += 1
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, message_id=message.message_id))
        text = f"answer {self.turns}"
        await message.output_channel.send_text_with_buttons(message.sender_id, text, BUTTONS)
        await message.output_channel.send_custom_json(message.sender_id, {"assessment": {"turn": self.turns}})
        tracker.update(BotUttered(text, data={"buttons": BUTTONS}))
        tracker.update(BotUttered(None, data={"custom": {"assessment": {"turn": self.turns}}}))
        tracker.update(ActionExecuted("action_listen"))
        await self.store.save(tracker)


class Agent:
    def __init__(self, sharing: Optional["Agent"] = None):
        self.lock_store = sharing.lock_store if sharing else InMemoryLockStore()
        self.tracker_store = sharing.tracker_store if sharing else InMemoryTrackerStore(Domain.empty())
        self.processor = Dialogue(self.tracker_store)

    def is_ready(self):
        return True

    async def handle_message(self, message):  # Rasa's Agent.handle_message
        async with self.lock_store.lock(message.sender_id):
            return await self.processor.handle_message(message)


class Ctx:
    """A Sanic app's context, as channels/resend.py reads it."""

    def __init__(self, agent):
        self.agent = agent


async def stored_message_ids(agent, sender):
    """The ids of the user messages stored for `sender`, in order."""
    tracker = await agent.tracker_store.retrieve(sender)
    return [e.message_id for e in tracker.events if isinstance(e, UserUttered)] if tracker else []
