"""Triage level (clinical reference 3.4 defaults and 4.3): the highest level wins, never lowered.

`Findings.has` counts "not sure" answers as present, which only ever raises a level here.
"""
from __future__ import annotations

from typing import Iterable, List, Optional, Tuple

from .assessment import RedFlagHit
from .classify import Classification
from .findings import TRIAGE_LEVELS, TRIAGE_RANK, Findings
from .redflags import AURA_SYMPTOMS

ASSESSED_NECK = frozenset({"neck_problem_assessed"})


def highest(levels: Iterable[Optional[str]]) -> str:
    ranks = [TRIAGE_RANK[level] for level in levels if level]
    return TRIAGE_LEVELS[max(ranks, default=0)]


def _migraine_default(f: Findings) -> str:
    aura = bool(f.symptoms & AURA_SYMPTOMS)
    if f.doctor_confirmed is not True:
        return "see_doctor"  # never confirmed, or not said: counts as not confirmed
    if aura and f.has("hormonal_contraception"):
        return "see_doctor"
    return "self_care"


def _cervicogenic_default(f: Findings) -> str:
    assessed = bool(f.history & ASSESSED_NECK)
    unchanged = not (f.has("progressive") or f.has("self_care_failed") or f.has("different_from_usual"))
    return "self_care" if assessed and unchanged else "see_doctor"


def _unclear_default(f: Findings) -> str:
    days = 30.0 if f.continuous or f.has("daily_since_start") else f.days_per_month
    frequent = days is not None and days >= 4
    return "see_doctor" if frequent or f.has("disabling") else "self_care"


def type_default(headache_type: Optional[str], f: Findings) -> str:
    """Triage default of a pattern when no red flag is present (3.4 table)."""
    if headache_type == "migraine":
        return _migraine_default(f)
    if headache_type == "cervicogenic":
        return _cervicogenic_default(f)
    if headache_type == "unclear":
        return _unclear_default(f)
    if headache_type in ("cluster", "medication_overuse"):
        return "see_doctor"
    return "self_care"


def _neck_context(f: Findings) -> bool:
    neck_signs = f.symptoms | f.uncertain
    return bool(
        neck_signs & {"neck_pain", "stiff_neck", "reduced_neck_movement"}
        or f.origins & {"neck", "cervical_spine"}
        or "neck_to_head" in f.locations
    )


def neck_rules(f: Findings) -> List[Tuple[str, str]]:
    """(level, note id) from the cervicogenic row of 3.4 that apply whatever the pattern."""
    rules = []
    if f.has("neck_injury_recent"):
        rules.append(("urgent", "recent_neck_injury"))
    arm = f.has("arm_tingling") or f.has("numbness")
    stable = "arm_symptoms_stable" in f.history
    if arm and _neck_context(f):
        rules.append(("see_doctor", "radicular_stable") if stable else ("urgent", "radicular_new"))
    elif arm and stable:  # not new (4.2), but a sensation that keeps coming back is for a doctor to check
        rules.append(("see_doctor", "arm_symptoms_stable"))
    return rules


def triage(
    red_flags: List[RedFlagHit],
    classification: Classification,
    findings: Findings,
    previous_level: Optional[str] = None,
) -> str:
    """max(red flags, type defaults, neck rules, the level already given in this conversation)."""
    levels = [hit.level for hit in red_flags]
    levels.append(type_default(classification.type, findings))
    levels.append(type_default(classification.background_type, findings))
    levels += [level for level, _ in neck_rules(findings)]
    levels.append(previous_level)
    return highest(levels)
