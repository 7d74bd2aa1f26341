"""Stop the rule and memoization look-ups where no remembered history can match any more.

Both policies compare the conversation's dialogue states with what training remembered, and both
look at every state of the session although what they remember is short (HeadEase's longest
memorised story has a few dozen states; a long conversation has hundreds):

* `MemoizationPolicy._recall_states` JSON-encodes and compresses the whole history (its
  `max_history` is unset) to look it up: about 1 ms per prediction at 200 turns, for a key that
  cannot be in the table once the history is longer than every remembered one. A remembered key
  is the text of a list of states, each of which opens with `{`, so a key with `b` braces holds
  at most `b` states; a history of more states than the most braces of any key is looked up as
  not found without encoding it (the same answer: no key can be equal).
* `RulePolicy._get_possible_keys` filters the rules against the states from the newest back to
  the first; a rule is kept unchanged at every step past its own length. Once the step is past
  the length of every rule still kept, or none is kept, the set can no longer change, and the
  loop stops there (the same set).

`install()` applies both (Rasa 3.6.21 only); tests/rasa_patches/test_policy_history.py compares
them with Rasa's methods on the model's own tables and on random ones.
"""
from __future__ import annotations

import base64
import zlib
from typing import Any, Dict, List, Optional, Set, Text

_installed = False
_originals: Dict[str, Any] = {}
# On each MemoizationPolicy: (the lookup table it was computed for, its size, the bound).
_BOUND = "_headease_history_bound"


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
                      possible_keys=RulePolicy.__dict__["_get_possible_keys"])
    MemoizationPolicy._recall_states = _recall_states
    RulePolicy._get_possible_keys = _get_possible_keys
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
    _installed = False
