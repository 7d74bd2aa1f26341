"""Answers to the follow-up questions, read in the context of the question asked (reference 4.3)."""
import pytest

from actions.clinic.findings import Findings
from actions.clinic.reading.followups import confirm_sign
from actions.clinic.reading import parse_answer


@pytest.mark.parametrize("slot, text, value", [
    ("headache_history", "since I was a teenager", "long_standing"),
    ("headache_history", "for donkey's years, always the same", "long_standing"),
    ("headache_history", "no, I've always had them", "long_standing"),
    ("headache_history", "brand new, started last week", "new"),
    ("headache_history", "honestly I can't say when they began, could be months, could be longer", "unknown"),
    ("aura_history", "yes, the same flickering for a decade", "before"),
    ("aura_history", "no, never before today", "first"),
    # the phenomena themselves denied: no aura at all, not a first-ever one
    ("aura_history", "no flashing lights or tingling, I only meant I feel foggy before one", "none"),
    ("aura_history", "I dont get zigzags or numbness, never have", "none"),
    ("attack_history", "I get a bout like this most autumns", "before"),
    ("attack_history", "these are the first ever", "first"),
    ("progression", "no, same as it's always been", "same"),
    ("progression", "yes, they come more often than they used to", "worse"),
    # a worsening word dated over more than 3 months, the recent months unchanged, is not this flag
    ("progression", "they've edged up gradually across two years or so, no change this spring", "same"),
    ("progression", "crept up over the last year, and a lot worse the past couple of weeks", "worse"),
    ("doctor_seen", "my GP confirmed migraine years ago", "yes"),
    ("doctor_seen", "never been checked", "no"),
    ("pregnancy", "no, not pregnant", "no"),
    ("pregnancy", "28 weeks", "pregnant"),
    ("pregnancy", "I had the baby a fortnight ago, a c-section", "postpartum"),
    ("other_conditions", "none of those", ["none"]),
    ("other_conditions", "I'm on warfarin for my heart", ["anticoagulant"]),
])
def test_follow_up_answers(slot, text, value):
    answer = parse_answer(slot, text)
    assert answer.understood and answer.value == value, (answer.value, answer.findings.to_dict())


def test_an_unclear_answer_to_is_this_new_counts_when_asked():
    answer = parse_answer("headache_history", "hard to say really")
    assert "headache_history" in answer.findings.unknown_answers


def test_other_conditions_denies_what_was_not_named():
    answer = parse_answer("other_conditions", "only high blood pressure tablets")
    assert {"cancer", "immunosuppression", "anticoagulant"} <= answer.findings.absent_history


@pytest.mark.parametrize("answer, where", [("yes", "symptoms"), ("no", "absent_symptoms"), ("unknown", "uncertain")])
def test_a_confirmation_settles_the_sign_asked(answer, where):
    f = confirm_sign(Findings(to_confirm={"memory_loss"}), answer)
    assert "memory_loss" in getattr(f, where) and f.sign_to_confirm() is None


def test_pregnancy_weeks_in_answer_context():
    assert parse_answer("pregnancy", "34 weeks").findings.pregnancy_weeks == 34


@pytest.mark.parametrize("text, value", [
    ("not pregnant, my daughter was born 7 months ago", "no"),
    ("I had a c-section about 4 months back... 4 months ago I mean", "no"),
    ("gave birth 12 days ago", "postpartum"),
    ("yes, had the baby last week", "postpartum"),
])
def test_a_birth_months_ago_is_not_the_six_weeks_after_birth(text, value):
    """4.2: the postpartum flag covers 6 weeks after birth, in the scan and in this answer alike."""
    assert parse_answer("pregnancy", text).value == value


def test_different_from_the_old_headaches_is_new_and_their_dates_are_not_its_start():
    answer = parse_answer("headache_history", "Well, it is a whole other beast. I used to get sick headaches from my thirties, they stopped.")
    assert answer.value == "new"
    assert answer.findings.new_headache is True and answer.findings.started_age is None


def test_a_first_time_dated_long_ago_is_not_a_first_ever_headache():
    from actions.clinic.reading import scan
    assert "first_ever" not in scan("her first one came when she was 19, now a couple every spring").history
    assert "first_ever" in scan("this is the first time ever, when I was at work it came on").history


def test_aura_denied_in_the_aura_question_withdraws_an_aura_said_earlier():
    said = Findings(symptoms={"aura_visual"})
    answer = parse_answer("aura_history", "no visual disturbance and no pins and needles, I've never had those")
    assert answer.value == "none"
    assert not said.merge(answer.findings).symptoms & {"aura_visual", "aura_sensory", "aura_speech"}


def test_the_progression_questions_own_window_is_not_how_long_the_headaches_have_gone_on():
    answer = parse_answer("progression", "nothing's changed over the past three months, same as the last few years")
    assert answer.value == "same"
    assert answer.findings.months_present is None or answer.findings.months_present > 3


@pytest.mark.parametrize("text, value", [
    ("not pregnant now, our little one was born 12 days ago", "postpartum"),
    ("the twins arrived 4 weeks ago", "postpartum"),
    ("no, my youngest was born in 2015", "no"),
])
def test_a_child_born_answers_the_pregnancy_question(text, value):
    assert parse_answer("pregnancy", text).value == value


@pytest.mark.parametrize("slot, text, value", [
    ("doctor_seen", "For something this small? No.", "no"),
    ("doctor_seen", "Me? Yes, the GP said migraine", "yes"),
])
def test_a_short_question_back_then_the_answer(slot, text, value):
    assert parse_answer(slot, text).value == value

