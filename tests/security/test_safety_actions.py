"""The two input-safety actions render the right response and leave the dialogue in a safe state."""
import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
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
    assert messages[0]["response"] == "utter_crisis_support"
    assert messages[0]["emergency_number"] == "112"
    # the consultation stops, its pending question kept; going on is offered, as a choice
    assert ActiveLoop(None) in events and SlotSet("check_offered", True) in events
    assert not any(e.get("name") == "requested_slot" for e in events if e.get("event") == "slot")
    assert [b["title"] for b in messages[1]["buttons"]] == ["Yes, go on with the headache check", "Not now"]
    # a crisis message with nothing about a headache, before any check: guidance only
    messages, events = run(ActionCrisisSupport(), tracker("I want to end it all"))
    assert [m.get("response") for m in messages] == ["utter_crisis_support"]
    assert events == [SlotSet("check_offered", None)]


@pytest.mark.parametrize("text", [
    "this headache is so bad i could honestly just die, wanna die lol, been throbbing on the left since lunch",
    "i dont want to live like this, the pressure behind my eyes has gone on for three weeks",
])
def test_crisis_words_with_a_headache_keep_the_details_and_offer_the_check(text):
    messages, events = run(ActionCrisisSupport(), tracker(text))
    assert messages[0]["response"] == "utter_crisis_support"
    assert len(messages) == 2 and messages[1]["buttons"]
    kept = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "findings"]
    assert kept and any(value for value in kept[0].values())
    assert SlotSet("check_offered", True) in events


def test_a_red_flag_in_a_crisis_message_gets_its_advice_next():
    messages, events = run(ActionCrisisSupport(), tracker(
        "worst headache of my life, it came on in a second like a thunderclap, I just want to die"))
    assert [m.get("response") for m in messages] == ["utter_crisis_support"]
    assert events[-1] == FollowupAction("action_red_flag_alert")


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
