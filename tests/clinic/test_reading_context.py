"""Round 18 (issues 16, 17): whose fact it is, and acts said not to happen. Every example is
wording written for this test, not taken from a consultation case."""
from __future__ import annotations

import pytest

from actions.clinic.findings import Findings
from actions.clinic.questions import plan_questions
from actions.clinic.reading import scan
from actions.clinic.reading.numbers import parse_age
from actions.clinic.redflags import ids, screen
from actions.clinic.safety import alert_level
from actions.clinic.verdict import Context, verdict


def _answer(findings: Findings, slot: str, text: str) -> Findings:
    return verdict(text, context=Context(findings=findings.to_dict(), pending=slot)).findings


# --- an age said of someone or something else ------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I've got a four-year-old and a baby, and my head pounds every evening",
    "my head aches since we bought a 20 year old house with a damp loft",
    "I have headaches most days, with 8 year old triplets who never sleep",
])
def test_an_age_of_another_is_not_the_writers(text):
    assert parse_age(text) is None


@pytest.mark.parametrize("text, age", [
    ("my 9 year old daughter keeps getting headaches after school", 9),
    ("I'm a 52-year-old man with a headache at the back", 52),
    ("I'm 41 with a 3-year-old, my head is splitting", 41),
    ("58 year old female, my head hurts on the left", 58),
])
def test_the_patients_age_still_reads(text, age):
    assert parse_age(text) == age


# --- a birth that is someone else's ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "no, not me, my partner had our daughter nine days ago",
    "I'm the new dad! my wife gave birth last Tuesday",
])
def test_the_writers_denial_makes_a_named_birth_someone_elses(text):
    found = _answer(scan("headache since the baby came, hardly any sleep"), "pregnancy", text)
    assert "postpartum" not in found.history and found.pregnant is False


def test_a_birth_told_for_the_mother_stays_hers():
    found = _answer(scan("my wife has had a bad headache for two days"), "pregnancy", "she had the baby twelve days ago")
    assert "postpartum" in found.history


# --- an act said not to happen ----------------------------------------------------------------------

def test_an_act_after_without_is_not_what_brings_it_on():
    found = _answer(scan("headache most afternoons"), "triggers", "hours on the sofa without standing up make it worse")
    assert "standing_up" not in found.aggravated_by
    found = _answer(scan("headache most afternoons"), "triggers", "it gets worse as soon as I stand up")
    assert "standing_up" in found.aggravated_by


# --- this headache set apart from the usual ones ----------------------------------------------------

def test_this_one_set_apart_from_the_usual_ones_asks_how_it_started():
    found = scan("I've had migraines for years and I've got one now")
    found = _answer(found, "triggers", "this one came on while I was shovelling snow. my normal migraines come from red wine")
    assert "different_from_usual" in found.history
    assert "onset" in plan_questions(found, {"triggers"})


def test_this_one_like_the_usual_ones_is_no_change():
    found = scan("I've had migraines for years and I've got one now")
    found = _answer(found, "triggers", "this one is just like my normal migraines, red wine again")
    assert "different_from_usual" not in found.history


# --- a time of day said as a habit is asked as a count ------------------------------------------------

def test_every_evening_is_asked_as_a_count_before_it_makes_the_headache_chronic():
    found = scan("every evening after my shift my head is pounding")
    assert found.days_estimated is True
    assert "frequency" in plan_questions(found, set())
    found = _answer(found, "frequency", "about 6 days a month, only the late shifts")
    assert found.days_per_month == pytest.approx(6) and found.days_estimated is False


def test_every_day_said_plainly_stays_a_count():
    found = scan("I have had a headache every single day since March")
    assert found.days_per_month == 30 and not found.days_estimated


# --- the aura's blind patch, a painful red eye with haloes, a morning habit ---------------------------

def test_a_blind_patch_beside_zigzags_is_the_aura_and_its_questions_are_asked():
    found = scan("shimmering zigzags and then a spot in the middle where I can't see anything, then the headache")
    assert "aura_visual" in found.symptoms and "vision_loss" not in found.symptoms
    assert "aura_history" in plan_questions(found, set())


def test_a_red_eye_that_hurts_with_rings_round_lights_is_an_emergency():
    found = _answer(scan("my right eye and head hurt badly since the film"), "red_flags",
                    "yes the right eye is paining and gone red, and the lamp has a rainbow ring round it")
    assert {"painful_red_eye", "haloes"} <= found.symptoms
    assert alert_level(found) == "emergency"


