"""End to end through the trained model: tricky messages real users send.

Uses the newest models/*.tar.gz (the Makefile trains before the tests). Red-flag rows pass when
the intent is `emergency` OR an affirmed red-flag mention is extracted: the dialogue's safety
check acts on either, and neither path may be lost to a negation mistake.
"""
import asyncio

import pytest

from headease_nlu.eval_nlu import RED_FLAG_VALUES, latest_model

MODEL = latest_model()
pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(MODEL is None, reason="no trained model in models/ (run `make train`)"),
]


@pytest.fixture(scope="module")
def parse():
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    loop = asyncio.new_event_loop()
    yield lambda text: loop.run_until_complete(agent.parse_message(text))
    loop.close()


def mentions(result, role=None):
    return {
        (e["entity"], e["value"])
        for e in result["entities"]
        if e.get("role") == role
    }


# text, expected affirmed (entity, value) pairs, expected negated pairs
ENTITY_CASES = [
    ("no fever or stiff neck, just a dull ache at the back of my head",
     {("pain_quality", "dull_ache"), ("pain_location", "back_of_head")},
     {("symptom", "fever"), ("symptom", "stiff_neck")}),
    ("no nausea but light hurts my eyes",
     {("symptom", "light_sensitivity")}, {("symptom", "nausea")}),
    ("I haven't been throwing up, it's a throbbing pain on the left side",
     {("pain_quality", "throbbing"), ("pain_location", "one_side")}, {("symptom", "vomiting")}),
    ("feeling nausous and dizzy, the pain is throbing",  # typos
     {("symptom", "nausea"), ("symptom", "dizziness"), ("pain_quality", "throbbing")}, set()),
    ("took paracetamol this morning", {("medication", "simple_analgesic")}, set()),
    ("took acetaminophen this morning", {("medication", "simple_analgesic")}, set()),
    ("strong odours at work set it off", {("trigger", "smells")}, set()),
    ("strong odors at work set it off", {("trigger", "smells")}, set()),
    ("like my head is in a vise", {("pain_quality", "pressing_tight")}, set()),
    ("like my head is in a vice", {("pain_quality", "pressing_tight")}, set()),
]


@pytest.mark.parametrize("text,affirmed,negated", ENTITY_CASES)
def test_entities_and_negation(parse, text, affirmed, negated):
    result = parse(text)
    assert affirmed <= mentions(result), result["entities"]
    assert negated <= mentions(result, "negated"), result["entities"]
    spans = [(e["start"], e["end"]) for e in result["entities"]]
    assert len(spans) == len(set(spans))


RED_FLAG_CASES = [
    "so work was mental, had a coffee, normal day, anyway the weird thing is this came on like "
    "a thunderclap, worst ever, right at my desk",
    "ok long story, kids were up all night and I skipped lunch and about twenty minutes ago the "
    "worst headache of my life just exploded out of nowhere",
    "my dad's words are all slurred and he says his head is killing him",
    "headache and a high fever and I cant put my chin on my chest",
    "I've had migraines for years but this time my left arm went numb and I can't see properly",
    "my head hurts and theres a rash that doesnt fade when I press a glass on it",
]


@pytest.mark.parametrize("text", RED_FLAG_CASES)
def test_red_flags_survive_long_rambling_text(parse, text):
    result = parse(text)
    affirmed_flags = {v for _, v in mentions(result)} & RED_FLAG_VALUES
    assert result["intent"]["name"] == "emergency" or affirmed_flags, result
    assert not {v for _, v in mentions(result, "negated")} & affirmed_flags


def test_negated_red_flags_are_not_an_emergency_by_entities(parse):
    result = parse("no fever, no stiff neck, no rash, just the usual tension headache")
    assert {("symptom", "fever"), ("symptom", "stiff_neck")} <= mentions(result, "negated")
    assert not {v for _, v in mentions(result)} & RED_FLAG_VALUES


INTENT_CASES = [
    ("hiya", "greet"),
    ("how do I massage my own temples?", "ask_self_massage"),
    ("should I see a GP about these headaches?", "ask_when_doctor"),
    ("are you a real person or a bot?", "bot_challenge"),
    ("thanks, that really helped", "thank"),
    ("I get a tight band around my head most afternoons", "describe_headache"),
    ("my hedache is realy bad on the rigth side", "describe_headache"),  # typos
    # closed-class short replies (headease_nlu/short_replies.yml), in several registers
    ("cheers mate", "thank"), ("negatory", "deny"), ("cheerio", "goodbye"), ("roger that", "affirm"),
    ("beats me", "dont_know"), ("cease", "stop"),
    ("right only", "inform"),  # a short answer that names a location
]


@pytest.mark.parametrize("text,intent", INTENT_CASES)
def test_intents(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent


def test_off_topic_is_not_a_domain_intent(parse):
    name = parse("what's the best pizza place in Rome?")["intent"]["name"]
    assert name in {"out_of_scope", "nlu_fallback"}


# Wondering whether it is an emergency is answered with the emergency screen (the `emergency`
# intent without a finding), whatever the classifier guessed; a confident general question and a
# denial are not.
@pytest.mark.parametrize("text", [
    "could this be urgent",
    "do you reckon it's an emergency",
    "is my situation an emergency or not",
])
def test_wondering_about_an_emergency_is_screened(parse, text):
    result = parse(text)
    assert result["intent"]["name"] == "emergency", result["intent"]
    assert "headease_red_flags" not in result  # no finding: the classifier-only path (a question)


@pytest.mark.parametrize("text", ["it's not an emergency, I just want massage ideas"])
def test_denying_an_emergency_is_not_one(parse, text):
    assert parse(text)["intent"]["name"] != "emergency"
