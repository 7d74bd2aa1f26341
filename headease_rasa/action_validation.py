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
"""
from __future__ import annotations

from typing import Any, Dict, Text

_installed = False


def _validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def install() -> None:
    """Patch RemoteAction once per process (idempotent)."""
    global _installed
    if _installed:
        return
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    validator = _validator()

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
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
