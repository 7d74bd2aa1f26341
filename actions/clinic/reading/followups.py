"""Answers to the follow-up questions that settle a red flag or a triage default (reference 4.3).

Each follow-up asks one fact: whether this headache is new, whether an aura or a cluster-like
attack came before, whether it has been getting worse lately, whether a clinician assessed it,
pregnancy. The answer is read in the context of its question: "for years" to "is this new?" means
long-standing; a bare "no" to "have you had these before?" means first-ever. What the general
reader already found in the answer (durations, "since my twenties", a doctor's diagnosis) counts
first; these patterns only add the reading that the question gives to plain words.

``answer(slot, findings, flat, kind)`` fills ``findings`` and returns (value, understood), with
``kind`` the whole-answer reading the caller made: "no", "yes", "unknown" or None.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional, Tuple

from ..findings import AURA_SYMPTOMS, BACKGROUND_CONDITIONS, UNKNOWN, Findings
from . import numbers
from .scan import POSTPARTUM_DAYS, days_ago

_FIRST = re.compile(
    r"\b(?:first (?:time|one|ones|ever|bout|attack)|never (?:had|have|has|get|gets|got|been|experienced|experience|felt|feel|suffered|before|like)|"
    r"not (?:had|got) (?:it|them|these|this|any) before|new\b|brand new|nothing like (?:this|it|that) before|"
    r"only (?:recently|started|began|just)|just (?:started|began)|started (?:recently|last|this|a few|about|\d)|"
    r"began (?:recently|last|this|a few|about|\d)|(?:days|weeks) ago|this (?:week|month)|recently)\b"
)
_BEFORE = re.compile(
    r"\b(?:for (?:years|ages|a long time|decades|most of my life|as long as)|years|always|all my life|"
    r"my whole life|as long as i (?:can )?remember|same (?:as|old|ones|thing|kind|type|like)|the usual|"
    r"usual|normal ones|every (?:time|spring|summer|autumn|fall|winter|year|few months)|many times|"
    r"lots of times|often|before|previous|earlier|last (?:year|spring|summer|autumn|fall|winter)|"
    r"bouts?|had (?:it|them|these|this|those) (?:before|for)|since|used to|diagnosed|known)\b"
)
_WORSE = re.compile(
    r"\b(?:worse|worsening|more (?:often|frequent|days|and more)|stronger|increas\w*|building|"
    r"creep\w* up|changed|changing|different|not (?:the same|like (?:before|usual|my usual|normal))|"
    r"wakes? me|waking me|every day now|more intense|escalat\w*|getting bad|going up)\b"
)
_SAME = re.compile(
    r"\b(?:same|unchanged|no change|not changed|hasnt changed|havent changed|stable|steady|"
    r"about the same|like always|as always|as usual|nothing new|no different|not really|not worse|"
    # fewer or milder is not worse: "if anything there are fewer", "not as bad", "they've eased off"
    r"better|improv\w*|less|fewer|milder|rarer|eas(?:ed|ing)|settl(?:ed|ing)|calm(?:ed|er)|"
    r"not (?:as|so) (?:bad|often|strong|frequent|many|severe))\b"
)
_CLINICIAN = re.compile(
    r"\b(?:doctor|doc|gp|physician|neurologist|specialist|physio\w*|osteopath\w*|chiropract\w*|"
    r"consultant|hospital|clinic|nurse|optician|dentist|diagnos\w*|told me|said (?:it|its|they|i)|"
    r"scan|mri|ct)\b"
)
_NEVER_SEEN = re.compile(
    r"\b(?:never (?:seen|been|went|gone|asked|checked|looked|told|had)|not (?:seen|been|checked|yet)|"
    r"no(?:body| one) (?:has|ever)|havent (?:seen|been|gone|asked)|didnt (?:go|see|bother))\b"
)
_NECK_CAUSE = re.compile(
    r"\b(?:neck|spine|spinal|cervical|vertebra\w*|disc|disk|arthritis|spondyl\w*|whiplash|posture|"
    r"physio\w*|osteopath\w*|chiropract\w*)\b"
)
# (in answer to "have you given birth in the last 6 weeks?", a child born or arrived is her birth)
_POSTPARTUM = re.compile(
    r"\b(?:gave birth|given birth|give birth already|birth already|had (?:a|my|the) (?:baby|son|daughter|twins)|"
    r"(?:baby|son|daughter|boy|girl|twins|little one)(?: \w+)? (?:is|was|were) (?:born|delivered)|"
    r"(?:baby|son|daughter|twins|little one) (?:arrived|came)|"
    r"delivered|postpartum|post partum|c.?section|weeks? (?:post|after) (?:birth|delivery)|newborn)\b"
)
# The baby's age, which dates the birth: "my son is 19 day old", "the baby is only three weeks old"
# (read after numbers.normalize: words are digits)
_BABY_AGE = re.compile(
    r"\b(?:baby|son|daughter|boy|girl|twins|little one|newborn)(?: \w+)? (?:is|s|are|turned|turns) (?:only |just |nearly |almost |about )?"
    r"(\d+) (day|week|month)s? old\b"
)
# the birth is someone else's and the writer says it is not theirs: "ha, not me! my wife had the
# baby five weeks ago", "I'm the dad, my partner gave birth on the 2nd" (written for the mother,
# "she had the baby three weeks ago" without such a denial stays hers)
_OTHERS_BIRTH = re.compile(
    r"\b(?:my (?:wife|partner|girlfriend|missus|missis|fiancee|sister|daughter|daughter in law|friend|other half)|she|her)\b"
)
_NOT_ME = re.compile(
    r"\b(?:not me|wasnt me|(?:im|i am) (?:the |a |his |her |their |the babys |the baby s )?(?:new )?(?:dad|daddy|father|husband|boyfriend)|"
    r"(?:im|i am) (?:a |an )?(?:old |young )?(?:man|male|guy|bloke|fella|feller|lad|dude|chap))\b"
)
_NOT_PREGNANT = re.compile(
    r"\b(?:not pregnant|no pregnancy|(?:im|i am) (?:a |an )?(?:old |young )?(?:man|male|guy|bloke|fella|feller|fellow|lad|dude|chap|gent|gentleman|geezer)|"
    r"menopaus\w*|post.?menopaus\w*|too old|hes|he is|(?:my )?son|boy)\b"
)
_PREGNANT = re.compile(r"\b(?:pregnant|expecting|weeks? along|trimester|due (?:in|date))\b")


# "I can't say when they started", "could be a couple of months, could be longer": unclear even
# when other words in the answer look like a history
_UNSURE = re.compile(
    r"\b(?:dont|do not|don t) (?:really )?know|not (?:really )?sure|cant (?:really )?(?:say|tell|remember)|cannot (?:say|tell|remember)"
    r"|no idea|could be .{0,30}could be|hard to say|not certain|unsure|dunno|idk\b"
)


def _unclear(kind: Optional[str]) -> Tuple[Any, bool]:
    return UNKNOWN, kind in ("unknown", "yes")


# "new" said to deny it: "Not new. It started ... when I was 46", "nothing new", "no, none of it is
# new", "it isn't anything new"
_NEW_DENIED = re.compile(
    r"\b(?:nothing|not|no|none|isnt|aint|arent|never)\b(?: (?:of it|of them|really|at all|anything|something|a|is|are|s|thats|that))* new\b"
)


_NEVER_LIKE_THIS = re.compile(
    r"\bnever (?:\w+ ){1,5}?like (?:this|it|that)\b|\bnothing like (?:this|it|that)(?: \w+){0,2}? (?:ever|before|in my (?:whole )?life)\b"
)


# "can't remember her ever having a headache", "I don't remember ever getting one": never had one
_NEVER_REMEMBERED = re.compile(
    r"\b(?:cant|cannot|can t|dont|do not|don t)(?: ever)? (?:remember|recall)(?: \w+){0,2}? (?:ever )?(?:having|getting|had|got|suffering)\b"
)


def _headache_history(f: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    stated = f.started_age is not None or (f.months_present is not None and f.months_present >= 0.2)
    if _NEVER_REMEMBERED.search(flat) and not f.has("same_as_usual") and not _NEW_DENIED.search(flat):
        f.new_headache = True
        f.history.add("first_ever")
        return "new", True
    if _UNSURE.search(flat) and not stated and not f.has("first_ever"):
        return UNKNOWN, True  # asked, and the answer stays unclear: counts (reference 4.3)
    if _NEW_DENIED.search(flat) and not (f.has("first_ever") or f.has("different_from_usual")):
        f.new_headache = False  # the answer's own "not new" decides over dates said after it
        return _long_standing(f)
    if _NEVER_LIKE_THIS.search(flat) and not f.has("same_as_usual"):
        # "never in my whole life like this": whatever other headaches there were, not this kind
        f.new_headache = True
        f.history.add("first_ever")
        return "new", True
    if f.has("different_from_usual"):
        # "quite different ... I had migraines from my twenties": the dates are the old headaches'
        f.new_headache, f.started_age = True, None
        return "new", True
    if f.new_headache is not None or f.started_age is not None or f.has("first_ever"):
        if f.new_headache is None:
            f.new_headache = False
        return ("new", True) if f.new_headache else _long_standing(f)
    if kind == "unknown":
        return UNKNOWN, True
    if _FIRST.search(flat):  # (a denied "new" was settled above)
        f.new_headache = True
        if re.search(r"\b(?:first|never)\b", flat):
            f.history.add("first_ever")
        return "new", True
    if _BEFORE.search(flat) or kind == "no":
        # "no" to "is this a new kind of headache?" and "the same for years" both say long-standing
        f.new_headache = False
        f.history.add("same_as_usual")
        return _long_standing(f)
    return _unclear(kind)


def _long_standing(f: Findings) -> Tuple[Any, bool]:
    """The newness question answered "not new": recorded as asked and denied, so that a span said
    in passing ("a cold since Monday", "daily for a year") no longer dates a new headache."""
    f.absent_history.add("first_ever")
    return "long_standing", True


def _first_or_before(flat: str, kind: Optional[str], first_said: bool, before_said: bool) -> Optional[str]:
    """ "first" or "before" for "have you had these before?" (a bare "no" means first), else None."""
    if (_FIRST.search(flat) or kind == "no" or first_said) and not re.search(r"\bnot (?:the )?first\b", flat):
        return "first"
    if _BEFORE.search(flat) or kind == "yes" or before_said:
        return "before"
    return None


# what an aura looks or feels like, denied: "no visual disturbance", "no zigzags or tingling"
_AURA_LIKE = AURA_SYMPTOMS | {"blurred_vision"}
NO_AURA = "none"


def _aura_history(f: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    if kind == "unknown":
        return UNKNOWN, True
    if f.absent_symptoms & _AURA_LIKE and not f.symptoms & _AURA_LIKE:
        # "No visual disturbance, no pins and needles, never had those": no aura at all (the word
        # was used loosely), not a first-ever one; the aura said earlier is withdrawn
        f.absent_symptoms |= AURA_SYMPTOMS
        return NO_AURA, True
    answer = _first_or_before(flat, kind, f.has("first_ever"), f.aura_minutes is not None or bool(f.months_present))
    if answer == "first":
        f.lifetime_attacks = 1
    elif answer == "before":
        f.history.add("aura_before")
    return (answer, True) if answer else _unclear(kind)


def _attack_history(f: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    if kind == "unknown":
        return UNKNOWN, True
    answer = _first_or_before(flat, kind, f.has("first_ever"), (f.months_present or 0) > 3)
    if answer:
        f.history.add("first_ever" if answer == "first" else "known_cluster")
    return (answer, True) if answer else _unclear(kind)


# "not getting worse", "hasn't got any stronger", "no more often": a worsening word denied
# set against a time over 3 months back ("more days than last year"): a slow rise, weighed below
_THAN_LONG_AGO = re.compile(r"\bthan (?:last year|a year ago|(?:\d+|a few|two|three|some|many) years ago|years ago|when i was|in my \w+ties)\b")
# a yes in the answer, not denied or doubted ("Now that you ask, yes.")
_YES_SAID = re.compile(r"(?:^|[.,;!?]\s*|\b(?:ask|asked|mention\w*|think|fact|honest\w*|well)\W+)(?:yes|yeah|yep|yup|aye|afraid so)\b")
_WORSE_DENIED = re.compile(
    r"\b(?:not|no|never|isnt|hasnt|havent|arent|wasnt|didnt|doesnt|dont|nothing|nothings)\b(?: (?!but\b)\w+){0,3}? "
    r"(?:worse|worsening|stronger|more (?:often|frequent|days)|changed|changing|different|increas\w*)\b"
)


# "not lately", "not in the last few months": the question's own time frame denied
_NOT_LATELY = re.compile(r"^\W*(?:no\W+)?not (?:really |that i know of )?(?:lately|recently|of late|in the (?:last|past) (?:few |couple of |three |3 )?months)\b")
# "crept up over a couple of years", "more days for the past year": a rise over more than 3 months
# is not this flag (4.2 rf_progressive "Not this flag")
_RISE_OVER = re.compile(
    r"\b(?:crept|creeping|creep|got|getting|grown|grew|gone|going|increased|increasing|built|building|risen|rising|more)\b"
    r"(?: \w+){0,4}? (?:over|for|across|during|in) (?:the )?(?:last |past )?((?:a |couple of |a couple of |few |a few |several |many |\d+ |two |three |four |five |six |nine |twelve )?(?:years?|months?))\b"
)


# a worsening placed in the last weeks ("worse again these last two weeks") is recent whatever
# slower rise came before it
_RECENT_WORSE = re.compile(
    r"\b(?:worse|worsening|more|stronger|changed|different)\b(?: (?!but\b)\w+){0,4}? (?:lately|recently|this (?:week|month)"
    r"|(?:these|the) (?:last|past) (?:few |couple of |\d+ |two |three )?(?:days|weeks))\b"
)


def _slow_rise(flat: str) -> bool:
    for match in _RISE_OVER.finditer(flat):
        months = numbers.parse_months_present("for " + match.group(1))
        if months is not None and months > 3:
            return True
    return False


# "no change in the last 3 months": the question's own window, not how long the headaches have gone on
_QUESTION_WINDOW = re.compile(r"\b(?:in|over|during|for|within) the (?:last|past) (?:few |couple of |3 |three )?months?\b")


# a new part beside the usual headache ("the usual one is the same, only the cough pain is new"):
# a change in the pattern (4.2 rf_progressive: "a change in your usual headache")
_PAIN_PART = r"(?:pains?|aches?|headaches?|stabbing|stabs|throbbing|pressure|one|ones)"
_NEW_PART = re.compile(
    rf"\b{_PAIN_PART}\b(?: \w+){{0,4}}? (?:is|are|s|feels?) (?:completely |totally |quite |all |brand )?new\b"
    rf"|\bnew (?:kind of |type of |sort of )?{_PAIN_PART}\b"
)
_DENIED_BEFORE = re.compile(r"\b(?:not|no|nothing|nothings|never|isnt|arent|wasnt|werent)\b(?: \w+){0,2} ?$")


def _new_part(flat: str) -> bool:
    """A part of the headache said to be new, not denied just before ("nothing new", "not a new pain")."""
    return any(not _DENIED_BEFORE.search(flat[max(0, m.start() - 30):m.start()]) for m in _NEW_PART.finditer(flat))


# the answer's first clause says the headache has not changed ("No, it's the same as always.",
# "same as every year, ...", "Not in the last 3 months - ...", "Headaches are the same.")
_OPENS_UNCHANGED = re.compile(
    r"^\W*(?:\d+\W+)?(?:(?:no|nope|nah|naw|nae|not really|not lately|not recently)\b|(?:(?:its|it s|theyre|they re|headaches? (?:are|is)|the headaches? (?:are|is)|(?:its|it s|about|pretty much|much|exactly|just|all) )?(?:the )?same\b)"
    r"|(?:nothing|nothings|nothing s|no) (?:has )?(?:changed|change|different|new)\b|not in the (?:last|past)\b|unchanged\b)"
)
# after an answer that opened "unchanged", a later change is said plainly: "it's my wife who is
# worried, not the headache that has changed" denies it
_NEGATOR = re.compile(r"\b(?:not|no|never|nothing|isnt|hasnt|havent|arent|wasnt|didnt|doesnt|dont|neither|nor)\b")
_CLAUSES = re.compile(r"[.;!?,:\n]|\s-\s|\bbut\b")
# a clause that names the headache itself ("the headaches are getting worse", "the pain is new")
_NAMES_THE_HEADACHE = re.compile(r"\b(?:head\w*|migraines?|pains?|aches?|attacks?|episodes?)\b")


def _said_of_something_else(f: Findings, flat: str) -> bool:
    """After an answer that opens by saying the headache is unchanged, a worsening or a new thing
    counts only in a clause that names the headache ("it's my worrying that's got worse", "it ramps
    up with the deadlines, then calms", "the tingling started two months ago" are not this flag)."""
    if not _OPENS_UNCHANGED.match(flat):
        return False
    rest = [clause for clause in _CLAUSES.split(flat)[1:] if clause.strip()]
    headache_changed = any(
        _NAMES_THE_HEADACHE.search(clause) and (_WORSE.search(clause) or _new_part(clause))
        and not _NEGATOR.search(clause) and not _SAME.search(clause)
        for clause in rest
    )
    if not headache_changed:
        f.history -= {"progressive", "different_from_usual"}
        f.uncertain.discard("progressive")
    return headache_changed


def _progression(f: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    if f.months_present is not None and _QUESTION_WINDOW.search(flat):
        f.months_present = numbers.parse_months_present(_QUESTION_WINDOW.sub(" ", flat))
    if kind == "unknown":
        return UNKNOWN, True
    if _said_of_something_else(f, flat) and not f.has("different_from_usual"):
        f.history.add("progressive")  # "no, same. But the headaches come far more often these last weeks"
    slow_rise_only = _slow_rise(flat) and not _RECENT_WORSE.search(flat)
    if slow_rise_only and "progressive" in f.history and not f.has("different_from_usual"):
        # "creeping up slow over the past year, nothing different these last few months": the
        # worsening word read in this answer is dated over more than 3 months, with no recent change
        f.history.discard("progressive")
    if _new_part(flat):
        f.history.add("different_from_usual")
    if f.has("progressive") or f.has("different_from_usual"):
        return "worse", True
    # a yes said to the question, with a worsening beside a sameness ("yes ... more days than not
    # and stronger ... still the same tight feeling"): a yes to any part of it is a yes; without the
    # yes, "a bit more often since exams, exactly the same as always" stays the same (4.2 "Not this
    # flag": a small rise with an obvious trigger, the usual character kept), and so does a rise over
    # years
    if not _OPENS_UNCHANGED.match(flat) and not _slow_rise(flat) and not _THAN_LONG_AGO.search(flat) and _YES_SAID.search(flat):
        f.history.add("progressive")
        return "worse", True
    # "the same sort, just more days over the last year": the character unchanged, a slow rise
    # over more than 3 months is not this flag (4.2 rf_progressive, "Not this flag"); "not getting
    # any worse" denies the worsening word it contains
    if _OPENS_UNCHANGED.match(flat) or _SAME.search(flat) or _WORSE_DENIED.search(flat) or _NOT_LATELY.search(flat) or slow_rise_only or kind == "no":
        f.absent_history.add("progressive")
        return "same", True
    if _WORSE.search(flat) or kind == "yes":
        f.history.add("progressive")
        if re.search(r"\bwak(?:es|ing|e) me\b", flat):
            f.symptoms.add("wakes_from_sleep")
        return "worse", True
    return _unclear(kind)


def _doctor_seen(f: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    if kind == "unknown":
        return UNKNOWN, True
    if _NEVER_SEEN.search(flat) or kind == "no" or f.doctor_confirmed is False:
        f.doctor_confirmed = False
        return "no", True
    if _CLINICIAN.search(flat) or kind == "yes" or f.doctor_confirmed:
        f.doctor_confirmed = True
        if _NECK_CAUSE.search(flat):
            f.history.add("neck_problem_assessed")
        return "yes", True
    return _unclear(kind)


def _pregnancy(f: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    if kind == "unknown":
        f.uncertain.add("pregnant")
        return UNKNOWN, True
    baby = _BABY_AGE.search(numbers.normalize(flat))
    if (_POSTPARTUM.search(flat) or baby) and _NOT_ME.search(flat) and _OTHERS_BIRTH.search(flat):
        f.pregnant = False
        f.absent_history.add("postpartum")
        return "no", True
    if _POSTPARTUM.search(flat) or baby:
        ago = days_ago(flat)
        if baby:
            # "my son is 19 day old today": the birth was that long ago
            ago = int(baby.group(1)) * {"day": 1, "week": 7, "month": 30}[baby.group(2)]
        if ago is None or ago <= POSTPARTUM_DAYS:
            f.history.add("postpartum")
            return "postpartum", True
        f.pregnant = False  # a birth months ago: outside the 6 weeks the question asks about
        return "no", True
    if f.pregnancy_weeks is None and not _NOT_PREGNANT.search(flat):
        # in answer to this question, "34 weeks", "the 34th week" or "6 months" is how far along
        # the pregnancy is
        f.pregnancy_weeks = numbers.pregnancy_weeks_answered(flat)
    if f.pregnancy_weeks is not None or (_PREGNANT.search(flat) and not _NOT_PREGNANT.search(flat)) or kind == "yes":
        f.pregnant = True
        f.contraindications.add("ci_pregnancy")
        return "pregnant", True
    if _NOT_PREGNANT.search(flat) or kind == "no":
        f.pregnant = False
        f.absent_history.add("postpartum")  # the question asks both: pregnant, or a birth in 6 weeks
        return "no", True
    return _unclear(kind)


def _flag_check(f: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    """Yes, no or not sure to the direct question about one warning sign (``Findings.to_confirm``):
    the caller applies it to the sign asked (``confirm_sign``)."""
    if kind == "unknown":
        return UNKNOWN, True
    if kind in ("yes", "no"):
        return kind, True
    return _unclear(kind)


def confirm_sign(f: Findings, answer: Any) -> Findings:
    """Apply a flag_check answer to the sign asked: yes counts, not sure counts (4.3), no denies."""
    sign = f.sign_to_confirm()
    if sign is None:
        return f
    {"yes": f.symptoms, "no": f.absent_symptoms}.get(answer, f.uncertain).add(sign)
    f.to_confirm.discard(sign)
    return f


def _other_conditions(f: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    """The general reader finds the conditions named (cancer, HIV, blood thinners...); the ones not
    named are denied by the answer to a question that listed them."""
    named = f.history & BACKGROUND_CONDITIONS
    if kind == "unknown" and not named:
        return UNKNOWN, True
    if named or kind in ("no", "yes") or f.history or f.contraindications or _ANY_CONDITION.search(flat):
        f.absent_history |= BACKGROUND_CONDITIONS - f.history
        return sorted(named) or ["none"], True
    return _unclear(kind)


_ANY_CONDITION = re.compile(
    r"\b(?:blood pressures?|bp|diabet\w*|asthma|thyroid|statins?|tablets|pills|medication|medicines?|condition|"
    r"nothing|none|healthy|fit and well|no other"
    # a medicine named by its class ending (ramipril, losartan, bisoprolol, atorvastatin, amlodipine,
    # metformin, omeprazole, sertraline...), or "I'm on / I take" something
    r"|\w+(?:pril|sartan|olol|statin|dipine|formin|prazole|oxetine|aline|pram|triptyline|thyroxine|zepam)"
    r"|(?:im|i am|hes|shes|he is|she is) on \w+|i (?:take|use) \w+|taking \w+)\b"
)


ANSWERS: Dict[str, Callable[[Findings, str, Optional[str]], Tuple[Any, bool]]] = {
    "headache_history": _headache_history,
    "aura_history": _aura_history,
    "attack_history": _attack_history,
    "progression": _progression,
    "doctor_seen": _doctor_seen,
    "pregnancy": _pregnancy,
    "other_conditions": _other_conditions,
    "flag_check": _flag_check,
}


def answer(slot: str, findings: Findings, flat: str, kind: Optional[str]) -> Tuple[Any, bool]:
    """(slot value, understood) for a follow-up answer; fills ``findings`` with what it says."""
    return ANSWERS[slot](findings, flat, kind)
