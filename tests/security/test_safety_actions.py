"""The two input-safety actions render the right response and leave the dialogue in a safe state."""
import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.crisis import ActionCrisisSupport
from actions.input_guard import RESPONSES, ActionInputGuard


def tracker(text, active_loop=None):
    return Tracker(
        sender_id="t", slots={"requested_slot": "pain_location" if active_loop else None},
        latest_message={"text": text, "intent": {"name": "inform"}, "entities": []},
        events=[], paused=False, followup_action=None,
        active_loop={"name": active_loop} if active_loop else {}, latest_action_name="action_listen",
    )


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def test_crisis_support_gives_the_numbers_and_stops_a_consultation(monkeypatch):
    monkeypatch.setenv("HEADEASE_EMERGENCY_NUMBER", "112")
    messages, events = run(ActionCrisisSupport(), tracker("I want to end it all", "consultation_form"))
    assert [m["response"] for m in messages] == ["utter_crisis_support"]
    assert messages[0]["emergency_number"] == "112"
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert run(ActionCrisisSupport(), tracker("I want to end it all"))[1] == []


@pytest.mark.parametrize(
    "text,response",
    [("", "utter_input_empty"), ("😀", "utter_input_no_words"), ("how many ibuprofen can I take", "utter_drug_dose"),
     ("<script>x</script>", "utter_input_code"), ("me duele mucho la cabeza", "utter_english_only"),
     ("a dull ache", "utter_ask_describe")],
)
def test_input_guard_answers_each_kind(text, response):
    messages, events = run(ActionInputGuard(), tracker(text, "consultation_form"))
    assert [m["response"] for m in messages] == [response]
    assert events == []  # the form keeps running and asks its question again


def test_every_guard_response_exists_in_the_domain():
    import yaml
    from pathlib import Path

    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
    for name in list(RESPONSES.values()) + ["utter_crisis_support", "utter_ask_describe"]:
        assert name in domain["responses"], name
    assert {"action_crisis_support", "action_input_guard"} <= set(domain["actions"])
    assert "{emergency_number}" in domain["responses"]["utter_crisis_support"][0]["text"]