def test_a_headache_on_waking_most_mornings_with_vomiting_is_urgent():
    found = scan("my son gets a headache on weekday mornings, fine by lunchtime")
    found = _answer(found, "associated_symptoms", "he throws up before breakfast some days")
    assert "rf_morning_vomiting" in ids(screen(found))


# --- the eye named as the place of the pain; oxygen is not a medicine day ---------------------------

@pytest.mark.parametrize("text", ["the left eye pains are back every night", "like a hot nail pushed inside my eye"])
def test_the_eye_named_as_the_place_of_the_pain(text):
    assert "behind_eye" in scan(text).locations


def test_pain_put_at_the_eye_and_the_eye_red_with_blurred_sight_is_the_glaucoma_sign():
    found = scan("since last night the pain is in my right eye. the eye is red and everything is misty")
    assert "rf_glaucoma" in ids(screen(found))


def test_a_red_eye_in_a_cluster_attack_with_nausea_alone_is_not_the_glaucoma_sign():
    found = scan("stabbing pain in my right eye, the eye goes red and streams, I feel sick")
    assert "rf_glaucoma" not in ids(screen(found))


def test_oxygen_for_cluster_attacks_is_not_counted_as_painkiller_days():
    found = scan("my cluster bout is back, started a week ago")
    found = _answer(found, "medication_use", "oxygen every night, and a sumatriptan jab twice so far")
    assert (found.simple_analgesic_days or 0) + (found.specialist_med_days or 0) <= 2


# --- a span that dates a change in a lifelong pattern ---------------------------------------------------

def test_a_span_that_dates_a_change_leaves_the_pattern_lifelong():
    found = scan("I've had headaches most of my life, but over the last eighteen months they've become daily")
    assert found.months_present is not None and found.months_present > 100


def test_a_new_headache_started_in_that_span_stays_new():
    found = scan("I've had migraines all my life but this one started 2 weeks ago and keeps getting worse")
    assert found.months_present is not None and found.months_present < 1


# --- over 50 with a passing cause: the newness is asked, not dated by the cause ----------------------

def test_a_headache_with_a_cold_over_50_asks_whether_it_is_new_before_the_flag():
    found = _answer(scan("streaming cold since Thursday and my head is thumping"), "age", "77")
    assert "rf_age_over_50_new" not in ids(screen(found))
    assert "headache_history" in plan_questions(found, {"age"})
    long_standing = _answer(found, "headache_history", "no, I've always had a sore head with a cold, all my life")
    assert "rf_age_over_50_new" not in ids(screen(long_standing))
    new = _answer(found, "headache_history", "it's new, I never used to get headaches at all")
    assert "rf_age_over_50_new" in ids(screen(new))


# --- a driver's run, a question named by a sign word, tingling that comes and goes --------------------

def test_a_drivers_run_is_a_trip_not_exertion():
    found = scan("HGV driver here, my neck and head ache towards the end of long runs up the M6")
    assert not found.aggravated_by & {"exercise", "routine_activity"}
    assert "exercise" in scan("my head pounds during my runs, I am training for a 10k").aggravated_by


def test_a_sign_word_naming_a_question_is_not_the_sign():
    found = scan("he shrugged at the numbness question, says his hands are fine")
    assert "numbness" not in found.symptoms


def test_tingling_coming_and_going_for_weeks_is_the_stable_arm_row():
    found = scan("pins and needles in two fingers of my right hand, coming and going for about six weeks")
    assert "arm_symptoms_stable" in found.history


# --- round 19: a denial going on through "or", a first time set long ago, a bout after a remission ---

def test_a_denial_goes_on_through_an_or_clause():
    found = _answer(scan("my head aches"), "triggers", "it never starts while I'm digging, or when I sneeze or strain")
    assert not found.aggravated_by & {"cough_strain_sneeze", "exercise"}
    assert "rf_valsalva_exertion" not in ids(screen(found))
    said = _answer(scan("my head aches"), "triggers", "not when I'm at my desk, but when I sneeze it starts")
    assert "cough_strain_sneeze" in said.aggravated_by


def test_bare_hours_later_is_a_delay_after_the_act():
    found = _answer(scan("my head aches"), "triggers", "swimming, but the pain turns up hours later")
    assert "exercise" not in found.aggravated_by and "exertion_onset" not in found.to_confirm


@pytest.mark.parametrize("text", [
    "every month or so I see flickering lights then my head throbs. The first one, years back, scared me silly",
    "In my teens, the first time I had them, I thought I'd had a stroke; they come about monthly now",
])
def test_a_first_time_set_long_ago_is_not_a_first_ever_attack(text):
    assert "first_ever" not in scan(text).history


