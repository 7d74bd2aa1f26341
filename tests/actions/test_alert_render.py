"""The alert's "why": signs the person said are told back as said; signs only not ruled out (an
unsure or unreadable answer to a red-flag question, reference 4.3) are named as such."""
from actions.clinic import assess
from actions.clinic.findings import Findings
from actions.render import alert_messages

BASE = dict(age=45, locations=["both_sides"], intensity=5, onset="gradual")


def _said_and_unsure(messages):
    said = next((m for m in messages if m.startswith("Why: you mentioned")), "")
    unsure = next((m for m in messages if m.startswith("These signs were not ruled out")), "")
    return said, unsure


def test_signs_only_not_ruled_out_are_not_told_back_as_mentioned():
    assessment = assess(Findings.from_dict(dict(BASE, uncertain=["weakness", "confusion"])))
    assert assessment.triage_level == "emergency"
    said, unsure = _said_and_unsure(alert_messages(assessment, "112"))
    assert not said
    assert "weakness" in unsure and "confusion" in unsure
    assert any("treated them as yes" in m for m in alert_messages(assessment, "112"))


def test_a_sign_said_and_one_not_ruled_out_are_told_apart():
    assessment = assess(Findings.from_dict(dict(BASE, symptoms=["fever", "stiff_neck"], uncertain=["weakness"])))
    said, unsure = _said_and_unsure(alert_messages(assessment, "112"))
    assert "stiff neck" in said and "weakness" not in said
    assert "weakness" in unsure


def test_a_sign_said_plainly_has_no_unsure_note():
    messages = alert_messages(assess(Findings.from_dict(dict(BASE, symptoms=["fever", "stiff_neck"]))), "112")
    said, unsure = _said_and_unsure(messages)
    assert "stiff neck" in said and not unsure
    assert not any("treated them as yes" in m for m in messages)
