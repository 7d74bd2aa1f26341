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
