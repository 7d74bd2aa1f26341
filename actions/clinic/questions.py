"""Which consultation questions are still worth asking, and in what order (reference 4.5).

Safety first (red-flag screen, age), then the questions that best separate the pattern the answers
lean towards; questions whose answer cannot change type, triage or technique are dropped.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Set

from .classify import classify, starts_in_neck
from .engine import assess
from .findings import EXERTION_AGGRAVATORS, CHRONIC_DAYS, FOLLOW_UP_SLOTS, TRIAGE_RANK, Findings
from .kb import load_knowledge
from .redflags import (AUTONOMIC_SIGNS, AURA_SYMPTOMS, SIGN_PREFIX, SUDDEN_ONSETS, new_cause_signs_in_passing_history, screen,
                       start_dated_only_by_a_span, unsettled)
from .safety import alert_hits
from .reading import RED_FLAG_HISTORY, RED_FLAG_SYMPTOMS, parse_answer, scan

BASE_ORDER = (
    "red_flags",
    "age",
    "severity",
    "onset",
    "duration",
    "associated_symptoms",
    "frequency",
    # a recent worsening or change is asked of everyone before the final advice, not assumed
    # absent (4.3 "ask, don't assume"; 4.5 urgent screen: "progressive or changed pattern")
    "progression",
    # where it hurts and how it feels, once the other pattern facts are in: asked when an answer
    # could still change the type, the triage or the techniques (_worth_asking)
    "pain_location",
    "pain_quality",
    "origin",
    "triggers",
    "medication_use",
)
FIRST_BY_LEANING = {
    "cluster": ("duration", "associated_symptoms", "frequency"),
    "migraine": ("duration", "associated_symptoms", "frequency"),
    "neck": ("origin", "triggers"),
}
PATTERN_SYMPTOMS = frozenset(
    {"nausea", "vomiting", "light_sensitivity", "sound_sensitivity", "restless_agitated"}
) | AUTONOMIC_SIGNS | AURA_SYMPTOMS
MOH_MIN_DAYS = 10  # below this many headache days, medicine days cannot reach an overuse threshold

def _medication_answered(f: Findings) -> bool:
    """Frequent use is only answered with its duration too (overuse counts after 3 months)."""
    days = [d for d in (f.simple_analgesic_days, f.specialist_med_days) if d is not None]
    return bool(days) and (max(days) < MOH_MIN_DAYS or f.meds_months is not None)


# Locations that say how much of the head hurts (one side, both, all of it)
SIDEDNESS = frozenset({"one_side", "both_sides", "band_around_head", "whole_head"})

def _symptoms_said_enough(f: Findings) -> bool:
    """Sickness said, an eye or nose sign said, or both the sickness and the light or noise spoken
    of (said or denied): one sense alone ("the light hurts") leaves the sickness to ask."""
    sick = {"nausea", "vomiting"}
    senses = {"light_sensitivity", "sound_sensitivity"}
    spoken = f.symptoms | f.absent_symptoms
    return bool(f.symptoms & (sick | AUTONOMIC_SIGNS) or senses <= f.symptoms or (spoken & sick and spoken & senses))


_ANSWERED_BY: Dict[str, Callable[[Findings], bool]] = {
    # a one-sided headache from the neck is asked where exactly and whether it keeps to one side:
    # side-locked pain is what tells a neck pattern from tension-type (3.3 G, 3.4)
    # ("the back of my head" says where, not whether it keeps to one side: asked too)
    # (a side said in passing, "his left eye streams", says which side, not where it hurts: it
    # answers only with whether the pain keeps to that side; otherwise where could still matter)
    "pain_location": lambda f: bool(f.locations - {"one_side"} or f.side_locked is not None) and bool(f.locations) and not (
        leaning(f) == "neck" and bool(f.aggravated_by & {"neck_movement", "sustained_posture"})
        and (("one_side" in f.locations and f.side_locked is None) or not f.locations & SIDEDNESS)
    ),
    "pain_quality": lambda f: bool(f.qualities),
    "severity": lambda f: f.intensity is not None,
    "duration": lambda f: f.duration_minutes is not None or f.continuous is not None,
    # "most evenings" said in passing is an impression: asked as a count before it makes the
    # headache chronic (15+ days, rf_frequent_disabling); a count or a smaller impression answers it
    "frequency": lambda f: (f.days_per_month is not None and not (f.days_estimated and f.days_per_month >= CHRONIC_DAYS))
    or f.attacks_per_day is not None,
    "onset": lambda f: f.onset is not None,
    # an aura said in passing does not answer "anything else with it?": what comes with the aura
    # (a weak hand, jumbled words) is what that question can still learn (4.2 rf_neuro_deficit)
    # what was said in passing answers it when it speaks to what the patterns count (3.3 M D:
    # sickness, light and sound; 3.3 C: an eye or nose sign)
    "associated_symptoms": _symptoms_said_enough,
    # for a new headache the question screens for one brought on by exertion, straining or
    # posture, and for a headache from the neck it asks about neck movement and posture (3.3 G,
    # _worth_asking): a trigger named in passing ("I smoke", "after heavy shoulder days") does
    # not answer it
    "triggers": lambda f: bool(f.triggers) and not (
        (_lately_begun(f) and not f.aggravated_by & SCREENED_AGGRAVATORS)
        or (not f.aggravated_by and leaning(f) == "neck" and _starts_in_neck(f))
    ),
    "origin": lambda f: bool(f.origins),
    # the emergency screen is answered by an answer to it, or by an emergency already stated; an
    # urgent finding does not answer it (reference 4.3: the screen completes)
    "red_flags": lambda f: f.red_flag_screen_negative is not None or "red_flags" in f.unknown_answers
    or any(not h.uncertain and h.level == "emergency" for h in screen(f)),
    "medication_use": _medication_answered,
    "age": lambda f: f.age is not None,
    "headache_history": lambda f: (f.new_headache is not None or f.started_age is not None
    or bool(f.history & {"same_as_usual", "first_ever", "different_from_usual"}))
    and not new_cause_signs_in_passing_history(f) and not start_dated_only_by_a_span(f),
    # whether the aura came before and how long it lasts (over an hour: 4.2 rf_aura_atypical)
    "aura_history": lambda f: ("aura_before" in f.history or f.lifetime_attacks is not None)
    and (f.aura_minutes is not None or not (f.symptoms | f.uncertain) & AURA_SYMPTOMS),
    "attack_history": lambda f: bool(f.history & {"known_cluster", "first_ever"}),
    "progression": lambda f: "progressive" in f.history | f.absent_history,
    "doctor_seen": lambda f: f.doctor_confirmed is not None,
    # pregnant with the weeks unknown is not answered: the second half is when pre-eclampsia counts;
    # "not pregnant (any more)" leaves the birth in the last 6 weeks that the question also asks
    "pregnancy": lambda f: (f.pregnant is False and bool({"postpartum"} & (f.history | f.absent_history)))
    or (f.pregnant and f.pregnancy_weeks is not None)
    or "postpartum" in f.history
    or "postpartum" in f.history,
    "other_conditions": lambda f: bool(f.asked_about()),
    "flag_check": lambda f: f.sign_to_confirm() is None,
}


def is_answered(slot: str, findings: Findings) -> bool:
    """Do the findings already answer the consultation question ``slot``?"""
    return _ANSWERED_BY[slot](findings)


# Patterns whose triage default depends on whether a clinician has assessed them (3.4 table).
DEFAULT_NEEDS_DOCTOR_ANSWER = frozenset({"migraine", "cervicogenic"})


def leaning(f: Findings) -> Optional[str]:
    """The pattern the answers so far point to, to pick the next discriminating questions."""
    one_sided = bool(f.locations & {"one_side", "behind_eye"})
    if one_sided and (f.symptoms & AUTONOMIC_SIGNS or "stabbing_boring" in f.qualities):
        return "cluster"
    migraine_symptoms = f.symptoms & ({"nausea", "vomiting", "light_sensitivity", "sound_sensitivity"} | AURA_SYMPTOMS)
    throbbing = "throbbing" in f.qualities
    if (one_sided or throbbing) and (migraine_symptoms or (throbbing and one_sided)):
        return "migraine"
    neck = (
        f.origins & {"neck", "cervical_spine", "shoulders"}
        or f.locations & {"neck_to_head", "back_of_head"}
        or f.symptoms & {"neck_pain", "stiff_neck", "reduced_neck_movement"}
        or "neck_movement" in f.aggravated_by
    )
    return "neck" if neck else None


def _starts_in_neck(f: Findings) -> bool:
    return starts_in_neck(f) or bool(f.aggravated_by & {"neck_movement", "sustained_posture"})


_NECK_OR_SHOULDER_SIGNS = frozenset({"neck_pain", "stiff_neck", "reduced_neck_movement", "aching_shoulders", "shoulder_arm_pain_same_side"})


def _body_in_view(f: Findings) -> bool:
    """A neck, the shoulders or posture already mentioned (so the origin question can change things)."""
    return (
        _starts_in_neck(f)
        or bool((f.symptoms | f.uncertain) & _NECK_OR_SHOULDER_SIGNS)
        or bool(f.triggers & {"posture_desk_work", "neck_injury"})
        or bool(f.origins)
    )


# The facts a pattern's criteria rest on besides where the pain is and how it feels (3.3 C, M, T).
PATTERN_SLOTS = ("severity", "duration", "associated_symptoms", "frequency")
# How the pain can feel, as the patterns count it (3.3): pressing, throbbing, stabbing.
QUALITY_ANSWERS = tuple({"qualities": {quality}} for quality in ("pressing_tight", "throbbing", "stabbing_boring"))
# Where the pain can be, as the patterns, the warning signs and the technique choice count it (3.3
# one side / both sides / the eye; 3.3 G and 5.3 from the neck; the temples of 4.2 rf_gca)
LOCATION_ANSWERS = (
    {"locations": {"one_side"}, "side_locked": True},
    {"locations": {"one_side"}, "side_locked": False},
    {"locations": {"one_side", "behind_eye"}, "side_locked": True},
    {"locations": {"both_sides"}},
    {"locations": {"band_around_head"}},
    {"locations": {"forehead"}},
    {"locations": {"temples"}},
    {"locations": {"back_of_head"}},
    {"locations": {"neck_to_head"}, "origins": {"neck"}},
    {"locations": {"whole_head"}},
)


def _outcome(f: Findings):
    result = assess(f)
    return result.triage_level, result.headache_type, tuple(result.technique_ids)


def _pattern_facts_in(f: Findings, done: Set[str]) -> bool:
    return all(slot in done or _ANSWERED_BY[slot](f) for slot in PATTERN_SLOTS)


def _answer_could_matter(f: Findings, answers) -> bool:
    """Would one of the possible ``answers`` (field values, added to what is known) change the type,
    the triage or the techniques? A question none of whose answers changes them is not worth the
    person's time."""
    now = _outcome(f)
    for answer in answers:
        variant = Findings.from_dict(f.to_dict())
        for name, value in answer.items():
            setattr(variant, name, (getattr(variant, name) | value) if isinstance(value, (set, frozenset)) else value)
        if _outcome(variant) != now:
            return True
    return False


