"""The entity convention (headease_nlu/context_rules.py, intent_rules.py, scan_bridge.py) through HeadacheEntityExtractor.

No trained Rasa model: the spaCy model is built from the real lexicon once per session and the
intent is put on the message by hand, as DIET would.
"""
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest

from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from headease_nlu.build_spacy_model import build
from headease_nlu.components import HeadacheEntityExtractor
from actions.clinic.verdict import emergency_flags
from actions.clinic.reading.negation import extend_negation
from headease_nlu.lexicon import DEFAULT_LEXICON
from actions.clinic.reading.numbers import find_bare_severity, find_quantities


@pytest.fixture(scope="module")
def parse_message(tmp_path_factory):
    out = tmp_path_factory.mktemp("spacy_conv") / "spacy_en_headease"
    build(DEFAULT_LEXICON, out)
    model = SpacyNLP.load_model(str(out))
    nlp = SpacyNLP(model, {**SpacyNLP.get_default_config(), "model": str(out)})
    extractor = HeadacheEntityExtractor.create({}, None, None, None)

    def _parse(text: str, intent: Optional[str] = "describe_headache") -> Message:
        message = Message(data={TEXT: text})
        if intent:
            message.set(INTENT, {"name": intent, "confidence": 0.9})
        nlp.process([message], model)
        extractor.process([message], model)
        return message

    return _parse


@pytest.fixture(scope="module")
def parse(parse_message):
    def _parse(text: str, intent: Optional[str] = "describe_headache") -> List[Dict[str, Any]]:
        return parse_message(text, intent).get(ENTITIES)

    return _parse


def spans(text: str, entities) -> Set[Tuple[str, str, Optional[str]]]:
    return {(e["entity"], text[e["start"] : e["end"]], e.get("role")) for e in entities}


# --- negation scope ----------------------------------------------------------------------------
def test_a_denial_covers_its_or_list_even_before_another_clause(parse):
    text = "there's no numbness, weakness or speech problems, it's just my normal migraine"
    got = spans(text, parse(text))
    assert {("symptom", "weakness", "negated"), ("symptom", "speech problems", "negated")} <= got


def test_a_comma_alone_does_not_carry_a_denial(parse):
    text = "no nausea, throbbing pain on the left"
    got = spans(text, parse(text))
    assert ("symptom", "nausea", "negated") in got
    assert ("pain_quality", "throbbing pain", None) in got


def test_scope_ends_at_and_before_a_new_clause(parse):
    text = "I don't get aura and the pain is pulsating"
    got = spans(text, parse(text))
    assert ("symptom", "aura", "negated") in got and ("pain_quality", "pulsating", None) in got
    text = "paracetamol doesn't help and ibuprofen barely touches it"
    assert all(e.get("role") is None for e in parse(text))


def test_is_ok_after_a_medicine_is_a_question_not_a_denial(parse):
    assert parse("how much paracetomol is ok", "ask_drug_dose")[0].get("role") is None


def test_tho_ends_a_denial(parse):
    text = "no fever tho my neck is stiff"
    got = spans(text, parse(text))
    assert ("symptom", "fever", "negated") in got and ("symptom", "neck is stiff", None) in got


def test_extend_negation_needs_an_or_list():
    text = "no fever, rash or vomiting, it's fine"
    spans_ = [(3, 8), (10, 14), (18, 26)]
    assert extend_negation(text, spans_, [True, False, False]) == [True, True, True]
    assert extend_negation("no fever, rash", [(3, 8), (10, 14)], [True, False]) == [True, False]


# --- what each entity type is ------------------------------------------------------------------
def test_red_flag_wording_the_lexicon_does_not_list(parse):
    text = "since this morning my left arm has gone weak"
    weak = [e for e in parse(text, "emergency") if e["entity"] == "symptom"]
    assert [e["value"] for e in weak] == ["weakness"] and "arm" in text[weak[0]["start"] : weak[0]["end"]]


def test_a_symptom_covers_its_body_part_and_side(parse):
    text = "my face feels numb on one side"
    got = spans(text, parse(text, "emergency"))
    assert got == {("symptom", "face feels numb on one side", None)}


def test_origin_is_where_it_starts_and_a_body_part_otherwise(parse):
    text = "pain at the back of my head that comes up from my neck"
    assert ("origin", "neck", None) in spans(text, parse(text))
    text = "my neck and shoulders are really tense from work"
    assert spans(text, parse(text)) >= {("body_part", "neck", None), ("body_part", "shoulders", None)}
    assert ("origin", "neck", None) in spans("neck i think", parse("neck i think", "inform"))


def test_massage_targets_are_body_parts(parse):
    text = "how to rub my temples for a headache"
    assert spans(text, parse(text, "ask_self_massage")) == {("body_part", "temples", None)}
    text = "i hit my head on the cupboard and now i feel drowsy"
    assert ("body_part", "head", None) in spans(text, parse(text, "emergency"))


def test_top_of_head_is_a_pain_location(parse):
    text = "a heavy feeling on top of my head"
    assert ("pain_location", "on top of my head", None) in spans(text, parse(text))


