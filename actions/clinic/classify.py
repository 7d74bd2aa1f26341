"""Pattern matching against ICHD-3 based profiles (clinical reference 3.3) and conflict rules (3.4).

Only what the user stated counts here; "not sure" answers matter for red flags, not for the pattern.
Feature ids in `Match.features` are keys of `features:` in knowledge.yml (lay wording).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from .assessment import RedFlagHit
from .findings import CHRONIC_DAYS, Findings
from .redflags import AUTONOMIC_SIGNS, AURA_SYMPTOMS

# Red flags after which a primary pattern may still be shown (3.3 STEP 1).
KEEP_PATTERN = frozenset(
    {"rf_medication_overuse", "rf_frequent_disabling", "rf_under_12", "rf_autonomic_eye_first", "rf_aura_atypical"}
)
BILATERAL = frozenset({"both_sides", "band_around_head", "whole_head"})
CLUSTER_SITES = frozenset({"behind_eye", "temples", "forehead"})
NECK_START = frozenset({"neck_to_head", "back_of_head"})
NECK_HISTORY = frozenset({"neck_injury_past", "neck_injury_recent", "cervical_spine_problem", "neck_problem_assessed"})


@dataclass
class Match:
    """How well one type's criteria are met: `met` full, `probable` one criterion short."""

    type: str
    met: bool = False
    probable: bool = False
    features: List[str] = field(default_factory=list)
    subtype: Optional[str] = None


@dataclass
class Classification:
    type: str
    confidence: str  # likely | probable | low
    features: List[str] = field(default_factory=list)
    subtype: Optional[str] = None
    background_type: Optional[str] = None
    candidate_types: List[str] = field(default_factory=list)


def _has(f: Findings, item: str) -> bool:
    return item in f.symptoms or item in f.history


def _days(f: Findings) -> Optional[float]:
    if f.continuous or _has(f, "daily_since_start"):
        return 30.0
    return f.days_per_month


def _cluster(f: Findings) -> Match:
    m = Match("cluster")
    required = "one_side" in f.locations and f.side_locked is not False and f.locations & CLUSTER_SITES
    minutes = f.duration_minutes
    excluded = minutes is not None and (minutes < 15 or minutes > 72 * 60)
    if not required or excluded:
        return m
    score, feats = 0, ["one_side", "behind_eye"] if "behind_eye" in f.locations else ["one_side"]
    if f.intensity is not None and f.intensity >= 7:
        score, feats = score + 1, feats + ["severe"]
    if minutes is not None and 15 <= minutes <= 180:
        score, feats = score + 2, feats + ["duration_short"]
    autonomic = bool(f.symptoms & AUTONOMIC_SIGNS)
    restless = "restless_agitated" in f.symptoms
    if autonomic:
        score, feats = score + 2, feats + ["autonomic"]
    if restless:
        score, feats = score + 1, feats + ["restless"]
    if _has(f, "same_time_of_day") or _has(f, "known_cluster"):
        score, feats = score + 1, feats + ["same_time"]
    m.met = score >= 4 and (autonomic or restless)
    m.features = feats
    return m


def _migraine_recurrent(f: Findings, aura: bool) -> bool:
    needed = 2 if aura else 5
    if f.lifetime_attacks is not None:
        return f.lifetime_attacks >= needed
    if _has(f, "known_migraine") or _has(f, "same_as_usual") or (aura and _has(f, "aura_before")):
        return True  # an aura that has come before: at least two attacks with aura
    days = f.days_per_month
    if days is None:
        return False
    return days * max(f.months_present or 1, 1) >= needed


