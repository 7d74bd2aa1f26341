"""Round 18 (issue 16): headaches bound to a passing cause, and medicines that lower immunity.
Every example is wording written for this test, not taken from a consultation case (clinical
reference 3.2, 4.2 rf_frequent_disabling and rf_immunosuppression)."""
from __future__ import annotations

import pytest

from actions.clinic.findings import Findings
from actions.clinic.redflags import ids, screen
from actions.clinic.reading import scan
from actions.clinic.verdict import Context, verdict


def _answer(findings: Findings, slot: str, text: str) -> Findings:
    return verdict(text, context=Context(findings=findings.to_dict(), pending=slot)).findings


def test_daily_headaches_during_a_fast_are_not_a_chronic_pattern():
    found = scan("during the fast my head aches every day by about four o'clock, gone once I eat")
    found = _answer(found, "headache_history", "every year in the fasting month since my thirties")
    assert "passing_cause" in found.history
    assert "rf_frequent_disabling" not in ids(screen(found))


def test_daily_headaches_for_months_stay_chronic_even_with_a_cause_named():
    found = scan("I get a headache every day since I gave up coffee")
    found = _answer(found, "headache_history", "it's been going on like this for five months now")
    assert "rf_frequent_disabling" in ids(screen(found))


def test_daily_headaches_for_years_without_a_passing_cause_are_chronic():
    found = scan("my head aches every single day")
    found = _answer(found, "headache_history", "since my twenties, I'm 40 now")
    assert "rf_frequent_disabling" in ids(screen(found))


@pytest.mark.parametrize("text", [
    "I'm on infliximab drips for ulcerative colitis",
    "she has Stelara injections for her Crohn's",
    "mycophenolate and prednisolone since my liver transplant",
    "I take tofacitinib for rheumatoid arthritis",
])
def test_an_immune_lowering_medicine_named_is_immunosuppression(text):
    found = _answer(scan("new headaches this last fortnight, never had them before"), "other_conditions", text)
    assert "rf_immunosuppression" in ids(screen(found))


@pytest.mark.parametrize("text", [
    "I have a monthly Ajovy jab for migraine prevention",
    "I'm on denosumab for osteoporosis",
    "I had a fasting glucose test and it was fine",
])
def test_other_medicines_and_tests_are_not(text):
    found = _answer(scan("new headaches this last fortnight, never had them before"), "other_conditions", text)
    assert "rf_immunosuppression" not in ids(screen(found))
    assert "passing_cause" not in found.history
