"""Findings from the NLU pipeline's entities.

``entities_to_findings`` maps the lexicon entities (symptoms, locations, triggers, medication...)
to ``Findings``; ``quantity_findings`` the normalised quantity mentions (``numbers``): `duration`
values are minutes ("180"), "continuous" or a "since ..." phrase; `frequency` values are
"<count>/<day|week|fortnight|month|year>" or a pattern id, converted with the one calendar of
``numbers``.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from ..findings import Findings
from . import numbers
from .lexicon import ENTITY_VOCABULARIES, canonical
from .scan import MEDICATION_DAY_FIELDS, set_onset

PATTERN_DAYS = {"most_days": 20.0, "continuous": numbers.DAYS_PER_MONTH}


def frequency_days(value: str) -> Optional[float]:
    """Headache days per month for a frequency entity value, or None if it gives no number."""
    if value in PATTERN_DAYS:
        return PATTERN_DAYS[value]
    count, _, per = value.partition("/")
    try:
        return numbers.days_per_month(float(count), per)
    except (ValueError, KeyError):
        return None


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


# --- entities from the NLU pipeline ------------------------------------------------------------

_ENTITY_FIELD = {
    "pain_location": "locations",
    "pain_quality": "qualities",
    "trigger": "triggers",
    "origin": "origins",
}


def entities_to_findings(entities: List[Dict[str, Any]]) -> Findings:
    """Map Rasa entities ({"entity", "value", "role"}) to findings; role "negated" is a denial."""
    findings = Findings()
    for entity in entities or []:
        name, value, role = entity.get("entity"), entity.get("value"), entity.get("role")
        if not name or value is None:
            continue
        _entity_into(findings, str(name), value, str(role or ""))
    return findings


def _entity_into(findings: Findings, name: str, value: Any, role: str) -> None:
    if name in {"age", "severity", "intensity"}:
        number = numbers.parse_age(str(value), bare=True) if name == "age" else numbers.parse_severity(str(value), bare=True, words=True)
        if number is not None:
            setattr(findings, "age" if name == "age" else "intensity", number)
        return
    if name not in ENTITY_VOCABULARIES:
        return
    cid = value if value in ENTITY_VOCABULARIES[name] else canonical(name, str(value))
    if cid is None:
        return
    negated, hedged = role == "negated", role in {"uncertain", "hedged"}
    if name == "symptom":
        target = findings.absent_symptoms if negated else findings.uncertain if hedged else findings.symptoms
        target.add(cid)
    elif name == "onset" and not negated:
        set_onset(findings, cid)
    elif name == "medication" and negated:
        setattr(findings, MEDICATION_DAY_FIELDS[cid], 0.0)
    elif name in _ENTITY_FIELD and not negated:
        getattr(findings, _ENTITY_FIELD[name]).add(cid)