def _location_could_matter(f: Findings, done: Set[str]) -> bool:
    """Where the pain is counts toward the patterns (one side, both sides, the eye: 3.3), a neck
    origin (3.3 G, 5.3) and the eye and temple signs (4.2): once the other pattern facts are in (or
    could not be had), it is asked only when one of its answers would change the type, the triage
    or the techniques (4.5 lists it among the pattern questions; "ask only what it still needs")."""
    return not _pattern_facts_in(f, done) or _answer_could_matter(f, LOCATION_ANSWERS)


def _quality_could_matter(f: Findings, done: Set[str]) -> bool:
    """How the pain feels only counts toward a pattern's pain features (3.3): once the other pattern
    facts (and where it hurts, if that is worth asking) are in, it is asked only when one of its
    answers would change the type, the triage or the techniques."""
    location_open = "pain_location" not in done and not _ANSWERED_BY["pain_location"](f)
    if not _pattern_facts_in(f, done) or (location_open and _location_could_matter(f, done)):
        return True
    return _answer_could_matter(f, QUALITY_ANSWERS)


# what the triggers question screens a new headache for (4.2 rf_valsalva_exertion, rf_positional): a
# posture or desk work named in passing does not say whether a cough or lying down brings it on
SCREENED_AGGRAVATORS = EXERTION_AGGRAVATORS | {"standing_up", "lying_down"}


