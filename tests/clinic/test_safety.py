"""The per-message alert check: what interrupts a conversation, and what waits for the age question."""

import pytest

from actions.clinic.findings import Findings
from actions.clinic.safety import (
    alert_level,
    emergency_intent_unfounded,
    findings_with_message,
    pending_alert,
)
from tests.support.nlu_data import ROOT, held_out_files, labelled_examples, training_files


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


def test_emergency_intent_alerts_even_without_findings():
    assert pending_alert(None, "please help", "emergency", None) == "emergency"


def test_a_new_flag_alerts_again_but_repetition_does_not():
    known = Findings(symptoms={"weakness"}).to_dict()
    assert pending_alert(known, "ok thanks", "thank", "emergency") is None
    assert pending_alert(known, "and I had a fit", "inform", "emergency") == "emergency"


def test_entities_alone_can_raise_an_alert():
    entities = [{"entity": "symptom", "value": "numbness"}]
    assert pending_alert(None, None, "inform", None, entities=entities) == "emergency"
    negated = [{"entity": "symptom", "value": "numbness", "role": "negated"}]
    assert pending_alert(None, None, "inform", None, entities=negated) is None


# --- the NLU's emergency intent on an ordinary answer (voice front-end report) -----------------

# The intent classifier labels these "emergency" (models/headease.tar.gz, 0.6 to 1.0): lists of
# ordinary attack symptoms. The message itself explains them completely.
ORDINARY_LISTS = [
    "i feel sick and light bothers me",
    "i feel sick and lights bother me",
    "i feel sick and sound bothers me",
    "i feel sick and cant stand the light",
    "i feel sick and i throw up",
    "i throw up and light hurts",
    "light and noise bother me and i feel sick",
    "i feel sick and light and sound bother me",
    "it pounds and i feel sick and light bothers me",
    "throbbing on one side and i feel sick",
    "no weakness or numbness, i just feel sick",
]


@pytest.mark.parametrize("text", ORDINARY_LISTS)
def test_emergency_intent_on_ordinary_symptoms_is_unfounded(text):
    assert emergency_intent_unfounded(None, text)


@pytest.mark.parametrize(
    "text",
    [
        "help me please",
        "call an ambulance",
        "i think i'm dying",
        "i feel sick and something is really wrong",
        "i feel sick and my neck is stiff",  # a red-flag sign, even without the fever yet
        "i feel sick and dizzy",
        "my face hurts and i feel sick",
        "my neck hurts and i feel sick",
        "i feel terrible and sick",
        "the pain is unbearable and i feel sick",
        "i feel sick and maybe a bit numb",
        "i feel sick and it came on suddenly",
        "i feel sick and i'm pregnant",
        "i feel sick and light bothers me, i banged my head yesterday",
        "",
    ],
)
def test_emergency_intent_stands_when_the_message_is_not_fully_ordinary(text):
    assert not emergency_intent_unfounded(None, text)


def test_emergency_intent_stands_when_what_is_known_already_alerts():
    assert emergency_intent_unfounded(None, "i feel sick")
    assert not emergency_intent_unfounded(Findings(uncertain={"weakness"}).to_dict(), "i feel sick")


def _emergency_examples():
    dev = sorted((ROOT / "tests" / "nlu" / "dev").glob("*.yml"))
    return [t for i, t in labelled_examples(training_files() + dev + held_out_files()) if i == "emergency"]


def test_no_emergency_example_is_ever_set_aside():
    """Every message labelled `emergency` in the NLU data keeps its emergency (learned may add)."""
    texts = _emergency_examples()
    assert len(texts) > 100
    assert [t for t in texts if emergency_intent_unfounded(None, t)] == []


@pytest.mark.parametrize("text", [
    "I'm 67, my scalp is tender and it hurts to chew",
    "i am 70 and my jaw aches when i chew",
    "I'm 67 and started getting headaches for the first time a few weeks ago, my scalp is tender at the temples and it hurts to chew",
])
def test_urgent_flags_read_completely_keep_their_urgent_level(text):
    # The classifier's `emergency` on these gives the urgent advice and the emergency screen
    # (actions.assessment.ActionRedFlagAlert), never an emergency the rules did not read.
    assert alert_level(findings_with_message(None, text)) == "urgent"