def test_words_that_are_not_pain_qualities(parse):
    for text in ("i get tension headaches at work", "my blood pressure is high",
                 "lifting something heavy at work", "my head aches"):
        assert not any(e["entity"] == "pain_quality" for e in parse(text)), text
    text = "no nausea, just a mild ache"
    assert ("severity", "mild", None) in spans(text, parse(text))


def test_build_up_time_is_an_onset_and_aura_time_is_not_a_duration(parse):
    text = "it comes on over about an hour"
    ents = parse(text)
    assert [e["entity"] for e in ents] == ["onset"] and ents[0]["value"] == "gradual"
    text = "I see zig zag lines for about twenty minutes and then the headache kicks in"
    assert not any(e["entity"] == "duration" for e in parse(text))
    assert not any(e["entity"] == "onset" for e in parse("i feel dizzy when i stand up too fast"))


def test_light_and_noise_are_two_symptoms(parse):
    text = "pulsating pain on one side, light and noise bother me"
    got = spans(text, parse(text))
    assert {("symptom", "light", None), ("symptom", "noise", None)} <= got


def test_messages_not_about_the_headache_carry_no_entities(parse):
    assert parse("wait am i talking to a computer", "bot_challenge") == []
    assert parse("what's the weather in london tomorrow", "out_of_scope") == []
    got = parse("any self massage tips for a tension headache", "ask_self_massage")
    assert not any(e["entity"] in ("technique", "pain_quality") for e in got)
    assert not any(e["entity"] == "duration" for e in parse("how many can i take in a day", "ask_drug_dose"))


# --- the emergency intent ----------------------------------------------------------------------
def test_a_stated_red_flag_makes_the_message_an_emergency(parse_message):
    # (both halves of a thunderclap said: "out of nowhere" alone asks how strong, reference 4.3)
    message = parse_message("ok so long story, kids were up all night, anyway it came on out of nowhere, worst pain of my life")
    assert message.get(INTENT)["name"] == "emergency"
    assert message.get("intent_ranking")[0]["name"] == "emergency"
    message = parse_message("i fell down the stairs and hit my head and now i keep throwing up")
    assert message.get(INTENT)["name"] == "emergency"


def test_denied_or_answering_red_flags_do_not(parse_message):
    assert parse_message("no weakness or numbness, just my usual migraine").get(INTENT)["name"] == "describe_headache"
    assert parse_message("suddenly", "inform").get(INTENT)["name"] == "inform"
    assert parse_message("i have a rash on my arm that itches", "out_of_scope").get(INTENT)["name"] == "out_of_scope"


def test_emergency_flags_come_from_the_clinical_verdict():
    # the NLU's emergency label is the clinical core's reading of the words (one place for red flags)
    assert emergency_flags("i have a fever and my neck is so stiff i can't bend it") == ["rf_fever_meningism"]
    assert emergency_flags("i have a fever") == []
    assert emergency_flags("34 weeks pregnant and my vision has gone blurry")
    assert not emergency_flags("my vision goes blurry when i'm tired")
    assert not emergency_flags("no fever and no stiff neck, just a dull ache")


# --- quantities --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,expected",
    [
        ("it's about a six out of ten today", ("severity", "six out of ten", "6")),
        ("i've had it for 3 days, it's still a 5", ("severity", "5", "5")),
        ("been like this since lunch", ("duration", "since lunch", "since lunch")),
        ("they last for a day or two", ("duration", "for a day or two", "1440")),
        ("headaches every couple of days", ("frequency", "every couple of days", "0.5/day")),
        ("happens loads of times a day", ("frequency", "loads of times a day", "5/day")),
        ("a light headache", ("severity", "light", "mild")),
        ("mild to moderate", ("severity", "mild to moderate", "moderate")),
    ],
)
def test_quantity_grammars(text, expected):
    assert expected in {(e["entity"], e["text"], e["value"]) for e in find_quantities(text)}


def test_quantities_that_are_not():
    assert find_quantities("i'm 32 weeks pregnant") == []
    assert find_quantities("how many can i take in a day") == []
    assert find_quantities("light and noise bother me") == []


def test_a_bare_score_is_a_severity_and_an_age_is_not():
    assert find_bare_severity("eight i reckon")["value"] == "8"
    assert find_bare_severity("4 or 5")["value"] == "5"
    assert find_bare_severity("i'm 42") is None and find_bare_severity("27") is None


def test_a_short_answer_that_names_something_is_an_inform(parse_message):
    assert parse_message("no fever tho", "deny").get(INTENT)["name"] == "inform"
    assert parse_message("yes, nausea", "affirm").get(INTENT)["name"] == "inform"
    assert parse_message("nope", "deny").get(INTENT)["name"] == "deny"


def test_a_long_answer_with_a_red_flag_is_an_emergency_but_a_question_is_not(parse_message):
    text = "it went from nothing to the worst pain ever in a few seconds"
    assert parse_message(text, "inform").get(INTENT)["name"] == "emergency"
    assert parse_message("when should i worry about sudden weakness", "ask_when_doctor").get(INTENT)["name"] == "ask_when_doctor"
