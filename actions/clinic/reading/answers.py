"""Answers: the reply to one consultation question read into the slot value the dialogue stores.

``parse_answer(slot, text)`` reads the message as the answer to the question asked: a list of
symptoms, a number, "none", "not sure", a yes or no, with the question's own parser (follow-up
questions in ``followups``); ``is_yes`` reads a bare yes.
"""
from __future__ import annotations

import copy
import datetime as _dt
import functools
import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Tuple

from ..findings import UNKNOWN, Findings
from ..kb import load_knowledge
from . import followups, numbers
from .phrases import BRIGHT_THINGS, LOUD_THINGS, find_matches
from .lexicon import NONE, RED_FLAG_HISTORY, RED_FLAG_SYMPTOMS, SCREEN_ITEMS, cue_words
from .scan import (
    MEDICATION_DAY_FIELDS, READINGS_KEPT, analyse, clause_around, one_occasion, onset_after, placed_long_ago, stronger_than_usual,
)
from .text import FlatText
from .tokens import phrase_words, tokenize

@dataclass
class SlotAnswer:
    """The value for one consultation slot, everything else the text said, and whether it parsed."""

    value: Any
    findings: Findings
    understood: bool


_NONE_ANSWER = re.compile(
    r"^(?:no+|nope|nah|none|nothing|neither|not really|no not really|none of (?:those|them|these|the above|that)|no to all|nothing like that"
    r"|nothing else|no other symptoms|no symptoms|none at all|not at all|never|no never|no none|all no|no to all of them|no none of them"
    r"|just the (?:headache|pain)|only the (?:headache|pain)|just (?:a |the )?headache|nothing in particular|no triggers?|nothing specific"
    r"|no pattern|random|randomly|out of the blue|no idea what triggers it|i dont take (?:any|anything)|none of the above|all good|no i dont|no i havent|no i have not"
    r"|no i dont think so|none that i know of|no nothing)(?: (?:really|at all|thanks|thank you|i think))?$"
)


# "i do" / "i have" open a yes only when no denial follows ("i do not", "i have none of those").
_YES_ANSWER = re.compile(
    r"^(?:yes|yeah|yep|yup|y|ya|yah|sure|correct|affirmative|i do\b(?! not\b| nt\b)|i have\b(?! (?:not|none|no|never|nothing)\b)"
    r"|some of them|one of them|a few|some|afraid so|yes i do|yes i have|yes some)\b"
)


# A denial of everything the question listed, in any wording made only of the words below: a
# denial word, a word that points back at the list ("any of them", "those", "the above") or a
# strong denial ("none", "nothing", "never"), and otherwise only words that carry no content
# ("i don't have any of them", "haven't had any of those symptoms", "none of that applies to me").
# Anything else ("not sure", "no idea", "one of them", "not all of them", "i don't feel well")
# is not a denial: an unclear answer stays unclear (uncertainty never lowers a level, 4.3).
_DENIAL_WORDS = frozenset(
    {"no", "nope", "nah", "naw", "none", "nothing", "nothin", "nada", "neither", "nor", "never", "not",
     "dont", "doesnt", "didnt", "havent", "hasnt", "hadnt", "aint", "isnt", "arent", "wasnt", "werent",
     "nil", "zero", "negative"}
)


_STRONG_DENIAL_WORDS = frozenset(
    {"no", "nope", "nah", "naw", "none", "nothing", "nothin", "nada", "neither", "nor", "never", "nil", "zero", "negative"}
)


_LIST_WORDS = frozenset(
    {"any", "anything", "them", "those", "these", "that", "thats", "this", "above", "list", "listed",
     "things", "thing", "symptoms", "symptom", "signs", "sign", "ones", "stuff", "such", "either",
     "whatsoever", "mentioned", "described"}
)


_PLAIN_ANSWER_WORDS = frozenset(
    {"i", "im", "ive", "me", "my", "we", "have", "had", "has", "got", "get", "gotten", "getting",
     "experienced", "experience", "experiencing", "noticed", "notice", "suffered", "suffer", "seen",
     "am", "is", "are", "was", "were", "be", "been", "do", "did", "does", "to", "at", "for", "a", "an",
     "of", "the", "like", "sort", "kind", "type", "apply", "applies", "applied", "applicable", "on",
     "from", "about", "asked", "really", "honestly", "actually", "thankfully", "luckily", "fortunately",
     "happily", "um", "uh", "erm", "er", "hmm", "so", "ok", "okay", "fine", "thanks", "thank", "you",
     "sorry", "currently", "recently", "ever", "lately", "definitely", "certainly", "absolutely",
     "course", "think", "believe", "guess", "suppose", "reckon", "sir", "maam", "doc", "doctor", "hey",
     "oh", "ah", "too", "or", "and", "totally", "completely", "with", "theres", "there", "it", "any"}
)


