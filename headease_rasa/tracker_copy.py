"""Copy a growing conversation's tracker from the previous copy instead of replaying every event.

Rasa 3.6's `DialogueStateTracker.copy()` creates a blank tracker and replays every event of the
session into it (`travel_back_in_time(inf)`). The processor copies the conversation's tracker
before each action it runs, and the form copies it again to validate: three or four copies per
message, 0.2 ms each at the start of a conversation and 1.7 ms at 1,750 events (200 turns),
the largest part of what still grew with the conversation after the tracker cache and the
incremental states (bench/PROFILE.md).

`install()` keeps, per tracker object, the state of its previous copy (an independent clone)
with the events it had replayed. When the tracker's events still begin with exactly those event
objects, a copy is a clone of that state plus the replay of the newer events only; otherwise
(events removed or replaced, other slots, a tracker subclass, an event type whose `apply_to`
Rasa may extend: anything outside `_REPLAYABLE`) it is Rasa's own copy. A clone shares what a
replay would share (the event objects, the values that `SlotSet` events hold) and owns what a
replay would create (the slots, the event list, the active loop, the latest action).

What a replay does to shared objects is the same either way: the user-message edits that
`DefinePrevUserUtteredFeaturization` and `EntitiesAdded` re-apply leave each message as the
live tracker's own replay left it, so re-applying them changes nothing unless a message was
edited outside events, which neither Rasa nor HeadEase does. Tested against Rasa's `copy()` on
long form conversations and random conversations with every event type
(tests/rasa_patches/test_tracker_copy.py).
"""
from __future__ import annotations

import copy as copy_module
import itertools
import operator
import weakref
from collections import deque
from typing import Any, Dict, List, Optional, Tuple

from rasa.shared.core import events as ev
from rasa.shared.core.trackers import DialogueStateTracker

# Events whose `apply_to` only sets the tracker's state fields (or, for reverts and restarts,
# replays the tracker's own event list, which a clone holds as a replay would); matched exactly.
_REPLAYABLE = frozenset({
    ev.UserUttered, ev.BotUttered, ev.SlotSet, ev.ActionExecuted, ev.ActiveLoop, ev.LegacyForm,
    ev.LoopInterrupted, ev.LegacyFormValidation, ev.ActionExecutionRejected,
    ev.DefinePrevUserUtteredFeaturization, ev.EntitiesAdded, ev.FollowupAction,
    ev.ConversationPaused, ev.ConversationResumed, ev.AllSlotsReset, ev.ReminderScheduled,
    ev.ReminderCancelled, ev.AgentUttered, ev.SessionStarted, ev.Restarted,
    ev.UserUtteranceReverted, ev.ActionReverted,
})
_INF = float("inf")

_original_copy = DialogueStateTracker.copy
_installed = False
stats = {"continued": 0, "rasa": 0}


class _Previous:
    __slots__ = ("ref", "identity", "events", "state")

    def __init__(self, ref: Any, identity: Tuple, events: List[Any], state: DialogueStateTracker) -> None:
        self.ref, self.identity, self.events, self.state = ref, identity, events, state


_previous: Dict[int, _Previous] = {}


def _identity(tracker: DialogueStateTracker) -> Tuple:
    """What a blank copy is made from (`init_copy`): the same slot objects, history, flags."""
    return (tracker.sender_id, tracker._max_event_history, tracker.is_rule_tracker, type(tracker.slots),
            tuple((name, id(slot), id(slot.initial_value)) for name, slot in tracker.slots.items()))


def clone(state: DialogueStateTracker) -> DialogueStateTracker:
    """An independent tracker in the same state, owning what a replay creates."""
    new = DialogueStateTracker.__new__(DialogueStateTracker)
    new.__dict__.update(state.__dict__)
    new.events = deque(state.events, state.events.maxlen)
    slots = type(state.slots)()
    for name, slot in state.slots.items():
        slots[name] = copy_module.copy(slot)
    new.slots = slots
    new.active_loop = copy_module.copy(state.active_loop)
    if isinstance(state.latest_action, dict):
        new.latest_action = dict(state.latest_action)
    # A reset leaves blank messages that are no event (each replay makes its own, and
    # `EntitiesAdded` can edit the user message): those are copied, events stay shared.
    new.latest_message = _own(state.latest_message, state.events)
    new.latest_bot_utterance = _own(state.latest_bot_utterance, state.events)
    return new


def _own(message: Any, events: Any) -> Any:
    if message is None:
        return None
    for event in reversed(events):  # the latest message is almost always among the last events
        if event is message:
            return message
    return copy_module.deepcopy(message)


def _replay(tracker: DialogueStateTracker, events: Any) -> bool:
    """Rasa's replay loop of `travel_back_in_time(inf)`; False when it stopped early."""
    for event in events:
        if event.timestamp <= _INF:
            tracker.update(event)
        else:
            return False
    return True


def _remember(tracker: DialogueStateTracker, identity: Tuple, events: List[Any], state: DialogueStateTracker) -> None:
    key = id(tracker)
    entry = _previous.get(key)
    if entry is None or entry.ref() is not tracker:
        def forget(ref: Any, key: int = key) -> None:
            current = _previous.get(key)
            if current is not None and current.ref is ref:
                del _previous[key]

        ref = weakref.ref(tracker, forget)
    else:
        ref = entry.ref
    _previous[key] = _Previous(ref, identity, events, state)


def _keep(tracker: DialogueStateTracker, identity: Tuple, events: List[Any], result: DialogueStateTracker) -> None:
    """Keep the copy's state for later copies of the tracker and of the copy itself (the form
    copies the processor's copy again); the kept state is only ever cloned, never changed."""
    state = clone(result)
    _remember(tracker, identity, events, state)
    _remember(result, _identity(result), events, state)


def tracker_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """Drop-in for `DialogueStateTracker.copy` (the same copy, continued from the previous one)."""
    if type(self) is not DialogueStateTracker:
        stats["rasa"] += 1
        return _original_copy(self)
    events = self.events
    identity = _identity(self)
    entry = _previous.get(id(self))
    if (entry is not None and entry.ref() is self and entry.identity == identity
            and len(entry.events) <= len(events) and all(map(operator.is_, entry.events, events))):
        new = list(itertools.islice(events, len(entry.events), None))
        if all(type(event) in _REPLAYABLE for event in new):
            result = clone(entry.state)
            stats["continued"] += 1
            if _replay(result, new):
                _keep(self, identity, entry.events + new if new else entry.events, result)
            else:
                _previous.pop(id(self), None)
            return result
    stats["rasa"] += 1
    result = self.init_copy()
    complete = _replay(result, events)
    seen = list(events)
    if complete and all(type(event) in _REPLAYABLE for event in seen):
        _keep(self, identity, seen, result)
    else:
        _previous.pop(id(self), None)
    return result


def clear() -> None:
    """Forget every kept copy (tests, benchmarks)."""
    _previous.clear()


def install() -> None:
    """Patch Rasa 3.6.21 once per process (idempotent)."""
    global _installed
    import rasa

    if _installed or rasa.__version__ != "3.6.21":
        return
    DialogueStateTracker.copy = tracker_copy
    _installed = True


def installed() -> bool:
    return _installed


def uninstall() -> None:
    """Restore Rasa's method (tests, benchmarks)."""
    global _installed
    DialogueStateTracker.copy = _original_copy
    clear()
    _installed = False
