"""Question planning: skip what is known, screen for red flags, adapt to the leaning pattern."""
from __future__ import annotations

import pytest

from actions.clinic.findings import Findings
from actions.clinic.findings import CONSULTATION_SLOTS as QUESTION_SLOTS
from actions.clinic.questions import is_answered, plan_questions, question, why_we_ask

V1_COMPLETE = Findings.from_dict(dict(
    age=34, locations=["both_sides", "band_around_head"], qualities=["pressing_tight"], intensity=4,
    duration_minutes=180, days_per_month=6, aggravated_by=["none"], symptoms=["light_sensitivity"],
    absent_symptoms=["nausea"], triggers=["stress"], origins=["neck"], simple_analgesic_days=4, onset="gradual",
    red_flag_screen_negative=True, absent_history=["progressive"],
))
SLOT_FIELDS = {
    "pain_location": ["locations"], "pain_quality": ["qualities"], "severity": ["intensity"],
    "duration": ["duration_minutes"], "frequency": ["days_per_month"], "onset": ["onset"],
    "associated_symptoms": ["symptoms", "absent_symptoms"], "triggers": ["triggers"], "origin": ["origins"],
    "red_flags": ["red_flag_screen_negative"], "medication_use": ["simple_analgesic_days"], "age": ["age"],
    "progression": ["absent_history"],
}


def answer(known: Findings, slot: str) -> Findings:
    data = known.to_dict()
    source = V1_COMPLETE.to_dict()
    for key in SLOT_FIELDS[slot]:
        if key in source:
            data[key] = source[key]
    return Findings.from_dict(data)


def test_all_slots_are_known_names():
    plan = plan_questions(Findings(), set())
    assert set(plan) <= set(QUESTION_SLOTS)
    assert plan[0] == "red_flags"


def test_typical_self_care_consultation_needs_at_most_eight_questions():
    known, answered, asked = Findings.from_dict({"locations": ["both_sides"]}), set(), []
    while True:
        plan = plan_questions(known, answered)
        if not plan:
            break
        slot = plan[0]
        asked.append(slot)
        answered.add(slot)
        known = answer(known, slot)
    assert "red_flags" in asked
    assert len(asked) <= 8, asked


def test_answered_and_derivable_slots_are_skipped():
    plan = plan_questions(V1_COMPLETE, set())
    assert plan == []
    assert "age" not in plan_questions(Findings(age=30), set())
    assert "severity" not in plan_questions(Findings(), {"severity"})


def test_the_emergency_screen_is_still_asked_after_a_lower_flag():
    """Reference 4.3: an urgent (or lower) finding does not answer the emergency screen."""
    assert plan_questions(Findings(history={"new_medicine"}), set())[0] == "red_flags"
    urgent = Findings(age=70, new_headache=True, symptoms={"jaw_pain_chewing"})
    assert plan_questions(urgent, set())[0] == "red_flags"
    urgent.red_flag_screen_negative = True
    # a new headache's other symptoms could still make it an emergency (a visual change with GCA),
    # and so could what brought it on (a knock to the head on a blood thinner)
    assert plan_questions(urgent, {"red_flags"}) == ["associated_symptoms", "triggers"]
    assert plan_questions(urgent, {"red_flags", "associated_symptoms", "triggers"}) == []


def test_a_sign_from_everyday_words_is_confirmed_first():
    f = Findings(to_confirm={"confusion"})
    assert plan_questions(f, set())[0] == "flag_check"
    f.absent_symptoms.add("confusion")
    assert "flag_check" not in plan_questions(f, set())


def test_urgent_findings_stop_the_pattern_questions():
    assert plan_questions(Findings(symptoms={"confusion"}), set()) == []


def test_migraine_leaning_asks_duration_and_symptoms_first():
    f = Findings(locations={"one_side"}, qualities={"throbbing"}, symptoms={"nausea"})
    plan = plan_questions(f, {"red_flags", "age"})
    assert plan[:2] == ["duration", "frequency"] or plan[:1] == ["duration"]
    assert "origin" not in plan


def test_neck_origin_asks_origin_and_triggers_first():
    f = Findings(locations={"neck_to_head"}, symptoms={"neck_pain"})
    plan = plan_questions(f, {"red_flags", "age"})
    assert plan[:2] == ["origin", "triggers"]


def test_medication_question_dropped_when_headaches_are_infrequent():
    assert "medication_use" not in plan_questions(Findings(days_per_month=3), set())
    assert "medication_use" in plan_questions(Findings(days_per_month=20), set())


@pytest.mark.parametrize("slot", QUESTION_SLOTS)
def test_every_slot_has_text_why_and_buttons(slot):
    assert why_we_ask(slot)
    q = question(slot)
    assert q["text"].endswith("?") and 3 <= len(q["buttons"]) <= 6