def _lately_begun(f: Findings) -> bool:
    """New as said, or begun within the last 3 months and not said to be a known pattern; or said
    to be recent ("headaches lately") with no start date, which is asked rather than assumed."""
    if f.new_headache is not None:
        return f.new_headache
    if f.has("same_as_usual"):
        return False
    if f.months_present is None:
        return "recent_headaches" in f.history
    return f.months_present <= 3


def _worth_asking(slot: str, f: Findings, lean: Optional[str], done: Set[str]) -> bool:
    if slot == "onset":  # the red-flag screen already asks about a sudden start
        settled = f.new_headache is False or f.has("same_as_usual")
        return not (f.red_flag_screen_negative or settled)
    if slot == "origin":
        # Where it comes from only re-ranks the first technique (5.3) and weighs a neck origin in
        # the type (3.3 G): worth a question for tension-type/neck/unclear patterns once a neck,
        # the shoulders or posture has come up; otherwise the general choice stands (not assumed).
        return lean not in ("migraine", "cluster") and _body_in_view(f)
    if slot == "triggers":
        # separates a headache that starts in the neck (neck injury?); and for a headache that is
        # new (last 3 months) screens for one brought on by coughing, straining or exercise, or by
        # posture (rf_valsalva_exertion, rf_positional: 4.2): asked, not assumed absent (4.3)
        return (lean == "neck" and _starts_in_neck(f)) or (_lately_begun(f) and not f.aggravated_by & SCREENED_AGGRAVATORS)
    if slot == "medication_use":
        return f.days_per_month is None or f.days_per_month >= MOH_MIN_DAYS
    if slot == "pain_quality":
        return _quality_could_matter(f, done)
    if slot == "pain_location":
        return _location_could_matter(f, done)
    return True


