"""headease_rasa.state_cache: incremental states and applied events equal unpatched Rasa's, always.

Every check compares the patched `past_states` / `applied_events` with Rasa 3.6's own methods on
the same tracker, for all flag combinations, after events are appended one by one (so that the
cache is continued across calls), and for the cases in which the cache must not be trusted.
"""
import random

import pytest
from hypothesis import given, settings, strategies as st

from rasa.shared.core.constants import SHOULD_NOT_BE_SET
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, ActionExecutionRejected, ActionReverted, ActiveLoop, AllSlotsReset, BotUttered,
    ConversationPaused, ConversationResumed, DefinePrevUserUtteredFeaturization, EntitiesAdded,
    FollowupAction, LoopInterrupted, Restarted, SessionStarted, SlotSet, StoryExported, UserUttered,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bench.action_payload import conversation
from headease_rasa import state_cache

HEADEASE = Domain.load("domain.yml")
FORM = "consultation_form"

# A domain whose slots, entities (roles, groups) and intents all reach the states.
TOY = Domain.from_yaml("""
version: "3.1"
intents:
- greet
- inform:
    use_entities: [city, number]
- affirm
- deny
- stop:
    ignore_entities: [city]
entities:
- city:
    roles: [from, to]
- number:
    groups: [a, b]
- mood_word
slots:
  mood:
    type: categorical
    values: [good, bad]
    mappings: [{type: custom}]
  confirmed:
    type: bool
    mappings: [{type: custom}]
  amount:
    type: float
    min_value: 0
    max_value: 10
    mappings: [{type: custom}]
  cities:
    type: list
    mappings: [{type: custom}]
  name:
    type: text
    mappings: [{type: custom}]
  quiet:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  requested_slot:
    type: categorical
    values: [mood, amount]
    mappings: [{type: custom}]
forms:
  survey_form:
    required_slots: [mood, amount]
actions:
- action_a
- action_b
- validate_survey_form
responses:
  utter_greet:
  - text: hi
  utter_bye:
  - text: bye
""")
TOY_FORM = "survey_form"
TOY_ACTIONS = ["action_a", "action_b", "utter_greet", "utter_bye", TOY_FORM, "action_listen"]
TOY_INTENTS = ["greet", "inform", "affirm", "deny", "stop"]
SLOT_VALUES = {"mood": ["good", "bad", "other", None], "confirmed": [True, False, None],
               "amount": [0, 3.5, 12, None], "cities": [["x"], [], None], "name": ["ann", "", None],
               "quiet": ["q", None], "requested_slot": ["mood", "amount", None, SHOULD_NOT_BE_SET]}

RULE_ONLY = {"rule_only_slots": ["mood", "requested_slot"], "rule_only_loops": [TOY_FORM, FORM]}
FLAGS = [
    {"omit_unset_slots": omit, "ignore_rule_only_turns": ignore, "rule_only_data": data}
    for omit in (False, True) for ignore in (False, True) for data in (None, {}, RULE_ONLY)
]


@pytest.fixture(autouse=True)
def patched():
    """Patch Rasa for the test; leave the process as it was (tracker_store installs it too)."""
    was_installed = state_cache._installed
    state_cache.install()
    state_cache.clear()
    yield
    state_cache.uninstall()
    if was_installed:
        state_cache.install()


def rasa_states(tracker, domain, **flags):
    patched_applied = DialogueStateTracker.applied_events
    DialogueStateTracker.applied_events = state_cache._original_applied_events
    try:
        return state_cache._original_states_for_tracker_history(domain, tracker, **flags)
    finally:
        DialogueStateTracker.applied_events = patched_applied


def user_messages(tracker):
    """What Rasa's replays edit in the user messages (DefinePrevUserUtteredFeaturization, EntitiesAdded)."""
    return [(e, e.use_text_for_featurization, [dict(x) for x in e.entities])
            for e in tracker.events if isinstance(e, UserUttered)]


def restore(saved):
    for message, use_text, entities in saved:
        message.use_text_for_featurization = use_text
        message.entities[:] = entities


