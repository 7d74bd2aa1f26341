"""Whole-engine behaviour: the reference vignettes V1-V13 (4.4), origin rules and contraindications."""
from __future__ import annotations

import pytest

from actions.clinic import assess, load_knowledge
from actions.clinic.findings import CONTRAINDICATIONS, Findings

TENSION = dict(
    age=34, locations=["both_sides", "band_around_head"], qualities=["pressing_tight"], intensity=4,
    duration_minutes=180, days_per_month=6, months_present=24, aggravated_by=["none"],
    symptoms=["light_sensitivity"], triggers=["posture_desk_work", "stress"], simple_analgesic_days=4,
    new_headache=False, onset="gradual", red_flag_screen_negative=True,
)
MIGRAINE_AURA = dict(
    age=28, locations=["one_side"], qualities=["throbbing"], intensity=7, duration_minutes=720,
    aggravated_by=["routine_activity"], symptoms=["nausea", "light_sensitivity", "sound_sensitivity", "aura_visual"],
    aura_minutes=20, days_per_month=3, months_present=60, new_headache=False, onset="gradual",
    doctor_confirmed=True, red_flag_screen_negative=True,
)
CLUSTER_FIRST = dict(
    age=40, locations=["one_side", "behind_eye"], side_locked=True, qualities=["stabbing_boring"], intensity=10,
    duration_minutes=45, attacks_per_day=1, days_per_month=21, months_present=0.75,
    symptoms=["tearing_same_side", "runny_blocked_nose_same_side", "restless_agitated"],
    history=["first_ever", "same_time_of_day"], new_headache=True,
)

VIGNETTES = {
    "V1": (TENSION, "tension_type", "self_care", ["trigger_point_therapy", "self_massage"], []),
    "V2": (MIGRAINE_AURA, "migraine", "self_care", ["swedish_massage", "self_massage"], []),
    "V3": (dict(MIGRAINE_AURA, doctor_confirmed=False), "migraine", "see_doctor", ["swedish_massage", "self_massage"], []),
    "V4": (CLUSTER_FIRST, "cluster", "urgent", [], ["rf_autonomic_eye_first"]),
    "V5": (
        dict(age=45, history=["known_migraine"], days_per_month=20, months_present=6, simple_analgesic_days=18,
             meds_months=6, new_headache=False, onset="gradual", red_flag_screen_negative=True),
        "medication_overuse", "see_doctor", ["self_massage", "swedish_massage"], ["rf_medication_overuse"],
    ),
    "V6": (
        dict(age=38, locations=["one_side", "neck_to_head", "forehead"], qualities=["dull_ache"], intensity=5,
             aggravated_by=["neck_movement"], symptoms=["stiff_neck"], history=["neck_injury_past"],
             triggers=["neck_injury"], new_headache=False, onset="gradual", red_flag_screen_negative=True),
        "cervicogenic", "see_doctor", ["suboccipital_release", "myofascial_release"], [],
    ),
    "V7": (
        dict(age=67, new_headache=True, months_present=0.75, symptoms=["scalp_tenderness", "jaw_pain_chewing"],
             absent_symptoms=["blurred_vision", "vision_loss", "double_vision"], onset="gradual"),
        "secondary", "urgent", [], ["rf_gca", "rf_age_over_50_new"],
    ),
    "V8": (
        dict(age=30, onset="sudden_peak_lt_1m", intensity=10, symptoms=["worst_ever"], aggravated_by=["exercise"]),
        "secondary", "emergency", [], ["rf_thunderclap"],
    ),
    "V9": (dict(age=25, symptoms=["fever", "stiff_neck"]), "secondary", "emergency", [], ["rf_fever_meningism"]),
    "V10": (
        dict(age=33, pregnant=True, pregnancy_weeks=32, symptoms=["aura_visual", "face_hand_swelling"]),
        "secondary", "emergency", [], ["rf_preeclampsia"],
    ),
    "V11": (
        dict(TENSION, red_flag_screen_negative=None, uncertain=["weakness", "numbness"]),
        "secondary", "emergency", [], ["rf_neuro_deficit"],
    ),
    "V12": (
        dict(age=30, qualities=["other"], days_per_month=2, new_headache=False, onset="gradual",
             red_flag_screen_negative=True, unknown_answers=["duration", "pain_location"]),
        "unclear", "self_care", ["self_massage"], [],
    ),
    "V13": (
        dict(age=42, locations=["one_side", "behind_eye"], side_locked=True, qualities=["stabbing_boring"],
             intensity=9, onset="peak_1_5m", duration_minutes=60, attacks_per_day=1.5, days_per_month=14,
             symptoms=["tearing_same_side", "runny_blocked_nose_same_side", "restless_agitated"],
             history=["known_cluster"], new_headache=False),
        "cluster", "see_doctor", [], [],
    ),
}


