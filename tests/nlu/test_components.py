"""HeadacheEntityExtractor on messages built by hand: no trained Rasa model needed.

The spaCy model is built from the real data/kb/lexicon.yml into a temporary folder once per
session; "DIET" entities are put on messages directly to test the merge.
"""
from typing import Any, Dict, List, Optional

import pytest

from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from headease_nlu.build_spacy_model import build, is_up_to_date
from headease_nlu.components import HeadacheEntityExtractor, within_one_edit
from headease_nlu.lexicon import DEFAULT_LEXICON, spelling_variants
from actions.clinic.reading.numbers import find_quantities


@pytest.fixture(scope="session")
def spacy_pipeline(tmp_path_factory):
    out = tmp_path_factory.mktemp("spacy") / "spacy_en_headease"
    build(DEFAULT_LEXICON, out)
    assert is_up_to_date(out, DEFAULT_LEXICON)
    model = SpacyNLP.load_model(str(out))
    return SpacyNLP(model, {**SpacyNLP.get_default_config(), "model": str(out)}), model


@pytest.fixture(scope="session")
def extractor():
    return HeadacheEntityExtractor.create({}, None, None, None)


def diet(text: str, phrase: str, entity: str, confidence: float = 0.9) -> Dict[str, Any]:
    start = text.index(phrase)
    return {
        "entity": entity,
        "start": start,
        "end": start + len(phrase),
        "value": phrase,
        "confidence_entity": confidence,
        "extractor": "DIETClassifier",
    }


@pytest.fixture()
def parse(spacy_pipeline, extractor):
    nlp_component, model = spacy_pipeline

    def _parse(text: str, learned: Optional[List[Dict[str, Any]]] = None):
        message = Message(data={TEXT: text})
        if learned:
            message.set(ENTITIES, learned)
        nlp_component.process([message], model)
        extractor.process([message], model)
        entities = message.get(ENTITIES)
        for e in entities:  # offsets always point at the user's own text
            assert e["start"] < e["end"] and 0 <= e["start"] and e["end"] <= len(text)
        return entities

    return _parse


def find(entities, entity: str, value: str) -> Dict[str, Any]:
    hits = [e for e in entities if e["entity"] == entity and e["value"] == value]
    assert len(hits) == 1, f"expected one {entity}={value} in {entities}"
    return hits[0]


def assert_no_overlaps(entities):
    spans = sorted((e["start"], e["end"]) for e in entities)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 <= s2, f"overlapping spans {spans}"


def test_canonical_values_offsets_and_extractor(parse):
    text = "It THROBS behind my left eye and I feel sick, started after whiplash"
    ents = parse(text)
    quality = find(ents, "pain_quality", "throbbing")
    assert text[quality["start"] : quality["end"]] == "THROBS"
    location = find(ents, "pain_location", "behind_eye")
    assert text[location["start"] : location["end"]] == "behind my left eye"
    find(ents, "symptom", "nausea")
    find(ents, "trigger", "neck_injury")
    assert {e["extractor"] for e in ents} == {"HeadacheEntityExtractor"}
    assert all(e["source"] == "lexicon" and "role" not in e for e in ents)


def test_lemma_patterns_cover_other_word_forms(parse):
    ents = parse("the pain keeps throbbing and pounding")
    assert [e["value"] for e in ents if e["entity"] == "pain_quality"] == ["throbbing", "throbbing"]


def test_leading_determiner_is_not_part_of_the_mention(parse):
    text = "I think it is my neck"
    ents = parse(text)
    neck = [e for e in ents if e["value"] == "neck"]
    assert len(neck) == 1 and text[neck[0]["start"] : neck[0]["end"]] == "neck"


def test_negation_covers_a_list(parse):
    ents = parse("no fever or stiff neck")
    assert find(ents, "symptom", "fever").get("role") == "negated"
    assert find(ents, "symptom", "stiff_neck").get("role") == "negated"


