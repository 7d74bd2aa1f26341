"""headease_rasa.policy_history: the same look-up results as Rasa's own methods.

Random tables of remembered histories (keys made by Rasa's own `_create_feature_key`, with and
without compression, states whose texts contain braces) and random conversation histories,
shorter and longer than anything remembered, including the remembered ones themselves.
"""
import json
import random

import pytest

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER

from headease_rasa import policy_history

RASA_RECALL = policy_history._originals.get("recall_states", MemoizationPolicy.__dict__["_recall_states"])
RASA_POSSIBLE_KEYS = policy_history._originals.get("possible_keys", RulePolicy.__dict__["_get_possible_keys"])


@pytest.fixture(autouse=True)
def patched():
    was = policy_history.installed()
    policy_history.install()
    yield
    if not was:
        policy_history.uninstall()


def random_state(rng):
    state = {}
    if rng.random() < 0.9:
        state[PREVIOUS_ACTION] = {"action_name": rng.choice(["action_listen", "utter_a", "form", "action_b"])}
    if rng.random() < 0.6:
        user = {"intent": rng.choice(["greet", "inform", "deny"])}
        if rng.random() < 0.2:
            user = {"text": rng.choice(["{", "}, {", "a } b {", "plain"])}  # braces inside texts
        if rng.random() < 0.3:
            user["entities"] = tuple(rng.sample(["city", "number"], rng.randint(1, 2)))
        state[USER] = user
    if rng.random() < 0.4:
        state["slots"] = {"mood": rng.choice([(1.0,), (0.0,), SHOULD_NOT_BE_SET])}
    if rng.random() < 0.2:
        state["active_loop"] = {"name": rng.choice(["form", SHOULD_NOT_BE_SET])}
    return state


def memoization(rng, compress):
    policy = MemoizationPolicy.__new__(MemoizationPolicy)
    policy.config = {"enable_feature_string_compression": compress}
    remembered = [[random_state(rng) for _ in range(rng.randint(1, 9))] for _ in range(30)]
    policy.lookup = {policy._create_feature_key(states): f"action_{i}" for i, states in enumerate(remembered)}
    return policy, remembered


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("compress", [True, False])
def test_memoization_recall_is_rasas(seed, compress):
    rng = random.Random(seed)
    policy, remembered = memoization(rng, compress)
    assert len(remembered[0]) <= policy_history.most_states(policy)
    histories = remembered + [[random_state(rng) for _ in range(n)] for n in range(0, 60)]
    histories += [states + [random_state(rng)] * k for states in remembered[:5] for k in (1, 30)]
    found = 0
    for states in histories:
        expected = RASA_RECALL(policy, states)
        assert policy_history._recall_states(policy, states) == expected
        found += expected is not None
    assert found >= 25  # the remembered ones are found


def test_the_bound_follows_a_changed_table():
    rng = random.Random(1)
    policy, _ = memoization(rng, True)
    first = policy_history.most_states(policy)
    long = [random_state(rng) for _ in range(first + 5)]
    policy.lookup[policy._create_feature_key(long)] = "action_long"
    assert policy_history.most_states(policy) >= first + 5
    assert policy_history._recall_states(policy, long) == "action_long"


def rule_policy(rng, rules):
    policy = RulePolicy.__new__(RulePolicy)
    lookup = {}
    for i in range(rules):
        states = [random_state(rng) for _ in range(rng.randint(1, 6))]
        lookup[json.dumps(states, sort_keys=True)] = f"action_{i}"
    return policy, lookup


@pytest.mark.parametrize("seed", range(20))
def test_rule_keys_are_rasas(seed):
    rng = random.Random(seed)
    policy, lookup = rule_policy(rng, rng.randint(0, 40))
    for n in (0, 1, 2, 3, 5, 8, 40):
        for _ in range(5):
            states = [random_state(rng) for _ in range(n)]
            if lookup and rng.random() < 0.5:  # end with a remembered rule's states
                states += RulePolicy._rule_key_to_state(rng.choice(list(lookup)))
            assert policy_history._get_possible_keys(policy, lookup, states) == RASA_POSSIBLE_KEYS(policy, lookup, states)


def test_install_is_idempotent_and_reversible():
    policy_history.install()
    policy_history.install()
    assert MemoizationPolicy._recall_states is policy_history._recall_states
    assert RulePolicy._get_possible_keys is policy_history._get_possible_keys
    policy_history.uninstall()
    assert MemoizationPolicy.__dict__["_recall_states"] is RASA_RECALL
    assert RulePolicy.__dict__["_get_possible_keys"] is RASA_POSSIBLE_KEYS
    policy_history.install()


def test_histories_of_the_smallest_states_right_at_the_bound():
    """Empty states have one brace each: the bound is then exactly the longest history."""
    policy = MemoizationPolicy.__new__(MemoizationPolicy)
    policy.config = {"enable_feature_string_compression": True}
    policy.lookup = {policy._create_feature_key([{}] * n): f"action_{n}" for n in range(1, 11)}
    assert policy_history.most_states(policy) == 10
    for n in range(0, 14):
        assert policy_history._recall_states(policy, [{}] * n) == RASA_RECALL(policy, [{}] * n)
        assert (policy_history._recall_states(policy, [{}] * n) is not None) == (1 <= n <= 10)


# --- the newest states only (state_cache.newest) ------------------------------------------------

