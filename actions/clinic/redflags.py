"""Red-flag screen (clinical reference 4.2 and 4.3).

Each rule is evaluated twice: once on what the user stated (strict) and once counting "not sure"
answers, and facts the rule depends on that were asked and stayed unclear, as present (lenient).
A flag raised only in the lenient pass is reported with ``uncertain=True``; uncertainty never
lowers a level. A fact never asked is not counted: ``unsettled`` names the questions to ask.
"""
from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional, Set

from .assessment import RedFlagHit
from .findings import AURA_SYMPTOMS, CHRONIC_DAYS, EXERTION_AGGRAVATORS, Findings
from .kb import load_knowledge

SUDDEN_ONSETS = frozenset({"sudden_peak_lt_1m", "peak_1_5m"})  # peak within 5 minutes (NICE)
AUTONOMIC_SIGNS = frozenset(
    {"tearing_same_side", "red_eye_same_side", "runny_blocked_nose_same_side", "droopy_eyelid_same_side"}
)
NEURO_SIGNS = frozenset({"weakness", "speech_difficulty", "vision_loss", "double_vision", "balance_loss"})
VISUAL_CHANGE = frozenset({"blurred_vision", "double_vision", "vision_loss", "vision_greying"})
NECK_SIGNS = frozenset({"neck_pain", "stiff_neck", "reduced_neck_movement"})
EYE_LOCATIONS = frozenset({"behind_eye", "one_side", "temples", "forehead"})
EYE_AREA = EYE_LOCATIONS - {"one_side"}  # where "one-sided eye pain" is (4.2 rf_autonomic_eye_first)
# Reference 4.2: the first-ever-attack flag needs an eye sign on the side of the pain; a runny or
# blocked nose alone (a cold) is not one, though it counts towards a cluster pattern (3.3 C).
EYE_AUTONOMIC_SIGNS = frozenset({"tearing_same_side", "red_eye_same_side", "droopy_eyelid_same_side"})


# How a rule sees the findings (see _View).
STRICT, LENIENT, HYPOTHETICAL = "strict", "lenient", "hypothetical"


# In ``unsettled``: the question that settles a flag is a direct question about this sign.
SIGN_PREFIX = "sign:"


