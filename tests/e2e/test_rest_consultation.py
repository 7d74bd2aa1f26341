"""The real bot (Rasa server + action server) over the REST webhook and the HTTP API."""
import pytest

from tests.support.patient import consult

pytestmark = pytest.mark.e2e

TENSION_ANSWERS = {
    "pain_location": "both sides, like a band",
    "pain_quality": "pressing, tight",
    "severity": "4 out of 10",
    "duration": "about 3 hours",
    "frequency": "about 6 days a month",
    "onset": "it builds up slowly",
    "associated_symptoms": "light bothers me a bit, no nausea",
    "triggers": "stress and long days at the desk",
    "origin": "it comes from tight neck muscles",
    "red_flags": "none of those",
    "medication_use": "ibuprofen maybe 4 days a month",
    "age": "34",
}


def test_full_self_care_consultation(bot_stack):
    result = consult(
        bot_stack,
        "e2e-tension",
        "tight band round my head after long days at the laptop, neck is stiff",
        TENSION_ANSWERS,
    )
    slots = result.slots
    assert slots["headache_type"] == "tension_type", result.all_text()
    assert slots["triage_level"] == "self_care"
    assert slots["recommended_techniques"][0] == "trigger_point_therapy"
    assert slots["requested_slot"] is None and not (result.tracker.get("active_loop") or {}).get("name")
    payload = result.assessment
    for key in ("headache_type", "triage_level", "recommended_techniques", "red_flags", "reasons", "disclaimer"):
        assert key in payload
    assert payload["recommended_techniques"] == slots["recommended_techniques"]
    assert "pain_quality" not in result.questions_asked  # said in the opening message
    assert len(result.questions_asked) <= 10


def test_emergency_in_the_opening_message(bot_stack):
    reply = bot_stack.say("e2e-emergency", "suddenly the worst headache of my life, like a thunderclap, and I feel confused")
    text = "\n".join(m.get("text") or "" for m in reply)
    assert "call" in text.lower()
    tracker = bot_stack.tracker("e2e-emergency")
    assert tracker["slots"]["triage_level"] == "emergency"
    assert tracker["slots"]["recommended_techniques"] == []


def test_red_flag_mid_form_abandons_the_form(bot_stack):
    sender = "e2e-midform"
    bot_stack.say(sender, "I get a throbbing headache on one side")
    reply = bot_stack.say(sender, "and now my left arm and leg feel weak and numb")
    tracker = bot_stack.tracker(sender)
    assert tracker["slots"]["triage_level"] == "emergency"
    assert not (tracker.get("active_loop") or {}).get("name")
    assert any("assessment" in (m.get("custom") or {}) for m in reply)


def test_http_api_requires_the_token(bot_stack):
    from tests.support.stack import http_json

    status, _ = http_json(f"{bot_stack.rasa_url}/conversations/e2e-tension/tracker")
    assert status in (401, 403)


def test_the_rasa_server_serves_the_model_without_tensorflow(bot_stack):
    """The trained model lists no TensorFlow component, so the server never loads the library
    (headease_rasa/without_tensorflow.py): no TensorFlow shared object is mapped in its memory."""
    from pathlib import Path

    from headease_rasa.without_tensorflow import model_needs_tensorflow
    from tests.support.stack import MODEL

    assert not model_needs_tensorflow(MODEL), "config.yml put a TensorFlow component back"
    process = bot_stack.processes["rasa"]
    maps = Path(f"/proc/{process.pid}/maps").read_text()
    assert "site-packages/tensorflow" not in maps and "libtensorflow" not in maps
    assert "libpython" in maps or "python" in maps  # the map is the real server's