# "not all of them" / "haven't had every one" is a partial yes, never a denial of all.
_PARTIAL = re.compile(r"\b(?:not|dont|doesnt|didnt|havent|hasnt|hadnt|never|isnt|arent)\b(?: \w+){0,3}? (?:all|every|everything|both|each)\b")


_ALL_DENIED = re.compile(
    r"\b(?:(?:no|none|nope|nah|nothing|negative) (?:to|for|on) (?:all|every|everything|both|each|any)"
    r"(?: (?:one|of them|of those|of these|of that|of the above|the questions?|questions?|things|the things))?"
    r"|at all|all (?:no|negative|clear)|not (?:a single|even one|one)(?: one)?)\b"
)


_BARE_DENIAL = re.compile(
    r"^(?:(?:i|we) (?:do not|dont|have not|havent|did not|didnt|had not|hadnt|never have|never did)(?: had| got| have)?"
    r"|(?:absolutely|definitely|certainly|of course|surely|thankfully|luckily|fortunately|honestly|really|happily) not)$"
)


def _denies_all(clean: str) -> bool:
    """ "i don't have any of them": a denial of every listed item (see ``_DENIAL_WORDS``)."""
    if not clean:
        return False
    if _BARE_DENIAL.match(clean):
        return True
    text = _ALL_DENIED.sub(" none ", clean)
    if _PARTIAL.search(text):
        return False
    words = text.split()
    if not any(w in _DENIAL_WORDS for w in words):
        return False
    if not any(w in _STRONG_DENIAL_WORDS or w in _LIST_WORDS for w in words):
        return False  # "i don't get it" is not an answer
    return all(w in _DENIAL_WORDS or w in _LIST_WORDS or w in _PLAIN_ANSWER_WORDS for w in words)


# Laughter and fillers before an answer ("lol no", "haha yes", "erm not sure") carry no answer.
_LEADING_FILLERS = frozenset({"lol", "lmao", "haha", "hahaha", "ha", "hah", "hehe", "omg", "um", "umm", "erm", "er", "uh",
                              "hmm", "hm", "well", "oh", "ah", "tbh", "honestly", "ok", "okay", "so",
                              # exclamations before the answer: "Goodness, no." "Gosh yes"
                              "goodness", "gosh", "golly", "heavens", "blimey", "crikey", "wow", "lord", "jeez", "geez"})


def _clean(text: str) -> str:
    words = [w for w, _, _ in tokenize(text) if w not in {",", ".", "!", "?", ";", ":", "-", "\n"}]
    while len(words) > 1 and words[0] in _LEADING_FILLERS:
        words = words[1:]
    return " ".join(words)


def _hedge_kind(text: str) -> Optional[str]:
    """ "no"/"unknown"/"yes" when the whole answer is a hedge ("not that i know of", "dunno")."""
    clean = _clean(text)
    cues = cue_words()
    for kind, key in (("no", "hedge_no"), ("unknown", "hedge_unknown"), ("yes", "hedge_yes")):
        phrases = sorted((" ".join(phrase_words(p)) for p in cues[key]), key=len, reverse=True)
        for phrase in phrases:
            if phrase and (clean == phrase or clean.startswith(phrase + " ") and len(clean.split()) <= len(phrase.split()) + 3):
                return kind
    return None


# (the "no" of the languages people mix into their English: non, nein, nie, nee, nej, ne)
_NONE_FIRST_WORDS = frozenset({"no", "nope", "nah", "none", "nothing", "nada", "neither", "never", "nothin",
                               "non", "nein", "nie", "nee", "nej", "ne"})


def _is_none_answer(text: str) -> bool:
    """A denial as the whole answer ("nope, just the headache"); callers check for items first."""
    kind = _hedge_kind(text)
    if kind in {"unknown", "yes"}:  # "no idea" is not a no (uncertainty never lowers a level)
        return False
    clean = _clean(text)
    if _CORRECTED_TO_YES.match(clean):
        return False  # "Ne, yes.", "no wait, yes": the word after it corrects the first
    first = clean.split()[0] if clean else ""
    return bool(_NONE_ANSWER.match(clean)) or kind == "no" or first in _NONE_FIRST_WORDS or _denies_all(clean)


