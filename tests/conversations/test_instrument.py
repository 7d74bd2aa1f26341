"""The blind-consultation instrument itself: the cases load, the split is sound, scoring counts right.

No server: a scripted stand-in plays the bot, so these run in the fast tier.
"""
from collections import Counter

import pytest

from tests.support import consultations as cs

CASES = cs.load_cases()
SPLIT = cs.load_split()


def test_enough_cases_with_the_planned_spread():
    assert len(CASES) >= 150
    share = Counter(c.triage_level for c in CASES)
    for level, wanted in (("self_care", 0.35), ("see_doctor", 0.25), ("urgent", 0.20), ("emergency", 0.20)):
        assert abs(share[level] / len(CASES) - wanted) < 0.08, share


def test_every_case_is_well_formed():
    for case in CASES:
        assert case.opening.strip(), case.id
        assert set(case.acceptable_techniques) <= set(cs.TECHNIQUES), case.id
        assert set(case.forbidden_techniques) <= set(cs.TECHNIQUES), case.id
        assert not set(case.acceptable_techniques) & set(case.forbidden_techniques), case.id
        if cs.RANK[case.triage_level] >= cs.RANK["urgent"]:
            assert not case.acceptable_techniques, f"{case.id}: massage offered at {case.triage_level}"
        assert "red_flags" in case.answers and "age" in case.answers, case.id


def test_split_is_fixed_disjoint_and_about_half():
    study, sealed = set(SPLIT["study"]), set(SPLIT["sealed"])
    assert sealed, "the set has not been split (scripts/eval_conversations.py --make-split)"
    assert not study & sealed
    ids = {c.id for c in CASES}
    assert study | sealed <= ids, "the split names cases that no longer exist"
    # the writers split once (fresh batches adopted later into study have no sealed cases)
    writers = {i.rsplit("-", 1)[0] for i in sealed}
    original = [i for i in ids if i.rsplit("-", 1)[0] in writers]
    assert abs(len(sealed) - len(original) / 2) <= len(writers)


def test_make_split_is_deterministic_and_stratified():
    ids = [f"w{w}-{n:02d}" for w in range(3) for n in range(10)]
    first, second = cs.make_split(ids), cs.make_split(list(reversed(ids)))
    assert first == second
    assert Counter(i.split("-")[0] for i in first["sealed"]) == {"w0": 5, "w1": 5, "w2": 5}


class ScriptedBot:
    """Plays the bot: asks the listed slots in order, then sends an assessment."""

    def __init__(self, slots, assessment, repeat=1):
        self.plan = [s for s in slots for _ in range(repeat)]
        self.assessment = assessment
        self.heard = []

    def say(self, sender, text):
        self.heard.append(text)
        if len(self.heard) > len(self.plan):
            return [{"text": "advice"}, {"custom": {"assessment": self.assessment}}]
        return [{"text": "a question", "buttons": [{"title": "A", "payload": "a"}]}]

    def tracker(self, sender):
        asked = len(self.heard)
        if asked <= len(self.plan):
            return {"active_loop": {"name": "consultation_form"}, "slots": {"requested_slot": self.plan[asked - 1]}}
        return {"active_loop": {}, "slots": {"triage_level": self.assessment["triage_level"],
                                             "headache_type": self.assessment["headache_type"]}}


def _case(**expected):
    raw = {"id": "t-01", "opening": "hi", "answers": {"age": "34", "red_flags": "no"},
           "expected": {"triage_level": "self_care", "headache_type": "tension_type",
                        "acceptable_techniques": ["trigger_point_therapy"], **expected}}
    return cs._case(raw, "t")


def test_client_answers_the_pending_question_and_scores_agreement():
    bot = ScriptedBot(["red_flags", "age", "severity"],
                      {"triage_level": "self_care", "headache_type": "tension_type",
                       "recommended_techniques": ["trigger_point_therapy"]})
    case = _case()
    outcome = cs.hold(case, cs.Client(bot.say, bot.tracker), "s")
    assert bot.heard == ["hi", "no", "34", cs.NO_ANSWER]
    score = cs.score_case(case, outcome)
    assert score["triage_ok"] and score["type_ok"] and score["techniques_ok"] and score["assessed"]
    assert score["questions"] == 3 and score["unanswered_slots"] == ["severity"]


def test_loops_and_missed_emergencies_are_counted():
    bot = ScriptedBot(["age"] * 40, {"triage_level": "self_care", "headache_type": "x"})
    case = _case(triage_level="emergency", acceptable_techniques=[])
    outcome = cs.hold(case, cs.Client(bot.say, bot.tracker), "s")
    score = cs.score_case(case, outcome)
    assert outcome.turns == cs.MAX_TURNS and not score["assessed"]
    assert score["under_triage"] and score["most_asked"] == cs.MAX_TURNS - 1
    summary = cs.aggregate([score])
    assert summary["emergency_recall"] == 0 and summary["no_assessment"] == 1


def test_emergency_advice_to_a_non_emergency_counts_even_if_later_lowered():
    outcome = cs.Outcome("t-01", assessments=[{"triage_level": "emergency"}], final_slots={"triage_level": "see_doctor"})
    score = cs.score_case(_case(triage_level="see_doctor"), outcome)
    assert score["emergency_advice"] and score["over_triage"]


@pytest.mark.parametrize("techniques, ok", [
    (["trigger_point_therapy", "self_massage"], True),
    (["self_massage"], False),
    ([], False),
])
def test_technique_agreement(techniques, ok):
    assert cs.technique_ok(_case(), techniques) is ok


def test_sealed_transcripts_never_reach_the_report():
    case = _case(triage_level="emergency", acceptable_techniques=[])
    outcome = cs.Outcome(case.id, transcript=[{"user": "secret words"}])
    result = cs.report([case], [outcome], {"study": [], "sealed": [case.id]})
    assert "secret words" not in str(result) and result["aggregates"]["sealed"]["cases"] == 1
    assert not result["failures"] and not result["cases"]


def test_the_client_can_answer_every_direct_question_about_a_sign():
    """A sign the bot may ask about directly (flag_check) that the client cannot map to the case's
    red flags would always be answered "no" and hide a missed emergency."""
    from actions.clinic.kb import load_knowledge

    signs = set(load_knowledge().questions["flag_check"]["signs"])
    assert signs <= set(cs.SIGN_FLAGS), sorted(signs - set(cs.SIGN_FLAGS))


def test_the_client_answers_the_sign_the_bot_named():
    """The sign is read from the question the bot asked (what a person reads), not guessed from
    the tracker: several signs may be waiting, and answering for another one hides a red flag."""
    from actions.clinic.kb import load_knowledge

    signs = load_knowledge().questions["flag_check"]["signs"]
    asked = "Just to check I understood you: " + signs["others_in_building_affected"]
    waiting = {"findings": {"to_confirm": ["balance_loss", "others_in_building_affected"]}}
    assert cs._asked_sign(asked, waiting) == "others_in_building_affected"
    assert cs._asked_sign("", waiting) == "balance_loss"  # no question text: the tracker's next one
