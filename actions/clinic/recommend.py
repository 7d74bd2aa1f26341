"""Technique choice (clinical reference 5.2, 5.3): type lists, origin rules, contraindications."""
from __future__ import annotations

from typing import List, Optional, Sequence, Set, Tuple

from .assessment import RedFlagHit, RuledOut, TechniqueAdvice
from .findings import Findings
from .kb import Knowledge, load_knowledge
from .triage import neck_rules

MASSAGE_LEVELS = frozenset({"self_care", "see_doctor"})
ORIGIN_RULE_TYPES = frozenset({"tension_type", "cervicogenic", "unclear"})
ASSESSED_CERVICAL = frozenset({"neck_problem_assessed", "cervical_spine_problem"})


def contraindications(f: Findings) -> Set[str]:
    """Stated contraindications plus those that follow from other findings."""
    found = set(f.contraindications)
    derived = {
        "ci_fever_infection": f.has("fever"),
        "ci_pregnancy": f.pregnant is True,
        "ci_anticoagulant": f.has("anticoagulant"),
        "ci_acute_injury": any(f.has(i) for i in ("head_injury", "head_injury_recent_days", "neck_injury_recent")),
        "ci_cancer": f.has("cancer"),
        "ci_radicular": _radicular_unassessed(f),
    }
    return found | {ci for ci, present in derived.items() if present}


def _radicular_unassessed(f: Findings) -> bool:
    radicular = any(note.startswith("radicular") for _, note in neck_rules(f))
    return radicular and "neck_problem_assessed" not in f.history


def origin_first(headache_type: str, f: Findings) -> Optional[Tuple[str, str]]:
    """(technique, why-key) the product's origin rule ranks first, if any (5.3)."""
    if headache_type not in ORIGIN_RULE_TYPES:
        return None
    if "cervical_spine" in f.origins and f.history & ASSESSED_CERVICAL:
        return "shiatsu", "origin_cervical_spine"
    if "neck" in f.origins:
        return "trigger_point_therapy", "origin_neck"
    if "shoulders" in f.origins:
        return "trager_approach", "origin_shoulders"
    return None


def _ranked(kb: Knowledge, headache_type: str, f: Findings) -> List[Tuple[str, Optional[str]]]:
    lists = kb.headache_type_info(headache_type)["techniques"]
    ranked = [(t, None) for t in lists["recommend"] + lists["mention"]]
    first = origin_first(headache_type, f)
    if first:
        ranked = [first] + [(t, None) for t, _ in ranked if t != first[0]]
    return ranked


def _why(tech: dict, headache_type: str, origin_key: Optional[str]) -> str:
    why = tech["why"]
    return why.get(origin_key) or why.get(headache_type) or why["default"]


def _caveat(kb: Knowledge, tid: str, headache_type: str, origin_key: Optional[str], restricted: Sequence[str]) -> Optional[str]:
    tech = kb.technique(tid)
    parts = [tech["evidence"].get("caveat")]
    if origin_key == "origin_cervical_spine":
        parts.append(tech.get("origin_caveat"))
    parts.append(kb.headache_type_info(headache_type).get("technique_caveat"))
    parts += [kb.contraindication_info(ci)["action"] for ci in restricted]
    text = " ".join(p.strip() for p in parts if p)
    return text or None


def _ruled_out(kb: Knowledge, tid: str, removing: Sequence[str]) -> RuledOut:
    info = kb.contraindication_info(removing[0])
    return RuledOut(tid, f"Not suggested because of {info['name']}: {info['action']}")


def massage_allowed(headache_type: str, triage_level: str, f: Findings, red_flags: Sequence[RedFlagHit]) -> bool:
    if triage_level not in MASSAGE_LEVELS or (f.age is not None and f.age < 12):
        return False
    return not (headache_type == "unclear" and red_flags)


def recommend(
    headache_type: str,
    triage_level: str,
    findings: Findings,
    red_flags: Sequence[RedFlagHit] = (),
) -> Tuple[List[TechniqueAdvice], List[RuledOut]]:
    """Techniques in order, each with a tailored why and caveat, and those removed with a reason."""
    if not massage_allowed(headache_type, triage_level, findings, red_flags):
        return [], []
    kb = load_knowledge()
    present = contraindications(findings)
    advice, ruled_out = [], []
    for tid, origin_key in _ranked(kb, headache_type, findings):
        rules = kb.technique(tid)["contraindications"]
        removing = [ci for ci in rules["removed_by"] if ci in present]
        if removing:
            ruled_out.append(_ruled_out(kb, tid, removing))
            continue
        restricted = [ci for ci in rules["restricted_by"] if ci in present]
        why = _why(kb.technique(tid), headache_type, origin_key)
        advice.append(TechniqueAdvice(tid, why, _caveat(kb, tid, headache_type, origin_key, restricted)))
    return advice, ruled_out
