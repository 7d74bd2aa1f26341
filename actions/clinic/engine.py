"""One call from findings to the full assessment: screen, classify, triage, recommend, explain."""
from __future__ import annotations

from typing import List, Optional

from .assessment import Assessment, RedFlagHit
from .classify import Classification, classify
from .findings import TRIAGE_RANK, Findings
from .kb import Knowledge, load_knowledge
from .recommend import recommend
from .redflags import AURA_SYMPTOMS, screen
from .triage import neck_rules, triage

MEDICATION_NUDGE_DAYS = 8  # about 2-3 days a week (reference 7)


def _flag_reason(kb: Knowledge, hit: RedFlagHit) -> str:
    info = kb.red_flag_info(hit.id)
    hedge = " (you were not sure, so we count it to be safe)" if hit.uncertain else ""
    return f"You mentioned {info['finding']}{hedge}. {info['action']}"


def _type_reason(kb: Knowledge, cls: Classification, hits: List[RedFlagHit]) -> str:
    parts = [kb.feature(feature) for feature in cls.features]
    if not hits:
        parts.append("no warning signs")
    lead = " + ".join(parts) if parts else "too few clear answers so far"
    phrase = kb.pattern_phrase(cls.type)
    return f"{lead[0].upper()}{lead[1:]} -> {phrase[0].lower()}{phrase[1:]}"


def _reasons(kb: Knowledge, cls: Classification, hits: List[RedFlagHit], f: Findings) -> List[str]:
    reasons = [_flag_reason(kb, hit) for hit in hits]
    if not (f.age is not None and f.age < 12):
        reasons.append(_type_reason(kb, cls, hits))
    reasons += [kb.note(note) for _, note in neck_rules(f)]
    return reasons


def _doctor_advice(kb: Knowledge, level: str, hits: List[RedFlagHit], has_techniques: bool) -> str:
    if level == "emergency" and "rf_carbon_monoxide" in [h.id for h in hits]:
        return kb.render(kb.messages["triage"]["emergency"]["carbon_monoxide"])
    if level == "self_care" and not has_techniques:  # no "massage options below" when there are none
        return kb.render(kb.messages["triage"]["self_care"]["without_techniques"])
    return kb.triage_message(level)


def _medication_notes(f: Findings, cls: Classification, hits: List[RedFlagHit]) -> List[str]:
    overuse = cls.type == "medication_overuse" or any(h.id == "rf_medication_overuse" for h in hits)
    if overuse:
        return ["medication_overuse"]
    most_days = max(f.simple_analgesic_days or 0, f.specialist_med_days or 0)
    return ["medication_nudge"] if most_days >= MEDICATION_NUDGE_DAYS else []


def _pattern_notes(f: Findings, cls: Classification, level: str, has_techniques: bool) -> List[str]:
    aura = bool(f.symptoms & AURA_SYMPTOMS)
    wanted = {
        "under_12": f.age is not None and f.age < 12,
        "cluster_doctor": cls.type == "cluster",
        "passing_cause": "passing_cause" in cls.features,
        "ndph": cls.subtype == "possible new daily persistent headache",
        "neck_confirm": cls.type == "cervicogenic",
        "migraine_between_attacks": has_techniques and "migraine" in (cls.type, cls.background_type),
        "hormonal_aura": aura and f.has("hormonal_contraception"),
        "diary": cls.type == "unclear" or level == "see_doctor",
        "self_care_not_enough": has_techniques,
    }
    return [note for note, show in wanted.items() if show]


def _notes(kb: Knowledge, f: Findings, cls: Classification, hits: List[RedFlagHit], level: str,
           has_techniques: bool) -> List[str]:
    """Notes fitting the level: an emergency turn carries no self-care content."""
    ids = []
    if TRIAGE_RANK[level] < TRIAGE_RANK["emergency"]:
        ids += _medication_notes(f, cls, hits)
        ids += _pattern_notes(f, cls, level, has_techniques)
    if any(h.uncertain for h in hits):
        ids.append("uncertain_answers")
    notes = [kb.note(i) for i in ids]
    if "ci_neck_manipulation" in f.contraindications and level != "emergency":
        notes.append(kb.contraindication_info("ci_neck_manipulation")["action"])
    return notes


def assess(findings: Findings, previous_level: Optional[str] = None) -> Assessment:
    """The assessment for everything known so far.

    `previous_level` is the highest level already given in this conversation: the level returned
    is never lower (reference 4.3).
    """
    kb = load_knowledge()
    cls = classify(findings, screen(findings))
    hits = screen(findings, cls.background_type or cls.type)
    level = triage(hits, cls, findings, previous_level)
    techniques, ruled_out = recommend(cls.type, level, findings, hits)
    return Assessment(
        headache_type=cls.type,
        confidence=cls.confidence,
        type_features=[kb.feature(feature) for feature in cls.features],
        triage_level=level,
        red_flags=hits,
        recommended_techniques=techniques,
        ruled_out=ruled_out,
        reasons=_reasons(kb, cls, hits, findings),
        doctor_advice=_doctor_advice(kb, level, hits, bool(techniques)),
        background_type=cls.background_type,
        subtype=cls.subtype,
        candidate_types=cls.candidate_types,
        notes=_notes(kb, findings, cls, hits, level, bool(techniques)),
        disclaimer=kb.disclaimer(),
    )