def test_a_first_time_now_is_still_first_ever():
    assert "first_ever" in scan("first time in my life I've had shimmering lights, it's happening today").history


def test_a_bout_after_a_remission_is_not_headaches_coming_more_often():
    found = scan("Every night for 12 nights now, at 3 am. Before this lot, nothing for two years")
    assert "progressive" not in found.history
    assert "progressive" in scan("They used to come twice a month, these past weeks it is four days a week").history


def test_non_stop_said_of_something_else_is_not_a_headache_that_never_stops():
    found = scan("The shop has been non-stop since Easter, and my usual headaches come and go")
    assert found.continuous is None and found.days_per_month is None
    assert scan("it's been non-stop since Sunday").continuous
    assert scan("my head has throbbed non-stop all week").continuous


def test_a_score_said_as_a_fraction_over_ten():
    assert _answer(scan("my head hurts"), "severity", "6 over 10").intensity == 6
    assert _answer(scan("my head hurts"), "severity", "about 3 on 10").intensity == 3


def test_scots_negatives_deny_like_their_english_contractions():
    found = _answer(scan("my head hurts"), "associated_symptoms", "the telly disnae bother me, and I wisnae sick")
    assert "sound_sensitivity" not in found.symptoms


def test_the_longest_aura_said_to_the_aura_question_counts():
    found = _answer(scan("flickering lights then a headache"), "aura_history",
                    "had them for ages, normally a quarter of an hour, but this morning's went on for about 90 minutes")
    assert found.aura_minutes == 90
    assert "rf_aura_atypical" in ids(screen(found))


def test_a_new_part_beside_the_usual_headache_is_a_change():
    found = _answer(scan("my usual tension headaches"), "progression",
                    "the normal ones haven't changed, but the stabbing when I bend over is new this month")
    assert "different_from_usual" in found.history
    assert "different_from_usual" not in _answer(scan("my usual tension headaches"), "progression", "no, nothing new").history


def test_a_pain_creeping_up_to_a_place_is_where_it_goes_not_a_worsening():
    assert "progressive" not in scan("it begins at the nape and creeps up and round to my temple").history
    assert "progressive" in scan("the headaches have been creeping up lately, more days every week").history


def test_prevention_denies_the_worsening():
    found = _answer(scan("my usual neck headaches"), "progression", "no, the stretches keep it from getting any worse")
    assert "progressive" not in found.history



def test_to_the_aura_question_how_fast_the_aura_spreads_is_not_the_headaches_onset():
    found = _answer(scan("flashing lights then a headache"), "aura_history",
                    "for years - the flickering drifts across over a few minutes, about 25 minutes in all")
    assert found.onset is None and found.aura_minutes == 25
    sudden = _answer(scan("flashing lights then a headache"), "aura_history", "never before, and the pain hit me in seconds")
    assert sudden.onset == "sudden_peak_lt_1m"


def test_a_denied_onset_word_in_the_screen_answer_is_a_denial():
    found = _answer(scan("my head hurts"), "red_flags", "none of those, it doesn't come on with a bang, it grows")
    assert found.red_flag_screen_negative


def test_scots_negatives_map_only_onto_english_negation_cues():
    """A Scots form read as an English contraction must not make that contraction a new cue."""
    from actions.clinic.reading.lexicon import cue_words
    from actions.clinic.reading.tokens import DIALECT_NEGATIVES, phrase_words
    pre = {phrase_words(cue) for cue in cue_words()["pre"]}
    english = {english for english in DIALECT_NEGATIVES.values()}
    assert all((word,) in pre for word in english)
    assert scan("the chemist wouldn't sell me any more co-codamol").specialist_med_days is None


def test_attacks_said_to_vary_to_a_pattern_question_differ_between_attacks():
    found = _answer(scan("my head pains sometimes"), "pain_quality", "it's different every time, sometimes tight, sometimes pulsing")
    assert "varies_between_attacks" in found.history
    assert "varies_between_attacks" not in _answer(scan("my head pains"), "pain_quality", "pulsing, every time").history


def test_after_an_unchanged_opening_only_a_plain_change_of_the_headache_counts():
    base = scan("my usual headaches")
    for said in ("no, the same. It's my sleep that has got worse, not the headache",
                 "same as ever - it builds up in exam season and settles after",
                 "nope, nothing has changed; my eyesight has got worse though"):
        assert "progressive" not in _answer(base, "progression", said).history, said
    assert "progressive" in _answer(base, "progression", "no, same. But the headaches come far more often these last weeks").history