class _View:
    """Findings seen in one of three ways (clinical reference 4.3):

    - ``strict``: what the user stated;
    - ``lenient``: also "not sure" answers, and facts a rule needs that were asked and stayed
      unclear (uncertainty never lowers a level; only an asked-and-unclear answer counts);
    - ``hypothetical``: every fact not known yet counts as present, and the questions that would
      settle them are collected in ``needed`` (ask, don't assume).
    """

    def __init__(self, findings: Findings, mode: str):
        self.f = findings
        self.mode = mode
        self.lenient = mode != STRICT
        self.needed: Set[str] = set()

    def has(self, *items: str) -> bool:
        f = self.f
        return any(
            i in f.symptoms or i in f.history or (self.lenient and i in f.uncertain) for i in items
        )

    def certain(self, item: str) -> bool:
        return item in self.f.symptoms or item in self.f.history

    def missing(self, value, question: str) -> bool:
        """A fact the rule needs is not known: present when asked and left unclear (lenient), or
        in the hypothetical view, which notes the question that would settle it."""
        if value is not None or self.mode == STRICT:
            return False
        if self.mode == LENIENT:
            return question in self.f.unknown_answers
        self.needed.add(question)
        return True

    def sign(self, *items: str) -> bool:
        """A warning sign: stated (or not sure, lenient). In the hypothetical view a sign neither
        stated nor denied counts, and the direct question about it is noted (``SIGN_PREFIX`` + id):
        a sign that would raise the level is asked about, not assumed either way."""
        if self.has(*items):
            return True
        if self.mode != HYPOTHETICAL:
            return False
        open_signs = [i for i in items if i not in self.f.absent_symptoms]
        if open_signs:
            self.needed.add(SIGN_PREFIX + open_signs[0])
        return bool(open_signs)

    def condition(self, item: str) -> bool:
        """A background condition (cancer, immunosuppression, a blood thinner): stated, or not asked
        about yet (the other-conditions question settles it), or asked and left unclear."""
        f = self.f
        if self.has(item):
            return True
        if item in f.absent_history or "other_conditions" in f.asked_about():
            return self.lenient and "other_conditions" in f.unknown_answers
        return self.missing(None, "other_conditions")

    def stated_new(self) -> bool:
        """New as the user said it (a hinge question is not asked to learn this one)."""
        return self.said_new()

    def severe(self) -> bool:
        i = self.f.intensity
        if (i is not None and i >= 7) or self.has("worst_ever"):
            return True
        # An unknown strength is asked, not assumed, even with a fast start told (4.3 "ask, don't
        # assume"): the question comes first (``questions.plan_questions``), before anything else
        return self.missing(i, "severity")

    def sudden(self) -> bool:
        onset = self.f.onset
        # "the worst headache of my life" without how it started is asked at once, not assumed
        return onset in SUDDEN_ONSETS or self.missing(onset, "onset")

    def not_long_standing(self) -> bool:
        """New, or not said to be long-standing (for signs that point to a new cause themselves).
        A long history said in passing does not account for jaw pain on chewing or a tender scalp
        (no long-standing headache brings them): whether this is that same headache is asked."""
        f = self.f
        unsure = (f.new_headache is None and not self.certain("same_as_usual")) or new_cause_signs_in_passing_history(f)
        return self.new_headache() or (unsure and self.missing(None, "headache_history"))

    def known_pattern(self) -> bool:
        """The user said this is their known headache ("my clusters are back", "my usual ones")."""
        return any(self.certain(item) for item in ("known_cluster", "known_migraine", "same_as_usual"))

    def said_new(self) -> bool:
        """New as said: a first-ever or different headache, or a recent start of a pattern that the
        user did not call their usual one (a new bout of a known pattern is not a new headache)."""
        f = self.f
        recent_start = bool(f.new_headache) and not self.known_pattern() and not self.began_years_ago()
        return self.has("first_ever", "different_from_usual") or recent_start

    def began_years_ago(self) -> bool:
        """The user gave the age this pattern began at, a year or more ago ("every bout since I was
        34"): a recent start they mention is this episode's, not the pattern's."""
        f = self.f
        return f.started_age is not None and f.age is not None and f.age - f.started_age >= 1

    def new_headache(self) -> bool:
        f = self.f
        if self.said_new():
            return True
        if self.certain("daily_since_start") and (f.months_present is None or f.months_present <= 3):
            return True  # daily since a remembered day, lately
        settled = f.new_headache is False or self.known_pattern() or self.began_years_ago()
        return not settled and self.missing(None, "headache_history")

    def over(self, years: int, missing_counts: bool = False) -> bool:
        age = self.f.age
        return (age is not None and age > years) or (missing_counts and self.missing(age, "age"))

    def onset_age_over_50(self) -> Optional[bool]:
        """Whether this headache pattern started after 50; None when it cannot be told."""
        f = self.f
        if f.age is None:
            return None
        if self.said_new() and not self.has("different_from_usual"):
            return f.age > 50
        if f.started_age is not None:
            return f.started_age > 50
        if f.months_present is None or self.known_pattern():
            return None  # a known pattern's "started ten days ago" dates this bout, not the pattern
        return f.age - f.months_present / 12 > 50

    def neck_context(self) -> bool:
        f = self.f
        return (
            self.has(*NECK_SIGNS)
            or bool(f.origins & {"neck", "cervical_spine"})
            or "neck_to_head" in f.locations
        )

    def headache_days(self) -> Optional[float]:
        f = self.f
        if f.continuous or self.certain("daily_since_start"):
            return 30.0
        return f.days_per_month


