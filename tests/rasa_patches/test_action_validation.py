"""headease_rasa.action_validation: same verdicts and errors as Rasa's own validation."""
import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from headease_rasa import action_validation

SPEC = RemoteAction.action_response_format_spec()

GOOD = {
    "events": [{"event": "slot", "name": "severity", "value": 4, "timestamp": None}],
    "responses": [{"text": "How bad is it, from 0 to 10?", "buttons": [], "custom": {}}],
}
BAD = [
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": [], "responses": "nope"},
]


def _rasa_verdict(result):
    """What Rasa 3.6's own method does: jsonschema.validate(result, spec), message + a suffix."""
    try:
        jsonschema.validate(result, SPEC)
        return None
    except ValidationError as error:
        return error.message


def test_same_verdicts_and_messages():
    action_validation.install()
    action_validation.install()  # idempotent
    action = RemoteAction.__new__(RemoteAction)
    assert _rasa_verdict(GOOD) is None
    assert RemoteAction._validate_action_result(action, GOOD) is True
    for bad in BAD:
        expected = _rasa_verdict(bad)
        assert expected is not None
        with pytest.raises(ValidationError) as error:
            RemoteAction._validate_action_result(action, bad)
        assert error.value.message.startswith(expected + ". Failed to validate Action server response")
