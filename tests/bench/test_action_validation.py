"""headease_store.action_validation: same verdicts and errors as Rasa's own validation."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from headease_store import action_validation

GOOD = {
    "events": [{"event": "slot", "name": "severity", "value": 4, "timestamp": None}],
    "responses": [{"text": "How bad is it, from 0 to 10?", "buttons": [], "custom": {}}],
}
BAD = [
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": [], "responses": "nope"},
]


@pytest.fixture(scope="module")
def original():
    return RemoteAction._validate_action_result


def test_same_verdicts_and_messages(original):
    action = RemoteAction.__new__(RemoteAction)
    assert original(action, GOOD) is True
    expected = []
    for bad in BAD:
        with pytest.raises(ValidationError) as error:
            original(action, bad)
        expected.append(error.value.message)

    action_validation.install()
    action_validation.install()  # idempotent
    assert RemoteAction._validate_action_result is not original
    assert RemoteAction._validate_action_result(action, GOOD) is True
    for bad, message in zip(BAD, expected):
        with pytest.raises(ValidationError) as error:
            RemoteAction._validate_action_result(action, bad)
        assert error.value.message == message