def _thunderclap(v: _View) -> bool:
    f = v.f
    # a severe headache whose onset was not asked yet: the onset question settles it (4.3)
    severe_stated = (f.intensity is not None and f.intensity >= 7) or v.has("worst_ever")
    # A severe headache's start is always asked: a "no" to the long screen question is a weak
    # denial of its first item. Before the screen is answered, an unknown strength counts too.
    # A headache unlike the usual ones ("never had one start like this"), or the first of its kind,
    # is asked about too (4.2: the flag is for a first or a different attack).
    # A headache brought on by a cough, a strain or exertion is asked both too: sudden and severe,
    # it is a thunderclap (4.2 rf_valsalva_exertion: "sudden severe -> rf_thunderclap").
    provoked = bool(f.aggravated_by & EXERTION_AGGRAVATORS) or v.has("exertion_onset")
    severe_or_unasked = severe_stated or (
        v.mode == HYPOTHETICAL
        and (not f.red_flag_screen_negative or v.certain("different_from_usual") or v.certain("first_ever") or provoked)
        and v.missing(f.intensity, "severity")
    )
    # ... unless the direct question about a sudden worst-ever start was answered "no", or is still
    # to be asked because the onset answer could not be read (then its answer decides, 4.3)
    asked_directly = "worst_ever" in f.absent_symptoms or "worst_ever" in f.to_confirm
    # ... or the screen was answered "none" about the person's own known headache, unchanged: the
    # flag is for a first or a different attack (4.2 "Still this flag"), which they would have said
    # (not one brought on by a strain or exertion: sudden and severe, that is a thunderclap whatever
    # the usual headaches are, 4.2 rf_valsalva_exertion)
    usual_attack = bool(f.red_flag_screen_negative) and v.known_pattern() and not provoked and not v.has(
        "different_from_usual", "progressive", "stronger_than_usual"
    )
    onset_unasked = severe_or_unasked and v.missing(f.onset, "onset") and not asked_directly and not usual_attack
    explosive = (f.onset in SUDDEN_ONSETS and v.severe()) or (v.has("worst_ever") and v.sudden()) or onset_unasked
    if not explosive or _cluster_bout_recurrence(v):
        return False
    if _maybe_bout_recurrence(v):
        # said to be the same as attacks in an earlier period, its eye and nose signs not asked yet:
        # the "Not this flag" exclusion hinges on them, so they are asked first (4.3)
        return v.missing(None, "associated_symptoms")
    if _bout_history_unknown(v):
        # the cluster signs said, whether attacks like these came in an earlier bout not yet: asked
        return v.missing(None, "attack_history")
    return True


CLUSTER_SIGNS = AUTONOMIC_SIGNS | {"restless_agitated"}
# What comes with an attack (the "anything else with it?" question): one of them said or denied
# tells whether the attack has the cluster signs
ATTACK_SYMPTOMS = CLUSTER_SIGNS | AURA_SYMPTOMS | {"nausea", "vomiting", "light_sensitivity", "sound_sensitivity"}


def _cluster_length_fits(f: Findings) -> bool:
    """One attack lasting 15-180 minutes, or its length not known yet (3.3 C)."""
    return f.duration_minutes is None or 15 <= f.duration_minutes <= 180


def _cluster_bout_recurrence(v: _View) -> bool:
    """A bout like earlier ones (pain-free months between), 15-180 min with cluster signs; a length
    or signs not asked yet do not undo what the user said ("exactly like my last bouts")."""
    f = v.f
    signs_denied = bool(f.absent_symptoms & CLUSTER_SIGNS) and not v.has(*CLUSTER_SIGNS)
    # a bout said to be the same as earlier ones ("same like 3 years ago") with the cluster signs
    # is a known bout too, whether or not the person has a name for it
    known_bout = v.certain("known_cluster") or (v.certain("same_as_usual") and v.has(*CLUSTER_SIGNS))
    return (
        known_bout
        and not v.has("different_from_usual", "first_ever")
        and _cluster_length_fits(f)
        and (v.has(*CLUSTER_SIGNS) or not signs_denied)
    )


def _maybe_bout_recurrence(v: _View) -> bool:
    """An attack said to be the same as earlier ones ("same as two winters back"), its length fitting
    or not known, and nothing said yet of what comes with it: whether it has the cluster signs of a
    known bout is asked (the "anything else with it?" question) before it counts as a thunderclap."""
    f = v.f
    return (
        v.certain("same_as_usual")
        and not v.has("different_from_usual", "first_ever")
        and _cluster_length_fits(f)
        and not (f.symptoms | f.absent_symptoms | f.uncertain) & ATTACK_SYMPTOMS
    )


