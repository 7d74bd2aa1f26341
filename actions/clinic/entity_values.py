"""Findings from the normalised quantity entities the NLU pipeline emits (headease_nlu.quantities).

`duration` values are minutes ("180"), "continuous" or a "since ..." phrase; `frequency` values
are "<count>/<day|week|fortnight|month|year>" or a pattern id. These complement
`textscan.entities_to_findings`, which maps the lexicon entities.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from .findings import Findings

DAYS_PER_MONTH = {"day": 30.0, "week": 30.0 / 7, "fortnight": 30.0 / 14, "month": 1.0, "year": 1.0 / 12}
PATTERN_DAYS = {"most_days": 20.0, "continuous": 30.0}


def frequency_days(value: str) -> Optional[float]:
    """Headache days per month for a frequency entity value, or None if it gives no number."""
    if value in PATTERN_DAYS:
        return PATTERN_DAYS[value]
    count, _, per = value.partition("/")
    try:
        per_month = float(count) * DAYS_PER_MONTH[per]
    except (ValueError, KeyError):
        return None
    return min(per_month, 30.0)


def quantity_findings(entities: Iterable[Dict[str, Any]]) -> Findings:
    findings = Findings()
    for entity in entities:
        if entity.get("role") == "negated":
            continue
        value = str(entity.get("value", ""))
        if entity.get("entity") == "duration":
            if value == "continuous":
                findings.continuous = True
            else:
                try:
                    findings.duration_minutes = float(value)
                except ValueError:
                    pass
        elif entity.get("entity") == "frequency":
            days = frequency_days(value)
            if days is not None:
                findings.days_per_month = days
    return findings
