"""Stop the rule and memoization look-ups where no remembered history can match any more.

Both policies compare the conversation's dialogue states with what training remembered, and both
look at every state of the session although what they remember is short (HeadEase's longest
memorised story has a few dozen states; a long conversation has hundreds):

* `MemoizationPolicy._recall_states` JSON-encodes and compresses the whole history (its
  `max_history` is unset) to look it up: about 1 ms per prediction at 200 turns, for a key that
  cannot be in the table once the history is longer than every remembered one. A remembered key
  is the text of a list of states (counted once per table); a history of more states than any
  key holds is looked up as not found without encoding it (the same answer: no key can be equal).
* `RulePolicy._get_possible_keys` filters the rules against the states from the newest back to
  the first; a rule is kept unchanged at every step past its own length. Once the step is past
  the length of every rule still kept, or none is kept, the set can no longer change, and the
  loop stops there (the same set).

Both also used to be handed every state of the session, copied, to look at its newest few. While
they predict, the dialogue states are asked for the newest states they can use
(`state_cache.newest`): one more than the longest remembered history, so that a longer
conversation still reads as longer than anything remembered (the same answers: no rule is
compared beyond its own length, no memorised key or rule key can equal a history of more states
than it has, and the rule policy's "no rule" source is only tested for membership in its list of
rules).

`install()` applies these (Rasa 3.6.21 only); tests/rasa_patches/test_policy_history.py compares
them with Rasa's methods on the model's own tables and on random ones.
"""
from __future__ import annotations

import base64
import json
import zlib
from typing import Any, Dict, List, Optional, Set, Text

from headease_rasa import state_cache
from headease_rasa.policy_logging import debug_dropped

_installed = False
_originals: Dict[str, Any] = {}
# On each MemoizationPolicy: (the lookup table it was computed for, its size, the bound).
_BOUND = "_headease_history_bound"
# On each RulePolicy: (the lookup it was computed for, the sizes of its tables, the longest rule).
_LONGEST_RULE = "_headease_longest_rule"


def key_text(policy: Any, key: Text) -> Text:
    """The feature text of a lookup key, as `_create_feature_key` made it."""
    if policy.config.get("enable_feature_string_compression"):
        return zlib.decompress(base64.b64decode(key)).decode("utf-8")
    return key


def most_states(policy: Any) -> int:
    """An upper bound on the number of states in any key of the policy's lookup table."""
    lookup = policy.lookup
    cached = policy.__dict__.get(_BOUND)
    if cached is not None and cached[0] is lookup and cached[1] == len(lookup):
        return cached[2]
    # (its keys are JSON with the quotes stripped, so they cannot be parsed: braces bound the states)
    bound = max((key_text(policy, key).count("{") for key in lookup), default=0)
    policy.__dict__[_BOUND] = (lookup, len(lookup), bound)
    return bound


def _bounded(policy: Any) -> bool:
    """Whether the bound holds: Rasa's own key function over a flat table of keys."""
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy

    return (not isinstance(policy, RulePolicy)
            and type(policy)._create_feature_key is MemoizationPolicy._create_feature_key
            and isinstance(policy.lookup, dict))


def _rule_tables(policy: Any) -> List[Any]:
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RULES_NOT_IN_STORIES

    return [policy.lookup.get(name) or () for name in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RULES_NOT_IN_STORIES)]


def _states_in(key: Text) -> int:
    """How many states a rule key holds (0 for the named sources of default and loop rules)."""
    try:
        states = json.loads(key)
    except ValueError:
        return 0
    return len(states) if isinstance(states, list) else 0


def longest_rule(policy: Any) -> int:
    """The most states of any rule key the rule policy compares a history with or looks up."""
    tables = _rule_tables(policy)
    sizes = tuple(len(table) for table in tables)
    cached = policy.__dict__.get(_LONGEST_RULE)
    if cached is not None and cached[0] is policy.lookup and cached[1] == sizes:
        return cached[2]
    longest = max((_states_in(key) for table in tables for key in table), default=0)
    policy.__dict__[_LONGEST_RULE] = (policy.lookup, sizes, longest)
    return longest


def states_used(policy: Any) -> Optional[int]:
    """How many of the newest states the policy's prediction can tell apart from the whole
    history, or None when that is not known (a subclass with its own look-ups)."""
    from rasa.core.policies import memoization, rule_policy

    if type(policy) is rule_policy.RulePolicy and debug_dropped(rule_policy.structlogger):
        return longest_rule(policy) + 1
    if type(policy) is memoization.MemoizationPolicy and _bounded(policy) and debug_dropped(memoization.structlogger):
        return most_states(policy) + 1
    return None  # (a debug log of the states gets all of them, as Rasa logs them)


def _predict_from_newest(original: Any) -> Any:
    def predict_action_probabilities(self: Any, *args: Any, **kwargs: Any) -> Any:
        count = states_used(self)
        if count is None:
            return original(self, *args, **kwargs)
        with state_cache.newest(count):
            return original(self, *args, **kwargs)

    predict_action_probabilities.__doc__ = original.__doc__
    predict_action_probabilities._headease_newest = True  # type: ignore[attr-defined]
    return predict_action_probabilities


def _recall_states(self: Any, states: List[Dict]) -> Optional[Text]:
    if states and _bounded(self) and len(states) > most_states(self):
        return None
    return _originals["recall_states"](self, states)


def _get_possible_keys(self: Any, lookup: Dict[Text, Text], states: List[Dict]) -> Set[Text]:
    """Rasa 3.6.21's `RulePolicy._get_possible_keys`, stopped once nothing can change."""
    possible_keys = set(lookup.keys())
    longest = max((len(self._rule_key_to_state(key)) for key in possible_keys), default=0)
    for i, state in enumerate(reversed(states)):
        if i >= longest:
            break  # every rule still kept is kept at every later step
        possible_keys = set(filter(lambda _key: self._is_rule_applicable(_key, i, state), possible_keys))
        longest = max((len(self._rule_key_to_state(key)) for key in possible_keys), default=0)
    return possible_keys


def install() -> None:
    """Patch Rasa 3.6.21 once per process (idempotent)."""
    global _installed
    import rasa

    if _installed or rasa.__version__ != "3.6.21":
        return
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy

    _originals.update(recall_states=MemoizationPolicy.__dict__["_recall_states"],
                      possible_keys=RulePolicy.__dict__["_get_possible_keys"],
                      memo_predict=MemoizationPolicy.__dict__["predict_action_probabilities"],
                      rule_predict=RulePolicy.__dict__["predict_action_probabilities"])
    MemoizationPolicy._recall_states = _recall_states
    RulePolicy._get_possible_keys = _get_possible_keys
    MemoizationPolicy.predict_action_probabilities = _predict_from_newest(_originals["memo_predict"])
    RulePolicy.predict_action_probabilities = _predict_from_newest(_originals["rule_predict"])
    _installed = True


def installed() -> bool:
    return _installed


def uninstall() -> None:
    """Restore Rasa's methods (tests)."""
    global _installed
    if not _installed:
        return
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy

    MemoizationPolicy._recall_states = _originals["recall_states"]
    RulePolicy._get_possible_keys = _originals["possible_keys"]
    for policy, key in ((MemoizationPolicy, "memo_predict"), (RulePolicy, "rule_predict")):
        if getattr(policy.__dict__.get("predict_action_probabilities"), "_headease_newest", False):
            policy.predict_action_probabilities = _originals[key]
    _installed = False