def test_negation_stops_at_but(parse):
    ents = parse("no nausea but light hurts my eyes")
    assert find(ents, "symptom", "nausea").get("role") == "negated"
    assert "role" not in find(ents, "symptom", "light_sensitivity")


def test_affirmed_red_flag_is_not_negated(parse):
    text = "anyway the weird thing is this came on like a thunderclap, worst ever, and no fever"
    ents = parse(text)
    assert "role" not in find(ents, "onset", "sudden_peak_lt_1m")
    assert "role" not in find(ents, "symptom", "worst_ever")
    assert find(ents, "symptom", "fever")["role"] == "negated"


def test_learned_negated_role_is_not_trusted(parse):
    text = "I have a stiff neck"
    learned = [dict(diet(text, "stiff neck", "symptom"), role="negated", confidence_role=0.99)]
    ents = parse(text, learned)
    assert "role" not in find(ents, "symptom", "stiff_neck")


def test_rule_wins_on_overlap_and_no_duplicate_spans(parse):
    text = "no nausea, my neck is very stiff, pain 7/10 for 3 days"
    learned = [
        diet(text, "nausea", "symptom"),
        diet(text, "neck", "body_part"),  # inside the lexicon's "neck is very stiff"
        diet(text, "7/10", "severity"),
        diet(text, "3 days", "duration"),  # inside the regex's "for 3 days"
    ]
    ents = parse(text, learned)
    assert_no_overlaps(ents)
    assert len({(e["start"], e["end"]) for e in ents}) == len(ents) == 4
    assert find(ents, "symptom", "nausea")["role"] == "negated"
    stiff = find(ents, "symptom", "stiff_neck")
    assert text[stiff["start"] : stiff["end"]] == "neck is very stiff"
    assert find(ents, "severity", "7")["source"] == "pattern"
    duration = find(ents, "duration", "4320")
    assert text[duration["start"] : duration["end"]] == "for 3 days"
    assert not any(e["entity"] == "body_part" for e in ents)


def test_learned_only_mentions_are_kept_and_canonicalised(parse):
    text = "kinda a five and I can't lift my left arm"
    learned = [diet(text, "a five", "severity"), diet(text, "can't lift my left arm", "symptom")]
    ents = parse(text, learned)
    severity = find(ents, "severity", "5")
    assert severity["source"] == "DIETClassifier" and severity["confidence_entity"] == 0.9
    # the lexicon's body part "arm" must not erase the learned (red-flag) symptom around it
    symptom = [e for e in ents if e["entity"] == "symptom"]
    assert len(symptom) == 1 and text[symptom[0]["start"] : symptom[0]["end"]] == "can't lift my left arm"
    assert not any(e["entity"] == "body_part" for e in ents)
    assert_no_overlaps(ents)


def test_origin_needs_wording_that_says_the_headache_starts_there(parse):
    assert find(parse("can I massage my neck myself"), "body_part", "neck")
    assert find(parse("my shoulders are really tight today"), "body_part", "shoulders")
    assert find(parse("I think it is caused by my neck"), "origin", "neck")
    assert find(parse("my jaw aches first, then my temples"), "origin", "jaw")
    assert not any(e["entity"] == "origin" for e in parse("my head hurts so much"))


def test_learned_label_breaks_a_lexicon_tie(parse):
    text = "can I massage my neck myself"
    ents = parse(text, [diet(text, "neck", "origin")])
    assert find(ents, "origin", "neck")["source"] == "lexicon"
    assert not any(e["entity"] == "body_part" for e in ents)


def test_typo_tolerance_on_unknown_words_only(parse):
    text = "feeling dizzines and nausae"
    ents = parse(text)
    dizzy = find(ents, "symptom", "dizziness")
    assert dizzy.get("fuzzy") is True and text[dizzy["start"] : dizzy["end"]] == "dizzines"
    find(ents, "symptom", "nausea")
    # a real English word one letter away from a lexicon word is left alone
    assert not any(e.get("fuzzy") for e in parse("I owe her a fiver"))


