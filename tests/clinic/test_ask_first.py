"""Round 17 (issue 16): the safety screen asks the one fact a flag hinges on instead of assuming it,
and the reading rules that came with it. Every example is wording written for this test, not taken
from a consultation case (clinical reference 4.2, 4.3)."""
from __future__ import annotations

import pytest

from actions.clinic.findings import Findings
from actions.clinic.questions import plan_questions, signs_to_ask
from actions.clinic.reading import parse_answer, scan
from actions.clinic.redflags import ids, screen
from actions.clinic.safety import alert_level
from actions.clinic.verdict import Context, verdict


def _answer(findings: Findings, slot: str, text: str) -> Findings:
    return verdict(text, context=Context(findings=findings.to_dict(), pending=slot)).findings


# --- a flag that hinges on one fact: asked first, not assumed -------------------------------------

@pytest.mark.parametrize("opening, first", [
    ("honestly the most painful headache I have ever had, after the christmas party", "onset"),
    ("my head suddenly started pounding while I was at my desk", "severity"),
])
def test_a_thunderclap_half_said_asks_the_other_half_first(opening, first):
    found = scan(opening)
    assert alert_level(found) is None
    assert plan_questions(found, set())[0] == first


def test_the_answer_to_that_question_decides():
    worst = scan("this is the worst headache I have ever had")
    assert alert_level(_answer(worst, "onset", "bang, full strength in a second or two")) == "emergency"
    assert alert_level(_answer(worst, "onset", "not sure, I didn't notice")) == "emergency"
    assert alert_level(_answer(worst, "onset", "it crept up over the whole afternoon")) is None


@pytest.mark.parametrize("text", [
    "an agonising pain in my head came on suddenly",
    "sudden headache, the pain is unbearable",
    "out of the blue it went from zero to ten in a heartbeat",
])
def test_pain_words_that_only_measure_pain_give_the_strength(text):
    assert alert_level(scan(text)) == "emergency"


@pytest.mark.parametrize("text", ["the noise at work is unbearable", "the light is unbearable, I want the curtains shut"])
def test_unbearable_light_or_noise_is_not_the_strength(text):
    assert scan(text).intensity is None


# --- the same as earlier bouts: the cluster signs are asked before a fast attack counts ------------

def test_a_fast_attack_said_to_be_like_earlier_bouts_asks_what_comes_with_it():
    found = scan("the stabbing behind my left eye has come back, same as three winters ago")
    found = _answer(found, "severity", "10")
    found = _answer(found, "onset", "it gets to full power within a couple of minutes")
    assert "rf_thunderclap" not in ids(screen(found))
    assert plan_questions(found, {"severity", "onset"})[0] == "associated_symptoms"
    bout = _answer(found, "associated_symptoms", "my eye waters and I have to keep walking around")
    assert "rf_thunderclap" not in ids(screen(bout))
    plain = _answer(found, "associated_symptoms", "nothing else")
    assert "rf_thunderclap" in ids(screen(plain))


def test_nothing_else_denies_what_the_symptom_question_names():
    found = parse_answer("associated_symptoms", "no, nothing else").findings
    assert {"nausea", "tearing_same_side"} <= found.absent_symptoms


# --- how fast it peaked ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, onset", [
    ("pretty quick, maybe fifteen minutes to its worst", "gradual"),
    ("fast, two minutes to the top", "peak_1_5m"),
    ("suddenly, though it took ten minutes to peak", "sudden_peak_lt_1m"),
    ("I woke up and it was already there", "gradual"),
])
def test_a_time_to_the_top_measures_a_speed_word(text, onset):
    assert parse_answer("onset", text).findings.onset == onset


# --- stronger than the usual attacks --------------------------------------------------------------

@pytest.mark.parametrize("text, stronger", [
    ("a solid 9, my migraines are normally about a 5", True),
    ("8 today, usually they're a 4 or 5", True),
    ("8, my usual ones are 7 or 8", False),
    ("a 6, normally it's a 3", False),  # not severe
])
def test_an_attack_clearly_stronger_than_the_usual_ones(text, stronger):
    found = parse_answer("severity", text).findings
    assert ("stronger_than_usual" in found.history) is stronger
    assert "different_from_usual" not in found.history  # not by itself a change of character


def test_a_known_pattern_stronger_than_usual_asks_how_it_started():
    usual = Findings(history={"known_migraine"}, red_flag_screen_negative=True, intensity=9)
    assert "onset" not in plan_questions(usual, {"red_flags", "severity"})
    stronger = Findings(history={"known_migraine", "stronger_than_usual"}, red_flag_screen_negative=True, intensity=9)
    assert "onset" in plan_questions(stronger, {"red_flags", "severity"})


# --- history read in place ------------------------------------------------------------------------