def _bout_history_unknown(v: _View) -> bool:
    """An attack with the cluster signs, of a fitting length, and nothing said yet of earlier attacks
    like it (an earlier bout, or the first ever): the exclusion hinges on that, which is asked."""
    f = v.f
    said = ("known_cluster", "same_as_usual", "first_ever", "different_from_usual", "known_migraine")
    return (
        v.has(*CLUSTER_SIGNS)
        and _cluster_length_fits(f)
        and not any(v.certain(item) for item in said)
        and f.new_headache is not False
    )


# A flag's first sign stated, its companion signs neither said nor denied: the companions are asked
# directly (``_View.sign``), not left to whether a later question happens to bring them up.
def _fever_meningism(v: _View) -> bool:
    return v.has("fever") and (v.has("progressive") or v.sign("stiff_neck", "reduced_neck_movement"))


def _fever_rash(v: _View) -> bool:
    # A non-fading rash is treated as an emergency even before a fever is noticed.
    return v.has("rash_non_blanching", "very_unwell")


def _neuro_deficit(v: _View) -> bool:
    if v.has(*NEURO_SIGNS):
        return True
    # "New" means sudden or within the last days (4.2): arm or hand tingling or numbness that has
    # come and gone for weeks, without weakness, is not this flag (with neck pain it is the
    # cervicogenic rule of 3.4; without, the stable pattern still is not new)
    stable_arm = v.certain("arm_symptoms_stable")
    if v.has("numbness") and not stable_arm:
        return True
    # Arm tingling with neck pain is the cervicogenic/radicular rule (triage), not this flag.
    return v.has("arm_tingling") and not v.neck_context() and not stable_arm


def _altered_consciousness(v: _View) -> bool:
    return v.has("confusion", "drowsiness", "fainting", "memory_loss", "personality_change")


def _seizure(v: _View) -> bool:
    return v.has("seizure")


def _head_injury(v: _View) -> bool:
    return v.has("head_injury", "head_injury_recent_days")


def _head_injury_severe(v: _View) -> bool:
    """After a head injury, vomiting or a worsening headache is what makes it an emergency: both are
    asked (the progression question; vomiting directly), not assumed absent (4.3), as the blood
    thinner is (the other-conditions question)."""
    if not _head_injury(v):
        return False
    stated = v.has(
        "vomiting", "drowsiness", "confusion", "seizure", "fainting", "clear_fluid_nose_ear",
        "memory_loss", "progressive",
    )
    worsening_unasked = "progressive" not in v.f.absent_history and v.missing(None, "progression")
    return stated or v.condition("anticoagulant") or worsening_unasked or v.sign("vomiting")


def _head_injury_mild(v: _View) -> bool:
    return _head_injury(v) and not _head_injury_severe(v)


def _neck_artery(v: _View) -> bool:
    if not v.neck_context():
        return False
    if v.has("neck_injury_recent"):
        return v.severe() or v.has("droopy_eyelid_same_side", "dizziness", *NEURO_SIGNS, "numbness")
    # Neck pain with a drooping eyelid, dizziness or a nerve sign (stated): whether the neck was
    # injured, strained or manipulated lately is asked directly, not assumed either way.
    f = v.f
    signs = v.has("droopy_eyelid_same_side", "dizziness", *NEURO_SIGNS, "numbness")
    settled = "neck_injury" in f.triggers or "neck_injury_recent" in f.absent_history or v.has("neck_injury_past")
    return signs and not settled and v.sign("neck_injury_recent")


def _glaucoma(v: _View) -> bool:
    if v.has("painful_red_eye"):
        return v.has("nausea", "vomiting", "vision_loss") or v.sign("blurred_vision", "haloes")
    # the eye said red in one place and the pain put at the eye in another ("pain in my left eye
    # ... the eye is red"): with blurred sight or haloes round lights it is the same sign; red-eye
    # pain with only sickness is also a cluster attack's picture, which the other rules weigh
    return (v.has("red_eye_same_side") and "behind_eye" in v.f.locations
            and v.has("blurred_vision", "haloes"))


