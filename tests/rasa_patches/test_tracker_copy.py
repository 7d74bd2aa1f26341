"""headease_rasa.tracker_copy: every copy equals Rasa's own `copy()` of the same tracker.

Each check makes Rasa's copy (replay of every event) and the patched one of the same live
tracker and compares everything a tracker holds; the patched copy must also be independent
(editing it changes neither the live tracker nor the next copy).
"""
import copy
import random

import pytest

from rasa.shared.core.events import (
    ActionExecuted, ActionExecutionRejected, ActiveLoop, ConversationPaused, DefinePrevUserUtteredFeaturization,
    EntitiesAdded, FollowupAction, LoopInterrupted, Restarted, SlotSet, StoryExported,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bench.action_payload import conversation
from headease_rasa import tracker_copy
from tests.rasa_patches.test_state_cache import HEADEASE, TOY, form_turns, random_event, user

RASA_COPY = tracker_copy._original_copy


@pytest.fixture(autouse=True)
def patched():
    was = tracker_copy.installed()
    tracker_copy.install()
    tracker_copy.clear()
    yield
    if not was:
        tracker_copy.uninstall()


def everything(tracker):
    """All a tracker holds, comparable: the same event objects, equal state and slots."""
    return {
        "events": [id(e) for e in tracker.events],
        "maxlen": tracker.events.maxlen,
        "state": tracker.current_state(EventVerbosity.ALL),
        "slots": {name: (type(slot), slot.value, slot.has_been_set, slot.initial_value,
                         getattr(slot, "_value_reset_delay", None)) for name, slot in tracker.slots.items()},
        "slot_type": type(tracker.slots),
        "fields": {k: v for k, v in tracker.__dict__.items()
                   if k not in ("events", "slots", "latest_message", "latest_bot_utterance")},
        "latest_message": _message(tracker.latest_message, tracker),
        "latest_bot": _message(tracker.latest_bot_utterance, tracker),
        "message_is_event": any(tracker.latest_message is e for e in tracker.events),
        "bot_is_event": any(tracker.latest_bot_utterance is e for e in tracker.events),
    }


def _message(message, tracker):
    """The message; one that is not an event of the tracker (a blank one made by a reset) is
    compared without its creation time."""
    if message is None:
        return None
    data = message.as_dict()
    if not any(message is e for e in tracker.events):
        data.pop("timestamp", None)
    return data


def check(tracker):
    expected = everything(RASA_COPY(tracker))
    ours = tracker.copy()
    assert type(ours) is DialogueStateTracker
    assert everything(ours) == expected
    live = copy.deepcopy(everything(tracker))
    # independent: what a caller does to what its copy owns (as a replayed copy owns it) reaches
    # neither the live tracker nor later copies (the event objects are shared, as in Rasa's copy)
    ours.update(SlotSet(next(iter(ours.slots)), "changed by the caller"))
    ours.update(LoopInterrupted(True))  # edits the active loop in place
    ours.update(ActionExecutionRejected(ours.active_loop_name or "none"))
    ours.update(ActiveLoop("some_loop"))
    ours.update(FollowupAction("action_y"))
    ours.update(ConversationPaused())
    ours.latest_action["edited"] = "by the caller"
    ours.update(ActionExecuted("action_x"))
    assert everything(tracker) == live
    assert everything(tracker.copy()) == expected
    return ours


def test_a_long_form_conversation_is_copied_as_rasa_copies_it_at_every_step():
    tracker = DialogueStateTracker("t", HEADEASE.slots)
    tracker_copy.stats.update(continued=0, rasa=0)
    for event in form_turns(30):
        tracker.update(event)
        check(tracker)
    assert tracker_copy.stats["continued"] > tracker_copy.stats["rasa"]  # continued, not replayed


def test_the_benchmarks_conversation_and_a_tracker_loaded_from_events():
    tracker = conversation(20, HEADEASE)
    check(tracker)
    tracker.update(user("more"))
    check(tracker)
    loaded = DialogueStateTracker.from_dict("t", [e.as_dict() for e in tracker.events], HEADEASE.slots)
    check(loaded)


def test_changed_events_slots_or_flags_are_copied_afresh():
    tracker = conversation(5, HEADEASE)
    check(tracker)
    tracker.events[3] = ActionExecuted("replaced")  # an event replaced in place
    check(tracker)
    tracker.events.pop()
    check(tracker)
    tracker.slots = {name: type(slot)(slot.name, slot.mappings) for name, slot in tracker.slots.items()}
    check(tracker)
    tracker.sender_id = "other"
    check(tracker)


def test_unknown_event_types_and_subclasses_go_to_rasa(tmp_path):
    tracker = conversation(3, TOY)
    check(tracker)
    tracker.update(StoryExported(str(tmp_path / "story.yml")))
    tracker_copy.stats.update(rasa=0, continued=0)
    check(tracker)
    assert tracker_copy.stats["continued"] == 0

    class Custom(DialogueStateTracker):
        pass

    custom = Custom.from_events("c", list(conversation(3, TOY).events), slots=TOY.slots)
    tracker_copy.stats.update(rasa=0)
    check(custom)  # Rasa's copy of a subclass is a DialogueStateTracker too
    assert tracker_copy.stats["rasa"] == 2


def test_an_event_with_an_unordered_timestamp_stops_the_replay_as_in_rasa():
    tracker = conversation(3, HEADEASE)
    check(tracker)
    odd = SlotSet("requested_slot", "age")
    odd.timestamp = float("nan")  # `nan <= inf` is false: Rasa's replay stops there
    tracker.update(odd)
    tracker.update(user("after"))
    check(tracker)
    check(tracker)


def test_blank_messages_after_a_reset_are_not_shared_between_copies():
    tracker = conversation(3, HEADEASE)
    check(tracker)
    tracker.update(Restarted())
    tracker.update(ActionExecuted("action_listen"))
    first, second = check(tracker), tracker.copy()
    assert first.latest_message is not second.latest_message
    second.update(ActionExecuted("action_listen"))
    second.update(EntitiesAdded([{"entity": "added_to_a_blank", "value": 1}]))
    second.update(DefinePrevUserUtteredFeaturization(True))
    assert everything(tracker.copy()) == everything(RASA_COPY(tracker))


def test_max_event_history():
    tracker = DialogueStateTracker("m", TOY.slots, max_event_history=15)
    for code in range(60):
        for event in random_event(random.Random(code), code):
            tracker.update(event)
        check(tracker)


@pytest.mark.parametrize("seed", range(12))
def test_random_conversations_with_every_event_kind(seed):
    rng = random.Random(seed)
    tracker = DialogueStateTracker("r", TOY.slots)
    for _ in range(80):
        for event in random_event(rng, rng.randrange(1000)):
            tracker.update(event)
        if rng.random() < 0.6:
            check(tracker)
    check(tracker)
