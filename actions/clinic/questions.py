"""Which consultation questions are still worth asking, and in what order (reference 4.5).

Safety first (red-flag screen, age), then the questions that best separate the pattern the answers
lean towards; questions whose answer cannot change type, triage or technique are dropped.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Set

from .findings import Findings
from .kb import load_knowledge
from .redflags import AUTONOMIC_SIGNS, AURA_SYMPTOMS, screen
from .safety import alert_hits

BASE_ORDER = (
    "red_flags",
    "age",
    "pain_location",
    "pain_quality",
    "severity",
    "onset",
    "duration",
    "associated_symptoms",
    "frequency",
    "origin",
    "triggers",
    "medication_use",
)
FIRST_BY_LEANING = {
    "cluster": ("duration", "associated_symptoms", "frequency"),
    "migraine": ("duration", "associated_symptoms", "frequency"),
    "neck": ("origin", "triggers"),
}
PATTERN_SYMPTOMS = frozenset(
    {"nausea", "vomiting", "light_sensitivity", "sound_sensitivity", "restless_agitated"}
) | AUTONOMIC_SIGNS | AURA_SYMPTOMS
MOH_MIN_DAYS = 10  # below this many headache days, medicine days cannot reach an overuse threshold

def _medication_answered(f: Findings) -> bool:
    """Frequent use is only answered with its duration too (overuse counts after 3 months)."""
    days = [d for d in (f.simple_analgesic_days, f.specialist_med_days) if d is not None]
    return bool(days) and (max(days) < MOH_MIN_DAYS or f.meds_months is not None)


_ANSWERED_BY: Dict[str, Callable[[Findings], bool]] = {
    "pain_location": lambda f: bool(f.locations),
    "pain_quality": lambda f: bool(f.qualities),
    "severity": lambda f: f.intensity is not None,
    "duration": lambda f: f.duration_minutes is not None or f.continuous is not None,
    "frequency": lambda f: f.days_per_month is not None or f.attacks_per_day is not None,
    "onset": lambda f: f.onset is not None,
    "associated_symptoms": lambda f: bool(f.symptoms & PATTERN_SYMPTOMS or f.absent_symptoms & PATTERN_SYMPTOMS),
    "triggers": lambda f: bool(f.triggers),
    "origin": lambda f: bool(f.origins),
    "red_flags": lambda f: f.red_flag_screen_negative is not None or any(not h.uncertain for h in screen(f)),
    "medication_use": _medication_answered,
    "age": lambda f: f.age is not None,
}


def leaning(f: Findings) -> Optional[str]:
    """The pattern the answers so far point to, to pick the next discriminating questions."""
    one_sided = bool(f.locations & {"one_side", "behind_eye"})
    if one_sided and (f.symptoms & AUTONOMIC_SIGNS or "stabbing_boring" in f.qualities):
        return "cluster"
    migraine_symptoms = f.symptoms & ({"nausea", "vomiting", "light_sensitivity", "sound_sensitivity"} | AURA_SYMPTOMS)
    throbbing = "throbbing" in f.qualities
    if (one_sided or throbbing) and (migraine_symptoms or (throbbing and one_sided)):
        return "migraine"
    neck = (
        f.origins & {"neck", "cervical_spine", "shoulders"}
        or f.locations & {"neck_to_head", "back_of_head"}
        or f.symptoms & {"neck_pain", "stiff_neck", "reduced_neck_movement"}
        or "neck_movement" in f.aggravated_by
    )
    return "neck" if neck else None


def _starts_in_neck(f: Findings) -> bool:
    return bool(f.locations & {"neck_to_head", "back_of_head"} or f.aggravated_by & {"neck_movement", "sustained_posture"})


def _worth_asking(slot: str, f: Findings, lean: Optional[str]) -> bool:
    if slot == "onset":  # the red-flag screen already asks about a sudden start
        settled = f.new_headache is False or f.has("same_as_usual")
        return not (f.red_flag_screen_negative or settled)
    if slot == "origin":  # origin only changes techniques for tension-type/neck/unclear patterns
        return lean not in ("migraine", "cluster")
    if slot == "triggers":  # mainly separates a headache that starts in the neck (neck injury?)
        return lean == "neck" and _starts_in_neck(f)
    if slot == "medication_use":
        return f.days_per_month is None or f.days_per_month >= MOH_MIN_DAYS
    return True


def plan_questions(findings: Findings, answered: Set[str]) -> List[str]:
    """The remaining consultation slots, in the order to ask them."""
    if alert_hits(findings):
        return []  # the advice is to get seen; more pattern questions would only delay it
    done = set(answered) | set(findings.unknown_answers)
    lean = leaning(findings)
    order = ["red_flags", "age", *FIRST_BY_LEANING.get(lean, ())]
    order += [slot for slot in BASE_ORDER if slot not in order]
    return [
        slot
        for slot in order
        if slot not in done and not _ANSWERED_BY[slot](findings) and _worth_asking(slot, findings, lean)
    ]


def why_we_ask(slot: str) -> str:
    return load_knowledge().questions[slot]["why"]


def question(slot: str) -> Dict[str, object]:
    """The question text and its answer buttons ({title, payload}) for a slot."""
    info = load_knowledge().questions[slot]
    return {"text": " ".join(info["text"].split()), "buttons": list(info["buttons"])}
