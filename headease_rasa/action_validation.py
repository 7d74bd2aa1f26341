"""Faster validation of action server responses in the Rasa server (same schema, same errors).

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)` on
every custom action call. With jsonschema 4.17 that first validates the *schema itself* against
the Draft 2020-12 meta-schema (`check_schema`) and builds a new validator, every time: in the
benchmark's profile (bench/PROFILE.md) this was ~45 % of the Rasa server's CPU time per message
for HeadEase, whose forms call the action server 2–3 times per turn.

`install()` replaces that method with one that checks the (constant) schema once per process and
reuses the validator. Responses are validated exactly as before (same validator class as
`jsonschema.validate` picks, same `best_match` error, same message suffix), so an invalid
action server response still raises `ValidationError`.

Even with one validator, a response cost about 1.4 ms: each event is checked against all 23
branches of the schema's `oneOf` (one per event type), and a branch differs from the others by
its `event` constant. `EventDispatch` (built from the schema, only when every branch carries a
distinct string constant for `event` and the schema has no references) checks each event against
the base item schema and the one branch its `event` names: the other branches fail on that
constant, so "exactly one branch matches" is "the named branch matches". It only ever says
"valid"; anything else (an unknown event, a missing `event`, any error) goes to the full
validator, which produces Rasa's error. Tests compare the verdicts on valid and mutated responses.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Dict, Optional, Text

_installed = False


def _validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


class EventDispatch:
    """Validity of a response, each event checked against the one `oneOf` branch its `event` names."""

    def __init__(self, outer: Any, item: Any, branches: Dict[str, Any]) -> None:
        self.outer, self.item, self.branches = outer, item, branches

    @classmethod
    def build(cls, schema: Dict[str, Any], validator_class: Any) -> Optional["EventDispatch"]:
        """None when the schema does not have the shape this relies on (then: full validation)."""
        try:
            if "$ref" in json.dumps(schema) or "$dynamicRef" in json.dumps(schema):
                return None
            events = schema["properties"]["events"]
            items = events["items"]
            if set(events) != {"type", "items"} or items.get("type") != "object" or "event" not in items["required"]:
                return None
            if set(items) - {"type", "properties", "required", "oneOf"}:
                return None
            branches: Dict[str, Any] = {}
            for branch in items["oneOf"]:
                const = branch["properties"]["event"]["const"]
                if not isinstance(const, str) or const in branches or set(branch["properties"]["event"]) != {"const"}:
                    return None
                branches[const] = validator_class(branch)
        except (KeyError, TypeError, AttributeError):
            return None
        outer = copy.deepcopy(schema)
        outer["properties"]["events"] = {"type": "array"}
        item = {key: value for key, value in items.items() if key != "oneOf"}
        return cls(validator_class(outer), validator_class(item), branches)

    def is_valid(self, result: Any) -> bool:
        if not self.outer.is_valid(result):
            return False
        events = result.get("events") if isinstance(result, dict) else None
        if events is None:
            return True  # no `events`: nothing more in the schema to check
        for event in events:
            if not isinstance(event, dict):
                return False
            name = event.get("event")
            branch = self.branches.get(name) if isinstance(name, str) else None
            if branch is None or not self.item.is_valid(event) or not branch.is_valid(event):
                return False
        return True


def install() -> None:
    """Patch RemoteAction once per process (idempotent)."""
    global _installed
    if _installed:
        return
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    validator = _validator()
    dispatch = EventDispatch.build(validator.schema, type(validator))

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        if dispatch is not None and dispatch.is_valid(result):
            return True
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result
    _installed = True