_CORRECTED_TO_YES = re.compile(r"^\S+\W*\s+(?:i mean |sorry |wait |oops |actually |well )?(?:yes|yeah|yep|yup)\b")


# "Can't say I've had any of them, no": to the screen's list, a bare no set off at the end (after
# a hedge that was not a "don't know") closes the answer as a denial. Only there: to a yes/no
# follow-up ("does the rash fade when pressed?") a trailing no can be the dangerous answer.
_TRAILING_NO = re.compile(r"[,.;:!\-\u2013\u2014]\s*(?:no|nope|nah|none|negative)\W*$", re.I)


def is_yes(text: str) -> bool:
    """The whole message is a yes ("yes", "yeah sure", "yes please start over")."""
    return _whole_answer_kind(text) == "yes"


# "For a hangover? No.", "Me? Never.": a short question back, then the answer to the one asked
_QUESTION_BACK_FIRST = re.compile(r"^\s*[^?.!\n]{1,40}\?\s+(?=\S)")


def _whole_answer_kind(text: str) -> Optional[str]:
    """ "unknown", "no" or "yes" when the whole answer is one of those, else None."""
    asked_back = _QUESTION_BACK_FIRST.match(text)
    if asked_back and len(asked_back.group(0).split()) <= 6:
        after = _whole_answer_kind(text[asked_back.end():])
        if after:
            return after
    kind = _hedge_kind(text)
    if kind == "unknown":
        return kind
    if _is_none_answer(text):
        return "no"
    return "yes" if kind == "yes" or _YES_ANSWER.match(_clean(text)) else None


def _denied(parsed: FlatText, entity: str) -> bool:
    """Some item of the list was named only to deny it ("not the usual period and wine stuff")."""
    return any(i in parsed.negated for i, m in enumerate(parsed.matches) if m.entity == entity)


def _list_answer(ids: Iterable[str], text: str, allow_none: bool, denied: bool = False) -> Tuple[Any, bool]:
    found = sorted(set(ids))
    if found:
        return found, True
    # "No sickness, light doesn't bother me": every item named is denied, so none of them
    if allow_none and (denied or _is_none_answer(text)):
        return [NONE], True
    if _hedge_kind(text) in {"unknown", "yes"}:
        return [UNKNOWN], True
    return [UNKNOWN], False


# Read as the answer to "where do you feel it?": the whole head said without "of" ("all the head",
# "whole the head"), and the regions of the head named bare, as a place on the head the question
# is about ("front and sides", "more at the front", "the back mostly"; not "in front of the
# screen", "my lower back", "the side of my neck")
_NOT_THE_HEAD = r"(?! of (?!(?:my|the|his|her) (?:head|skull)))"
# the sides of the head, not one side that changes ("it switches sides", "swaps sides")
_BARE_SIDES = r"(?<!switch )(?<!switches )(?<!switched )(?<!swap )(?<!swaps )(?<!swapped )(?<!change )(?<!changes )(?<!changed )(?<!alternates )(?<!alternate )(?<!different )(?<!other )\bsides\b"
_REGION_ANSWERS = (
    (re.compile(r"\b(?:all|whole|entire)(?: of)?(?: the| my| his| her)? (?:head|skull)\b"), "whole_head"),
    (re.compile(rf"(?<!up )(?<!in )\bfront\b{_NOT_THE_HEAD}(?! (?:door|desk|seat|garden|room))|\bin front\b(?! of)"), "forehead"),
    (re.compile(rf"(?<!both ){_BARE_SIDES}{_NOT_THE_HEAD}"), "temples"),
    (re.compile(rf"(?:\bboth )?{_BARE_SIDES}{_NOT_THE_HEAD}"), "both_sides"),
    (re.compile(rf"(?<!my )(?<!lower )(?<!upper )(?<!his )(?<!her )(?<!come )(?<!came )(?<!is )(?<!its )\bback\b{_NOT_THE_HEAD}(?! (?:pain|ache|again|home|then|up|down))"), "back_of_head"),
)


# the speaker correcting what they just said: "Both sides - no, hang on, it's the right"
_SELF_CORRECTION = re.compile(r"(?:^|[,.;:!\-\u2013\u2014]\s*|\s)(?:no,? )?(?:hang on|wait|sorry|i mean|actually|scratch that|correction)\b")
_SIDES = frozenset({"one_side", "both_sides"})