def test_a_temperature_measured_and_found_normal_is_no_fever():
    assert "fever" in scan("I checked my temp last night and it was fine, no fever at all").absent_symptoms
    found = scan("took his temperature before bed, it was normal")
    assert "fever" not in found.symptoms and "fever" in found.absent_symptoms
    assert "fever" in scan("I took my temperature and it was high").symptoms


def test_a_count_of_something_the_writer_does_is_not_headache_days():
    assert scan("I'm looking after my mum four days a week and my head aches by the evening").days_per_month is None
    assert scan("I get one about twice a week").days_per_month is not None
    assert scan("twice a week, always on the left").days_per_month is not None


# --- a worsening said with no time is dated by asking (4.2 rf_progressive, 4.3 ask, don't assume) ----

@pytest.mark.parametrize("text", [
    "my migraine attacks have got more frequent since I changed jobs",
    "the tension headaches keep getting worse, is massage worth trying?",
    "my headaches have become more and more painful",
])
def test_a_worsening_with_no_time_is_asked_not_assumed_recent(text):
    found = scan(text)
    assert "rf_progressive" not in ids(screen(found))
    assert "progression" in plan_questions(found, set())


@pytest.mark.parametrize("text", [
    "my headaches have been getting worse lately",
    "the headaches are getting worse week by week",
    "over the last six weeks they have got much more frequent",
    "they've started to wake me up at night",
    "this headache started a fortnight ago and keeps getting worse",
])
def test_a_worsening_placed_in_the_last_weeks_is_the_flag_at_once(text):
    assert "rf_progressive" in ids(screen(scan(text)))


def test_the_progression_answer_dates_a_worsening_said_earlier():
    opening = scan("my migraine attacks have got more frequent since I changed jobs")
    recent = _answer(opening, "progression", "yes, it's really in the last two months they've got worse")
    assert "rf_progressive" in ids(screen(recent))
    slow = _answer(opening, "progression", "it's been a slow thing over about three years")
    assert "rf_progressive" not in ids(screen(slow))


# --- a no that covers less than the whole list ------------------------------------------------------

def test_one_thing_denied_to_the_symptom_question_leaves_the_others_unknown():
    from actions.clinic.reading import parse_answer
    one = parse_answer("associated_symptoms", "bright light doesn't trouble me").findings
    assert one.absent_symptoms == {"light_sensitivity"}
    whole = parse_answer("associated_symptoms", "nope, nothing like that").findings
    assert {"nausea", "light_sensitivity", "tearing_same_side"} <= whole.absent_symptoms


@pytest.mark.parametrize("text", ["I don't usually get sick with them", "no, she doesn't feel sick"])
def test_not_getting_sick_denies_the_nausea(text):
    from actions.clinic.reading import parse_answer
    found = parse_answer("associated_symptoms", text).findings
    assert "nausea" in found.absent_symptoms and "nausea" not in found.symptoms


def test_a_trailing_no_does_not_deny_a_sign_site_the_reader_could_not_name():
    from actions.clinic.reading import parse_answer
    strange = parse_answer("red_flags", "my left foot has been odd since lunch, no")
    assert not strange.findings.red_flag_screen_negative and not strange.understood
    long_ago = parse_answer("red_flags", "knocked my head falling off a swing as a child, no")
    assert long_ago.findings.red_flag_screen_negative


# --- everyday forms: "me head", "6 yrs ago", heads that clash, bare regions of the head -------------

def test_me_before_a_part_of_the_body_is_whose_it_is():
    found = scan("smacked me forehead on the van door on tuesday")
    assert "head_injury" in found.history and "head_injury_recent_days" in found.history
    assert "head_injury" in scan("a lad kicked me in the head yesterday").history


def test_abbreviated_units_date_an_event():
    assert "rf_head_injury" not in ids(screen(scan("she bumped her head on a beam about 8 yrs ago")))
    assert "rf_head_injury" in ids(screen(scan("she bumped her head on a beam about 3 wks ago")))


@pytest.mark.parametrize("text, places", [
    ("front and sides", {"forehead", "both_sides"}),
    ("mostly the back, sometimes the front", {"back_of_head", "forehead"}),
])
def test_bare_regions_answer_the_location_question(text, places):
    from actions.clinic.reading import parse_answer
    assert places <= set(parse_answer("pain_location", text).value)