@pytest.mark.parametrize("text, first_ever", [
    ("the first time I saw those flashing lights I was 19, and they still come a few times a year", False),
    ("when I was a teenager the first one came, and they have never really stopped", False),
    ("this is the first time I have ever had flashing lights", True),
])
def test_a_first_time_dated_at_an_earlier_age_began_the_pattern(text, first_ever):
    assert ("first_ever" in scan(text).history) is first_ever


@pytest.mark.parametrize("text, continuous", [
    ("had them since my twenties, the same all the time", False),
    ("it hurts all the time, it never lets up", True),
])
def test_the_same_all_the_time_is_unchanged_not_constant(text, continuous):
    assert bool(scan(text).continuous) is continuous


@pytest.mark.parametrize("text, passing", [
    ("a few too many beers at weekends, and late nights", False),
    ("I stopped drinking coffee on Friday", True),
])
def test_a_trigger_of_the_pattern_is_not_a_passing_cause(text, passing):
    found = scan(text, "triggers")
    assert ("passing_cause" in found.history) is passing


@pytest.mark.parametrize("text, age", [("68, new headache on the right", 68), ("12, maybe 15 days a month", None)])
def test_an_opening_that_starts_with_the_age(text, age):
    assert scan(text).age == age


def test_a_headache_called_new_is_new():
    assert scan("I'm 70 and this headache is completely new").new_headache is True
    assert scan("the headache is not new").new_headache is not True


def test_feeling_like_dying_is_asked_before_it_counts():
    found = scan("every month I get one where I honestly feel like I'm dying")
    assert "very_unwell" in found.to_confirm and "very_unwell" not in found.symptoms
    assert alert_level(scan("she is very unwell with this headache")) == "emergency"


def test_no_to_everything_else_denies_the_screen():
    found = parse_answer("red_flags", "my neck aches, but not stiff, and no to everything else").findings
    assert found.red_flag_screen_negative


# --- an urgent new headache still asks what brought it on -------------------------------------------

def test_a_knock_to_the_head_told_after_an_urgent_finding_is_followed_up():
    """An 80-year-old's new headache is urgent; the screen was answered "not as far as I know" by
    someone else. What brought it on is still asked; a fall and a blood thinner make it an emergency."""
    found = scan("my grandad is 80 and has had a new headache since the weekend")
    found = _answer(found, "red_flags", "not as far as I know")
    assert alert_level(found) == "urgent"
    assert "triggers" in plan_questions(found, {"red_flags"})
    found = _answer(found, "triggers", "he slipped in the bathroom on saturday and bumped his head")
    assert "other_conditions" in plan_questions(found, {"red_flags", "triggers"})
    found = _answer(found, "other_conditions", "he takes rivaroxaban for his heart")
    assert alert_level(found) == "emergency"


def test_a_neck_headache_placed_only_at_the_back_asks_whether_it_keeps_to_one_side():
    """Side-locked pain tells a neck pattern from tension-type (3.3 G): "the back of my head" says
    where, not whether it is one side, so the location question is still asked."""
    found = scan("my neck has been stiff for weeks and I get a headache at the back of my head")
    found = _answer(found, "triggers", "turning my head to reverse the car, and looking down at my laptop")
    assert "pain_location" in plan_questions(found, {"red_flags", "age", "triggers"})
    sided = _answer(found, "pain_location", "always the left side, never the right")
    assert "pain_location" not in plan_questions(sided, {"red_flags", "age", "triggers"})


def test_a_man_saying_so_is_not_pregnant():
    assert parse_answer("pregnancy", "I'm a gentleman, so that's a no from me").findings.pregnant is False


@pytest.mark.parametrize("text, present, absent", [
    ("my nose runs but my eyesight is fine", {"runny_blocked_nose_same_side"}, set()),
    ("a stiff neck but it is fine now", set(), {"stiff_neck"}),
])
def test_a_denial_after_but_belongs_to_its_own_clause(text, present, absent):
    found = scan(text)
    assert present <= found.symptoms and absent <= found.absent_symptoms


@pytest.mark.parametrize("text, months", [
    ("we buried my father three years ago", None),
    ("the headaches began when I retired, two years ago", 24.0),
])
def test_a_dated_life_event_does_not_date_the_headache(text, months):
    assert scan(text).months_present == months


@pytest.mark.parametrize("text", [
    "I didn't bang my head or anything, it's just the worst ever",
    "my head is exploding, worst one I've had",
])
def test_no_sudden_start_read_from_a_denied_knock_or_a_present_tense_saying(text):
    assert scan(text).onset is None


@pytest.mark.parametrize("text", ["proper hanging after the works do", "never drinking sambuca again, my head"])
def test_hangover_sayings_are_a_passing_cause(text):
    assert "passing_cause" in scan(text).history


