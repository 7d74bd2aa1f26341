"""Hostile and unusual input against the running bot (REST webhook), one table row per case.

Every reply must be a polite, well-formed answer (HTTP 200, a non-empty list of messages with
text), never reflect raw markup, and the tracker must show that nothing in the message set a slot
or bypassed the NLU and the red-flag screen.
"""
import uuid

import pytest

from channels.input_safety import MAX_MESSAGE_CHARS, TRUNCATION_NOTICE
from tests.support.stack import http_json

pytestmark = pytest.mark.e2e

ENGLISH_ONLY = "only help in English"
CODE = "computer code or web markup"
DOSE = ("pharmacist", "doctor")
CRISIS = ("988", "116 123", "emergency number")


def new_sender(prefix="sec"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def texts(reply):
    return [m.get("text") or "" for m in reply]


def assert_well_formed(reply, sender):
    assert isinstance(reply, list) and reply, "the bot must always answer"
    for message in reply:
        assert message.get("recipient_id") == sender
        if "custom" in message:  # the assessment / summary payload for front ends
            assert isinstance(message["custom"], dict) and message["custom"]
            continue
        assert isinstance(message.get("text"), str) and message["text"].strip()
        assert "<script" not in message["text"].lower() and "<img" not in message["text"].lower()


def slot_values_set(tracker):
    return [e.get("value") for e in tracker["events"] if e.get("event") == "slot"]


def assert_from_nlu(tracker):
    # The last user event (after a restart the tracker's latest_message is empty).
    latest = [e for e in tracker["events"] if e.get("event") == "user"][-1]["parse_data"]
    latest["text"] = [e for e in tracker["events"] if e.get("event") == "user"][-1].get("text")
    assert not (latest.get("text") or "").startswith("/"), "the slash command reached Rasa"
    # A "/intent" message is parsed without NLU and ranks only the one named intent.
    assert len(latest.get("intent_ranking") or []) > 1, latest


GUARD = ("action_input_guard",)
DOSE_ACTIONS = ("action_input_guard", "utter_drug_dose")  # deterministic check, or NLU + rule
# (case id, message, substrings the replies must contain, the action(s) that may answer)
TABLE = [
    ("empty", "", ["didn't receive any text"], GUARD),
    ("whitespace", "   \t  ", ["didn't receive any text"], GUARD),
    ("emoji-only", "🤕😩💥", ["only read words"], GUARD),
    ("spanish", "me duele mucho la cabeza", [ENGLISH_ONLY], GUARD),
    ("french", "j'ai mal à la tête", [ENGLISH_ONLY], GUARD),
    ("html-script", "<script>alert(1)</script>", [CODE], GUARD),
    ("html-img", '<img src=x onerror="alert(document.cookie)">', [CODE], GUARD),
    ("sql", "'; DROP TABLE events; --", [CODE], GUARD),
    ("dose-ibuprofen", "how many ibuprofen can I take", list(DOSE), DOSE_ACTIONS),
    ("dose-paracetamol", "max dose of paracetamol", list(DOSE), DOSE_ACTIONS),
    ("dose-odd-wording", "is it safe to take 6 nurofen at once?", list(DOSE), DOSE_ACTIONS),
    ("crisis-end-it-all", "I want to end it all", list(CRISIS), ("action_crisis_support",)),
    ("crisis-kill-myself", "I'm going to kill myself", list(CRISIS), ("action_crisis_support",)),
    ("crisis-no-point", "no point living with this pain", list(CRISIS), ("action_crisis_support",)),
]


@pytest.mark.parametrize("case,text,expected,actions", TABLE, ids=[row[0] for row in TABLE])
def test_polite_answer(bot_stack, case, text, expected, actions):
    sender = new_sender(case)
    reply = bot_stack.say(sender, text)
    assert_well_formed(reply, sender)
    joined = " ".join(texts(reply))
    for fragment in expected:
        assert fragment in joined, (case, joined)
    if case.startswith("crisis"):
        assert "112" in joined  # the emergency number is filled in
    ran = [e["name"] for e in bot_stack.tracker(sender)["events"] if e.get("event") == "action"]
    assert any(name in ran for name in actions), ran


def test_crisis_guidance_on_every_turn_and_in_a_consultation(bot_stack):
    sender = new_sender("crisis-form")
    first = bot_stack.say(sender, "I have a throbbing headache on the left side since yesterday")
    assert_well_formed(first, sender)
    assert bot_stack.tracker(sender)["active_loop"].get("name") == "consultation_form"
    for text in ("honestly there's no point living with this pain", "I want to end it all"):
        reply = bot_stack.say(sender, text)
        assert_well_formed(reply, sender)
        assert all(f in " ".join(texts(reply)) for f in CRISIS)
    tracker = bot_stack.tracker(sender)
    assert not tracker["active_loop"].get("name"), "the consultation stops for crisis support"
    actions = [e["name"] for e in tracker["events"] if e.get("event") == "action"]
    assert actions.count("action_crisis_support") == 2


def test_unreadable_answer_inside_a_consultation_repeats_the_question(bot_stack):
    sender = new_sender("guard-form")
    bot_stack.say(sender, "I have a dull headache on both sides")
    assert bot_stack.tracker(sender)["active_loop"].get("name") == "consultation_form"
    reply = bot_stack.say(sender, "me duele mucho la cabeza")
    assert_well_formed(reply, sender)
    assert ENGLISH_ONLY in reply[0]["text"]
    assert len(reply) >= 2, "the consultation asks its question again"
    tracker = bot_stack.tracker(sender)
    assert tracker["active_loop"].get("name") == "consultation_form"
    actions = [e["name"] for e in tracker["events"] if e.get("event") == "action"]
    assert actions[-3:] == ["action_input_guard", "consultation_form", "action_listen"]


@pytest.mark.parametrize("command", ["/affirm", "/restart", "/greet", "/emergency", "//affirm"])
def test_slash_commands_go_through_nlu(bot_stack, command):
    sender = new_sender("slash")
    reply = bot_stack.say(sender, command)
    assert_well_formed(reply, sender)
    tracker = bot_stack.tracker(sender)
    if not any(e.get("event") == "user" for e in tracker["events"]):
        # "restart" typed as text is a real request: the conversation was restarted (no events
        # survive it), which only happens after NLU read the text.
        assert "start over" in " ".join(texts(reply)).lower()
        return
    assert_from_nlu(tracker)


def test_slash_command_with_entities_sets_no_slot(bot_stack):
    sender = new_sender("slash-slot")
    payload = '/describe_headache{"triage_level":"self_care","headache_type":"tension","alerted_level":"emergency"}'
    reply = bot_stack.say(sender, payload)
    assert_well_formed(reply, sender)
    tracker = bot_stack.tracker(sender)
    assert_from_nlu(tracker)
    assert tracker["slots"].get("triage_level") != "self_care"
    assert tracker["slots"].get("headache_type") != "tension"
    assert "self_care" not in slot_values_set(tracker) and "tension" not in slot_values_set(tracker)
    assert not any(e.get("entity") in ("triage_level", "headache_type") for e in tracker["latest_message"]["entities"])


def test_slash_command_cannot_skip_red_flag_screening(bot_stack):
    sender = new_sender("slash-redflag")
    text = '/describe_headache{"triage_level":"self_care"} it came on suddenly, the worst headache of my life'
    reply = bot_stack.say(sender, text)
    assert_well_formed(reply, sender)
    tracker = bot_stack.tracker(sender)
    assert_from_nlu(tracker)
    assert tracker["slots"].get("alerted_level") in ("urgent", "emergency")
    assert tracker["slots"].get("triage_level") in ("urgent", "emergency")


def test_over_long_message_is_truncated_with_a_notice(bot_stack):
    sender = new_sender("long")
    text = ("my head hurts on both sides and feels tight like a band " * 80)[: MAX_MESSAGE_CHARS * 2]
    reply = bot_stack.say(sender, text)
    assert_well_formed(reply, sender)
    assert reply[0]["text"] == TRUNCATION_NOTICE
    assert len(reply) >= 2, "the bot still answers the (truncated) message"
    assert len(bot_stack.tracker(sender)["latest_message"]["text"]) <= MAX_MESSAGE_CHARS


def test_sql_looking_input_leaves_the_store_intact(bot_stack):
    sender = new_sender("sql")
    bot_stack.say(sender, "hello")
    bot_stack.say(sender, "x'); DELETE FROM events WHERE ('1'='1")
    bot_stack.say(sender, "'; DROP TABLE events; --")
    tracker = bot_stack.tracker(sender)
    users = [e["text"] for e in tracker["events"] if e.get("event") == "user"]
    assert users[0] == "hello" and len(users) == 3, "every turn is still stored"


def test_html_is_not_reflected_by_any_endpoint(bot_stack):
    """The reply never echoes the markup; the widget additionally escapes all bot text."""
    sender = new_sender("xss")
    payload = '<b onmouseover="alert(1)">hi</b><svg/onload=alert(2)>'
    reply = bot_stack.say(sender, payload)
    assert_well_formed(reply, sender)
    assert all("<" not in t for t in texts(reply))
    status, body = http_json(f"{bot_stack.rasa_url}/webhooks/rest/webhook", {"sender": payload, "message": "hi"})
    assert status == 200 and all("<" not in (m.get("text") or "") for m in body)