@pytest.mark.parametrize("text", ["my lower back and in front of the telly", "it changes sides"])
def test_other_backs_fronts_and_sides_are_not_regions_of_the_head(text):
    from actions.clinic.reading import parse_answer
    value = parse_answer("pain_location", text).value
    assert "back_of_head" not in value and "forehead" not in value and "both_sides" not in value


def test_the_length_of_each_attack_beside_a_count_is_not_a_rate():
    from actions.clinic.reading import numbers
    assert numbers.parse_frequency("about 3 a month, each attack a day or two") == 3.0
    assert numbers.parse_frequency("one a day, every day") == 30.0


def test_sick_with_the_headaches_is_the_nausea_and_sick_with_a_cold_is_not():
    assert "nausea" in scan("he gets sick with the migraines").symptoms
    assert "nausea" not in scan("he was sick with a cold last week").symptoms


@pytest.mark.parametrize("text", ["craning his neck under the sink sets it off", "bending my neck to look at the phone"])
def test_other_neck_movements_bring_it_on(text):
    assert "neck_movement" in scan(text, "triggers").aggravated_by


def test_a_diagnosis_asked_about_is_confirmed_and_a_blow_told_is_not():
    assert "head_injury" in scan("they did heading drills today - could it be concussion?").to_confirm
    assert "head_injury" in scan("she hit her head today, could it be concussion?").history


def test_a_fainting_or_fit_placed_long_ago_is_no_sign_of_now():
    assert "fainting" not in scan("got knocked out playing hockey in year 8, these headaches came later").symptoms
    assert "seizure" not in scan("he had a fit as a toddler").symptoms
    assert "fainting" in scan("I passed out this morning").symptoms


def test_never_remembering_having_one_says_the_headache_is_new():
    found = _answer(scan("my dad has a headache"), "headache_history", "I can't remember him ever having one before")
    assert found.new_headache is True


# --- this one set against the usual ones ---------------------------------------------------------

def test_unlike_the_usual_ones_is_a_change_and_worse_than_them_is_stronger():
    found = scan("I get migraines now and then, but today's is not like one of them at all")
    assert "different_from_usual" in found.history
    stronger = _answer(scan("one of my migraines"), "severity", "an 8, far worse than my normal attacks")
    assert "stronger_than_usual" in stronger.history and "same_as_usual" not in stronger.history
    assert "same_as_usual" in scan("it feels like one of my migraines").history


def test_a_yes_to_any_part_of_the_progression_question_is_a_yes():
    base = scan("my usual tension headaches")
    mixed = _answer(base, "progression", "well yes - these last weeks they come most days and hit harder, though it's the same dull ache")
    assert "progressive" in mixed.history
    assert "progressive" in _answer(base, "progression", "Since you ask, yes.").history
    for said in ("it's changed, for the better", "same as ever, no worse", "no, if anything fewer"):
        assert "progressive" not in _answer(base, "progression", said).history, said


def test_a_denial_goes_on_past_an_embedded_where_clause():
    found = scan("she has never been confused about where she is or blacked out")
    assert "fainting" not in found.symptoms and "fainting" in found.absent_symptoms


def test_when_the_pill_was_started_does_not_date_the_headaches():
    found = scan("I've had migraines with auras since my teens, and six weeks ago I started the combined pill")
    assert found.new_headache is not True and "rf_aura_atypical" not in ids(screen(found))
    assert scan("my headaches started two months ago when I went on the pill").new_headache is True


# --- round 21: dialect words, earlier years, spells free of headaches, one-off features ------------

@pytest.mark.parametrize("text", [
    "nowt like that, no", "there's been nowt of them", "no, nothin of that sort",
])
def test_dialect_words_for_nothing_deny_the_screen(text):
    found = _answer(Findings(age=50), "red_flags", text)
    assert found.red_flag_screen_negative is True, text


def test_the_same_thing_had_in_an_earlier_year_is_the_usual_one():
    assert "same_as_usual" in scan("This is the same trouble my husband went through in 2021, the eye one").history
    assert "same_as_usual" in scan("exactly the same thing I got in 2019").history
    assert "same_as_usual" not in scan("we bought the same sofa in 2022").history


@pytest.mark.parametrize("text", [
    "every night for the past fortnight, hadn't had one for years before that",
    "started a week ago after eighteen months clear",
    "nightly for 9 days now, before that none at all for ages",
])
def test_a_recent_run_after_a_spell_free_of_them_is_not_assumed_new(text):
    found = scan(text)
    assert found.new_headache is None and "first_ever" not in found.history, text