def check(tracker, domain, flags=FLAGS):
    """Patched == Rasa for each flag combination, from the same user messages, with the same edits.

    Rasa's result depends on the user messages as they are when it is called (its replay edits
    them), so Rasa runs on the messages as the patched call found them, and both must leave them
    the same.
    """
    assert tracker.applied_events() == state_cache._original_applied_events(tracker)
    assert [id(e) for e in tracker.applied_events()] == [id(e) for e in state_cache._original_applied_events(tracker)]
    for flag in flags:
        before = user_messages(tracker)
        ours = tracker.past_states(domain, **flag)
        after_ours = user_messages(tracker)
        restore(before)
        assert ours == rasa_states(tracker, domain, **flag), flag
        assert user_messages(tracker) == after_ours, flag


def user(text="hi", intent="inform", entities=()):
    return UserUttered(text, {"name": intent, "confidence": 0.9}, list(entities))


def grow(events, domain, flags=FLAGS, sender="t"):
    """Append the events one by one to one tracker, checking after each."""
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in events:
        tracker.update(event)
        check(tracker, domain, flags)
    return tracker


def form_turns(turns, form=FORM, slot="findings"):
    """A form conversation as Rasa records it: the loop is active, so each turn's undo applies."""
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              user("my head hurts", "describe_headache"), DefinePrevUserUtteredFeaturization(False),
              ActionExecuted(form), ActiveLoop(form), SlotSet("requested_slot", "severity"),
              BotUttered("how bad?"), ActionExecuted("action_listen")]
    for turn in range(turns):
        events += [user(f"answer {turn}"), DefinePrevUserUtteredFeaturization(False), ActionExecuted(form),
                   SlotSet(slot, {"turn": turn}), SlotSet("requested_slot", "duration"),
                   BotUttered(f"question {turn}"), ActionExecuted("action_listen")]
    return events


# --- long conversations -----------------------------------------------------------------------

@pytest.mark.parametrize("turns", [10, 60])
def test_long_conversations_match_rasa(turns):
    tracker = conversation(turns, HEADEASE)
    check(tracker, HEADEASE)
    check(tracker, HEADEASE)  # second time from the cache


def test_form_conversation_grown_event_by_event_matches_rasa():
    events = form_turns(12) + [ActiveLoop(None), SlotSet("requested_slot", None), ActionExecuted("action_give_assessment"),
                               BotUttered("assessment"), ActionExecuted("action_listen"), user("thanks", "thank")]
    grow(events + form_turns(6)[2:], HEADEASE)


def test_toy_form_with_featurized_slots_and_entities_matches_rasa():
    city = {"entity": "city", "value": "Rome", "role": "from"}
    number = {"entity": "number", "value": 3, "group": "a"}
    events = [ActionExecuted("action_listen"), user("from rome", "inform", [city, number]),
              DefinePrevUserUtteredFeaturization(False), ActionExecuted(TOY_FORM), ActiveLoop(TOY_FORM),
              SlotSet("requested_slot", "mood"), ActionExecuted("action_listen")]
    for turn in range(8):
        events += [user(f"{turn}", "inform", [number] if turn % 2 else []), DefinePrevUserUtteredFeaturization(False),
                   ActionExecuted(TOY_FORM), SlotSet("mood", ["good", "bad"][turn % 2]),
                   SlotSet("amount", turn), SlotSet("cities", ["a"] * (turn % 2)), ActionExecuted("action_listen")]
    events += [user("stop", "stop", [city]), DefinePrevUserUtteredFeaturization(False),
               ActionExecutionRejected(TOY_FORM), ActionExecuted("utter_bye", hide_rule_turn=True),
               ActionExecuted(TOY_FORM), LoopInterrupted(True), ActionExecuted("action_listen"),
               user("yes", "affirm"), ActionExecuted(TOY_FORM), ActiveLoop(None),
               SlotSet("requested_slot", None), SlotSet("confirmed", True), ActionExecuted("action_a"),
               ActionExecuted("action_listen")]
    grow(events, TOY)