def _migraine(f: Findings) -> Match:
    m = Match("migraine")
    pain = {
        "one_side": "one_side" in f.locations,
        "throbbing": "throbbing" in f.qualities,
        "moderate_or_worse": f.intensity is not None and f.intensity >= 4,
        "worse_with_activity": "routine_activity" in f.aggravated_by,
    }
    nausea = bool(f.symptoms & {"nausea", "vomiting"})
    light_sound = {"light_sensitivity", "sound_sensitivity"} <= f.symptoms
    min_hours = 2 if f.age is not None and f.age < 18 else 4
    minutes = f.duration_minutes
    duration = minutes is not None and min_hours * 60 <= minutes <= 72 * 60
    aura = bool(f.symptoms & AURA_SYMPTOMS)
    recurrent = _migraine_recurrent(f, aura)
    checks = {
        "pain": sum(pain.values()) >= 2,
        "associated": nausea or light_sound,
        "duration": duration,
        "recurrent": recurrent,
    }
    m.features = [k for k, ok in pain.items() if ok]
    m.features += ["nausea"] * nausea + ["light_and_sound"] * light_sound
    m.features += ["duration_hours"] * duration + ["recurrent"] * recurrent + ["aura"] * aura
    failures = list(checks.values()).count(False)
    m.met = failures == 0 or (aura and recurrent)
    m.probable = failures == 1 or (aura and not recurrent)
    m.subtype = "with aura" if aura else "without aura"
    return m


def _tension_subtype(f: Findings) -> Optional[str]:
    days = _days(f)
    if days is None:
        return None
    if days >= CHRONIC_DAYS and (f.months_present or 0) > 3:
        return "chronic"
    return "frequent episodic" if days >= 1 else "infrequent episodic"


def _tension(f: Findings) -> Match:
    m = Match("tension_type")
    pain = {
        "both_sides": bool(f.locations & BILATERAL),
        "pressing": "pressing_tight" in f.qualities and "throbbing" not in f.qualities,
        "mild_to_moderate": f.intensity is not None and 1 <= f.intensity <= 6,
        "not_worse_with_activity": bool(f.aggravated_by) and "routine_activity" not in f.aggravated_by,
    }
    excluded = bool(f.symptoms & {"vomiting", "nausea"}) or {"light_sensitivity", "sound_sensitivity"} <= f.symptoms
    minutes = f.duration_minutes
    chronic = _tension_subtype(f) == "chronic"
    duration = (minutes is not None and 30 <= minutes <= 7 * 24 * 60) or bool(f.continuous and chronic)
    checks = [sum(pain.values()) >= 2, not excluded, duration]
    m.features = [k for k, ok in pain.items() if ok]
    m.features += ["no_nausea"] * (not excluded) + ["duration_tension"] * duration
    failures = checks.count(False)
    m.met = failures == 0
    m.probable = failures == 1
    m.subtype = _tension_subtype(f)
    return m


def starts_in_neck(f: Findings) -> bool:
    """The pain starts in the neck or at the back of the head, or the user feels it comes from the
    neck (the origin question): the cervicogenic pattern's first requirement (3.3 G)."""
    return bool(f.locations & NECK_START or f.origins & {"neck", "cervical_spine"})


def _cervicogenic(f: Findings) -> Match:
    m = Match("cervicogenic")
    provoked = bool(f.aggravated_by & {"neck_movement", "sustained_posture"})
    if not (starts_in_neck(f) and provoked):
        return m
    points = {
        "side_locked": f.side_locked is True and "one_side" in f.locations,
        "neck_stiff": bool(f.symptoms & {"reduced_neck_movement", "stiff_neck"}),
        "neck_injury": bool(f.history & NECK_HISTORY) or "neck_injury" in f.triggers,
        "pressure_reproduces": _has(f, "pressure_reproduces"),
        "shoulder_arm": "shoulder_arm_pain_same_side" in f.symptoms,
    }
    m.features = ["neck_start", "neck_provoked"] + [k for k, ok in points.items() if ok]
    m.met = 2 + sum(points.values()) >= 4
    return m


def _moh(f: Findings) -> bool:
    simple = f.simple_analgesic_days or 0
    specialist = f.specialist_med_days or 0
    overuse = simple >= 15 or specialist >= 10 or (simple > 0 and specialist > 0 and simple + specialist >= 10)
    months = f.meds_months if f.meds_months is not None else f.months_present
    days = _days(f)
    return overuse and days is not None and days >= CHRONIC_DAYS and months is not None and months > 3