from rasa.core.policies import memoization as memoization_module  # noqa: E402
from rasa.core.policies import rule_policy as rule_policy_module  # noqa: E402
from rasa.core.policies.rule_policy import (  # noqa: E402
    RULE_ONLY_LOOPS, RULE_ONLY_SLOTS, RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RULES_NOT_IN_STORIES,
)
from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, UserUttered  # noqa: E402

from bench.action_payload import conversation  # noqa: E402
from bench.policy_growth import consultations  # noqa: E402
from headease_rasa import state_cache  # noqa: E402

DOMAIN = Domain.load("domain.yml")


@pytest.fixture
def served(monkeypatch):
    """As `rasa run` at INFO: the state cache on, the policies' debug events dropped."""
    import structlog

    was = state_cache._installed
    state_cache.install()
    state_cache.clear()
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(20), cache_logger_on_first_use=True)
    monkeypatch.setattr(memoization_module, "structlogger", structlog.get_logger())
    monkeypatch.setattr(rule_policy_module, "structlogger", structlog.get_logger())
    yield
    structlog.configure(**saved)
    if not was:
        state_cache.uninstall()


def trackers():
    """Growing conversations: form turns without a loop, and consultations with the form active."""
    yield from (conversation(turns, DOMAIN) for turns in (0, 1, 3, 12, 40))
    yield from (consultations(count, DOMAIN) for count in (1, 2, 6))


def served_policy(cls, tmp_path, name):
    return cls(cls.get_default_config(), LocalModelStorage(tmp_path), Resource(name),
               ExecutionContext(GraphSchema({}), "test"))


def same_prediction(ours, rasa):
    fields = ("probabilities", "policy_name", "events", "optional_events", "is_end_to_end_prediction",
              "is_no_user_prediction", "hide_rule_turn", "action_metadata")
    return all(getattr(ours, f) == getattr(rasa, f) for f in fields)


def test_newest_states_are_the_end_of_all_of_them(served):
    for tracker in trackers():
        for flags in ({}, {"ignore_rule_only_turns": True, "rule_only_data": {"slots": [], "loops": ["consultation_form"]}}):
            every = tracker.past_states(DOMAIN, **flags)
            for count in (1, 2, 5, len(every), len(every) + 3):
                with state_cache.newest(count):
                    assert tracker.past_states(DOMAIN, **flags) == every[-count:]


def test_a_conversation_with_unlikely_intent_gets_every_state(served):
    tracker = conversation(6, DOMAIN)
    tracker.update(ActionExecuted("action_unlikely_intent"))
    every = tracker.past_states(DOMAIN)
    with state_cache.newest(2):
        assert tracker.past_states(DOMAIN) == every


@pytest.mark.parametrize("seed", range(6))
def test_rule_policy_predicts_as_from_every_state(served, tmp_path, seed):
    """Rules made of the conversations' own newest states (so that they match), of states from
    elsewhere, and the same as rules not in stories; the patched prediction (newest states only)
    equals Rasa's on every state of growing conversations, text and intent predictions alike."""
    rng = random.Random(seed)
    policy = served_policy(RulePolicy, tmp_path, "rule")
    rules, unhappy = {}, {}
    for tracker in trackers():
        states = policy._prediction_states(tracker, DOMAIN)
        for length in (1, 2, 3):
            if len(states) >= length and rng.random() < 0.5:
                key = json.dumps(states[-length:], sort_keys=True)
                (rules if rng.random() < 0.8 else unhappy)[key] = rng.choice(["action_give_assessment", "action_listen"])
    rules.update({json.dumps([random_state(rng) for _ in range(rng.randint(1, 4))], sort_keys=True): "action_doctor_summary"
                  for _ in range(10)})
    policy.lookup = {RULES: rules, RULES_FOR_LOOP_UNHAPPY_PATH: unhappy,
                     RULES_NOT_IN_STORIES: [k for k in rules if rng.random() < 0.5] + ["predicting default action"],
                     RULE_ONLY_SLOTS: [], RULE_ONLY_LOOPS: ["consultation_form"]}
    longest = policy_history.longest_rule(policy)
    assert 1 <= longest <= 4
    tail_used = 0
    for tracker in trackers():
        rasa = policy_history._originals["rule_predict"](policy, tracker, DOMAIN)
        ours = policy.predict_action_probabilities(tracker, DOMAIN)
        assert same_prediction(ours, rasa)
        tail_used += len(tracker.past_states(DOMAIN)) > policy_history.states_used(policy)
        tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))  # and right after a message
        assert same_prediction(policy.predict_action_probabilities(tracker, DOMAIN),
                               policy_history._originals["rule_predict"](policy, tracker, DOMAIN))
    assert tail_used >= 4  # most conversations were longer than the rules


@pytest.mark.parametrize("remember", ["short", "whole", "none"])
def test_memoization_predicts_as_from_every_state(served, tmp_path, remember):
    policy = served_policy(MemoizationPolicy, tmp_path, "memo")
    every = list(trackers())
    if remember != "none":
        for tracker in (every[:4] if remember == "short" else every):
            key = policy._create_feature_key(policy._prediction_states(tracker, DOMAIN))
            policy.lookup[key] = "action_give_assessment"
    for index, tracker in enumerate(every):
        rasa = policy_history._originals["memo_predict"](policy, tracker, DOMAIN)
        ours = policy.predict_action_probabilities(tracker, DOMAIN)
        assert same_prediction(ours, rasa)
        expected = remember == "whole" or (remember == "short" and index < 4)
        assert (max(ours.probabilities) > 0) is expected