def test_uk_and_us_spellings(parse):
    assert spelling_variants("odours") == ["odors"]
    assert "paralyzed" in spelling_variants("paralysed")
    assert find(parse("strong odors at work"), "trigger", "smells")
    assert find(parse("strong odours at work"), "trigger", "smells")


def test_quantities_values():
    got = {(e["entity"], e["text"], e["value"]) for e in find_quantities(
        "kinda 5/10, lasts half a day, three or four days a week, since tuesday, twice a month"
    )}
    assert got == {
        ("severity", "5/10", "5"),
        ("duration", "half a day", "720"),
        ("frequency", "three or four days a week", "3.5/week"),
        ("duration", "since tuesday", "since tuesday"),
        ("frequency", "twice a month", "2/month"),
    }
    assert find_quantities("I have a 2 year old") == []


def test_within_one_edit():
    assert within_one_edit("nausae", "nausea")  # swap
    assert within_one_edit("dizzines", "dizziness")  # deletion
    assert not within_one_edit("fever", "river")


def test_denial_inside_the_mention(parse):
    ents = parse("my jaw aches and my scalp isn't tender though")
    assert find(ents, "symptom", "scalp_tenderness")["role"] == "negated"
    # an inability is a symptom, not a denial
    assert "role" not in find(parse("I can't bend my neck forward"), "symptom", "stiff_neck")


def test_a_high_blood_pressure_reading_is_a_symptom_mention(parse):
    text = "bad headache and my blood pressure is 200 over 120 with chest pain"
    mention = find(parse(text), "symptom", "high_blood_pressure")
    assert text[mention["start"]:mention["end"]].startswith("blood pressure is 200 over 120")
    assert not [e for e in parse("my bp was 120/80 at the chemist") if e["value"] == "high_blood_pressure"]


def test_lightning_is_a_sudden_onset(parse):
    find(parse("it hit like being struck by lightning"), "onset", "sudden_peak_lt_1m")


@pytest.mark.parametrize("text,given,confidence,expected", [
    ("left only", "goodbye", 0.68, "inform"),        # a short answer naming a location
    ("on the left mostly", "stop", 0.5, "inform"),
    ("left only", "goodbye", 0.95, "goodbye"),       # a sure classifier is left alone
    ("thanks, bye", "goodbye", 0.6, "goodbye"),      # names nothing
    ("stop asking me about the throbbing pain on my left", "stop", 0.6, "stop"),  # not short
])
def test_short_message_naming_a_detail_is_an_answer(spacy_pipeline, extractor, text, given, confidence, expected):
    from rasa.shared.nlu.constants import INTENT

    nlp_component, model = spacy_pipeline
    message = Message(data={TEXT: text, INTENT: {"name": given, "confidence": confidence}})
    nlp_component.process([message], model)
    extractor.process([message], model)
    assert message.get(INTENT)["name"] == expected


def test_a_negative_that_describes_a_red_flag_is_not_a_denial(parse):
    for text, value in [("my girlfriend has a headache and isn't making sense", "confusion"),
                        ("he isn't responding properly and has a bad headache", None)]:
        for e in parse(text):
            if e["entity"] == "symptom" and (value is None or e["value"] == value):
                assert e.get("role") != "negated", (text, e)


@pytest.mark.parametrize("text,expected", [
    ("can you erase what I typed", "delete_my_data"),
    ("don't keep any of this", "delete_my_data"),
    ("wipe it all", "delete_my_data"),
    ("write me a poem", "nlu_fallback"),          # a guess with no deletion wording
    ("run through what we covered", "nlu_fallback"),
])
def test_a_deletion_is_acted_on_only_when_the_message_asks_for_it(spacy_pipeline, extractor, text, expected):
    from rasa.shared.nlu.constants import INTENT

    nlp_component, model = spacy_pipeline
    message = Message(data={TEXT: text, INTENT: {"name": "delete_my_data", "confidence": 0.7}})
    nlp_component.process([message], model)
    extractor.process([message], model)
    assert message.get(INTENT)["name"] == expected