def _ndph(f: Findings) -> bool:
    """Possible new daily persistent headache (ICHD-3 4.10), not one that followed a neck injury."""
    after_neck_injury = "neck_injury" in f.triggers or bool(f.history & {"neck_injury_recent", "neck_injury_past"})
    return (
        _has(f, "daily_since_start")
        and (f.months_present or 0) > 3
        and not _has(f, "progressive")
        and not after_neck_injury
    )


def _tension_or_neck(tension: Match, neck: Match, f: Findings) -> Optional[Match]:
    """3.4 row tension_type + cervicogenic."""
    if neck.met and tension.met:
        side_locked = f.side_locked is True and "one_side" in f.locations
        return neck if side_locked or "neck_injury" in f.triggers else tension
    if neck.met:
        return neck
    return tension if tension.met else None


def _chronic_with_migraine_features(f: Findings, migraine: Match) -> bool:
    days = _days(f)
    features = migraine.probable or "throbbing" in f.qualities or "nausea" in migraine.features
    return days is not None and days >= CHRONIC_DAYS and (migraine.met or features)


def _primary(f: Findings) -> Classification:
    """Steps 3-7: the best primary pattern and its confidence."""
    cluster, migraine, tension, neck = _cluster(f), _migraine(f), _tension(f), _cervicogenic(f)
    candidates = [m.type for m in (cluster, migraine, tension, neck) if m.met or m.probable]
    if _has(f, "varies_between_attacks") and not _chronic_with_migraine_features(f, migraine):
        return Classification("unclear", "low", ["varies"], candidate_types=candidates)
    if _ndph(f):
        return Classification("unclear", "low", ["daily_since_start"], "possible new daily persistent headache",
                              candidate_types=candidates)
    if cluster.met:
        return _from_match(cluster, "likely", candidates)
    if migraine.met or _chronic_with_migraine_features(f, migraine):
        chronic = (_days(f) or 0) >= CHRONIC_DAYS
        subtype = f"chronic, {migraine.subtype}" if chronic else migraine.subtype
        confidence = "likely" if migraine.met else "probable"
        return Classification("migraine", confidence, migraine.features, subtype, candidate_types=candidates)
    chosen = _tension_or_neck(tension, neck, f)
    if chosen:
        return _from_match(chosen, "likely", candidates)
    probable = [m for m in (migraine, tension) if m.probable]
    if len(probable) == 1:
        return _from_match(probable[0], "probable", candidates)
    return Classification("unclear", "low", candidate_types=candidates)


def _from_match(match: Match, confidence: str, candidates: List[str]) -> Classification:
    return Classification(match.type, confidence, match.features, match.subtype, candidate_types=candidates)


def _background(f: Findings, primary: Classification) -> Optional[str]:
    if primary.type != "unclear":
        return primary.type
    return "migraine" if _has(f, "known_migraine") else None


def classify(findings: Findings, red_flags: List[RedFlagHit]) -> Classification:
    """Steps 1-7 of 3.3. Children under 12 are not classified (reference 1.7)."""
    if findings.age is not None and findings.age < 12:
        return Classification("unclear", "low")
    primary = _primary(findings)
    if any(hit.id not in KEEP_PATTERN for hit in red_flags):
        return Classification("secondary", "low", ["warning_sign"], background_type=_background(findings, primary),
                              candidate_types=primary.candidate_types)
    if _moh(findings):
        background = _background(findings, primary)
        return Classification("medication_overuse", "likely", ["frequent_days", "painkiller_days"],
                              background_type=background, candidate_types=primary.candidate_types)
    if _passing_cause(findings):
        # 3.2: a headache the user puts down to a clear passing cause is secondary (benign, no red
        # flag); a known migraine stays in view as the background
        background = "migraine" if _has(findings, "known_migraine") else None
        return Classification("secondary", "probable", ["passing_cause"], "passing cause",
                              background_type=background, candidate_types=primary.candidate_types)
    return primary


def _passing_cause(f: Findings) -> bool:
    """Put down to a hangover, a cold or flu, or cutting out caffeine, and not a frequent pattern
    of months (a cause that passes does not explain headaches on most weeks for months)."""
    if "passing_cause" not in f.history:
        return False
    days = _days(f)
    long_frequent = days is not None and days >= 4 and (f.months_present or 0) > 3
    return not long_frequent