def _sidedness_said(flat: str) -> set:
    words = set(flat.split())
    sides = {m.cid for m in find_matches(flat.split(), ["pain_location"])} & _SIDES
    if not sides and words & {"left", "right"} and "both" not in words:
        sides.add("one_side")
    if not sides and "both" in words:
        sides.add("both_sides")
    return sides


def _answer_locations(findings: Findings, parsed: FlatText, text: str) -> Tuple[Any, bool]:
    ids = set(findings.locations)
    body = {m.cid for m in parsed.matches if m.entity in {"body_part", "origin"}}
    ids |= {location for pattern, location in _REGION_ANSWERS if pattern.search(parsed.flat)}
    if not ids - _SIDES:
        if "neck" in body:
            ids.add("neck_to_head")
        if "eye" in body or "eyes" in body:
            ids.add("behind_eye")
    corrections = list(_SELF_CORRECTION.finditer(parsed.flat))
    corrected = _sidedness_said(parsed.flat[corrections[-1].end():]) if corrections else set()
    ids = (ids - _SIDES) | corrected if corrected else ids | (set() if ids & _SIDES else _sidedness_said(parsed.flat))
    # what the answer names is recorded as where the pain is (the form puts it in place of what was
    # inferred before, REPLACED_BY_ANSWER)
    findings.locations |= ids
    return _list_answer(ids, text, allow_none=False)


def _answer_severity(text: str) -> Tuple[Any, bool]:
    value = numbers.parse_severity(text, bare=True, words=True)
    return (value, True) if value is not None else _unknown_scalar(text)


def _unknown_scalar(text: str) -> Tuple[Any, bool]:
    return UNKNOWN, _hedge_kind(text) in {"unknown", "yes"}


def _answer_duration(text: str, findings: Findings) -> Tuple[Any, bool]:
    value = numbers.parse_duration(text)
    if value is None:
        bare = numbers.first_number(text, lambda v: 0 < v <= 72)
        value = bare * 60 if bare is not None and not re.search(r"[a-z]{3,}", numbers.normalize(text).replace("about", "").replace("around", "")) else None
    if value is None:
        return _unknown_scalar(text)
    if value == numbers.CONTINUOUS:
        findings.continuous = True
        findings.duration_minutes = None
    else:
        findings.duration_minutes = float(value)
        findings.continuous = False if findings.continuous is None else findings.continuous
    return value, True


# In answer to "on how many days a month?", "10 days" or "around 10 days this month" is the count.
_DAYS_ANSWER = re.compile(rf"(?<![\d.])({numbers.NUM})(?:\s*(?:-|to)\s*({numbers.NUM}))?\s*(?:days?|times?)\b(?!\s*(?:a|per|each|every|in a) (?:week|wk))")


# a self-correction: what follows it is the answer ("about ten a month. No, be honest, more like
# twenty"; "twice a week - actually no, some weeks only once")
_CORRECTION = re.compile(r"(?:[.,;!?\-]\s*)(?:no|nope|actually|i mean|sorry|wait|scratch that|or rather|make that)\b[,]?\s", re.I)


def _corrected_days(text: str) -> Optional[float]:
    """Days a month said after the last self-correction that is followed by a number."""
    for mark in reversed([m for m in _CORRECTION.finditer(text) if m.start() > 0]):
        tail = text[mark.end():]
        days = numbers.parse_frequency(tail)
        if days is None:
            said = _DAYS_ANSWER.search(numbers.normalize(tail))
            days = (float(said.group(1)) + float(said.group(2) or said.group(1))) / 2 if said else numbers.first_number(tail, lambda v: 0 < v <= 31)
        if days is not None:
            return float(days)
    return None


def _answer_frequency(text: str, findings: Findings) -> Tuple[Any, bool]:
    corrected = _corrected_days(text)
    if corrected is not None:
        findings.days_per_month, findings.days_estimated = corrected, False
        return corrected, True
    value = numbers.parse_frequency(text)
    if value is None:
        days = _DAYS_ANSWER.search(numbers.normalize(text))
        if days and float(days.group(1)) <= 31:
            value = (float(days.group(1)) + float(days.group(2) or days.group(1))) / 2
    if value is None:
        bare = numbers.first_number(text, lambda v: 0 <= v <= 31)
        only_number = bare is not None and not re.search(r"[a-z]{4,}", numbers.normalize(text).replace("about", "").replace("around", ""))
        value = bare if only_number else None
    if value is None:
        return _unknown_scalar(text)
    findings.days_per_month = float(value)
    findings.days_estimated = False  # the answer to the question, whatever its words
    per_day = numbers.parse_attacks_per_day(text)
    if per_day:
        findings.attacks_per_day = per_day
    return float(value), True