GCA_SPECIFIC = ("jaw_pain_chewing", "scalp_tenderness")


def new_cause_signs_in_passing_history(f: Findings) -> bool:
    """Over 50, jaw pain on chewing or a tender scalp, and "long-standing" known only from words
    said in passing ("a headache sufferer most of my life"): no start age, not called the usual one."""
    return (
        f.new_headache is False and f.started_age is None and f.age is not None and f.age > 50
        and bool(f.symptoms & set(GCA_SPECIFIC))
        and not f.history & {"same_as_usual", "first_ever", "different_from_usual", "known_migraine", "known_cluster"}
    )


def start_dated_only_by_a_span(f: Findings) -> bool:
    """Over 50, and when the headaches began is known only from a span said in passing, which may
    date something else: a change in an older pattern ("a headache most days for about a year") or
    a passing cause ("a stinking cold since Monday"). Whether this is a new kind of headache is
    asked, not assumed (4.3, rf_age_over_50_new)."""
    span_only = f.new_headache is False and f.months_present is not None and f.months_present <= 12
    cause_dated = f.new_headache is True and "passing_cause" in f.history
    return (
        f.age is not None and f.age > 50 and f.started_age is None and (span_only or cause_dated)
        and not f.history & {"same_as_usual", "first_ever", "different_from_usual", "known_migraine", "known_cluster"}
        and "first_ever" not in f.absent_history and "headache_history" not in f.unknown_answers
    )


def _gca_core(v: _View) -> bool:
    """Over 50 and not a long-standing pattern; an age not given yet is asked, not assumed."""
    return v.over(50, missing_counts=True) and v.not_long_standing()


def _gca(v: _View) -> bool:
    return _gca_core(v) and v.has(
        *GCA_SPECIFIC, "fever", "weight_loss", "aching_shoulders", "very_unwell"
    )


def _gca_visual(v: _View) -> bool:
    # a visual disturbance in a new headache over 50: jaw pain on chewing or a tender scalp is asked
    return _gca_core(v) and v.has(*VISUAL_CHANGE) and v.sign(*GCA_SPECIFIC)


def _pregnant_second_half_or_postpartum(v: _View) -> bool:
    f = v.f
    weeks = f.pregnancy_weeks
    second_half = f.pregnant is True and ((weeks is not None and weeks >= 20) or v.missing(weeks, "pregnancy"))
    return second_half or v.has("postpartum")


def _preeclampsia(v: _View) -> bool:
    if not v.has("aura_visual", *VISUAL_CHANGE, "face_hand_swelling", "upper_belly_pain", "very_unwell"):
        return False
    if _pregnant_second_half_or_postpartum(v):
        return True
    # A visual disturbance or swelling with a headache at an age when pregnancy is possible:
    # whether she is pregnant or has just given birth is asked (the emergency would hinge on it).
    # "Not pregnant (any more)" leaves a recent birth open: the flag covers 6 weeks after it too.
    f = v.f
    unknown = f.pregnant is not True and not v.has("postpartum") and "postpartum" not in f.absent_history
    possible = f.age is not None and f.age in CHILDBEARING_AGES
    return v.mode == HYPOTHETICAL and unknown and possible and v.missing(None, "pregnancy")


CHILDBEARING_AGES = range(12, 56)


def _pregnancy_postpartum(v: _View) -> bool:
    f = v.f
    if f.pregnant is True or v.has("postpartum"):
        return v.new_headache()
    # a new headache at an age when pregnancy is possible: asked, not assumed either way
    unknown = f.pregnant is None and "postpartum" not in f.absent_history
    possible = f.age is not None and f.age in CHILDBEARING_AGES
    return unknown and possible and _new_or_lately_begun(v) and v.missing(None, "pregnancy")