# --- reverts, restarts, sessions, loops --------------------------------------------------------

def test_reverted_user_utterances_and_actions_match_rasa():
    events = [ActionExecuted("action_listen"), user("a", "greet"), ActionExecuted("utter_greet"),
              ActionExecuted("action_listen"), user("b", "inform"), UserUtteranceReverted(),
              ActionExecuted("action_listen"), user("c", "affirm"), ActionExecuted("action_a"),
              SlotSet("mood", "good"), ActionReverted(), ActionExecuted("action_b"), SlotSet("name", "x"),
              ActionExecuted("action_listen"), user("d", "deny"), ActionExecuted("action_a"),
              UserUtteranceReverted(), UserUtteranceReverted(), ActionExecuted("action_listen")]
    grow(events, TOY)


def test_restart_and_new_sessions_match_rasa():
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              user("a", "greet"), SlotSet("mood", "bad"), ActionExecuted("utter_greet"), ActionExecuted("action_listen"),
              user("restart", "stop"), ActionExecuted("action_restart"), Restarted(),
              ActionExecuted("action_session_start"), SessionStarted(), SlotSet("amount", 4),
              ActionExecuted("action_listen"), user("b", "inform"), ActionExecuted("action_a"),
              ActionExecuted("action_listen"), user("c"), ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen")]
    grow(events, TOY)


def test_slots_set_reset_and_other_state_events_match_rasa():
    events = [ActionExecuted("action_listen"), user("a", "inform"), SlotSet("mood", "good"),
              SlotSet("confirmed", True), SlotSet("cities", ["x", "y"]), ActionExecuted("action_a"),
              SlotSet("mood", None), SlotSet("requested_slot", SHOULD_NOT_BE_SET), AllSlotsReset(),
              ActionExecuted("action_b"), FollowupAction("action_a"), ActionExecuted("action_a"),
              ConversationPaused(), ActionExecuted("action_listen"), ConversationResumed(),
              user("b", "inform", [{"entity": "city", "value": "x", "role": "to"}]),
              EntitiesAdded([{"entity": "number", "value": 1, "group": "b"}]),
              DefinePrevUserUtteredFeaturization(True), ActionExecuted("action_a"),
              ActionExecuted("action_listen"), user("c", "inform"), DefinePrevUserUtteredFeaturization(False),
              ActionExecuted("action_b"), ActionExecuted("action_listen")]
    grow(events, TOY)


# --- the cache is used, and distrusted when it must be ------------------------------------------

def test_cache_is_continued_across_calls_while_events_are_appended():
    tracker = DialogueStateTracker("t", HEADEASE.slots)
    for event in form_turns(20):
        tracker.update(event)
        tracker.past_states(HEADEASE)
    state_cache.stats.update(resumed=0, fresh=0, rasa=0)
    for event in form_turns(5)[10:]:
        tracker.update(event)
        assert tracker.past_states(HEADEASE) == rasa_states(tracker, HEADEASE)
    assert state_cache.stats["fresh"] == 0 and state_cache.stats["rasa"] == 0
    assert state_cache.stats["resumed"] == len(form_turns(5)[10:])


def test_returned_states_can_be_edited_by_the_caller():
    tracker = conversation(5, TOY)
    for state in tracker.past_states(TOY):
        for sub in state.values():
            sub.clear()
        state.clear()
    check(tracker, TOY)


def test_user_message_changed_after_a_call_is_featurized_afresh():
    tracker = grow([ActionExecuted("action_listen"), user("a", "inform", [{"entity": "city", "value": "x"}]),
                    ActionExecuted("action_a"), ActionExecuted("action_b"), ActionExecuted("action_listen")], TOY)
    message = tracker.latest_message
    message.use_text_for_featurization = True
    check(tracker, TOY)
    message.use_text_for_featurization = False
    message.entities.append({"entity": "number", "value": 2, "group": "a"})
    check(tracker, TOY)
    message.intent = {"name": "stop", "confidence": 1.0}
    check(tracker, TOY)
    message.intent["name"] = "inform"  # edited in place
    check(tracker, TOY)