@pytest.mark.parametrize("text", ["never once in my whole life like this", "nothing like it ever, honestly"])
def test_never_like_this_answers_the_newness_question_new(text):
    assert parse_answer("headache_history", text).value == "new"


def test_a_knock_to_the_head_asks_what_would_make_it_an_emergency():
    """A head injury is urgent; on a blood thinner, with a worsening headache or with vomiting it is
    an emergency (4.2 rf_head_injury_severe): each is asked before the final advice (4.3), the
    blood thinner and the worsening with the emergency screen, the vomiting directly."""
    found = scan("I caught my temple on the corner of a cupboard door yesterday and the headache has not gone")
    assert alert_level(found) == "urgent"
    plan = plan_questions(found, set())
    assert plan[0] == "red_flags" and {"other_conditions", "progression"} <= set(plan)
    assert alert_level(_answer(found, "other_conditions", "I take warfarin for my heart valve")) == "emergency"
    assert alert_level(_answer(found, "progression", "yes, it's worse every day since")) == "emergency"
    settled = _answer(_answer(found, "other_conditions", "no, nothing"), "progression", "no, about the same")
    assert "vomiting" in signs_to_ask(settled)


def test_an_exertion_headache_in_a_known_migraineur_asks_how_it_started():
    """A severe headache brought on by a strain is asked its start even when the person has known
    migraines and the screen said no (4.2 rf_valsalva_exertion: sudden and severe is a thunderclap)."""
    found = Findings(history={"known_migraine"}, red_flag_screen_negative=True, intensity=8, aggravated_by={"exercise"})
    assert "onset" in plan_questions(found, {"red_flags", "severity"})


@pytest.mark.parametrize("text, sign", [
    ("there's a dull ache just under my ribs on the right", "upper_belly_pain"),
    ("his left eye is weeping during it", "tearing_same_side"),
])
def test_signs_in_other_words(text, sign):
    assert sign in scan(text).symptoms


@pytest.mark.parametrize("text, symptom", [
    ("it didnae come on sudden, and nae fever", "fever"),
])
def test_scots_negation(text, symptom):
    assert symptom in scan(text).absent_symptoms


def test_a_shift_pattern_is_not_a_daily_headache():
    assert scan("I get it after every night shift at the depot").days_per_month != 30.0
    assert scan("it wakes me every night").days_per_month == 30.0


def test_a_tumour_on_the_mind_is_a_worry_not_a_history():
    assert "cancer" not in scan("the brain tumour idea is all I keep thinking about").history


def test_hardly_ever_missing_work_is_not_disabling():
    assert "disabling" not in scan("I hardly ever miss work over them").history
    assert "disabling" in scan("I had to leave work early twice this month").history


def test_an_infection_someone_else_suggests_is_not_the_persons():
    assert "ci_fever_infection" not in scan("my brother reckons it's meningitis, I'm freaking out").contraindications
    assert "ci_fever_infection" in scan("I think I've picked up a chest infection").contraindications


@pytest.mark.parametrize("text", [
    "last time once or twice a month, these past weeks nearly every other day",
    "she used to get two a month; the last few weeks it is three or four a week",
])
def test_a_then_and_now_rise_in_other_words_is_getting_worse(text):
    found = scan(text, "frequency")
    assert "progressive" in found.history
    assert found.new_headache is not True  # the weeks date the change, not the pattern


def test_a_head_beating_like_a_drum_throbs():
    assert "throbbing" in scan("his head is beating like a drum on the left").qualities


def test_a_medicine_started_years_ago_is_not_new():
    assert "new_medicine" not in scan("my GP put me on these tablets a good few years back").history
    assert "new_medicine" in scan("since I started the new tablets last week the headaches came").history


def test_a_gym_day_is_not_a_weak_limb():
    assert "weakness" not in scan("after a brutal leg day my head pounds").symptoms


def test_a_monthly_count_said_after_the_month():
    assert scan("busy weeks it's most days, but over a month it comes to four or five days", "frequency").days_per_month == 4.5


@pytest.mark.parametrize("text, asks", [
    ("I drive an ambulance for a living and my neck is killing me", False),
    ("my husband is a paramedic and says it's a tension headache", False),
    ("please call an ambulance", True),
    ("Ambulance please!!", True),
])
def test_an_ambulance_as_a_job_is_not_a_request_for_one(text, asks):
    from actions.clinic.inputcheck import is_emergency_request
    assert is_emergency_request(text) is asks


@pytest.mark.parametrize("text", ["no, my daughter is only 10 days old", "not pregnant, I give birth already, baby is two weeks old"])
def test_the_babys_age_dates_the_birth(text):
    assert parse_answer("pregnancy", text).value == "postpartum"


def test_an_older_babys_age_is_outside_the_six_weeks():
    assert parse_answer("pregnancy", "no, my son is 3 months old").value == "no"
