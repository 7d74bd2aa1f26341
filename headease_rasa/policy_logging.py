"""Build the policies' debug-log payloads only when debug events are logged.

On every prediction Rasa 3.6's MemoizationPolicy deep-copies every dialogue state of the session,
and RulePolicy formats every state as text, only to pass them to a structlog debug event, which
`rasa run` at INFO drops unseen: O(conversation) work per prediction, 4.6 ms and 2 x 1.1 ms at
200 form turns (bench/PROFILE.md, section 5). `install()` skips building them while the policy's
logger drops debug events (structlog's filtering logger has a no-op `debug`); anything else, and
any other Rasa version, keeps Rasa's behaviour. Predictions are unchanged
(tests/rasa_patches/test_policy_logging.py).
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Text

_installed = False
_originals: Dict[str, Any] = {}


def debug_dropped(structlogger: Any) -> bool:
    """True when `structlogger.debug(...)` is structlog's no-op (level above DEBUG)."""
    try:
        method = structlogger.bind().debug
    except Exception:
        return False
    function = getattr(method, "__func__", method)
    return getattr(function, "__name__", "") == "_nop" and getattr(function, "__module__", "") == "structlog._native"


def _memoization_predict(self: Any, tracker: Any, domain: Any,
                         rule_only_data: Optional[Dict[Text, Any]] = None, **kwargs: Any) -> Any:
    """Rasa 3.6.21's `MemoizationPolicy.predict_action_probabilities`, payload built on demand."""
    from rasa.core.policies import memoization

    result = self._default_predictions(domain)
    states = self._prediction_states(tracker, domain, rule_only_data=rule_only_data)
    if not debug_dropped(memoization.structlogger):
        memoization.structlogger.debug("memoization.predict.actions", tracker_states=copy.deepcopy(states))
    predicted_action_name = self.recall(states, tracker, domain, rule_only_data=rule_only_data)
    if predicted_action_name is not None:
        memoization.logger.debug(f"There is a memorised next action '{predicted_action_name}'")
        result = self._prediction_result(predicted_action_name, tracker, domain)
    else:
        memoization.logger.debug("There is no memorised next action")
    return self._prediction(result)


def _rule_format_tracker_states(states: List[Dict]) -> Text:
    """RulePolicy only formats states for its debug event (`_find_action_from_rules`)."""
    from rasa.core.policies import rule_policy
    from rasa.core.policies.policy import Policy

    if debug_dropped(rule_policy.structlogger):
        return ""
    return Policy.format_tracker_states(states)


def install() -> None:
    """Patch Rasa 3.6.21 once per process (idempotent)."""
    global _installed
    import rasa

    if _installed or rasa.__version__ != "3.6.21":
        return
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy

    _originals.update(memoization=MemoizationPolicy.__dict__["predict_action_probabilities"],
                      rule=RulePolicy.__dict__.get("format_tracker_states"))
    MemoizationPolicy.predict_action_probabilities = _memoization_predict
    RulePolicy.format_tracker_states = staticmethod(_rule_format_tracker_states)
    _installed = True


def uninstall() -> None:
    """Restore Rasa's methods (tests)."""
    global _installed
    if not _installed:
        return
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy

    MemoizationPolicy.predict_action_probabilities = _originals["memoization"]
    if _originals["rule"] is None:
        del RulePolicy.format_tracker_states
    else:
        RulePolicy.format_tracker_states = _originals["rule"]
    _installed = False