def test_different_tracker_objects_domains_and_rewritten_events():
    first = conversation(8, TOY)
    check(first, TOY)
    second = DialogueStateTracker.from_events("t", list(first.events), slots=TOY.slots)  # same event objects
    check(second, TOY)
    check(first, HEADEASE)
    # an event replaced in the middle, the list shortened, the list rebuilt
    first.events[10] = SlotSet("mood", "bad")
    check(first, TOY)
    first.events.pop()
    check(first, TOY)
    first.events = type(first.events)(list(first.events)[::2])
    check(first, TOY)


def test_unsafe_events_and_tracker_subclasses_fall_back_to_rasa(tmp_path):
    tracker = conversation(3, TOY)
    tracker.update(StoryExported(str(tmp_path / "story.yml")))
    state_cache.stats.update(rasa=0)
    check(tracker, TOY, FLAGS[:1])
    assert state_cache.stats["rasa"] == 1

    class Custom(DialogueStateTracker):
        pass

    custom = Custom.from_events("c", list(conversation(3, TOY).events), slots=TOY.slots)
    state_cache.stats.update(rasa=0)
    check(custom, TOY, FLAGS[:1])
    assert state_cache.stats["rasa"] == 1


# --- randomized ---------------------------------------------------------------------------------

def random_event(rng: random.Random, code: int):
    kind = code % 17
    if kind in (0, 1, 2):
        entities = [e for e in ({"entity": "city", "value": "a", "role": "from"}, {"entity": "city", "value": "b"},
                                {"entity": "number", "value": 1, "group": "b"}, {"entity": "mood_word", "value": "ok"})
                    if rng.random() < 0.3]
        return [ActionExecuted("action_listen"), user(f"u{code}", rng.choice(TOY_INTENTS), entities)]
    if kind in (3, 4, 5):
        return [ActionExecuted(rng.choice(TOY_ACTIONS), hide_rule_turn=rng.random() < 0.3)]
    if kind in (6, 7):
        slot = rng.choice(sorted(SLOT_VALUES))
        return [SlotSet(slot, rng.choice(SLOT_VALUES[slot]))]
    if kind == 8:
        return [ActiveLoop(rng.choice([TOY_FORM, None]))]
    if kind == 9:
        return [DefinePrevUserUtteredFeaturization(rng.random() < 0.5)]
    if kind == 10:
        return [EntitiesAdded([{"entity": "number", "value": code, "group": rng.choice(["a", "b"])}])]
    if kind == 11:
        return [rng.choice([LoopInterrupted(True), LoopInterrupted(False), ActionExecutionRejected(TOY_FORM)])]
    if kind == 12:
        return [rng.choice([UserUtteranceReverted(), ActionReverted()])]
    if kind == 13:
        return [rng.choice([Restarted(), SessionStarted(), AllSlotsReset()])]
    if kind == 14:
        return [rng.choice([FollowupAction("action_a"), ConversationPaused(), ConversationResumed()])]
    if kind == 15:
        return [BotUttered(f"b{code}")]
    return [ActionExecuted(TOY_FORM), SlotSet("requested_slot", rng.choice(["mood", "amount"])),
            ActionExecuted("action_listen"), user("x", "inform")]


def run_random(seed: int, codes) -> None:
    rng = random.Random(seed)
    tracker = DialogueStateTracker("r", TOY.slots)
    for code in codes:
        for event in random_event(rng, code):
            tracker.update(event)
        check(tracker, TOY, rng.sample(FLAGS, 3))
    check(tracker, TOY)


@pytest.mark.parametrize("seed", range(12))
def test_random_conversations_match_rasa(seed):
    rng = random.Random(seed)
    run_random(seed, [rng.randrange(1000) for _ in range(70)])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=999), min_size=1, max_size=40), st.integers(0, 10**6))
def test_hypothesis_conversations_match_rasa(codes, seed):
    state_cache.clear()
    run_random(seed, codes)