def _new_or_lately_begun(v: _View) -> bool:
    """New as said; or a headache said to have begun lately ("3 days now") and not called a known
    pattern, where whether it is a new kind of headache is asked, not assumed."""
    f = v.f
    if v.stated_new():
        return True
    lately = f.months_present is not None and f.months_present <= 3
    return lately and not v.known_pattern() and v.new_headache()


# A new headache with one of these (reference 4.2: headache with nausea, dizziness, better away
# from home; a fuel-burning appliance) asks whether others in the building have headaches too.
CO_CUES = ("dizziness", "nausea", "vomiting", "fuel_appliance")


def _carbon_monoxide(v: _View) -> bool:
    away = v.has("better_away_from_home") and v.has(*CO_CUES)
    if v.has("others_in_building_affected") or away:
        return True
    # A new headache with a CO cue: whether others in the same building have headaches too is
    # asked (the sign most people can answer), not assumed.
    # a new headache, or a pattern that changed lately; with dizziness or a fuel-burning appliance
    # (the cues nausea-prone migraine does not bring) whether it is new is asked, not assumed (4.3)
    recent = v.said_new() or v.has("progressive") or (v.has("dizziness", "fuel_appliance") and v.new_headache())
    return v.mode == HYPOTHETICAL and recent and v.has(*CO_CUES) and v.sign("others_in_building_affected")


def _hypertensive(v: _View) -> bool:
    # a very high reading, not a history of high blood pressure (4.2: "known very high reading")
    # with a very high reading, chest pain and breathlessness are asked directly (the emergency
    # hinges on them), not assumed either way
    if v.has("very_high_bp_reading"):
        return v.has("chest_pain", "breathlessness", "confusion", *VISUAL_CHANGE) or v.sign("chest_pain", "breathlessness")
    # chest pain, breathlessness or confusion told with a headache: the reading is the hinge, and the
    # other-conditions question (high blood pressure, a recent reading) asks it
    return v.has("chest_pain", "breathlessness", "confusion") and v.condition("very_high_bp_reading")


def _age_over_50_new(v: _View) -> bool:
    f = v.f
    if not v.over(50):
        return False
    started_after_50 = v.onset_age_over_50()
    if started_after_50 is None:
        if f.new_headache is False or v.known_pattern():
            return False  # long-standing ("for years", "same as always"): not a new pattern (4.3)
        return v.missing(None, "headache_history")
    if not started_after_50:
        return False
    if f.new_headache is False and f.started_age is None and "first_ever" in f.absent_history:
        return False  # asked, and not new: a span said in passing dated something else
    if start_dated_only_by_a_span(f):
        return v.missing(None, "headache_history")
    if f.new_headache is None and f.started_age is None and not v.has("first_ever", "different_from_usual"):
        # when it began is only inferred from how long the pattern has lasted ("a headache most days
        # for about a year"): whether this is a new kind of headache is asked, not assumed (4.3)
        return v.missing(None, "headache_history")
    months = f.months_present
    if months is None and f.started_age is not None:
        months = (f.age - f.started_age) * 12
    if months is not None:
        # "started four years ago, never had headaches before": new to their life then, not now
        recent = months <= 12
    else:
        recent = bool(f.new_headache) or v.has("first_ever")
    if recent:
        return True
    # started after 50, long ago: the flag stands only if no clinician has assessed it (asked)
    if f.doctor_confirmed is True or v.certain("neck_problem_assessed"):
        return False
    return f.doctor_confirmed is False or v.missing(None, "doctor_seen")


def _immunosuppression(v: _View) -> bool:
    if v.has("immunosuppression"):
        return v.new_headache()
    return v.stated_new() and v.condition("immunosuppression")


def _cancer_history(v: _View) -> bool:
    if v.has("cancer"):
        return v.new_headache()
    return v.stated_new() and v.condition("cancer")


def _progressive(v: _View) -> bool:
    if v.has("progressive", "different_from_usual"):
        return True
    # Over 50 with a long-standing pattern, a change is what would make it a warning sign: whether
    # it has got worse or changed lately is asked (the progression question), not assumed.
    f = v.f
    long_standing = f.new_headache is False or v.known_pattern() or v.began_years_ago()
    asked_no = "progressive" in f.absent_history
    return v.over(50) and long_standing and not asked_no and v.missing(None, "progression")


