"""The per-message alert check: what interrupts a conversation, and what waits for the age question."""
from actions.clinic.findings import Findings
from actions.clinic.safety import alert_level, pending_alert


def test_fever_alone_waits_for_the_age_question_then_alerts_when_over_50():
    fever = Findings(symptoms={"fever"}, new_headache=True)
    assert alert_level(fever) is None
    fever.age = 70
    assert alert_level(fever) == "urgent"


def test_gca_specific_signs_alert_without_an_age():
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