@pytest.mark.parametrize("vid", list(VIGNETTES))
def test_reference_vignettes(vid):
    data, headache_type, level, techniques_first, red_flags = VIGNETTES[vid]
    result = assess(Findings.from_dict(data))
    assert result.headache_type == headache_type
    assert result.triage_level == level
    assert result.technique_ids[: len(techniques_first)] == techniques_first
    if not techniques_first:
        assert result.technique_ids == []
    assert set(red_flags) <= set(result.red_flag_ids)


def test_v1_is_frequent_episodic_and_v2_has_aura():
    assert assess(Findings.from_dict(TENSION)).subtype == "frequent episodic"
    assert assess(Findings.from_dict(MIGRAINE_AURA)).subtype == "with aura"


def test_v5_shows_migraine_as_background_and_the_overuse_warning():
    result = assess(Findings.from_dict(VIGNETTES["V5"][0]))
    assert result.background_type == "migraine"
    assert any("Do not stop any medicine suddenly" in note for note in result.notes)


def test_v12_suggests_a_diary():
    result = assess(Findings.from_dict(VIGNETTES["V12"][0]))
    assert any("diary" in note for note in result.notes)


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_no_massage_or_self_care_content_at_urgent_levels(level):
    vid = {"emergency": "V8", "urgent": "V7"}[level]
    result = assess(Findings.from_dict(VIGNETTES[vid][0]))
    assert result.recommended_techniques == [] and result.ruled_out == []
    assert "today" in result.doctor_advice or "emergency department" in result.doctor_advice


def test_emergency_advice_says_call_now_and_do_not_drive():
    advice = assess(Findings.from_dict(VIGNETTES["V9"][0])).doctor_advice
    assert "now" in advice and "Do not drive yourself" in advice
    assert not any("massage" in note.lower() for note in assess(Findings.from_dict(VIGNETTES["V9"][0])).notes)


def test_previous_level_is_never_lowered():
    assert assess(Findings.from_dict(TENSION), previous_level="urgent").triage_level == "urgent"


def test_under_12_is_not_classified_and_sees_a_doctor():
    result = assess(Findings.from_dict(dict(TENSION, age=9)))
    assert result.headache_type == "unclear" and result.confidence == "low"
    assert result.triage_level == "see_doctor"
    assert result.recommended_techniques == []


def test_reasons_explain_pattern_without_diagnosing():
    result = assess(Findings.from_dict(TENSION))
    reason = result.reasons[-1].lower()
    assert "pain on both sides" in reason and "no warning signs" in reason
    assert "pattern often seen in tension-type headache" in reason
    assert "you have" not in " ".join(result.reasons).lower()
    assert result.disclaimer.startswith("This is general information, not a diagnosis.")


def test_hormonal_contraception_with_aura_note():
    data = dict(MIGRAINE_AURA, history=["hormonal_contraception"])
    result = assess(Findings.from_dict(data))
    assert result.triage_level == "see_doctor"
    assert any("combined hormonal contraception" in note for note in result.notes)


# --- origin rules (5.3) ----------------------------------------------------------------------
NECK_TYPE = VIGNETTES["V6"][0]
ASSESSED = ["neck_problem_assessed"]