def _answer_onset(findings: Findings, text: str) -> Tuple[Any, bool]:
    if findings.onset:
        return findings.onset, True
    if "worse_on_waking" in findings.symptoms and "wakes_from_sleep" not in findings.symptoms:
        # "it was there when I woke up": no abrupt start was lived through (a thunderclap in sleep
        # wakes the sleeper, which is asked as "it woke me up" and stays unknown)
        findings.onset = "gradual"
        return "gradual", True
    minutes = numbers.parse_duration(text)
    if isinstance(minutes, float):
        onset = onset_after(minutes)
        findings.onset = onset
        return onset, True
    return _unknown_scalar(text)


# "Only the zigzags I always get ... nothing else on that list": everything not named is denied
_REST_DENIED = re.compile(
    r"\b(?:nothing else|none of the (?:others?|rest|other ones)|no to the rest|otherwise (?:no|none|nothing)"
    # "once I felt a bit sick, usually nothing": what the attacks usually have is nothing
    r"|(?:usually|normally|mostly|generally|typically|most times|most of the time|the rest of the time) (?:its |it is |theres |there is )?(?:no|none|nothing)\b"
    r"|nothing (?:else )?(?:on|from|in) (?:that|the|your|this) list|none of (?:that|this|those|these|them|the above)"
    r"|nothing like that|not the others?|(?:none|nothing) (?:of|from) the other (?:things|stuff|ones)"
    # "only a tingling in the thumb ... the rest no", "others no"
    r"|(?:the )?(?:rest|others?|other ones|other things)(?: of (?:them|those|it|the list))?(?: (?:is|are))? (?:no|none|not|nope|negative|fine|ok|okay|clear)"
    # "I asked him, he says no to all of those. He did ...": the list denied inside a longer answer
    r"|(?:no|none|nope|nah|nothing|negative) (?:to|for|on) (?:all|every|each|any|everything)(?: (?:one|else|of them|of those|of these|of that|of the above|of it|the list))?)\b"
)


def _answer_red_flags(findings: Findings, text: str, flat: str) -> Tuple[Any, bool]:
    present = (findings.symptoms & RED_FLAG_SYMPTOMS) | (findings.history & RED_FLAG_HISTORY)
    uncertain = findings.uncertain & (RED_FLAG_SYMPTOMS | RED_FLAG_HISTORY)
    if findings.onset == "sudden_peak_lt_1m" and "worst_ever" not in findings.absent_symptoms:
        uncertain.add("worst_ever")
        findings.uncertain.add("worst_ever")
    if present or uncertain:
        return sorted(present | uncertain), True
    kind = _hedge_kind(text)
    # a bare "no" set off at the end does not deny a sign site the reader could not name ("my right
    # hand is strange since this morning, no"): that answer is asked again below; the rest denied
    # in words ("nothing else on that list") is a denial of everything not named
    trailing_no = kind is None and _TRAILING_NO.search(text) and not _unread_sign_site(flat)
    if _is_none_answer(text) or _REST_DENIED.search(_clean(text)) or trailing_no:
        findings.red_flag_screen_negative = True
        return [NONE], True
    clean = _clean(text)
    if kind in {"unknown", "yes"} or _YES_ANSWER.match(clean):
        findings.uncertain |= SCREEN_ITEMS
        return [UNKNOWN], True
    # No sign named (or hedged), nothing unsure, and a word that says no ("Mai mee ka, no. I don't
    # have these."; "naw, nane o that"; "nothing of the other things"): a denial, in any wording
    says_no = _SAYS_NO.search(clean) and not _NOT_A_DENIAL.search(clean) and not _unread_sign_site(flat)
    if findings.absent_symptoms or findings.absent_history or says_no:
        findings.red_flag_screen_negative = True
        return [NONE], True
    return [UNKNOWN], False


