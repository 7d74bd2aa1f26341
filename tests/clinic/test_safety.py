"""The per-message alert check: what interrupts a conversation, and what waits for the age question."""

import pytest

from actions.clinic.findings import Findings
from actions.clinic.safety import alert_level, findings_with_message


def test_fever_alone_waits_for_the_age_question_then_alerts_when_over_50():
    fever = Findings(symptoms={"fever"}, new_headache=True)
    assert alert_level(fever) is None
    fever.age = 70
    assert alert_level(fever) == "urgent"


def test_gca_specific_signs_alert_without_an_age():
    # jaw pain on chewing or a tender scalp are specific enough not to wait for the age question
    assert alert_level(Findings(symptoms={"jaw_pain_chewing"}, new_headache=True)) == "urgent"


def test_not_sure_counts_as_yes():
    assert alert_level(Findings(uncertain={"weakness"})) == "emergency"


@pytest.mark.parametrize("text", [
    "I'm 67, my scalp is tender and it hurts to chew",
    "i am 70 and my jaw aches when i chew",
    "I'm 67 and started getting headaches for the first time a few weeks ago, my scalp is tender at the temples and it hurts to chew",
])
def test_urgent_flags_read_completely_keep_their_urgent_level(text):
    # The classifier's `emergency` on these gives the urgent advice and the emergency screen
    # (actions.assessment.ActionRedFlagAlert), never an emergency the rules did not read.
    assert alert_level(findings_with_message(None, text)) == "urgent"


def test_a_severity_tag_on_other_words_is_not_the_headaches_strength():
    # the NLU tagged "awful" as a severity; the reader, who decides red-flag facts, found none
    text = "the awful seats on the train give me a headache at the back"
    tags = [{"entity": "severity", "value": "severe", "start": 4, "end": 9}]
    assert findings_with_message(None, text, tags).intensity is None