@pytest.mark.parametrize(
    "base, origins, history, first",
    [
        (TENSION, ["shoulders"], [], "trager_approach"),
        (TENSION, ["neck"], [], "trigger_point_therapy"),
        (TENSION, ["neck", "shoulders"], [], "trigger_point_therapy"),
        (TENSION, ["cervical_spine"], ASSESSED, "shiatsu"),
        (TENSION, ["cervical_spine"], [], "trigger_point_therapy"),  # not assessed: type list order
        (NECK_TYPE, ["shoulders"], ["neck_injury_past"], "trager_approach"),
        (NECK_TYPE, ["neck"], ["neck_injury_past"], "trigger_point_therapy"),
        (NECK_TYPE, ["cervical_spine"], ["neck_injury_past"] + ASSESSED, "shiatsu"),
        (VIGNETTES["V12"][0], ["neck"], [], "trigger_point_therapy"),
        (VIGNETTES["V12"][0], ["shoulders"], [], "trager_approach"),
        (MIGRAINE_AURA, ["shoulders"], [], "swedish_massage"),  # origin rules skip migraine
    ],
)
def test_origin_rule_ranks_first(base, origins, history, first):
    result = assess(Findings.from_dict(dict(base, origins=origins, history=base.get("history", []) + history)))
    assert result.triage_level in ("self_care", "see_doctor")
    assert result.technique_ids[0] == first


def test_origin_rules_carry_evidence_caveats():
    shoulders = assess(Findings.from_dict(dict(TENSION, origins=["shoulders"])))
    assert "no headache trials" in shoulders.recommended_techniques[0].caveat
    spine = assess(Findings.from_dict(dict(TENSION, origins=["cervical_spine"], history=ASSESSED)))
    assert "no good evidence" in spine.recommended_techniques[0].caveat
    migraine = assess(Findings.from_dict(MIGRAINE_AURA))
    cranio = next(t for t in migraine.recommended_techniques if t.id == "craniosacral_therapy")
    assert "weak" in cranio.caveat


# --- contraindications (5.2) -----------------------------------------------------------------
@pytest.mark.parametrize("ci_id", sorted(CONTRAINDICATIONS))
@pytest.mark.parametrize("base", [TENSION, MIGRAINE_AURA], ids=["tension", "migraine"])
def test_contraindication_removes_its_techniques(ci_id, base):
    kb = load_knowledge()
    without = assess(Findings.from_dict(base)).technique_ids
    result = assess(Findings.from_dict(dict(base, contraindications=[ci_id])))
    for tid in without:
        rules = kb.technique(tid)["contraindications"]
        if ci_id in rules["removed_by"]:
            assert tid not in result.technique_ids
            reason = next(r.reason for r in result.ruled_out if r.id == tid)
            assert kb.contraindication_info(ci_id)["name"] in reason
        else:
            assert tid in result.technique_ids
        if ci_id in rules["restricted_by"]:
            caveat = next(t.caveat for t in result.recommended_techniques if t.id == tid)
            assert kb.contraindication_info(ci_id)["action"] in caveat


def test_radicular_arm_symptoms_keep_shoulder_self_massage_only():
    data = dict(TENSION, symptoms=["light_sensitivity", "neck_pain", "arm_tingling"], history=["arm_symptoms_stable"])
    result = assess(Findings.from_dict(data))
    assert result.triage_level == "see_doctor"
    removed = {r.id for r in result.ruled_out}
    assert {"trigger_point_therapy", "myofascial_release", "suboccipital_release"} <= removed
    assert "self_massage" in result.technique_ids


@pytest.mark.parametrize(
    "extra, ci_id",
    [
        (dict(pregnant=True, pregnancy_weeks=10, new_headache=False), "ci_pregnancy"),
        (dict(history=["anticoagulant"]), "ci_anticoagulant"),
    ],
)
def test_contraindications_derived_from_findings(extra, ci_id):
    kb = load_knowledge()
    result = assess(Findings.from_dict(dict(TENSION, **extra)))
    action = kb.contraindication_info(ci_id)["action"]
    restricted = [t for t in result.recommended_techniques if ci_id in kb.technique(t.id)["contraindications"]["restricted_by"]]
    assert restricted and all(action in t.caveat for t in restricted)


def test_a_passing_cause_gets_self_care_without_promising_massage_options():
    result = assess(Findings.from_dict(dict(
        age=27, locations=["both_sides"], qualities=["throbbing"], intensity=6, duration_minutes=540,
        symptoms=["nausea"], history=["passing_cause"], new_headache=False, onset="gradual",
        red_flag_screen_negative=True, days_per_month=0.3,
    )))
    assert (result.triage_level, result.headache_type) == ("self_care", "secondary")
    assert result.recommended_techniques == []
    assert "massage options below" not in result.doctor_advice
    assert any("passing cause" in note for note in result.notes)