def _morning_vomiting(v: _View) -> bool:
    worse = v.has("worse_on_waking") or "lying_down" in v.f.aggravated_by
    return worse and v.has("vomiting") and not v.certain("same_as_usual")


def _positional(v: _View) -> bool:
    return bool(v.f.aggravated_by & {"standing_up", "lying_down"})


def _valsalva_exertion(v: _View) -> bool:
    # stated ("it comes on when I cough"), or said yes to the direct question (exertion_onset)
    return bool(v.f.aggravated_by & EXERTION_AGGRAVATORS) or v.has("exertion_onset")


def _papilloedema(v: _View) -> bool:
    return v.has("vision_greying")


def _one_sided_eye_pain(v: _View) -> bool:
    """One-sided pain at the eye, temple or forehead: stated, or where the pain is was asked and
    stayed unclear (lenient), or not asked yet (hypothetical: the location question settles it)."""
    f = v.f
    if not f.locations:
        return f.side_locked is True or v.missing(None, "pain_location")
    one_sided = "one_side" in f.locations or f.side_locked is True
    return one_sided and bool(f.locations & EYE_AREA)


def _restless_short_attacks(v: _View) -> bool:
    """Pacing through attacks of 15 minutes to 3 hours: with one-sided eye pain, a cluster-like
    attack even before an eye or nose sign is named (3.3: a first-ever cluster-like attack raises
    rf_autonomic_eye_first)."""
    minutes = v.f.duration_minutes
    return v.has("restless_agitated") and minutes is not None and 15 <= minutes <= 180


def _autonomic_eye_first(v: _View) -> bool:
    f = v.f
    if not (v.has(*EYE_AUTONOMIC_SIGNS) or _restless_short_attacks(v)) or not _one_sided_eye_pain(v):
        return False
    if v.said_new():
        return True
    known = v.known_pattern() or f.doctor_confirmed is True or f.new_headache is False
    return not known and v.missing(None, "attack_history")


def _first_aura(v: _View) -> bool:
    f = v.f
    if v.has("first_ever") or f.new_headache or f.lifetime_attacks == 1:
        return True
    known = (
        v.certain("aura_before")
        or (f.lifetime_attacks or 0) > 1
        or f.doctor_confirmed is True
        or v.certain("known_migraine")
    )
    return not known and v.missing(None, "aura_history")


def _aura_atypical(v: _View) -> bool:
    if not v.has(*AURA_SYMPTOMS):
        return False
    # how long the aura lasts is asked, not assumed short (4.3): over an hour is this flag
    minutes = v.f.aura_minutes
    long_aura = minutes > 60 if minutes is not None else v.missing(None, "aura_history")
    return _first_aura(v) or long_aura or v.onset_age_over_50() is True


def _new_drug(v: _View) -> bool:
    return v.has("new_medicine")


def _medication_overuse(v: _View) -> bool:
    f = v.f
    simple = f.simple_analgesic_days or 0
    specialist = f.specialist_med_days or 0
    mixed = simple > 0 and specialist > 0 and simple + specialist >= 10
    if not (simple >= 15 or specialist >= 10 or mixed):
        return False
    months = f.meds_months if f.meds_months is not None else f.months_present
    return (months is not None and months > 3) or v.missing(months, "medication_use")


def _frequent_disabling(v: _View) -> bool:
    f = v.f
    days = v.headache_days()
    long_standing = (f.months_present or 0) > 3 or f.new_headache is False or v.began_years_ago()
    if v.has("passing_cause"):
        # headaches put down to a passing cause (a fast, a cold, cutting out caffeine) come daily
        # only while the cause lasts: when such bouts first began does not make the present run
        # of days chronic; only daily headaches said to have gone on for over 3 months do
        long_standing = (f.months_present or 0) > 3
    chronic = days is not None and days >= CHRONIC_DAYS and (long_standing or v.missing(f.months_present, "headache_history"))
    return v.has("disabling", "self_care_failed") or chronic or v.missing(days, "frequency")


