"""What we know about one person's headache: the contract between text understanding and the engine.

`Findings` is filled from slots and free text (see `reading.scan`) and read by the clinical engine
(`engine.assess`). Every id used here is a stable id from `shared/clinical-reference.md`; the sets
below are the only values allowed, so a typo anywhere fails loudly in tests.

Tri-state answers use ``None`` for "not asked / not said", and the engine treats "unknown" answers
to red-flag questions as positive (clinical reference 4.3): those go into ``uncertain``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Dict, FrozenSet, Optional, Set

HEADACHE_TYPES = (
    "tension_type",
    "migraine",
    "cervicogenic",
    "cluster",
    "medication_overuse",
    "secondary",
    "unclear",
)
TRIAGE_LEVELS = ("self_care", "see_doctor", "urgent", "emergency")  # ascending rank
TRIAGE_RANK = {level: rank for rank, level in enumerate(TRIAGE_LEVELS)}
TECHNIQUES = (
    "trigger_point_therapy",
    "shiatsu",
    "trager_approach",
    "swedish_massage",
    "myofascial_release",
    "suboccipital_release",
    "craniosacral_therapy",
    "self_massage",
)

LOCATIONS: FrozenSet[str] = frozenset(
    {
        "one_side",
        "both_sides",
        "forehead",
        "temples",
        "behind_eye",
        "back_of_head",
        "neck_to_head",
        "band_around_head",
        "whole_head",
    }
)
QUALITIES: FrozenSet[str] = frozenset(
    {"pressing_tight", "throbbing", "stabbing_boring", "dull_ache", "other"}
)
ONSETS: FrozenSet[str] = frozenset({"sudden_peak_lt_1m", "peak_1_5m", "gradual"})
AGGRAVATORS: FrozenSet[str] = frozenset(
    {
        "routine_activity",
        "neck_movement",
        "sustained_posture",
        "lying_down",
        "standing_up",
        "cough_strain_sneeze",
        "exercise",
        "sex",
        "none",
    }
)
# headache days a month from which a headache is chronic (ICHD-3; reference 3.2, 4.2 rf_frequent_disabling)
CHRONIC_DAYS = 15
# aggravators that make a headache "brought on by coughing, straining or exercise" (4.2 rf_valsalva_exertion)
EXERTION_AGGRAVATORS: FrozenSet[str] = frozenset({"cough_strain_sneeze", "exercise", "sex"})
# The aura phenomena (3.2): seen, felt or in speech.
AURA_SYMPTOMS: FrozenSet[str] = frozenset({"aura_visual", "aura_sensory", "aura_speech"})
# Associated symptoms and signs, including the ones that feed red flags.
SYMPTOMS: FrozenSet[str] = frozenset(
    {
        # clinical reference 3.1 `associated`
        "nausea",
        "vomiting",
        "light_sensitivity",
        "sound_sensitivity",
        "aura_visual",
        "aura_sensory",
        "aura_speech",
        "weakness",
        "tearing_same_side",
        "red_eye_same_side",
        "runny_blocked_nose_same_side",
        "droopy_eyelid_same_side",
        "restless_agitated",
        "neck_pain",
        "reduced_neck_movement",
        "shoulder_arm_pain_same_side",
        "jaw_pain_chewing",
        "scalp_tenderness",
        "fever",
        # further signs used by the red-flag screen (clinical reference 4.2)
        "numbness",
        "arm_tingling",
        "speech_difficulty",
        "vision_loss",
        "double_vision",
        "blurred_vision",
        "haloes",
        "painful_red_eye",
        "balance_loss",
        "confusion",
        "drowsiness",
        "fainting",
        "memory_loss",
        "personality_change",
        "seizure",
        "rash_non_blanching",
        "very_unwell",
        "dizziness",
        "face_hand_swelling",
        "upper_belly_pain",
        "chest_pain",
        "breathlessness",
        "weight_loss",
        "aching_shoulders",
        "clear_fluid_nose_ear",
        "vision_greying",
        "wakes_from_sleep",
        "worse_on_waking",
        "worst_ever",
        "others_in_building_affected",
        "better_away_from_home",
        "stiff_neck",
    }
)
TRIGGERS: FrozenSet[str] = frozenset(
    {
        "stress",
        "poor_sleep",
        "skipped_meals",
        "dehydration",
        "alcohol",
        "menstruation",
        "bright_light_screens",
        "posture_desk_work",
        "weather",
        "specific_foods",
        "caffeine_change",
        "neck_injury",
        "smells",
        "exercise",
        "let_down_after_stress",
    }
)
# Where the user feels the headache comes from (the product's origin rules, reference 5.3).
ORIGINS: FrozenSet[str] = frozenset(
    {"neck", "shoulders", "cervical_spine", "jaw", "eyes", "sinuses", "head"}
)
# Conditions that make some or all techniques unsuitable (reference 5.2), excluding `ci_red_flag`,
# which the engine derives itself.
CONTRAINDICATIONS: FrozenSet[str] = frozenset(
    {
        "ci_fever_infection",
        "ci_acute_injury",
        "ci_vascular_neck",
        "ci_dvt",
        "ci_skin",
        "ci_anticoagulant",
        "ci_uncontrolled_bp",
        "ci_pregnancy",
        "ci_radicular",
        "ci_cervical_instability",
        "ci_osteoporosis",
        "ci_cancer",
        "ci_neck_manipulation",
    }
)
# Background/history facts that change triage but are not symptoms of this headache.
HISTORY: FrozenSet[str] = frozenset(
    {
        "head_injury",  # head injury in the last 3 months
        "head_injury_recent_days",  # head injury in the last few days
        "neck_injury_recent",  # neck trauma/manipulation in the last 4 weeks
        "neck_injury_past",  # older neck injury, e.g. whiplash months ago
        "neck_problem_assessed",  # a clinician identified a cervical cause
        "cervical_spine_problem",  # known disc/arthritis/cervical spine issue
        "anticoagulant",
        "immunosuppression",
        "cancer",
        "high_blood_pressure",
        "very_high_bp_reading",  # a very high reading now (e.g. 180/120), not just known hypertension
        "fuel_appliance",
        "spinal_procedure",
        "new_medicine",
        "hormonal_contraception",
        "known_migraine",  # user says they have a known migraine history
        "known_cluster",  # a bout like earlier ones, pain-free months between
        "same_as_usual",  # same as the user's usual attacks
        "recent_headaches",  # said to be recent ("lately", "recently") with no start date: how new is asked
        "different_from_usual",  # different from the usual headaches
        "stronger_than_usual",  # this attack clearly stronger than the usual ones (how it started is asked)
        "progressive",  # getting steadily worse over days/weeks (recent)
        "first_ever",  # first headache of this kind ever
        "passing_cause",  # put down to a passing cause: a hangover, a cold or flu, cutting out caffeine (3.2)
        "daily_since_start",  # daily and unremitting since a remembered day
        "disabling",  # missing work/school, needing bed rest
        "self_care_failed",  # self-care not working after weeks
        "varies_between_attacks",
        "same_time_of_day",
        "pressure_reproduces",  # pressing on upper neck brings the headache on
        "postpartum",
        "arm_symptoms_stable",  # arm/hand tingling or numbness, intermittent, unchanged for weeks
        "pregnant",  # currently pregnant (mirrors `Findings.pregnant`); a red-flag screen answer id
    "aura_before",  # the same aura has come before (not a first-ever aura)
    }
)
# Red-flag ids of the clinical reference 4.2 (their levels and wording live in data/kb/knowledge.yml).
RED_FLAGS = (
    "rf_thunderclap",
    "rf_fever_meningism",
    "rf_fever_rash",
    "rf_neuro_deficit",
    "rf_altered_consciousness",
    "rf_seizure",
    "rf_head_injury_severe",
    "rf_head_injury",
    "rf_neck_artery",
    "rf_glaucoma",
    "rf_gca_visual",
    "rf_gca",
    "rf_preeclampsia",
    "rf_pregnancy_postpartum",
    "rf_carbon_monoxide",
    "rf_hypertensive",
    "rf_age_over_50_new",
    "rf_immunosuppression",
    "rf_cancer_history",
    "rf_progressive",
    "rf_morning_vomiting",
    "rf_positional",
    "rf_valsalva_exertion",
    "rf_papilloedema",
    "rf_autonomic_eye_first",
    "rf_aura_atypical",
    "rf_new_drug",
    "rf_medication_overuse",
    "rf_frequent_disabling",
    "rf_under_12",
)
# The consultation form's slots (the foundation contract), in the reference's base order.
CONSULTATION_SLOTS = (
    "pain_location",
    "pain_quality",
    "severity",
    "duration",
    "frequency",
    "onset",
    "associated_symptoms",
    "triggers",
    "origin",
    "red_flags",
    "medication_use",
    "age",
    # follow-up questions, asked only when a red flag or a triage default hinges on their answer
    "headache_history",
    "aura_history",
    "attack_history",
    "progression",
    "doctor_seen",
    "pregnancy",
    "other_conditions",
    # a warning sign read from everyday words, confirmed with one direct question
    "flag_check",
)
# The follow-up questions among them (clinical reference 4.3, "ask, don't assume").
FOLLOW_UP_SLOTS = (
    "headache_history", "aura_history", "attack_history", "progression", "doctor_seen", "pregnancy", "other_conditions",
)
# Background conditions the other-conditions question asks about.
BACKGROUND_CONDITIONS = frozenset({"cancer", "immunosuppression", "anticoagulant"})
UNKNOWN = "unknown"  # the value a slot takes for "I don't know" / "not sure"


@dataclass
class Findings:
    """Everything known about the headache. Empty/None means not said yet."""

    age: Optional[int] = None
    pregnant: Optional[bool] = None
    pregnancy_weeks: Optional[int] = None
    locations: Set[str] = field(default_factory=set)
    side_locked: Optional[bool] = None
    qualities: Set[str] = field(default_factory=set)
    intensity: Optional[int] = None  # 0-10
    duration_minutes: Optional[float] = None  # untreated length of one attack
    continuous: Optional[bool] = None
    days_per_month: Optional[float] = None
    attacks_per_day: Optional[float] = None
    # the frequency is an impression in words ("most evenings"), not a count: asked before it
    # makes a headache chronic (reference 4.3, ask don't assume)
    days_estimated: Optional[bool] = None
    months_present: Optional[float] = None  # how long the pattern has existed
    started_age: Optional[int] = None  # the age at which this headache pattern began ("since my twenties")
    lifetime_attacks: Optional[int] = None
    onset: Optional[str] = None
    new_headache: Optional[bool] = None  # new in the last 3 months / first of its kind
    aggravated_by: Set[str] = field(default_factory=set)
    symptoms: Set[str] = field(default_factory=set)
    absent_symptoms: Set[str] = field(default_factory=set)  # explicitly denied ("no fever")
    triggers: Set[str] = field(default_factory=set)
    origins: Set[str] = field(default_factory=set)
    history: Set[str] = field(default_factory=set)
    absent_history: Set[str] = field(default_factory=set)
    contraindications: Set[str] = field(default_factory=set)
    aura_minutes: Optional[float] = None
    simple_analgesic_days: Optional[float] = None  # days/month
    specialist_med_days: Optional[float] = None  # triptan/opioid/ergot/combination days/month
    meds_months: Optional[float] = None
    doctor_confirmed: Optional[bool] = None  # a doctor already diagnosed this headache
    red_flag_screen_negative: Optional[bool] = None  # user answered "none" to the screen
    uncertain: Set[str] = field(default_factory=set)  # symptom/history ids answered "not sure"
    unknown_answers: Set[str] = field(default_factory=set)  # consultation slots answered unknown
    # red-flag signs read from words with an everyday meaning ("confused about which type"): they
    # count only once the user confirms them (flag_check question), reference 4.3
    to_confirm: Set[str] = field(default_factory=set)

    # --- serialisation (slots hold plain JSON) ---------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for key in _FIELD_NAMES:  # every field is a scalar or a set of strings: nothing to deep-copy
            value = getattr(self, key)
            if isinstance(value, set):
                if value:
                    out[key] = sorted(value)
            elif value is not None:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, Any]]) -> "Findings":
        findings = cls()
        if not data:
            return findings
        for f in fields(cls):
            if f.name not in data or data[f.name] is None:
                continue
            current = getattr(findings, f.name)
            value = data[f.name]
            setattr(findings, f.name, set(value) if isinstance(current, set) else value)
        return findings

    def merge(self, other: "Findings") -> "Findings":
        """Combine two partial findings; sets are united and newer scalars win.

        A symptom stated later as present removes an earlier denial and vice versa, so the latest
        statement wins, but an `uncertain` mark is never removed by merging (uncertainty never
        lowers a level).
        """
        merged = Findings.from_dict(self.to_dict())
        for f in fields(Findings):
            new = getattr(other, f.name)
            if isinstance(new, set):
                getattr(merged, f.name).update(new)
            elif new is not None:
                setattr(merged, f.name, new)
        merged.absent_symptoms -= other.symptoms
        merged.symptoms -= other.absent_symptoms - other.symptoms
        merged.absent_history -= other.history
        merged.history -= other.absent_history - other.history
        merged.to_confirm -= merged.symptoms | merged.absent_symptoms | merged.uncertain
        # a neck injury dated in any message ("three years ago", "last week") settles the question
        # an undated mention raised ("after the whiplash")
        if merged.history & {"neck_injury_past", "neck_injury_recent"} or "neck_injury_recent" in merged.absent_history:
            merged.to_confirm.discard("neck_injury_recent")
        return merged

    def asked_about(self) -> Set[str]:
        """Follow-up topics already settled: other conditions when any of them was said or denied."""
        known = (self.history | self.absent_history) & BACKGROUND_CONDITIONS
        return {"other_conditions"} if known else set()

    def sign_to_confirm(self) -> Optional[str]:
        """The next warning sign read from everyday words that the user has not confirmed yet."""
        pending = sorted(self.to_confirm - self.symptoms - self.absent_symptoms - self.uncertain)
        return pending[0] if pending else None

    def has(self, item: str) -> bool:
        """True when a symptom or history item is present (or uncertain: counts as present)."""
        return item in self.symptoms or item in self.history or item in self.uncertain


_FIELD_NAMES = tuple(f.name for f in fields(Findings))