def test_a_sign_that_would_make_an_urgent_finding_an_emergency_is_asked_directly():
    # over 50, a new headache (urgent) with a passing visual disturbance: jaw pain on chewing or a
    # tender scalp would make it GCA with visual symptoms (emergency), so it is asked, not assumed
    from actions.clinic.questions import signs_to_ask, with_signs_to_ask
    f = Findings(age=71, new_headache=True, months_present=0.5, symptoms={"blurred_vision"}, red_flag_screen_negative=False)
    assert signs_to_ask(f) == {"jaw_pain_chewing"}
    assert plan_questions(with_signs_to_ask(f), set())[0] == "flag_check"
    f.absent_symptoms |= {"jaw_pain_chewing"}
    assert signs_to_ask(f) == {"scalp_tenderness"}
    f.absent_symptoms |= {"scalp_tenderness"}
    assert signs_to_ask(f) == set()
    # blurred vision alone at 30 is not a hinge of anything
    assert signs_to_ask(Findings(age=30, symptoms={"blurred_vision"})) == set()


def test_a_new_headache_with_dizziness_asks_whether_others_at_home_have_headaches():
    from actions.clinic.questions import signs_to_ask
    assert signs_to_ask(Findings(age=35, new_headache=True, months_present=0.3, symptoms={"dizziness"})) == {"others_in_building_affected"}
    assert signs_to_ask(Findings(age=35, new_headache=False, history={"known_migraine"}, symptoms={"dizziness"})) == set()


def test_a_sign_is_asked_directly_only_once_the_flag_hinges_on_it_alone():
    from actions.clinic.findings import Findings
    from actions.clinic.questions import signs_to_ask

    visual_new = dict(symptoms={"blurred_vision"}, new_headache=True)
    assert "jaw_pain_chewing" not in signs_to_ask(Findings(**visual_new))  # the age first
    assert "jaw_pain_chewing" in signs_to_ask(Findings(age=71, **visual_new))


def test_after_an_urgent_new_headache_the_symptoms_are_still_asked():
    """4.3: an urgent finding keeps asking what could make it an emergency; a new headache's other
    symptoms can (nausea or dizziness with a new headache asks about others at home)."""
    from actions.clinic.questions import with_signs_to_ask
    from actions.clinic.reading import parse_answer, scan

    f = scan("a dull ache for the past ten days, on and off")
    f = f.merge(parse_answer("red_flags", "none of those").findings).merge(parse_answer("age", "68").findings)
    answered = {"red_flags", "age"}
    assert plan_questions(f, answered) == ["associated_symptoms", "triggers"]
    f = f.merge(parse_answer("associated_symptoms", "a bit queasy and light-headed now and then").findings)
    f = with_signs_to_ask(f)
    assert "others_in_building_affected" in f.to_confirm
    assert plan_questions(f, answered | {"associated_symptoms"})[0] == "flag_check"


def test_a_new_headache_asks_what_brings_it_on():
    """A headache of the last 3 months is asked what brings it on: a start during coughing,
    straining or exercise is urgent (4.2) and is asked, not assumed absent (4.3)."""
    new = Findings(red_flag_screen_negative=True, age=36, new_headache=True, months_present=1.2,
                   locations={"back_of_head"}, intensity=5)
    assert "triggers" in plan_questions(new, {"red_flags", "age"})
    old = Findings(red_flag_screen_negative=True, age=36, new_headache=False, months_present=60,
                   locations={"both_sides"}, intensity=5)
    assert "triggers" not in plan_questions(old, {"red_flags", "age"})


def test_migraine_with_aura_asks_about_the_pill_when_it_could_apply():
    aura = dict(red_flag_screen_negative=True, locations={"one_side"}, qualities={"throbbing"}, intensity=7,
                duration_minutes=480, days_per_month=2, symptoms={"aura_visual", "nausea"},
                history={"known_migraine", "aura_before"}, new_headache=False, doctor_confirmed=True)
    assert "other_conditions" in plan_questions(Findings(age=29, **aura), {"red_flags", "age"})
    assert "other_conditions" not in plan_questions(Findings(age=62, **aura), {"red_flags", "age"})
    said = Findings(age=29, **{**aura, "history": aura["history"] | {"hormonal_contraception"}})
    assert "other_conditions" not in plan_questions(said, {"red_flags", "age"})


