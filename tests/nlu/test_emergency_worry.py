"""Words that wonder whether it is an emergency (data/kb/input_checks.yml `emergency_worry`)."""
import pytest

from actions.clinic.inputcheck import worries_about_emergency
from headease_nlu import intent_rules


@pytest.mark.parametrize("text", [
    "is this an emergency?", "Might be URGENT", "could it be life-threatening", "emergency??",
    "I wonder if I should treat this as an emergency",
])
def test_wondering_about_an_emergency(text):
    assert worries_about_emergency(text)


@pytest.mark.parametrize("text", [
    "it's not an emergency", "nothing urgent", "no emergency, just tips please", "my head aches",
    "it emerged slowly", "emergent",
])
def test_not_wondering(text):
    assert not worries_about_emergency(text)


def test_a_confident_general_question_keeps_its_intent():
    assert not intent_rules.may_worry("ask_when_doctor", 0.9)
    assert intent_rules.may_worry("ask_when_doctor", 0.4)
    assert intent_rules.may_worry("bot_challenge", 0.9)
    assert not intent_rules.may_worry("emergency", 0.2)
