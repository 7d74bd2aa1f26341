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


def _events():
    """One serialised event of every kind an action can return, as Rasa serialises them."""
    from rasa.shared.core import events as ev

    return [e.as_dict() for e in [
        ev.SlotSet("findings", {"sites": ["temples"], "severity": 4}), ev.SlotSet("requested_slot", None),
        ev.UserUttered("my head hurts", {"name": "describe_headache", "confidence": 0.9},
                       [{"entity": "site", "value": "temples", "start": 0, "end": 3}]),
        ev.BotUttered("How bad?", {"buttons": [{"title": "Mild", "payload": "mild"}]}, {"m": 1}),
        ev.ActionExecuted("consultation_form", policy="RulePolicy", confidence=1.0),
        ev.ActiveLoop("consultation_form"), ev.ActiveLoop(None), ev.AllSlotsReset(), ev.Restarted(),
        ev.ReminderScheduled("EXTERNAL_x", __import__("datetime").datetime(2030, 1, 1)), ev.ReminderCancelled(),
        ev.ConversationPaused(), ev.ConversationResumed(), ev.FollowupAction("action_listen"),
        ev.UserUtteranceReverted(), ev.ActionReverted(), ev.StoryExported(), ev.ActionExecutionRejected("x"),
        ev.LoopInterrupted(True), ev.EntitiesAdded([{"entity": "site", "value": "neck"}]), ev.SessionStarted(),
        ev.DefinePrevUserUtteredFeaturization(False), ev.AgentUttered("hi"),
    ]]


def _mutations(response):
    """The response, then responses of one event each with one value changed, removed or replaced."""
    import copy

    yield response
    for event in response["events"]:
        single = dict(response, events=[event])

        def variant(change):
            candidate = copy.deepcopy(single)
            change(candidate["events"])
            return candidate

        for key in list(event):
            for bad in (None, 1, 2.5, "x", [], {}, [1], {"a": 1}, True, "slot", "user"):
                yield variant(lambda events: events[0].__setitem__(key, bad))
            yield variant(lambda events: events[0].pop(key))
        for other in ("slot", "user", "bot", "action", "nonsense"):
            yield variant(lambda events: events[0].__setitem__("event", other))
        for bad in ("event", 1, None, []):
            yield variant(lambda events: events.__setitem__(0, bad))


def _full_verdict(validator, result):
    """`jsonschema.validate` without re-checking the schema each time (it is checked above)."""
    from jsonschema.exceptions import best_match

    error = best_match(validator.iter_errors(result))
    return None if error is None else error.message


def test_the_per_event_dispatch_gives_rasas_verdict_and_error_on_every_mutation():
    """Every event kind, and a thousand single changes to them: same verdict and message."""
    action_validation.install()
    action = RemoteAction.__new__(RemoteAction)
    validator = action_validation._validator()
    dispatch = action_validation.EventDispatch.build(validator.schema, type(validator))
    assert dispatch is not None and len(dispatch.branches) >= 20  # the fast path is in use
    response = {"events": _events(), "responses": [{"text": "How bad?", "buttons": [], "custom": {}}]}
    checked = invalid = 0
    for candidate in _mutations(response):
        expected = _full_verdict(validator, candidate)
        assert dispatch.is_valid(candidate) == (expected is None)
        if expected is None:
            assert RemoteAction._validate_action_result(action, candidate) is True
        else:
            invalid += 1
            with pytest.raises(ValidationError) as error:
                RemoteAction._validate_action_result(action, candidate)
            assert error.value.message.startswith(expected + ". Failed to validate Action server response")
        checked += 1
    assert checked > 1000 and 100 < invalid < checked


def test_responses_without_events_or_of_other_shapes():
    action_validation.install()
    validator = action_validation._validator()
    dispatch = action_validation.EventDispatch.build(validator.schema, type(validator))
    for candidate in ({}, {"responses": []}, {"events": []}, [], "x", None, {"events": None},
                      {"events": [{}]}, {"events": [{"event": "slot"}]}, {"responses": [{"text": 1}]}):
        assert dispatch.is_valid(candidate) == (_rasa_verdict(candidate) is None), candidate


def test_no_dispatch_for_a_schema_of_another_shape():
    from jsonschema.validators import validator_for

    cls = validator_for(SPEC)
    import copy

    for change in ("ref", "no_const", "duplicate"):
        schema = copy.deepcopy(SPEC)
        branches = schema["properties"]["events"]["items"]["oneOf"]
        if change == "ref":
            branches[0]["properties"]["text"] = {"$ref": "#/properties/events"}
        elif change == "no_const":
            del branches[1]["properties"]["event"]
        else:
            branches[2]["properties"]["event"] = {"const": branches[0]["properties"]["event"]["const"]}
        assert action_validation.EventDispatch.build(schema, cls) is None, change