def _under_12(v: _View) -> bool:
    return v.f.age is not None and v.f.age < 12


RULES: Dict[str, Callable[[_View], bool]] = {
    "rf_thunderclap": _thunderclap,
    "rf_fever_meningism": _fever_meningism,
    "rf_fever_rash": _fever_rash,
    "rf_neuro_deficit": _neuro_deficit,
    "rf_altered_consciousness": _altered_consciousness,
    "rf_seizure": _seizure,
    "rf_head_injury_severe": _head_injury_severe,
    "rf_head_injury": _head_injury_mild,
    "rf_neck_artery": _neck_artery,
    "rf_glaucoma": _glaucoma,
    "rf_gca_visual": _gca_visual,
    "rf_gca": _gca,
    "rf_preeclampsia": _preeclampsia,
    "rf_pregnancy_postpartum": _pregnancy_postpartum,
    "rf_carbon_monoxide": _carbon_monoxide,
    "rf_hypertensive": _hypertensive,
    "rf_age_over_50_new": _age_over_50_new,
    "rf_immunosuppression": _immunosuppression,
    "rf_cancer_history": _cancer_history,
    "rf_progressive": _progressive,
    "rf_morning_vomiting": _morning_vomiting,
    "rf_positional": _positional,
    "rf_valsalva_exertion": _valsalva_exertion,
    "rf_papilloedema": _papilloedema,
    "rf_autonomic_eye_first": _autonomic_eye_first,
    "rf_aura_atypical": _aura_atypical,
    "rf_new_drug": _new_drug,
    "rf_medication_overuse": _medication_overuse,
    "rf_frequent_disabling": _frequent_disabling,
    "rf_under_12": _under_12,
}


def _escalated_level(rf_id: str, v: _View, level: str) -> str:
    """The two flags whose level depends on what comes with them (4.2)."""
    if rf_id == "rf_papilloedema" and v.has(*NEURO_SIGNS, "numbness"):
        return "emergency"
    if rf_id == "rf_new_drug" and v.severe():
        return "urgent"
    return level


def _hit(rf_id: str, view: _View, uncertain: bool) -> RedFlagHit:
    base = load_knowledge().red_flag_info(rf_id)["level"]
    return RedFlagHit(rf_id, _escalated_level(rf_id, view, base), uncertain)


def screen(findings: Findings, headache_type: Optional[str] = None) -> List[RedFlagHit]:
    """All red flags raised by the findings, in the order of the reference table.

    ``headache_type`` adds the one type-dependent rule: migraine on >= 4 days a month is
    `rf_frequent_disabling`.
    """
    strict, lenient = _View(findings, STRICT), _View(findings, LENIENT)
    hits = []
    for rf_id, rule in RULES.items():
        if rule(strict):
            hits.append(_hit(rf_id, strict, False))
        elif rule(lenient):
            hits.append(_hit(rf_id, lenient, True))
    days = strict.headache_days()
    frequent_migraine = headache_type == "migraine" and days is not None and days >= 4
    if frequent_migraine and "rf_frequent_disabling" not in ids(hits):
        hits.append(_hit("rf_frequent_disabling", strict, False))
    return hits


def unsettled(findings: Findings) -> Dict[str, Set[str]]:
    """Red flags that hinge on facts not known yet: {rf id: the questions that would settle it}.

    A flag is unsettled when it is not raised now but would be if every unknown fact it depends
    on turned out present. The consultation asks those questions before its final advice instead
    of counting the facts as present (reference 4.3, "ask, don't assume").
    """
    strict, lenient = _View(findings, STRICT), _View(findings, LENIENT)
    out: Dict[str, Set[str]] = {}
    for rf_id, rule in RULES.items():
        if rule(strict) or rule(lenient):
            continue
        view = _View(findings, HYPOTHETICAL)
        if rule(view) and view.needed:
            out[rf_id] = view.needed
    return out


def ids(hits: Iterable[RedFlagHit]) -> List[str]:
    return [h.id for h in hits]
