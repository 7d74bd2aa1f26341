"""Featurize a growing conversation incrementally instead of replaying it for every policy.

Rasa 3.6 computes a tracker's dialogue states (`Domain.states_for_tracker_history`, behind
`past_states`) by recomputing `applied_events()` and replaying every applied event of the session
into a fresh tracker: 4 times per action prediction (Memoization, RulePolicy twice, TED), several
predictions per message, 10-20 ms per call at 200 form turns, linear in the conversation
(bench/PROFILE.md, section 5).

`install()` keeps, per tracker object, the previous call's work and continues it over the new
events: `applied_events()` as the left fold it is (Rasa recomputes it when an earlier event
changed or a new loop name appeared), the states from a replay snapshot taken before one of the
last `CHECKPOINTS` actions whose applied-event prefix is unchanged (reverts, loop undos, restarts
rewrite the tail) and whose user messages still featurize as they did. That check is cheap: the
same text, intent and entity-list objects, the same intent name, flag and number of entities;
only a message that differs is fingerprinted (an entity dict edited in place, which Rasa never
does, would go unseen). Rasa's replay itself edits user messages
(`DefinePrevUserUtteredFeaturization`, `EntitiesAdded`); a resumed replay re-applies those edits
as Rasa's would. Anything else is left to Rasa: tracker subclasses, event types whose `apply_to`
reads the event list or has side effects, a `rule_only_data` that cannot be frozen. Results are
copies because callers edit states in place. tests/rasa_patches/test_state_cache.py checks
equality with Rasa's own results and edits.

Inside `newest(n)` a call returns only the newest `n` states: policies whose look-ups cannot
reach further back (headease_rasa/policy_history.py) ask for that tail, so that copying the
states they are handed does not grow with the conversation.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import itertools
import operator
import os
import weakref
from collections import deque
from typing import Any, Dict, Iterator, List, Optional, Tuple

from rasa.shared.core import events as ev
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_UNLIKELY_INTENT_NAME, PREVIOUS_ACTION
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

ENABLED = os.environ.get("HEADEASE_STATE_CACHE", "1") not in ("0", "false", "")
CHECKPOINTS = 8  # replay snapshots kept per tracker and flag combination (the newest ones)

# Event types whose `apply_to` only changes the tracker's state fields (never reads its event
# list, no side effects), matched exactly so that subclasses with their own `apply_to` fall back.
_REPLAYABLE = frozenset({
    ev.UserUttered, ev.BotUttered, ev.SlotSet, ev.ActionExecuted, ev.ActiveLoop, ev.LegacyForm,
    ev.LoopInterrupted, ev.LegacyFormValidation, ev.ActionExecutionRejected,
    ev.DefinePrevUserUtteredFeaturization, ev.EntitiesAdded, ev.FollowupAction,
    ev.ConversationPaused, ev.ConversationResumed, ev.AllSlotsReset, ev.ReminderScheduled,
    ev.ReminderCancelled, ev.AgentUttered,
})
# Handled by `applied_events()` itself, never replayed.
_CONTROL = frozenset({ev.Restarted, ev.SessionStarted, ev.UserUtteranceReverted, ev.ActionReverted})

_original_applied_events = DialogueStateTracker.applied_events
_original_states_for_tracker_history = Domain.states_for_tracker_history
_installed = False
# How calls were answered: continued from a checkpoint, replayed from the start, or by Rasa.
stats = {"resumed": 0, "fresh": 0, "rasa": 0}
# Set by `newest(n)`: return at most the newest n states.
_newest: contextvars.ContextVar[Optional[int]] = contextvars.ContextVar("headease_newest_states", default=None)


@contextlib.contextmanager
def newest(count: int) -> Iterator[None]:
    """Within the block, `past_states` returns only the newest `count` states when there are more.

    For callers that look at no more than `count` states from the end: Rasa's featurizers slice
    from the end, except when they drop `action_unlikely_intent` states first, so a conversation
    with one of those (UnexpecTED's action) always gets every state."""
    token = _newest.set(count)
    try:
        yield
    finally:
        _newest.reset(token)


class _Applied:
    """`applied_events()` of a tracker as of `len(events)` events."""

    __slots__ = ("events", "loop_names", "applied", "replayable", "unlikely_intent")

    def __init__(self, events: List[Any], loop_names: set, applied: List[Any], replayable: bool,
                 unlikely_intent: bool) -> None:
        self.events, self.loop_names, self.applied, self.replayable = events, loop_names, applied, replayable
        # whether any event is an `action_unlikely_intent` run (see `newest`)
        self.unlikely_intent = unlikely_intent


class _States:
    """States of one tracker for one domain and flag combination, with replay checkpoints."""

    __slots__ = ("domain", "applied", "states", "users", "checkpoints")

    def __init__(self, domain: Domain) -> None:
        self.domain = domain
        self.applied: List[Any] = []
        self.states: List[Dict] = []
        # (position in `applied`, user message, its fingerprint when replayed, `_handles` then)
        self.users: List[Tuple[int, Any, Tuple, Tuple]] = []
        self.checkpoints: List[_Checkpoint] = []


class _Checkpoint:
    """The replay of Rasa's loop just before the ActionExecuted at `position` of the applied events."""

    __slots__ = ("position", "replay", "blank", "edits", "count", "last_ml", "turn_was_hidden")

    def __init__(self, position: int, replay: DialogueStateTracker, blank: Any, edits: Tuple,
                 count: int, last_ml: Any, turn_was_hidden: bool) -> None:
        self.position, self.replay, self.blank, self.edits = position, replay, blank, edits
        # number of states before it, and the loop's two variables
        self.count, self.last_ml, self.turn_was_hidden = count, last_ml, turn_was_hidden


class _Entry:
    __slots__ = ("ref", "slots", "applied", "states")

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.ref = weakref.ref(tracker)
        self.slots = _slot_identity(tracker)
        self.applied: Optional[_Applied] = None
        self.states: Dict[Tuple, _States] = {}


_entries: Dict[int, _Entry] = {}


def _slot_identity(tracker: DialogueStateTracker) -> Tuple:
    return (type(tracker.slots),) + tuple((name, id(slot)) for name, slot in tracker.slots.items())


def _entry(tracker: DialogueStateTracker) -> _Entry:
    key = id(tracker)
    entry = _entries.get(key)
    if entry is not None and entry.ref() is tracker and entry.slots == _slot_identity(tracker):
        return entry
    entry = _Entry(tracker)

    def forget(ref: Any, key: int = key) -> None:
        current = _entries.get(key)
        if current is not None and current.ref is ref:
            del _entries[key]

    entry.ref = weakref.ref(tracker, forget)
    _entries[key] = entry
    return entry


def clear() -> None:
    """Forget every cached result (tests, benchmarks)."""
    _entries.clear()


# --- applied events -------------------------------------------------------------------------

def _fold(tracker: DialogueStateTracker, applied: List[Any], event: Any, loop_names: set) -> List[Any]:
    """One step of Rasa 3.6's `DialogueStateTracker.applied_events` loop."""
    if isinstance(event, (ev.Restarted, ev.SessionStarted)):
        return []
    if isinstance(event, ev.ActionReverted):
        tracker._undo_till_previous(ev.ActionExecuted, applied)
    elif isinstance(event, ev.UserUtteranceReverted):
        tracker._undo_till_previous(ev.UserUttered, applied)
        tracker._undo_till_previous(ev.ActionExecuted, applied)
    elif (
        isinstance(event, ev.ActionExecuted)
        and event.action_name in loop_names
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)
    return applied


def _loop_names(events: Any) -> set:
    return {e.name for e in events if isinstance(e, ev.ActiveLoop) and e.name}


def _replayable(events: Any) -> bool:
    return all(type(e) in _REPLAYABLE or type(e) in _CONTROL for e in events)


def _unlikely_intent(events: Any) -> bool:
    return any(type(e) is ev.ActionExecuted and e.action_name == ACTION_UNLIKELY_INTENT_NAME for e in events)


def _same_prefix(seen: List[Any], events: Any) -> bool:
    return len(seen) <= len(events) and all(map(operator.is_, seen, events))


def _current_applied(tracker: DialogueStateTracker) -> _Applied:
    entry = _entry(tracker)
    cached = entry.applied
    events = tracker.events
    if cached is not None and _same_prefix(cached.events, events):
        if len(cached.events) == len(events):
            return cached
        new = list(itertools.islice(events, len(cached.events), None))
        if _loop_names(new) <= cached.loop_names:
            applied = list(cached.applied)
            for event in new:
                applied = _fold(tracker, applied, event, cached.loop_names)
            entry.applied = _Applied(cached.events + new, cached.loop_names, applied,
                                     cached.replayable and _replayable(new),
                                     cached.unlikely_intent or _unlikely_intent(new))
            return entry.applied
    seen = list(events)
    entry.applied = _Applied(seen, _loop_names(seen), _original_applied_events(tracker), _replayable(seen),
                             _unlikely_intent(seen))
    return entry.applied


def applied_events(self: DialogueStateTracker) -> List[Any]:
    """Drop-in for `DialogueStateTracker.applied_events` (same list, computed incrementally)."""
    if type(self) is not DialogueStateTracker:
        return _original_applied_events(self)
    return list(_current_applied(self).applied)


# --- states ---------------------------------------------------------------------------------

def _user_fingerprint(message: Any) -> Tuple:
    """Everything of a user message that its state depends on (see Domain._get_user_sub_state)."""
    return (
        message.text,
        message.intent.get("name") if isinstance(message.intent, dict) else message.intent,
        message.use_text_for_featurization,
        tuple((e.get("entity"), e.get("role"), e.get("group"), "entity" in e, "role" in e, "group" in e)
              for e in message.entities),
    )


def _handles(message: Any) -> Tuple:
    """What a user message's fingerprint is read from, as objects, and what Rasa edits in place
    (`DefinePrevUserUtteredFeaturization` sets a flag, `EntitiesAdded` appends entities)."""
    intent = message.intent
    return (message.text, intent, intent.get("name") if isinstance(intent, dict) else None,
            message.entities, len(message.entities), message.use_text_for_featurization)


def _same_handles(message: Any, handles: Tuple) -> bool:
    """Cheaper than a fingerprint: the same objects, the same intent name and flag, as many
    entities. A message that fails it is fingerprinted."""
    text, intent, name, entities, count, use_text = handles
    return (message.text is text and message.intent is intent and message.entities is entities
            and len(entities) == count and message.use_text_for_featurization == use_text
            and (intent.get("name") if isinstance(intent, dict) else None) == name)


def _snapshot(tracker: DialogueStateTracker, blank: Any) -> Tuple[DialogueStateTracker, Any]:
    """An independent copy of a replay tracker's state (its event list is never read).

    `blank` is the empty user message the replay started with (not an event of the tracker): each
    Rasa replay starts with a fresh one and `EntitiesAdded` can edit it, so it is copied too.
    """
    clone = DialogueStateTracker.__new__(DialogueStateTracker)
    clone.__dict__.update(tracker.__dict__)
    slots = copy.copy(tracker.slots)
    for name in slots:
        slots[name] = copy.copy(slots[name])
    clone.slots = slots
    clone.active_loop = copy.copy(tracker.active_loop)
    clone.events = deque()
    if blank is not None and tracker.latest_message is blank:
        clone.latest_message = blank = copy.deepcopy(blank)
    else:
        blank = None
    return clone, blank


def _edits_latest_message(event: Any, replay: DialogueStateTracker) -> bool:
    """Whether `event.apply_to(replay)` edits the user message (as both events' apply_to check)."""
    return (type(event) in (ev.DefinePrevUserUtteredFeaturization, ev.EntitiesAdded)
            and replay.latest_action_name == ACTION_LISTEN_NAME and bool(replay.latest_message))


def _edit(message: Any, event: Any) -> None:
    """What `event.apply_to` does to the latest user message (Rasa 3.6, events.py)."""
    if type(event) is ev.DefinePrevUserUtteredFeaturization:
        message.use_text_for_featurization = event.use_text_for_featurization
    else:
        for entity in event.entities:
            if entity not in message.entities:
                message.entities.append(entity)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return ("dict",) + tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__,) + tuple(_freeze(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(type(value))


def _step(domain: Domain, tracker: DialogueStateTracker, hide_rule_turn: bool, states: List[Dict],
          last_ml: Any, turn_was_hidden: bool, omit_unset_slots: bool, ignore_rule_only_turns: bool,
          rule_only_data: Optional[Dict]) -> Tuple[Any, bool]:
    """One iteration of Rasa 3.6's `Domain.states_for_tracker_history` loop."""
    if ignore_rule_only_turns:
        if not turn_was_hidden:
            last_ml = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
            turn_was_hidden = hide_rule_turn
        if turn_was_hidden:
            return last_ml, turn_was_hidden
    state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if last_ml:
            state[PREVIOUS_ACTION] = last_ml
    states.append(domain._clean_state(state))
    return last_ml, turn_was_hidden


def _copy_states(states: List[Dict]) -> List[Dict]:
    """Copies of the states and their sub-dicts (callers edit both), shared sub-dicts kept shared."""
    copies: Dict[int, Dict] = {}
    get = copies.get
    result = []
    for state in states:
        new = {}
        for key, sub in state.items():
            done = get(id(sub))
            if done is None:
                done = copies[id(sub)] = sub.copy() if isinstance(sub, dict) else sub
            new[key] = done
        result.append(new)
    return result


def _resume_point(cache: _States, applied: List[Any]) -> int:
    """Index into `cache.checkpoints` to continue from, or -1 to start afresh."""
    if applied is cache.applied:
        same = len(applied)
    else:
        matches = list(map(operator.is_, cache.applied, applied))
        same = matches.index(False) if False in matches else len(matches)
    for position, message, fingerprint, handles in cache.users:
        if position >= same:
            break
        if not _same_handles(message, handles) and _user_fingerprint(message) != fingerprint:
            same = position
            break
    for index in range(len(cache.checkpoints) - 1, -1, -1):
        if cache.checkpoints[index].position <= same:
            return index
    return -1


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[str, Any]] = None,
) -> List[Dict]:
    """Drop-in for `Domain.states_for_tracker_history` (same states, computed incrementally)."""
    if not ENABLED or type(tracker) is not DialogueStateTracker:
        stats["rasa"] += 1
        return _original_states_for_tracker_history(
            self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    try:
        key = (id(self), bool(omit_unset_slots), bool(ignore_rule_only_turns), _freeze(rule_only_data))
    except TypeError:
        key = None
    current = _current_applied(tracker)
    if key is None or not current.replayable:
        stats["rasa"] += 1
        return _original_states_for_tracker_history(
            self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    applied = current.applied
    entry = _entry(tracker)
    cache = entry.states.get(key)
    if cache is None or cache.domain is not self:
        cache = entry.states[key] = _States(self)

    index = _resume_point(cache, applied)
    stats["fresh" if index < 0 else "resumed"] += 1
    if index < 0:
        start, replay = 0, tracker.init_copy()
        blank = replay.latest_message
        states: List[Dict] = []
        last_ml, turn_was_hidden = None, False
        edits: List[Any] = []
        checkpoints: List[_Checkpoint] = []
    else:
        point = cache.checkpoints[index]
        start, last_ml, turn_was_hidden = point.position, point.last_ml, point.turn_was_hidden
        replay, blank = _snapshot(point.replay, point.blank)
        states, edits = cache.states[: point.count], list(point.edits)
        if blank is None:
            # Rasa's replay re-applies these to the (shared) user message before this point;
            # whoever edited it since (a later DefinePrevUserUtteredFeaturization) is undone
            # until the replay below reaches that event again, as in Rasa's replay.
            for event in edits:
                _edit(replay.latest_message, event)
        checkpoints = cache.checkpoints[: index + 1]
    users = [u for u in cache.users if u[0] < start]

    actions = [i for i in range(start, len(applied)) if isinstance(applied[i], ev.ActionExecuted)]
    keep_from = actions[-CHECKPOINTS] if len(actions) > CHECKPOINTS else start
    for i in range(start, len(applied)):
        event = applied[i]
        if isinstance(event, ev.ActionExecuted):
            if (i > start or index < 0) and i >= keep_from:
                clone, clone_blank = _snapshot(replay, blank)
                checkpoints.append(_Checkpoint(i, clone, clone_blank, tuple(edits), len(states),
                                               last_ml, turn_was_hidden))
            last_ml, turn_was_hidden = _step(self, replay, event.hide_rule_turn, states, last_ml,
                                             turn_was_hidden, omit_unset_slots, ignore_rule_only_turns,
                                             rule_only_data)
        if isinstance(event, ev.UserUttered):
            users.append((i, event, _user_fingerprint(event), _handles(event)))
            edits = []
        elif _edits_latest_message(event, replay):
            edits.append(event)
        event.apply_to(replay)

    cache.applied, cache.states, cache.users = applied, states, users
    cache.checkpoints = checkpoints[-CHECKPOINTS:]
    result = list(states)
    _step(self, replay, False, result, last_ml, turn_was_hidden, omit_unset_slots,
          ignore_rule_only_turns, rule_only_data)
    count = _newest.get()
    if count is not None and len(result) > count and not current.unlikely_intent:
        result = result[-count:]
    return _copy_states(result)


def install() -> None:
    """Patch Rasa once per process (idempotent); HEADEASE_STATE_CACHE=0 turns the states cache off."""
    global _installed
    if _installed:
        return
    DialogueStateTracker.applied_events = applied_events
    Domain.states_for_tracker_history = states_for_tracker_history
    _installed = True


def uninstall() -> None:
    """Restore Rasa's methods (tests, benchmarks)."""
    global _installed
    DialogueStateTracker.applied_events = _original_applied_events
    Domain.states_for_tracker_history = _original_states_for_tracker_history
    clear()
    _installed = False
