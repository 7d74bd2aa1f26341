"""The per-message alert check: what interrupts a conversation, and what waits for the age question."""

import pytest

from actions.clinic.findings import Findings
from actions.clinic.questions import plan_questions
from actions.clinic.safety import alert_level, findings_with_message


def test_fever_alone_waits_for_the_age_question_then_alerts_when_over_50():
    fever = Findings(symptoms={"fever"}, new_headache=True)
    assert alert_level(fever) is None
    fever.age = 70
    assert alert_level(fever) == "urgent"


def test_gca_specific_signs_ask_the_age_rather_than_assume_it():
    # jaw pain on chewing in a new headache: the age is asked (4.3, "an unknown age is asked, not
    # assumed to be over 50"); over 50, or "not sure" when asked, gives the urgent advice
    jaw = Findings(symptoms={"jaw_pain_chewing"}, new_headache=True)
    assert alert_level(jaw) is None
    assert "age" in plan_questions(jaw, set())[:2]
    assert alert_level(Findings(symptoms={"jaw_pain_chewing"}, new_headache=True, age=72)) == "urgent"
    assert alert_level(Findings(symptoms={"jaw_pain_chewing"}, new_headache=True, unknown_answers={"age"})) == "urgent"


def test_not_sure_counts_as_yes():
    assert alert_level(Findings(uncertain={"weakness"})) == "emergency"


@pytest.mark.parametrize("text", [
    "I'm 67, my scalp is tender and it hurts to chew, the headache is new",
    "i am 70 and my jaw aches when i chew, never had headaches before",
    "I'm 67 and started getting headaches for the first time a few weeks ago, my scalp is tender at the temples and it hurts to chew",
])
def test_urgent_flags_read_completely_keep_their_urgent_level(text):
    # The classifier's `emergency` on these gives the urgent advice and the emergency screen
    # (actions.assessment.ActionRedFlagAlert), never an emergency the rules did not read.
    assert alert_level(findings_with_message(None, text)) == "urgent"


@pytest.mark.parametrize("text", ["I'm 67, my scalp is tender and it hurts to chew", "i am 70 and my jaw aches when i chew"])
def test_signs_of_a_new_cause_over_50_ask_whether_the_headache_is_new(text):
    # whether it is a new headache is the fact the flag hinges on: asked right after the screen
    found = findings_with_message(None, text)
    assert alert_level(found) is None
    assert plan_questions(found, set())[:2] == ["red_flags", "headache_history"]


def test_a_severity_tag_on_other_words_is_not_the_headaches_strength():
    # the NLU tagged "awful" as a severity; the reader, who decides red-flag facts, found none
    text = "the awful seats on the train give me a headache at the back"
    tags = [{"entity": "severity", "value": "severe", "start": 4, "end": 9}]
    assert findings_with_message(None, text, tags).intensity is None
