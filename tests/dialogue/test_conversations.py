"""Scripted patients hold whole consultations with the running bot over the REST webhook."""
from pathlib import Path

import pytest
import yaml

from tests.dialogue.conftest import CONVERSATION_RESULTS
from tests.support.patient import consult

pytestmark = pytest.mark.e2e
PATIENTS = yaml.safe_load((Path(__file__).with_name("patients.yml")).read_text())["patients"]
MAX_SELF_CARE_QUESTIONS = 8


@pytest.mark.parametrize("patient", PATIENTS, ids=[p["id"] for p in PATIENTS])
def test_scripted_patient(bot_stack, patient):
    answers = {slot: text for slot, text in patient["answers"].items()}
    result = consult(bot_stack, f"patient-{patient['id']}", patient["opening"], answers)
    slots = result.slots
    expected = patient["expected"]
    CONVERSATION_RESULTS.append(
        {
            "id": patient["id"],
            "expected": expected["triage_level"],
            "got": slots.get("triage_level"),
            "questions": len(result.questions_asked),
        }
    )
    assert slots.get("triage_level") == expected["triage_level"], result.all_text()
    if "headache_type" in expected:
        assert slots.get("headache_type") == expected["headache_type"], result.all_text()
    if expected["triage_level"] in ("urgent", "emergency"):
        assert slots.get("recommended_techniques") == []
        assert "call" in result.all_text().lower() or "today" in result.all_text().lower()
    if expected["triage_level"] == "self_care":
        assert len(result.questions_asked) <= MAX_SELF_CARE_QUESTIONS, result.questions_asked