def test_a_one_sided_neck_pattern_is_asked_whether_it_keeps_to_one_side():
    """Side-locked pain tells a neck pattern from tension-type (3.3 G, 3.4): a one-sided headache
    from the neck, brought on by neck movement, is asked where exactly and whether it switches."""
    neck = dict(red_flag_screen_negative=True, age=44, locations={"one_side"}, origins={"neck"},
                aggravated_by={"neck_movement"}, intensity=5, new_headache=False)
    assert "pain_location" in plan_questions(Findings(**neck), {"red_flags", "age"})
    assert "pain_location" not in plan_questions(Findings(**neck, side_locked=True), {"red_flags", "age"})
    # without a neck movement or posture that brings it on, the side cannot make it a neck pattern:
    # once the other pattern facts are in, where it hurts is not asked when no answer changes things
    loose = {**neck, "aggravated_by": set(), "duration_minutes": 120.0, "days_per_month": 4.0,
             "absent_symptoms": {"nausea", "light_sensitivity", "sound_sensitivity", "tearing_same_side"},
             "absent_history": {"progressive"}}
    assert "pain_location" not in plan_questions(Findings(**loose), {"red_flags", "age"})
    # ... and the planner asks what brings it on first
    assert "triggers" in plan_questions(Findings(**loose), {"red_flags", "age"})


def test_a_trigger_said_in_passing_does_not_answer_what_brings_a_new_headache_on():
    new = Findings(red_flag_screen_negative=True, age=30, new_headache=True, months_present=1,
                   triggers={"smells"}, locations={"both_sides"}, intensity=4)
    assert "triggers" in plan_questions(new, {"red_flags", "age"})


def test_a_headache_brought_on_by_straining_is_asked_its_strength_and_start():
    """Sudden and severe, a strain headache is a thunderclap (4.2): after a negative screen both
    facts are asked before the urgent advice stands."""
    from actions.clinic.redflags import unsettled

    strain = Findings(red_flag_screen_negative=True, age=40, new_headache=True, aggravated_by={"cough_strain_sneeze"})
    assert {"severity", "onset"} <= unsettled(strain).get("rf_thunderclap", set())
    assert {"severity", "onset"} <= set(plan_questions(strain, {"red_flags", "age", "triggers"}))


def test_an_impression_of_a_daily_headache_is_asked_as_a_count():
    said = Findings(red_flag_screen_negative=True, age=30, locations={"both_sides"}, days_per_month=20.0,
                    days_estimated=True, new_headache=False)
    assert "frequency" in plan_questions(said, {"red_flags", "age"})
    counted = Findings(**{**said.__dict__, "days_estimated": False})
    assert "frequency" not in plan_questions(counted, {"red_flags", "age"})


def test_chest_pain_with_a_headache_asks_about_blood_pressure():
    """rf_hypertensive hinges on a very high reading (4.2): with chest pain or breathlessness the
    other-conditions question (high blood pressure and a recent reading) is asked."""
    from actions.clinic.redflags import unsettled

    f = Findings(age=58, new_headache=True, symptoms={"breathlessness"}, red_flag_screen_negative=True)
    assert "other_conditions" in unsettled(f).get("rf_hypertensive", set())
    assert "other_conditions" in plan_questions(f, {"red_flags", "age"})


# How the pain feels is asked only while it could still change what the person is told.
PATTERN_DONE = dict(
    age=34, intensity=3, duration_minutes=240, days_per_month=4, onset="gradual",
    red_flag_screen_negative=True, absent_symptoms=["nausea", "light_sensitivity", "noise_sensitivity"],
)


def test_pain_quality_is_asked_while_a_pattern_fact_is_missing():
    known = Findings.from_dict(dict(PATTERN_DONE, locations=["both_sides"], duration_minutes=None))
    assert "pain_quality" in plan_questions(known, set())


def test_pain_quality_is_skipped_when_no_answer_would_change_the_outcome():
    # both sides, mild, hours long, no nausea, no light or noise trouble: every answer to
    # "how does it feel" leaves the same pattern, the same triage and the same techniques
    known = Findings.from_dict(dict(PATTERN_DONE, locations=["both_sides"]))
    done = {"associated_symptoms", "frequency", "duration", "severity", "pain_location"}
    assert "pain_quality" not in plan_questions(known, done)


def test_pain_quality_is_asked_when_its_answer_decides_the_pattern():
    # one side, moderate, with nausea: throbbing makes it migraine-like, pressing does not
    known = Findings.from_dict(dict(
        PATTERN_DONE, locations=["one_side"], intensity=6, symptoms=["nausea"], absent_symptoms=[],
    ))
    done = {"associated_symptoms", "frequency", "duration", "severity", "pain_location"}
    assert "pain_quality" in plan_questions(known, done)


def test_pain_quality_is_not_asked_before_the_facts_it_could_swing():
    plan = plan_questions(Findings.from_dict({"locations": ["both_sides"]}), set())
    if "pain_quality" in plan:
        for slot in ("severity", "duration", "associated_symptoms", "frequency"):
            if slot in plan:
                assert plan.index(slot) < plan.index("pain_quality"), plan


