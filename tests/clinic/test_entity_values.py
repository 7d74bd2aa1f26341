from actions.clinic.entity_values import frequency_days, quantity_findings


def test_frequency_values_become_days_per_month():
    assert frequency_days("2/week") == 30.0 / 7 * 2
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