# a "no" word that does not deny the list: only part of it ("not all of them"), feeling unwell
# ("I don't feel right"), not following the question, not having looked
_NOT_A_DENIAL = re.compile(
    r"\ball (?:of )?(?:them|those|these|that)\b|\bnot (?:all|every|each)\b"
    r"|\b(?:dont|don t|do not|didnt|not) (?:\w+ )?(?:feel|feeling|get it|understand|follow|know|sure)\b"
    r"|\b(?:havent|haven t|have not|didnt|didn t|did not|not) (?:\w+ )?(?:checked|looked|measured|taken|tested)\b"
)
# A clause about a body part or an event the screen asks about, with no word that denies it or
# calls it fine ("the right eye is sore and looks a bit pink", "my right hand is strange since this
# morning", "hit back of head on the pavement"): the reader missed a sign, so the "no" elsewhere in
# the answer ("not really", "it never happened before") does not deny the list; asked again.
_SIGN_SITE = re.compile(
    r"\b(?:arms?|hands?|fingers?|legs?|feet|foot|face|mouth|lips?|tongue|eyes?|vision|sight|seeing|speech|speak\w*"
    r"|talk\w*|words|head|skull|neck|rash|spots|temperature|fever|fits?|seizure|faint\w*|fell|fall|falling|hit|bang\w*"
    r"|knock\w*|bump\w*|numb\w*|weak\w*|tingl\w*|confus\w*|dizz\w*|swell\w*|swollen|pregnan\w*|birth|baby)\b"
)
_SITE_DENIED = re.compile(
    r"\b(?:no|not|nae|nane|none|nothing|never|fine|normal|normally|ok|okay|good|well|alright|clear|unaffected|unchanged|intact|perfect|grand|nope|nah|naw|dont|don t"
    r"|didnt|didn t|doesnt|doesn t|does not|havent|haven t|hasnt|isnt|wasnt|arent|werent|wont|cant|couldnt|wouldnt"
    r"|without|nor|neither|\w+nae|canna)\b"
)


def _unread_sign_site(flat: str) -> bool:
    """A clause naming a sign site with no denial, where the reader found nothing it could name
    (a clause the reader did read, "the zigzags in my eyes yes", or one placed long ago, "I banged
    my head years ago", is no missed sign)."""
    clauses = re.split(r"[,.;:!?\n]+|\bbut\b|\band\b", flat)
    # a bare noun phrase shares what the next clause says of it ("my vision and speech are unaffected")
    said_of = [
        f"{clause} {clauses[i + 1]}" if len(clause.split()) <= _BARE_PHRASE_WORDS and i + 1 < len(clauses) else clause
        for i, clause in enumerate(clauses)
    ]
    return any(
        _SIGN_SITE.search(clause) and not _SITE_DENIED.search(said) and not placed_long_ago(clause)
        and not _read_something(analyse(clause)[0])
        for clause, said in zip(clauses, said_of)
    )


_BARE_PHRASE_WORDS = 3


def _read_something(findings: Findings) -> bool:
    return bool(findings.symptoms or findings.history or findings.onset)


_SAYS_NO = re.compile(
    r"\b(?:no|nope|nah|naw|nae|nane|none|nothing|neither|nor|never|negative|not|dont|don t|do not|havent|haven t|have not"
    r"|hasnt|hasn t|didnt|didn t|did not|aint|nein|non|nee|nej|nie)\b"
)


# "ibuprofen twice", "a couple of times", "hardly any": a count in words, or a rare use (1 day)
_TIMES_WORDS = ((re.compile(r"\bonce\b(?! (?:it|the|i|a|that|its|in a while)\b)"), 1.0), (re.compile(r"\btwice\b"), 2.0),
                (re.compile(r"\bthrice\b"), 3.0), (re.compile(r"\ba couple(?: of)?(?: times| days| tablets)?\b"), 2.0),
                (re.compile(r"\ba few (?:times|days|tablets)\b"), 3.0),
                (re.compile(r"\b(?:hardly|barely|almost never|seldom|rarely|very rarely|the odd (?:one|tablet|pill|day))\b"), 1.0))


def _times_said(flat: str) -> Optional[float]:
    for pattern, days in _TIMES_WORDS:
        if pattern.search(flat):
            return days
    return None


def _answer_medication(findings: Findings, parsed: FlatText, text: str) -> Tuple[Any, bool]:
    days = [d for d in (findings.simple_analgesic_days, findings.specialist_med_days) if d is not None]
    if days:
        return min(30.0, sum(days)), True
    text = numbers.without_non_medicines(text)
    if not re.search(r"\w", text):
        return 0.0, True  # only oxygen named: no medicine days
    value = numbers.parse_frequency(text)
    if value is None:
        value = numbers.first_number(text, lambda v: 0 <= v <= 31)
    if value is None:
        value = _times_said(parsed.flat)
    if value is not None:
        # "eighteen days a month ... co-codamol and ibuprofen mainly. For over a year": the count
        # answers the question for the medicines named anywhere in the answer (painkillers when
        # none is named), and how long it has been so counts towards overuse (3.3 STEP 2)
        named = {MEDICATION_DAY_FIELDS[m.cid] for i, m in enumerate(parsed.matches)
                 if m.entity == "medication" and i not in parsed.negated}
        for field in named or {"simple_analgesic_days"}:
            setattr(findings, field, float(value))
        months = numbers.parse_months_present(numbers.normalize(text))
        if months is not None and findings.meds_months is None:
            findings.meds_months = months
        return float(value), True
    if _is_none_answer(text) or re.search(r"\b(?:dont|do not|never|rarely) (?:take|use|bother)\b|\bno (?:painkillers|tablets|pills|medication|meds)\b", parsed.flat):
        return 0.0, True
    return _unknown_scalar(text)