def _confirmed(findings: Findings) -> Findings:
    """The findings as if every sign waiting for confirmation were settled (to plan what follows)."""
    settled = Findings.from_dict(findings.to_dict())
    settled.to_confirm = set()
    return settled


def hinge_questions(findings: Findings, above: str = "self_care", open_flags: Optional[Dict[str, Set[str]]] = None) -> List[str]:
    """Questions that settle a red flag above ``above`` which hinges on a fact not known yet.

    Reference 4.3: ask, don't assume. "Is this new?" is asked of a person over 50 rather than
    counting an unknown start as new after 50; a first-ever aura is asked, not assumed.
    """
    kb = load_knowledge()
    # Base questions (age, severity, frequency, medicines) keep their place in the order: a flag
    # that also needs one of them waits for it. After an urgent finding only the facts that could
    # still make it an emergency are asked, severity among them.
    allowed = ("onset", *FOLLOW_UP_SLOTS)
    if above == "urgent":
        allowed = ("severity", *allowed)
    needed: Set[str] = set()
    for rf_id, questions in (unsettled(findings) if open_flags is None else open_flags).items():
        # a sign the flag also needs is asked directly once the facts are in (signs_to_ask)
        facts = {q for q in questions if not q.startswith(SIGN_PREFIX)}
        if TRIAGE_RANK[kb.red_flag_info(rf_id)["level"]] > TRIAGE_RANK[above] and facts <= set(allowed):
            needed |= facts
    return [slot for slot in allowed if slot in needed]


def first_questions(findings: Findings, open_flags: Optional[Dict[str, Set[str]]] = None) -> List[str]:
    """Facts that alone stand between what was said and an emergency: asked before anything else.

    "The worst headache of my life" without how it started, or "it came on suddenly" without how
    strong it is, is neither counted as a thunderclap nor left for later (4.3: ask, don't assume;
    a flag inferred from everyday words is confirmed with one direct question first).
    """
    # Only after alarming words (a warning sign, a sudden start): a strong headache on its own is
    # asked about in the emergency screen's turn, like everything else
    if not (findings.symptoms & RED_FLAG_SYMPTOMS or findings.history & RED_FLAG_HISTORY or findings.onset in SUDDEN_ONSETS):
        return []
    kb = load_knowledge()
    needed = {
        question
        for rf_id, questions in (unsettled(findings) if open_flags is None else open_flags).items()
        if kb.red_flag_info(rf_id)["level"] == "emergency" and len(questions) == 1
        for question in questions
        if not question.startswith(SIGN_PREFIX)
    }
    return sorted(needed, key=lambda slot: (slot not in ("onset", "severity"), slot))


def _default_questions(findings: Findings) -> List[str]:
    """Questions the pattern's default triage depends on (3.4): "Has a doctor looked at these?"
    for migraine and neck patterns; for migraine with aura, the other-conditions question, which
    names the contraceptive pill (combined hormonal contraception with aura raises the level)."""
    cls = classify(findings, screen(findings))
    types = {cls.type, cls.background_type}
    asks = []
    if findings.doctor_confirmed is None and types & DEFAULT_NEEDS_DOCTOR_ANSWER:
        asks.append("doctor_seen")
    contraception_known = "hormonal_contraception" in findings.history | findings.absent_history
    could_use_it = findings.pregnant is not True and (findings.age is None or 12 <= findings.age < 50)
    if "migraine" in types and findings.symptoms & AURA_SYMPTOMS and not contraception_known and could_use_it:
        asks.append("other_conditions")
    return asks


