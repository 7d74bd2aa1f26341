import pytest

from actions.clinic.reading.entities import frequency_days, quantity_findings
from actions.clinic.reading.numbers import WEEKS_PER_MONTH, parse_frequency


def test_frequency_values_become_days_per_month():
    # the entity's rate and the answer parser's rate use the one calendar
    assert frequency_days("2/week") == WEEKS_PER_MONTH * 2 == pytest.approx(parse_frequency("2 days a week"), abs=0.01)
    assert frequency_days("0.5/day") == 15.0
    assert frequency_days("1/month") == 1.0
    assert frequency_days("3/day") == 30.0
    assert frequency_days("most_days") == 20.0
    assert frequency_days("occasional") is None


def test_duration_and_negation():
    findings = quantity_findings(
        [
            {"entity": "duration", "value": "180"},
            {"entity": "frequency", "value": "6/month"},
            {"entity": "duration", "value": "since tuesday"},
        ]
    )
    assert findings.duration_minutes == 180 and findings.days_per_month == 6
    assert quantity_findings([{"entity": "duration", "value": "continuous"}]).continuous
    assert quantity_findings([{"entity": "frequency", "value": "2/week", "role": "negated"}]).days_per_month is None