# An answer that opens with a number gives the age first ("52. Feels more like 72 at 4am").
_LEADING_AGE = re.compile(r"^\s*(?:i'?m |i am |im |aged? )?(\d{1,3})(?![\d]|\.\d|\s*(?:%|/|kg|lbs?|cm|days?|weeks?|months?|times?|x)\b)")


def _answer_age(text: str, findings: Findings) -> Tuple[Any, bool]:
    leading = _LEADING_AGE.match(text.lower())
    age = numbers.parse_age(leading.group(1), bare=True) if leading else None
    if age is None:
        age = numbers.parse_age(text.strip().rstrip(".!?,;"), bare=True)
    if age is None:
        return _unknown_scalar(text)
    findings.age = age
    return age, True


def parse_answer(slot: str, text: str) -> SlotAnswer:
    """Parse the answer to one consultation question into the slot's value format.

    An answer is read several times per turn (the safety verdict, the dialogue's checks, the
    form): the readings of the last few answers are kept (see `scan.READINGS_KEPT`; a reading
    depends on the question, the text and today's date) and each caller gets its own copy."""
    value, findings, understood = _answer(slot, text or "", _dt.date.today())
    return SlotAnswer(copy.deepcopy(value), Findings.from_dict(findings), understood)


@functools.lru_cache(maxsize=READINGS_KEPT)
def _answer(slot: str, text: str, today: _dt.date) -> Tuple[Any, dict, bool]:
    findings, parsed = analyse(text, answer_slot=slot)
    value, understood = _slot_value(slot, findings, parsed, text)
    if (value == UNKNOWN or value == [UNKNOWN]) and understood:
        findings.unknown_answers.add(slot)
        # A question that screens for one warning sign ("how did it start?" for a sudden worst-ever
        # headache) left unclear ("I don't know", "it's there when I wake"): that sign is asked as a
        # plain yes/no (flag_check) before it counts, so the answer decides, not the assumption (4.3).
        sign = load_knowledge().unclear_sign(slot)
        if sign and sign not in findings.absent_symptoms:
            findings.to_confirm.add(sign)
    return value, findings.to_dict(), understood




_NOT = r"(?:not|never|isnt|arent|wasnt|no|nor|hardly ever)"
_DOES_NOT = r"(?:doesnt|does not|dont|do not|didnt|never|isnt|hardly|rarely|wont)"
# To "anything else with it, such as feeling sick, sensitivity to light or sound?": "sick" is
# the nausea the question named, and a denial of the light or the noise is an answer.
_SICK_DENIED = re.compile(rf"\b{_NOT} (?:\w+ )?sick\b|\b{_DOES_NOT} (?:\w+ ){{0,2}}?(?:get|feel|felt|go|turn) (?:\w+ )?sick\b")
_SICK = re.compile(r"\b(?:sick|bilious|queasy)\b(?! (?:of|and tired|leave|note|day|days|pay))")
_SENSE_DENIED = {
    "light_sensitivity": re.compile(rf"\b(?:{BRIGHT_THINGS})\b(?: \w+){{0,2}}? {_DOES_NOT} (?:\w+ ){{0,3}}(?:bother|bug|trouble|affect|hurt|matter)"
                                    r"|\bnothing (?:with|about) (?:the )?(?:light|lights)\b"),
    "sound_sensitivity": re.compile(rf"\b(?:{LOUD_THINGS})\b(?: \w+){{0,2}}? {_DOES_NOT} (?:\w+ ){{0,3}}(?:bother|bug|trouble|affect|hurt|matter)"
                                    r"|\b(?:noise|sound)s? (?:is|are) (?:fine|ok|okay|alright|no problem)\b"
                                    r"|\bnothing (?:with|about) (?:the )?(?:light|lights) (?:or|and) (?:sound|sounds|noise)\b"),
}