def test_a_recent_run_with_nothing_before_it_is_still_new():
    assert scan("every night for the past fortnight, never had headaches before").new_headache is True
    assert scan("it started nine days ago and hasn't let up").new_headache is True


@pytest.mark.parametrize("text", [
    "the one time I threw up, most of the time there's nothing",
    "just the once I felt queasy, generally nothing else",
])
def test_a_feature_that_came_with_one_attack_only_is_not_a_feature_of_them(text):
    found = _answer(Findings(age=30), "associated_symptoms", text)
    assert "nausea" not in found.symptoms and "vomiting" not in found.symptoms, text


def test_a_feature_said_of_the_attacks_still_counts():
    assert "nausea" in _answer(Findings(age=30), "associated_symptoms", "once it gets going I feel sick").symptoms
    assert "nausea" in _answer(Findings(age=30), "associated_symptoms", "I'm sick once a week or so with them").symptoms
    assert "fainting" in scan("I passed out once yesterday with it").symptoms  # a warning sign is never dropped


@pytest.mark.parametrize("text", [
    "a squeeze one day, stabbing the next, it's never the same from one to the next",
    "it varies from attack to attack, throbbing or dull",
])
def test_an_answer_that_the_attacks_vary_is_read_as_varying(text):
    found = _answer(Findings(age=30), "pain_quality", text)
    assert "varies_between_attacks" in found.history, text


def test_an_ordinal_after_since_is_not_the_age_the_headaches_began():
    assert scan("it's been going since 2nd period, the maths lesson").started_age is None
    assert scan("I've had them ever since I was 9").started_age == 9


@pytest.mark.parametrize("text", ["double vision, weakness, numbness, all no", "numbness and weakness - both no"])
def test_all_no_after_a_list_denies_every_item_of_it(text):
    found = scan(text, "red_flags")
    assert not found.symptoms & {"double_vision", "weakness", "numbness"}, text


def test_a_sign_before_all_no_in_another_sentence_still_counts():
    assert "weakness" in scan("my left arm went weak. fever, rash, all no", "red_flags").symptoms


def test_sight_held_back_by_brightness_is_the_light_hurting_not_sight_lost():
    found = scan("she can't open her eyes in the sunlight when it's on her")
    assert "light_sensitivity" in found.symptoms and "vision_loss" not in found.symptoms
    assert "vision_loss" in scan("I can't see out of my right eye since lunch").symptoms


def test_a_denied_verb_after_and_goes_on_with_the_same_subject():
    found = _answer(Findings(age=40), "triggers", "sneezing is nothing and never brings it on, stress does")
    assert found.triggers == {"stress"} and "cough_strain_sneeze" not in found.aggravated_by
    both = _answer(Findings(age=40), "triggers", "lifting crates and coughing both set it off")
    assert both.aggravated_by & {"cough_strain_sneeze", "exercise"} or "exertion_onset" in both.to_confirm


def test_a_head_banged_on_the_wall_through_an_attack_is_not_an_injury():
    found = scan("every night this week she's up pacing and banging her head on the wall with the pain")
    assert "head_injury" not in found.history
    assert "head_injury" in scan("bumping my head on the shed door yesterday").history


def test_a_sign_looked_for_is_not_a_sign_found():
    assert "weakness" not in scan("I keep checking my smile in the mirror for any drooping").symptoms
    assert "weakness" in scan("I looked in the mirror and one side of my smile had dropped").symptoms


@pytest.mark.parametrize("text", [
    "High temperature, stiff neck, rash: no. Blackouts: never.",
    "Numbness or weakness - no. Muddled or fainting - no.",
])
def test_a_list_answered_item_by_item_after_a_colon_or_dash_is_denied(text):
    found = scan(text, "red_flags")
    assert not found.symptoms & {"fever", "stiff_neck", "rash_non_blanching", "numbness", "weakness", "fainting", "confusion"}, text


def test_a_sign_told_in_its_own_clause_before_a_dashed_denial_still_counts():
    found = scan("my right leg has gone weak, fever - no", "red_flags")
    assert "weakness" in found.symptoms and "fever" in found.absent_symptoms


def test_a_denied_start_word_beside_worst_ever_is_no_sudden_start():
    found = scan("the worst I've known, but it creeps in over a quarter of an hour, not suddenly")
    assert found.onset != "sudden_peak_lt_1m"
    assert scan("worst headache of my life and it hit instantly").onset == "sudden_peak_lt_1m"