def test_not_pregnant_any_more_with_swelling_asks_about_a_recent_birth():
    """rf_preeclampsia covers 6 weeks after a birth (4.2): "not pregnant" leaves that open."""
    f = Findings(age=29, pregnant=False, symptoms={"face_hand_swelling"}, red_flag_screen_negative=True,
                 absent_history={"pregnant"})
    assert "pregnancy" in plan_questions(f, {"red_flags", "age"})
    f.absent_history.add("postpartum")
    assert "pregnancy" not in plan_questions(f, {"red_flags", "age"})


def test_pacing_about_does_not_answer_the_other_symptoms_question():
    f = Findings(age=30, symptoms={"restless_agitated"}, red_flag_screen_negative=True)
    assert "associated_symptoms" in plan_questions(f, {"red_flags", "age"})


def test_a_lately_begun_headache_asks_what_brings_it_on_even_after_a_posture_in_passing():
    """A desk posture named in passing does not say whether a cough or lying down brings it on
    (4.2 rf_valsalva_exertion, rf_positional)."""
    f = Findings(age=40, months_present=0.5, aggravated_by={"sustained_posture"}, triggers={"stress"},
                 red_flag_screen_negative=True)
    assert "triggers" in plan_questions(f, {"red_flags", "age"})
    old = Findings(age=40, months_present=60, new_headache=False, aggravated_by={"sustained_posture"},
                   triggers={"stress"}, red_flag_screen_negative=True)
    assert "triggers" not in plan_questions(old, {"red_flags", "age"})


def test_dizziness_with_a_headache_of_unknown_newness_asks_whether_it_is_new():
    """rf_carbon_monoxide (4.2): a new headache with dizziness asks about others at home; whether it
    is new is asked first, not assumed either way (4.3), even though the flag also needs a sign."""
    f = Findings(age=39, locations={"whole_head"}, intensity=5, symptoms={"dizziness"}, red_flag_screen_negative=True)
    assert plan_questions(f, {"red_flags", "age"})[0] == "headache_history"
    known = Findings(**{**f.__dict__, "new_headache": False})
    assert "headache_history" not in plan_questions(known, {"red_flags", "age"})


def test_a_week_seen_is_asked_as_a_monthly_count():
    from actions.clinic.reading import scan
    f = scan("it's been there every night this week")
    assert f.days_estimated
    assert "frequency" in plan_questions(Findings(age=30, red_flag_screen_negative=True, days_per_month=f.days_per_month,
                                                  days_estimated=f.days_estimated), {"red_flags", "age"})


def test_a_recent_change_is_asked_before_the_final_advice():
    """4.3 ask, don't assume (a recent worsening is one of its facts); 4.5 urgent screen: a long,
    unchanged-looking pattern is still asked whether it has got worse or changed lately."""
    unasked = Findings.from_dict({**V1_COMPLETE.to_dict(), "absent_history": []})
    assert plan_questions(unasked, set()) == ["progression"]
    assert plan_questions(unasked, {"progression"}) == []


def test_one_sense_said_in_passing_leaves_the_sickness_to_ask():
    """"The light hurts" alone does not answer "anything else with it?": whether the person is sick
    with it is what tells migraine from tension-type (3.3 M D); sickness said, or the sickness and
    a sense both spoken of, answers it."""
    light_only = Findings.from_dict({"symptoms": ["light_sensitivity"]})
    assert not is_answered("associated_symptoms", light_only)
    assert is_answered("associated_symptoms", Findings.from_dict({"symptoms": ["vomiting"]}))
    assert is_answered("associated_symptoms", Findings.from_dict({"symptoms": ["light_sensitivity"], "absent_symptoms": ["nausea"]}))


def test_where_it_hurts_is_asked_only_when_an_answer_could_change_the_outcome():
    """Where the pain is counts toward the patterns, a neck origin and the eye signs (3.3, 4.2, 5.3):
    asked after the other pattern questions, and only when one of its answers would change the
    type, the triage or the techniques ("asks only what it still needs")."""
    tension = Findings.from_dict({**V1_COMPLETE.to_dict(), "locations": []})
    assert "pain_location" not in plan_questions(tension, set())
    eye_signs = Findings.from_dict(dict(
        age=38, intensity=9, duration_minutes=60, days_per_month=20, symptoms=["tearing_same_side", "restless_agitated"],
        red_flag_screen_negative=True, absent_history=["progressive"], history=["known_cluster"], doctor_confirmed=True,
    ))
    assert "pain_location" in plan_questions(eye_signs, set())
    unasked = Findings.from_dict({**tension.to_dict(), "intensity": None})
    assert plan_questions(unasked, set()).index("severity") < plan_questions(unasked, set()).index("pain_location")