def _read_as_the_symptom_question(flat: str, findings: Findings) -> None:
    """Words that answer the associated-symptoms question as it was asked (see above)."""
    if "nausea" not in findings.symptoms | findings.absent_symptoms:
        if _SICK_DENIED.search(flat):
            findings.absent_symptoms.add("nausea")
        else:
            sick = _SICK.search(flat)
            if sick and not one_occasion(clause_around(flat, sick.start())):
                findings.symptoms.add("nausea")  # (sick "the once", with one attack only: not a feature)
    for symptom, denied in _SENSE_DENIED.items():
        if symptom not in findings.symptoms and denied.search(flat):
            findings.absent_symptoms.add(symptom)


def _head_places_only(findings: Findings) -> bool:
    """The answer names places on the head and nothing in the neck or shoulders."""
    neck = findings.symptoms & {"neck_pain", "stiff_neck", "reduced_neck_movement", "aching_shoulders"}
    return bool(findings.locations) and "neck_to_head" not in findings.locations and not neck


_HEAD_ITSELF = re.compile(
    r"\b(?:somewhere else|(?:just|only|inside|in) (?:my |the )?head|inside|from (?:my |the )?head|in my brain"
    r"|(?:top|crown|front|middle|centre|center|inside) of (?:my |the )?head)\b"
)


# What "Do you get anything else with it, such as feeling sick, sensitivity to light or sound, zigzag
# lines, or a watering eye?" and its buttons name
SYMPTOMS_THE_QUESTION_NAMES = frozenset(
    {"nausea", "light_sensitivity", "sound_sensitivity", "aura_visual", "tearing_same_side", "runny_blocked_nose_same_side"}
)


def _denies_the_list(text: str, findings: Findings) -> bool:
    """A no to the whole list ("nothing", "no, I don't get sick", "none of those"); one thing denied
    alone ("noise doesn't bother me") denies that thing, and leaves the others unknown."""
    return not findings.absent_symptoms or _is_none_answer(text) or bool(_REST_DENIED.search(_clean(text)) or _TRAILING_NO.search(text))


def _slot_value(slot: str, findings: Findings, parsed: FlatText, text: str) -> Tuple[Any, bool]:
    if slot == "pain_location":
        return _answer_locations(findings, parsed, text)
    if slot == "pain_quality":
        return _list_answer(findings.qualities, text, allow_none=False)
    if slot == "severity":
        value, ok = _answer_severity(text)
        if isinstance(value, int):
            findings.intensity = value
            stronger_than_usual(findings, parsed)
        return value, ok
    if slot == "duration":
        return _answer_duration(text, findings)
    if slot == "frequency":
        return _answer_frequency(text, findings)
    if slot == "onset":
        return _answer_onset(findings, text)
    if slot == "associated_symptoms":
        _read_as_the_symptom_question(parsed.flat, findings)
        value, ok = _list_answer(findings.symptoms | findings.uncertain, text, allow_none=True,
                                 denied=bool(findings.absent_symptoms) or bool(_REST_DENIED.search(_clean(text))))
        if value == [NONE] and _denies_the_list(text, findings):
            # "nothing else": no to each thing the question names (a watering eye among them,
            # which tells a known cluster bout from a thunderclap, 4.2)
            findings.absent_symptoms |= SYMPTOMS_THE_QUESTION_NAMES - findings.symptoms
        return value, ok
    if slot == "triggers":
        # exertion named without when the headache starts stays in the answer (its start is asked)
        return _list_answer(findings.triggers | findings.aggravated_by | parsed.exertion_unplaced, text, allow_none=True,
                            denied=_denied(parsed, "trigger"))
    if slot == "origin":
        if not findings.origins and (_HEAD_ITSELF.search(parsed.flat) or _head_places_only(findings)):
            # "somewhere else, inside my head" or "the back of my head, not my shoulders": a place
            # on the head itself answers where it comes from (the button "Just my head")
            findings.origins.add("head")
        return _list_answer(findings.origins, text, allow_none=True)
    if slot == "red_flags":
        return _answer_red_flags(findings, text, parsed.flat)
    if slot == "medication_use":
        return _answer_medication(findings, parsed, text)
    if slot == "age":
        return _answer_age(text, findings)
    if slot in followups.ANSWERS:
        return followups.answer(slot, findings, parsed.flat, _whole_answer_kind(text))
    raise ValueError(f"unknown consultation slot {slot!r}")