def signs_to_ask(findings: Findings) -> Set[str]:
    """Warning signs that would make this an emergency and have been neither said nor denied
    (``redflags.SIGN_PREFIX`` needs: a visual disturbance in a new headache over 50 asks about jaw
    pain and scalp tenderness, a new headache with dizziness asks whether others at home have
    headaches): each is asked directly (the flag_check question)."""
    if any(h.level == "emergency" for h in alert_hits(findings)):
        return set()
    kb = load_knowledge()
    signs: Set[str] = set()
    for rf_id, questions in unsettled(findings).items():
        # only a flag that now hinges on the sign alone: other facts (the age) are asked first
        if kb.red_flag_info(rf_id)["level"] == "emergency" and all(q.startswith(SIGN_PREFIX) for q in questions):
            signs |= {q[len(SIGN_PREFIX):] for q in questions}
    return signs - findings.symptoms - findings.absent_symptoms - findings.uncertain


def with_signs_to_ask(findings: Findings) -> Findings:
    """``findings`` with the signs to ask added to those waiting for a direct question."""
    signs = signs_to_ask(findings)
    if signs:
        findings.to_confirm |= signs
    return findings


def plan_questions(findings: Findings, answered: Set[str]) -> List[str]:
    """The remaining consultation slots, in the order to ask them.

    An emergency ends the questions: the advice is to get help now. An urgent finding does not
    end the emergency screen (4.3): the screen, and any fact that could still make it an
    emergency, are asked before the final advice.
    """
    done = set(answered) | set(findings.unknown_answers)
    levels = [hit.level for hit in alert_hits(findings)]
    if "emergency" in levels:
        return []
    if findings.sign_to_confirm():
        return ["flag_check", *plan_questions(_confirmed(findings), answered)]
    open_flags = unsettled(findings)  # read once: both kinds of question below come from it
    first = first_questions(findings, open_flags)
    if levels:
        order = [*first, "red_flags", *hinge_questions(findings, above="urgent", open_flags=open_flags)]
        if findings.new_headache:
            # a new headache's other symptoms can still make it an emergency (carbon monoxide
            # asks about others at home after nausea or dizziness; a visual change after 50), and so
            # can what brought it on (a knock to the head, a strain) when the screen was answered
            # by someone who may not know it all
            order += ["associated_symptoms", "triggers"]
        return [slot for slot in dict.fromkeys(order) if slot not in done and not _ANSWERED_BY[slot](findings)]
    lean = leaning(findings)
    hinges = hinge_questions(findings, open_flags=open_flags)
    order = [*first, "red_flags", "age", *hinges, *FIRST_BY_LEANING.get(lean, ())]
    order += [slot for slot in BASE_ORDER if slot not in order]
    order += _default_questions(findings)
    seen: Set[str] = set()
    plan = []
    for slot in order:
        if slot in seen or slot in done or _ANSWERED_BY[slot](findings):
            continue
        seen.add(slot)
        if slot in hinges or slot in first or _worth_asking(slot, findings, lean, done):
            plan.append(slot)
    return plan


def carries_details(findings: Findings) -> bool:
    """The message states something about the headache (a place, a feel, a symptom, a number...)."""
    return any(value for value in findings.to_dict().values())


def reads_as_answer(slot: str, text: Optional[str]) -> bool:
    """Is ``text`` usable as the answer to the pending question ``slot``, or does it carry headache
    details? Then a learned intent (restart, out-of-scope, a greeting...) does not override it:
    while a question is pending, a message is read as its answer first (in-context reading)."""
    if not text or not text.strip() or slot not in _ANSWERED_BY:
        return False
    return parse_answer(slot, text).understood or carries_details(scan(text))


def unreadable_answer(slot: str):
    """What a question asked twice with no readable reply records: "I don't know" (uncertainty
    never lowers a level, 4.3; a sign the question screens for is then asked directly)."""
    return parse_answer(slot, "I don't know")


def why_we_ask(slot: str) -> str:
    return load_knowledge().questions[slot]["why"]


def question(slot: str, findings: Optional[Findings] = None) -> Dict[str, object]:
    """The question text and its answer buttons ({title, payload}) for a slot.

    ``flag_check`` asks about the warning sign that everyday words suggested (``findings``)."""
    info = load_knowledge().questions[slot]
    text = " ".join(info["text"].split())
    if slot == "flag_check":
        sign = findings.sign_to_confirm() if findings else None
        text = text.format(sign=info["signs"].get(sign, "is there anything that worries you about this headache?"))
    return {"text": text, "buttons": list(info["buttons"])}
