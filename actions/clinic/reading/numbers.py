"""Numbers in lay wording: severity, durations, frequencies, time present, age, pregnancy weeks.

All parsers accept digits and number words ("seven out of ten", "fifty-two", "a couple of days")
and return ``None`` when nothing usable is said, so callers can ask again. Units are fixed:
severity 0-10, durations in minutes, frequencies in headache days per month (30-day month,
4.345 weeks), time present in months. Ranges give their middle ("2-3 days a week"), except
severity, where the upper end is kept (uncertainty never lowers a level).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from .clauses import RAW_SENTENCE_BREAK

# One place for the calendar facts every reader of numbers uses (the NLU's quantities too).
DAYS_PER_YEAR = 365.25
CALENDAR_MONTH_DAYS = DAYS_PER_YEAR / 12  # 30.44: converting spans of time to months
WEEKS_PER_MONTH = CALENDAR_MONTH_DAYS / 7  # 4.35
MINUTES_PER_DAY = 1440.0
DAYS_PER_MONTH = 30.0  # headache days are counted out of 30 ("15 or more days a month", ICHD-3)
CONTINUOUS = "continuous"
# what loose counts stand for, wherever a number is read ("a couple of days", "a few times a week")
LOOSE_COUNTS = {"couple": 2, "few": 3, "several": 3}

def _pattern_table(*pairs) -> Tuple[Tuple[re.Pattern, object], ...]:
    """(regex, value) pairs compiled once: the lookup tables below."""
    return tuple((re.compile(pattern), value) for pattern, value in pairs)


_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_UNIT_ALT = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_ALT = "|".join(_TENS)
_WORD_NUMBER = re.compile(
    rf"\b(?:(?:(one|a)\s+)?hundred(?:\s+and)?\s+)?(?:({_TENS_ALT})(?:[\s-]+({_UNIT_ALT}))?|({_UNIT_ALT}))\b"
)
_REPLACEMENTS: Tuple[Tuple[re.Pattern, str], ...] = _pattern_table(
        (r"[’‘`]", "'"),  # (already done in ``normalize``; kept so gates and patterns line up)
        (r"\b(?:three[\s-]quarters?|3/4) of an? hour\b", "45 minutes"),
        (r"\b(?:a )?quarter of an? hour\b", "15 minutes"),
        (r"\b(?:an? |1 )?hour and a half\b", "90 minutes"),
        (r"\bhalf an? hour\b|\bhalf hour\b|\b1/2 (?:an )?hour\b", "30 minutes"),
        (r"\bhalf a day\b|\bhalf the day\b", "12 hours"),
        (r"\bhalf a minute\b", "30 seconds"),
        (r"\b(\d+) and a half\b", r"\1.5"),
        (r"\b(\d+) 1/2\b", r"\1.5"),
        (r"\b(?:a )?couple (?:of )?", f"{LOOSE_COUNTS['couple']} "),
        (r"\b(?:a )?few\b", str(LOOSE_COUNTS["few"])),
        (r"\bseveral\b", str(LOOSE_COUNTS["several"])),
        (r"\b(?:a )?dozen\b", "12"),
        (r"\bfortnights?\b", "2 weeks"),
        (r"(?<![a-z])(?:hrs?|hours?)\b|(?<=\d)h\b", " hours"),
        (r"(?<![a-z])(?:mins?|minutes?)\b|(?<=\d)m\b", " minutes"),
        (r"(?<![a-z])secs?\b", " seconds"),
        (r"(?<![a-z])wks?\b", " weeks"),
        (r"(?<![a-z])yrs?\b", " years"),
        (r"(?<=\d)\s*-?\s*ish\b", ""),  # "3ish days", "5-ish": the number, roughly
        (r"[ \t]+", " "),
)
_A_BEFORE_UNIT = re.compile(r"\b(an?|one)\s+(?=(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b)")
_NO_A_AFTER = frozenset({"once", "twice", "thrice", "times", "time", "per", "every", "each", "in", "x"})


def _word_number(match: re.Match) -> str:
    _, tens, tens_unit, unit = match.groups()
    value = 100 if "hundred" in match.group(0) else 0
    if tens:
        value += _TENS[tens] + (_UNITS[tens_unit] if tens_unit else 0)
    elif unit:
        value += _UNITS[unit]
    return str(value)


def _a_to_one(text: str) -> str:
    """ "an hour" -> "1 hour", but leave "once a week" / "2 times a day" alone."""

    def repl(match: re.Match) -> str:
        before = text[: match.start()].split()
        if before and before[-1] in _NO_A_AFTER:
            return match.group(0)
        return "1 "

    return _A_BEFORE_UNIT.sub(repl, text)


_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | {"hundred"}
_REPLACEMENT_GATES = ("'", "quarter", "quarter", "half", "half", "half", "half", " and a half", "1/2",
                      "couple", "few", "several", "dozen", "fortnight", "h", "m", "sec", "wk", "yr", "ish", " ")


@lru_cache(maxsize=512)
def normalize(text: str) -> str:
    """Lowercase, number words to digits, "a couple of" -> 2, "half an hour" -> 30 minutes."""
    out = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    if not _NUMBER_WORDS.isdisjoint(re.findall(r"[a-z]+", out)):
        out = _WORD_NUMBER.sub(_word_number, out)
    for gate, (pattern, repl) in zip(_REPLACEMENT_GATES, _REPLACEMENTS):
        if gate in out:
            out = pattern.sub(repl, out)
    return _a_to_one(out).strip()


NUM = r"\d+(?:\.\d+)?"
RANGE = rf"({NUM})(?:\s*(?:-|–|to|or)\s*({NUM}))?"


def _mid(low: str, high: Optional[str]) -> float:
    return (float(low) + float(high)) / 2 if high else float(low)


# --- severity -----------------------------------------------------------------------------------

# ("5 over 10", "7 on 10": the score said as a fraction, as in Nigerian or French-influenced English)
_SEV_SCALE = re.compile(rf"(?<![\d.])({NUM})(?:\s*(?:-|–|to|or)\s*({NUM}))?\s*(?:/|out of|outta|of|over|on)\s*10\b(?!\s*(?:days?|nights?|weeks?|months?|years?|hours?|hrs?|mins?|minutes?|times?)\b)")
_SEV_SCALE_BEFORE = re.compile(rf"\b(?:out of|on a scale of(?: 1 to| 0 to)?)\s*10\b\D{{0,25}}?({NUM})\b")
_SEV_CONTEXT = re.compile(
    rf"\b(?:rate (?:it|the pain|my pain)?(?: at| as)?|rated(?: it)?(?: at| as)?|rating(?: of)?|score(?: of)?|"
    rf"level(?: of)?|severity(?: of)?|intensity(?: of)?|about an?|around an?|like an?|a solid|"
    rf"it'?s an?|it is an?|pain is an?|its about an?|it'?s about an?|solid)\s*(?:an? )?({NUM})"
    rf"(?:\s*(?:-|to|or)\s*({NUM}))?\b(?!\s*(?:%|hours|minutes|days|weeks|months|years|times|am|pm|\.\d))"
)
_SEV_BARE_NUM = re.compile(
    # a full stop after the number ends the sentence ("neck 7. head 6."): only ".5" is a decimal
    rf"(?<![\d.])({NUM})(?!\d|\.\d|\s*(?:%|hours|minutes|seconds|days|weeks|months|years|times|am|pm))"
)
_SEV_WORD_LEVELS: Tuple[Tuple[int, re.Pattern], ...] = tuple(
    (level, re.compile(pattern))
    for level, pattern in (
        (9, r"\b(?:worst|unbearable|excruciating|agoni[sz]ing|agony|intolerable|unbelievable|"
            r"horrendous|extreme|extremely painful|can'?t bear|cannot bear|off the (?:scale|charts)|"
            r"screaming)\b"),
        (7, r"\b(?:severe|bad|terrible|awful|horrible|intense|strong|very painful|really painful|"
            r"killing me|dreadful|nasty|brutal|debilitating)\b"),
        (5, r"\b(?:moderate|medium|average|middling|so[\s-]so|in between|in the middle|fair|"
            r"noticeable|uncomfortable|annoying|ok|okay|moderately)\b"),
        (3, r"\b(?:mild|mildly|slight|slightly|bearable|manageable|minor|low|light|a bit|little|"
            r"tolerable|niggl\w*|not (?:too |that |so |very )?(?:bad|severe|strong|painful))\b"),
    )
)
_SEV_NOT_STRONG = re.compile(r"\bnot (?:too |that |so |very |really )?(?:bad|severe|strong|painful|terrible|awful|intense)\b")
_SEV_SCAN_WORDS = re.compile(
    r"\b(?:(mild|moderate|severe)(?:ly)?\s+(?:\w+\s+)?(?:headaches?|head ?aches?|pain|migraines?|ache)|"
    r"(?:headaches?|pain|migraines?|it)\s+(?:is|was|are|were|gets|get|got|feels|'s|s)\s+"
    r"(?:usually |often |always |really |very |quite |pretty |fairly )?(mild|moderate|severe))\b"
)
_SEV_WORD_VALUE = {"mild": 3, "moderate": 5, "severe": 7}
# In a free message, words that only ever measure pain say how strong it is ("instant agony",
# "excruciating", "the most horrendous pain", a "thunderclap"); "unbearable" and "horrendous" only of the pain or the
# head ("the light is unbearable" is light sensitivity). Not when denied ("not unbearable").
_PAIN_NOUN = r"(?:pain|headaches?|head ?aches?|head|migraines?|ache)"
_SEV_SCAN_EXTREME = re.compile(
    r"(?<!not )(?<!never )(?<!isn't )(?<!wasn't )\b(?:excruciating\w*|excrutiating\w*|agoni[sz]ing|in agony|agony|thunderclap|(?:zero|0|nothing) to (?:ten|10|a hundred|100)|"
    rf"(?:unbearable|horrendous|intolerable)\s+(?:\w+\s+)?{_PAIN_NOUN}|"
    rf"{_PAIN_NOUN}\s+(?:is|was|'s|s|felt|feels)\s+(?:just |completely |absolutely )?(?:unbearable|horrendous|intolerable))\b"
)


def _clamp_severity(value: float) -> int:
    return int(min(10, max(0, int(value + 0.5))))


def severity_from_words(text: str) -> Optional[int]:
    """Severity from descriptive words only: mild 3, moderate 5, severe/bad 7, worst 9."""
    low = normalize(text)
    found = [3] if _SEV_NOT_STRONG.search(low) else []
    low = _SEV_NOT_STRONG.sub(" ", low)
    found += [level for level, pattern in _SEV_WORD_LEVELS if pattern.search(low)]
    return max(found) if found else None


def parse_severity(text: str, bare: bool = False, words: bool = False) -> Optional[int]:
    """0-10 severity: "7/10", "seven out of ten", "about a 6"; ``bare`` accepts a lone "8".

    ``words`` (answer mode) also maps descriptive words ("really bad" -> 7); otherwise only an
    explicit "mild/moderate/severe headache|pain" counts, so "really bad" stays None.
    """
    low = normalize(text)
    values: List[float] = []
    for match in _SEV_SCALE.finditer(low):
        values.append(max(float(match.group(1)), float(match.group(2) or 0)))
    for match in _SEV_SCALE_BEFORE.finditer(low):
        values.append(float(match.group(1)))
    if not values:
        for match in _SEV_CONTEXT.finditer(low):
            values.append(max(float(match.group(1)), float(match.group(2) or 0)))
    if bare and not _SEV_SCALE.search(low):
        values += [float(m.group(1)) for m in _SEV_BARE_NUM.finditer(low) if float(m.group(1)) <= 10]
    values = [v for v in values if v <= 12]
    if values:
        return _clamp_severity(max(values))
    if words:
        return severity_from_words(low)
    found = [_SEV_WORD_VALUE[a or b] for a, b in _SEV_SCAN_WORDS.findall(low)]
    if _SEV_SCAN_EXTREME.search(low):
        found.append(9)
    return max(found) if found else None


# --- durations ----------------------------------------------------------------------------------

_MINUTES = {"second": 1 / 60, "minute": 1.0, "hour": 60.0, "day": MINUTES_PER_DAY, "week": 7 * MINUTES_PER_DAY,
            "fortnight": 14 * MINUTES_PER_DAY, "month": CALENDAR_MONTH_DAYS * MINUTES_PER_DAY,
            "year": DAYS_PER_YEAR * MINUTES_PER_DAY}
_UNIT = r"(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|wks?|months?|years?|yrs?)\b"
# written units and their usual abbreviations ("3-4 h", "40 mins", "2 hrs")
_UNIT_NAME = {"sec": "second", "min": "minute", "hr": "hour", "h": "hour", "wk": "week", "yr": "year"}
_DURATION = re.compile(rf"(?<![\d.]){RANGE}\s*-?\s*{_UNIT}")


def _unit(word: str) -> str:
    word = word[:-1] if word.endswith("s") and len(word) > 1 else word
    return _UNIT_NAME.get(word, word)
_CONTINUOUS = re.compile(
    # ("the same all the time" says it never changes, not that it never stops)
    r"\b(?:constant(?:ly)?|continuous(?:ly)?|(?<!same )(?<!same thing )(?<!same way )all the time|never (?:ever )?(?:goes|go|went) away|"
    r"(?:^\s*(?:it )?(?:is|isn'?t) |(?:it|it'?s|its|pain|headache|ache) (?:is )?)not stopping|^\s*(?:it )?isn'?t stopping|"
    # ("doesn't stop me going to school" is about what the headache prevents, not its length)
    r"(?:doesn'?t|does not|won'?t|will not|hasn'?t|has not|didn'?t|did not|never) (?:really |ever |fully |completely |properly |totally )?(?:go|goes|gone|went|(?:stop|stops|stopped)(?! (?:me|him|her|us|them|you)\b)|leave|left(?= (?:me|us|him|her|off|away|since|at all)\b)|ease|eased)\b(?: away| off)?|"
    r"non[\s-]?stop|24/7|24 7|always there|there all the time|permanent(?:ly)?|never stops(?! (?:me|him|her|us|them|you)\b)|"
    r"round the clock|around the clock|all day every day|every waking (?:moment|hour)|"
    r"never lets up|doesn'?t let up|never leaves|unrelenting|unremitting)\b"
)
_LOOSE_DURATIONS: Tuple[Tuple[re.Pattern, float], ...] = _pattern_table(
        (r"\b(?:from|since) (?:the )?morning (?:till|until|til|to) (?:the )?(?:night|evening|bed ?time)\b", 720.0),
        (r"\b(?:all|all the|the whole|whole|the entire|an entire) day(?: long)?\b", 720.0),
        # into the next day: "until next morning", "all the evening and the night"
        (r"\b(?:until|till|til|into|to) (?:the )?next (?:morning|day)\b|\b(?:all|the whole) (?:the )?(?:evening|afternoon) and (?:the )?night\b", 960.0),
        (r"\b(?:most|much|the best part|a good part|half|the rest|rest) of the day\b|\bhalf (?:a |of |of the |the )?day\b", 480.0),
        # the day's end as the measure: "there till bedtime", "stays until I sleep", "until evening"
        (r"\b(?:till|until|til|to) (?:i (?:go to )?(?:sleep|bed)|(?:the )?(?:night|evening|bed ?time|tea ?time|dinner ?time|supper))\b", 480.0),
        (r"\b(?:all|the whole) (?:night|evening|morning|afternoon)\b", 360.0),
        # the day's clock as the measure: "an afternoon", "gone by teatime", "hangs around till evening"
        (r"\b(?:gone|goes|go|clears?|cleared|passes|passed|over|better|fine|eases?|eased|settles?|again) (?:off )?by (?:the )?(?:late |early )?(?:mid ?-?afternoon|afternoon|lunch(?:time)?|tea ?time|tea|dinner(?:time)?|supper|evening|bedtime|night|morning)\b"
         r"|\b(?:hangs? around|hang about|lasts?|stays?|sticks? around) (?:till|until|for|into) (?:the )?(?:afternoon|evening|night|bedtime)\b", 420.0),
        (r"\b(?:an|the|one) (?:afternoon|evening|morning)\b(?! (?:and|or) (?:the )?(?:night|next))", 300.0),
        (r"\b(?:gone|goes|go|passes|better|clears?|fine) (?:after|with|once i(?: have|ve)?(?: had)?) (?:a |my |some )?(?:sleep|nap|night s sleep|nights sleep|lie down|lie-down)\b"
         r"|\b(?:when|if|once|after) i (?:go to )?sleep\b[^.]{0,20}\b(?:goes|gone|passes|it s gone|its gone)\b", 480.0),
        (r"\b(?:a )?few hours\b", 180.0),
        (r"\b(?:some|several|many) hours\b|\bhours and hours\b|^\s*hours\b", 300.0),
        (r"\bovernight\b", 480.0),
        (r"\b(?:for|lasts?|lasting|lasted|takes|goes on for) (?:many |several )?hours\b", 240.0),
        (r"\b(?:for|lasts?|lasting|lasted|goes on for) (?:many |several )?days\b", 2880.0),
        (r"\b(?:for|lasts?|lasting|lasted|only|just) (?:a )?(?:minutes|moment|second or two)\b", 10.0),
        (r"\b(?:for|lasts?|lasting|lasted|only|just) seconds\b", 0.5),
)


# a denial right before an amount: "not every day", "not a few minutes, more like fifteen"
_AMOUNT_DENIED = re.compile(r"\b(?:not|isnt|isn t|aint|never|not quite|not really|not always|not exactly)\s*(?:on\s*)?$")


def find_durations(text: str) -> List[Tuple[int, int, float]]:
    """(start, end, minutes) for each amount of time in normalised ``text``; sums "2 hours 30 minutes"."""
    found: List[Tuple[int, int, float]] = []
    for match in _DURATION.finditer(text):
        if _AMOUNT_DENIED.search(text[: match.start()]):
            continue  # "not a few minutes, more like fifteen": the amount denied is not the one said
        minutes = _mid(match.group(1), match.group(2)) * _MINUTES[_unit(match.group(3))]
        if found and text[found[-1][1]: match.start()].strip() in {"", "and"} and minutes < found[-1][2]:
            start = found[-1][0]
            found[-1] = (start, match.end(), found[-1][2] + minutes)
        else:
            found.append((match.start(), match.end(), minutes))
    return found


def attack_durations(low: str, or_any: bool = False) -> List[Tuple[int, int, float]]:
    """The amounts of time in normalised ``low`` that can be how long one headache lasts: not "the
    last 3 weeks", "for 2 months now" or "3 weeks ago", which say how long the pattern has gone on.
    ``or_any``: when only such spans are found, they are the answer (to "how long does one last?")."""
    found = find_durations(low)
    spans = [(m.start(), m.end()) for m in _PRESENT_NUM.finditer(low)]
    of_attack = [d for d in found if not any(s <= d[0] and d[1] <= e for s, e in spans)]
    return of_attack or (found if or_any else [])


_UNTIL = re.compile(r"\s*(?:away\s+|off\s+)?(?:until|till|til|unless|without|if|for)\b")


# "Harvest has been non-stop", "we've been on the go constantly": "non-stop" said of something the
# clause names as its subject (work, a season, the writer) with no word for the headache in it says how
# busy life is, not that the headache never stops ("it's been non-stop", "non-stop for 3 days" still do)
_NON_STOP = re.compile(r"\b(?:non[\s-]?stop|constant(?:ly)?)\b")
_HEADACHE_REFERENCE = re.compile(
    r"\b(?:head\w*|pain\w*|ache\w*|aching|migraines?|hurt\w*|sore|throb\w*|pound\w*|it|its|they|theyre|them|this|these|one|ones)\b"
)
_CLAUSE_WITH_SUBJECT = re.compile(r"^\s*(?:[\w']+ ){1,3}?(?:has|have|had|is|was|are|were|s|ve|been)\b")
_BUSY_CLAUSE_EDGE = re.compile(r"[,;.!?()\u2013\u2014]|\s-\s|\band\b|\bbut\b")


def _blank_clauses(low: str, edges: re.Pattern, about_something_else: Callable[[str], bool]) -> str:
    """``low`` with each clause (between ``edges``) that ``about_something_else`` picks blanked,
    keeping every offset (spans found in the result are spans of ``low``)."""
    out, start = [], 0
    for edge in [*edges.finditer(low), None]:
        end = edge.start() if edge else len(low)
        clause = low[start:end]
        out.append(" " * len(clause) if about_something_else(clause) else clause)
        if edge:
            out.append(edge.group(0))
            start = edge.end()
    return "".join(out)


def without_busy_non_stop(low: str) -> str:
    """``low`` with clauses that call something other than the headache non-stop blanked (same length)."""
    if not _NON_STOP.search(low):
        return low
    return _blank_clauses(low, _BUSY_CLAUSE_EDGE, lambda clause: bool(
        _NON_STOP.search(clause) and _CLAUSE_WITH_SUBJECT.match(clause) and not _HEADACHE_REFERENCE.search(clause)))


# "I'm minding the grandkids three days a week", "we train four times a week": in a free message, a
# count in a clause where the writer does something else, with no word for the headache and no
# "get/have" of it, counts that activity, not headache days
_WRITER_DOES = re.compile(r"\b(?:i|im|ive|id|we|were|weve)\b")
_HAS_IT = re.compile(r"\b(?:get|gets|getting|got|have|has|having|had|suffer\w*)\b")
_COUNT_CLAUSE_EDGE = re.compile(r"[,;.!?()\u2013\u2014]|\s-\s|\band\b|\bbut\b|\bso\b")


def without_activity_counts(low: str) -> str:
    """``low`` with clauses that count something the writer does (not the headache) blanked."""
    return _blank_clauses(low, _COUNT_CLAUSE_EDGE, lambda clause: bool(
        _WRITER_DOES.search(clause) and not _HEADACHE_REFERENCE.search(clause) and not _HAS_IT.search(clause)
        and find_frequencies(clause)))


def says_continuous(low: str) -> bool:
    """A "never goes away" phrase not followed by "until/unless" ("doesn't go until I sleep")."""
    low = without_busy_non_stop(low)
    return any(not _UNTIL.match(low, m.end()) for m in _CONTINUOUS.finditer(low))


def parse_duration(text: str) -> Union[float, str, None]:
    """Minutes of one attack, ``"continuous"``, or None: "3 hours", "half an hour", "all day"."""
    low = normalize(text)
    if says_continuous(low):
        return CONTINUOUS
    found = attack_durations(low, or_any=True)
    if found:
        return round(found[0][2], 2)
    for pattern, minutes in _LOOSE_DURATIONS:
        if pattern.search(low):
            return minutes
    return None


def is_continuous(text: str) -> bool:
    """True for "constant", "never goes away", "24/7" and the like."""
    return says_continuous(normalize(text))


# --- frequency ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frequency:
    """One frequency phrase: where it is in the normalised text and what it means."""

    start: int
    end: int
    days_per_month: float
    attacks_per_day: Optional[float] = None
    # an impression in words ("most evenings", "every other day it feels like"), not a count
    estimated: bool = False
    # said with a number ("twice a month", "every 3 days"), not a phrase ("at weekends", "daily")
    counted: bool = True


# "a/per/each week", and the rate's denominator said with "in": "6 days in one month", "3 times
# in the week", "twice in week" (a count followed by "in" + one period is a rate, not a duration).
# "a week", "per month", "in the last month", "in every month": the words of a rate
_PER_WORDS = r"(?:a|an|per|each|every|in(?: the (?:last|past)| a| an| the| one| 1| every| each)?|a single)"
_PER = rf"(?:{_PER_WORDS}|/|1)"
_PERIOD = r"(day|week|month|year)s?\b"
# the thing counted: "days", "times", "attacks"; with up to two words before it that say which
# ("migraine days", "really bad days", "proper headache days"), but not a unit or a rate word
_COUNTED = r"(?:days?|mornings?|evenings?|nights?|afternoons?|headaches?|attacks?|migraines?|episodes?|bouts?)"
_COUNT_NOUN = (
    r"(?:\s*(?:days?|mornings?|evenings?|nights?|afternoons?|times?|x|headaches?|attacks?|migraines?|episodes?|bouts?|of them|occasions?|"
    rf"(?:(?!(?:hours?|minutes?|seconds?|weeks?|months?|years?|a|an|per|in|every|each|of)\b)[a-z]+\s+){{1,2}}{_COUNTED}|"
    r"days? out of 7))?"
)
_FREQ_COUNT = re.compile(rf"(?<![\d.]){RANGE}{_COUNT_NOUN}\s*{_PER}\s*{_PERIOD}")
_ONCE_TWICE = {"once": 1.0, "twice": 2.0, "thrice": 3.0}
_FREQ_ONCE = re.compile(
    rf"\b(once|twice|thrice)(?:\s*(?:or|-|to)\s*(once|twice|thrice|\d+(?: times)?))?\s*{_PER}\s*{_PERIOD}"
)
_FREQ_EVERY_N = re.compile(rf"\bevery\s+({NUM})(?:\s*(?:-|to|or)\s*({NUM}))?\s*{_PERIOD}")
# a count over several periods: "once in 2-3 months", "twice in 3 months", "3 attacks every 2 weeks"
_FREQ_OVER_N = re.compile(
    rf"(?<![\d.])(?:(once|twice|thrice)|({NUM})\s*(?:times?|x|{_COUNTED}))\s*"
    rf"(?:a|an|per|in|every|each|in every)\s+{RANGE}\s*{_PERIOD}"
)
# the month said first: "across a month it works out at six or seven days", "over the month, 5 days"
_FREQ_MONTH_FIRST = re.compile(
    rf"\b(?:across|over|in|during|per|for) (?:a|1|the|one|an average|a whole|1 whole|a typical|1 typical) month\b[^.;!?]{{0,30}}?(?<![\d.])({NUM})(?:\s*(?:-|to|or)\s*({NUM}))?\s*days?\b"
)
_FREQ_OUT_OF = re.compile(rf"(?<![\d.])({NUM})\s*(?:days?\s*)?out of\s*(7|30|31)\b")
_FREQ_PHRASES: Tuple[Tuple[re.Pattern, float], ...] = _pattern_table(
        (r"\b(?:almost|nearly|practically|virtually|pretty much) (?:every ?day|daily|all the time|constantly)\b", 25.0),
        # ("after every night shift" counts shifts, not days)
        (r"\b(?:every ?day|daily|each day|every single day|every (?:morning|night|evening|afternoon)|"
         r"all day every day|7 days a week|constant(?:ly)?|(?<!same )all the time|24/7|"
         r"non[\s-]?stop|continuous(?:ly)?|never goes away|most of the time)\b(?! (?:shifts?|out|class|classes|lessons?|training|duty|runs?|rotas?)\b)", 30.0),
        (r"\b(?:most|the majority of|majority of) (?:days|mornings|evenings|nights|afternoons)\b|\b(?:most of the month|more days than not)\b", 20.0),
        (r"\b(?:every other day|alternate days|half the month|half the time|half of the days)\b", 15.0),
        (r"\b(?:every weekend|weekends|at the weekend|on weekends)\b", 2 * WEEKS_PER_MONTH),
        (r"\b(?:weekly|every week|each week)\b", WEEKS_PER_MONTH),
        (r"\b(?:fortnightly|every other week)\b", WEEKS_PER_MONTH / 2),
        (r"\b(?:monthly|every month|each month|with my period|every period)\b", 1.0),
        (r"\b(?:yearly|annually|every year)\b", 1 / 12),
        # workdays: "most weekdays" (3-4 a week), "every weekday" (5 a week)
        (r"\b(?:most|nearly all|almost all) (?:weekdays|work ?days|working days|school days)\b", 15.0),
        (r"\b(?:every|all) (?:weekdays?|work ?days?|working days?|school days?)\b|\bmonday to friday\b", 5 * WEEKS_PER_MONTH),
        # rare: under a day a month; "occasionally" about one
        (r"\b(?:rarely|seldom|hardly ever|almost never|barely ever|once in a (?:blue moon|while)|few and far between"
         r"|not (?:very |that |so )?(?:often|much|many)|never (?:normally|usually)|(?:normally|usually) (?:i )?never"
         r"|(?:don'?t|do not|don t) (?:normally|usually|really|often) (?:get|have)(?: (?:them|headaches?|one|any|it))?"
         r"|never had (?:one|1|a headache|headaches|this|it|them) before|(?:this is|it'?s|it s|that'?s) (?:the|my) first(?: one| time)?)\b", 0.5),
        (r"\b(?:occasionally|now and (?:then|again)|every (?:now and then|so often)|from time to time|once in a while)\b", 1.0),
)


# the phrase rows that are impressions ("almost every day" 25, "most days" 20, "every other day",
# "half the time", "most weekdays" 15): a frequency worth asking as a count before it decides
_ESTIMATE_DAYS = frozenset({25.0, 20.0, 15.0})
# a time of day said as a habit ("every evening after the service", "every afternoon"): when it
# comes, not a count of days (reference 3.1: a number given to the frequency question overrides
# such loose phrases), so it too is asked as a count before it makes the headache chronic
_TIME_OF_DAY_HABIT = re.compile(r"every (?:morning|night|evening|afternoon)")


# how many of a period fit in a month, for headache days per month (a day: every day of the 30)
_PERIODS_PER_MONTH = {"day": DAYS_PER_MONTH, "week": WEEKS_PER_MONTH, "fortnight": WEEKS_PER_MONTH / 2,
                      "month": 1.0, "year": 1 / 12}


def days_per_month(count: float, period: str) -> float:
    """Headache days per month for ``count`` per ``period`` ("2 a week" -> 8.7), at most 30."""
    return min(DAYS_PER_MONTH, count * _PERIODS_PER_MONTH[period])


def _per_period(count: float, period: str) -> Tuple[float, Optional[float]]:
    if period == "day":
        return DAYS_PER_MONTH, count
    return days_per_month(count, period), None


def _once_value(word: str) -> float:
    return _ONCE_TWICE.get(word) or float(word.split()[0])


def _spans_free(found: List[Frequency], start: int, end: int) -> bool:
    return all(end <= f.start or start >= f.end for f in found)


# the length of each attack said beside a count: "2 a month, each one a day or so" ("each one a
# day" is how long one lasts, not one a day)
_EACH_LASTS = re.compile(
    r"\b(?:each|every) (?:1|attack|headache|migraine|episode|bout|of them)(?: (?:is|lasts?|lasting|goes on|going on))?(?: for)?"
    r" (?:about |around |roughly |maybe |like |nearly |almost )?(?:1|half 1|the whole|1 whole|all|\d+(?:\.\d+)?) (?:day|days)\b"
)


def _blank(pattern: re.Pattern, low: str) -> str:
    """``low`` with each match of ``pattern`` blanked, keeping every offset."""
    return pattern.sub(lambda m: " " * len(m.group(0)), low)


def find_frequencies(text: str) -> List[Frequency]:
    """Every frequency phrase in normalised ``text`` (see ``normalize``), in order."""
    text = _blank(_EACH_LASTS, without_busy_non_stop(text))
    found: List[Frequency] = []
    for match in _FREQ_COUNT.finditer(text):
        days, per_day = _per_period(_mid(match.group(1), match.group(2)), match.group(3))
        found.append(Frequency(match.start(), match.end(), days, per_day))
    for match in _FREQ_ONCE.finditer(text):
        low, high = _once_value(match.group(1)), match.group(2)
        count = (low + _once_value(high)) / 2 if high else low
        days, per_day = _per_period(count, match.group(3))
        if _spans_free(found, match.start(), match.end()):
            found.append(Frequency(match.start(), match.end(), days, per_day))
    for match in _FREQ_EVERY_N.finditer(text):
        every = _mid(match.group(1), match.group(2)) * {"day": 1, "week": 7, "month": DAYS_PER_MONTH, "year": DAYS_PER_YEAR}[match.group(3)]
        if every > 0 and _spans_free(found, match.start(), match.end()):
            found.append(Frequency(match.start(), match.end(), min(DAYS_PER_MONTH, DAYS_PER_MONTH / every)))
    for match in _FREQ_OVER_N.finditer(text):
        count = _ONCE_TWICE[match.group(1)] if match.group(1) else float(match.group(2))
        span_days = _mid(match.group(3), match.group(4)) * DAYS_PER_MONTH / _PERIODS_PER_MONTH[match.group(5)]
        if span_days > 0 and _spans_free(found, match.start(), match.end()):
            found.append(Frequency(match.start(), match.end(), min(DAYS_PER_MONTH, count * DAYS_PER_MONTH / span_days)))
    for match in _FREQ_MONTH_FIRST.finditer(text):
        days = _mid(match.group(1), match.group(2))
        if 0 < days <= 31 and _spans_free(found, match.start(), match.end()):
            found.append(Frequency(match.start(), match.end(), min(DAYS_PER_MONTH, days)))
    for match in _FREQ_OUT_OF.finditer(text):
        days = float(match.group(1)) * (WEEKS_PER_MONTH if match.group(2) == "7" else 1.0)
        if _spans_free(found, match.start(), match.end()):
            found.append(Frequency(match.start(), match.end(), min(DAYS_PER_MONTH, days)))
    for pattern, days in _FREQ_PHRASES:
        for match in pattern.finditer(text):
            if _spans_free(found, match.start(), match.end()):
                loose = days in _ESTIMATE_DAYS or bool(_TIME_OF_DAY_HABIT.fullmatch(match.group(0)))
                found.append(Frequency(match.start(), match.end(), days, estimated=loose, counted=False))
    return sorted(found, key=lambda f: f.start)


# oxygen breathed for cluster attacks is a treatment, not a medicine that can be overused (3.3
# STEP 2 counts painkillers, triptans, ergots, opioids): a count said of it is no medicine day
_NOT_A_MEDICINE = re.compile(r"\b(?:oxygen|o2)\b", re.IGNORECASE)
_PARTS = re.compile(r"[,.;]|\band\b|\bbut\b|\bplus\b", re.IGNORECASE)


def without_non_medicines(text: str) -> str:
    """``text`` without the parts that speak of oxygen ("oxygen every night, and a jab twice" ->
    "a jab twice"), for counting medicine days."""
    if not _NOT_A_MEDICINE.search(text):
        return text
    return " , ".join(part for part in _PARTS.split(text) if not _NOT_A_MEDICINE.search(part))


def parse_frequency(text: str) -> Optional[float]:
    """Headache days per month: "twice a week" -> 8.7, "most days" -> 20, "daily" -> 30."""
    found = frequency_said(text)
    return found[0] if found else None


# a sentence about how it used to be ("it was most days before the physio", "normally I never get
# them"): beside a frequency said of now, the older one is not the answer
_PAST_PATTERN = re.compile(r"\b(?:before|used to|previously|in the past|back then|was|were|had been|normally|usually)\b")


def frequency_said(text: str) -> Optional[Tuple[float, bool]]:
    """(headache days per month, whether only impressions in words said it: "most evenings").

    Several frequencies in one message: one said of now beats one said of the past ("3 or 4
    days a month now. It was most days before the physio." -> 3.5), and a count beats an
    impression or a phrase ("most nights on night week, but overall maybe 6 days a month" -> 6; "most
    mornings my neck is stiff, and a few days a month I get an ache" -> 3)."""
    low = normalize(text)
    # "not every day", "not daily, maybe twice a week": a denied frequency says what it is not
    found = [f for f in find_frequencies(low) if not _AMOUNT_DENIED.search(low[:f.start])]
    if not found:
        return None
    now = [f for f in found if not _PAST_PATTERN.search(_part_around(low, f.start, f.end))]
    chosen = now if now and len(now) < len(found) else found
    # a number said beats a phrase ("once or twice a month, usually at weekends" -> 1.5: the
    # weekends say when, the count says how often; reference 3.1)
    counted = [f for f in chosen if f.counted] or [f for f in chosen if not f.estimated] or chosen
    # "every evening this week": a week or a few days seen, not a month's count (asked as a count)
    glimpse = all(_SHORT_WINDOW.search(_part_around(low, f.start, f.end)) for f in chosen)
    return round(max(f.days_per_month for f in counted), 2), glimpse or all(f.estimated for f in chosen)


_SHORT_WINDOW = re.compile(
    r"\b(?:this (?:past )?week|(?:the |these )?(?:last|past) (?:few |couple of |2 |3 |two |three )?days|since (?:monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|the weekend|yesterday)|this weekend|these (?:few )?days)\b"
)




def _part_around(text: str, start: int, end: int, edge: re.Pattern = RAW_SENTENCE_BREAK) -> str:
    """The part of ``text`` around characters ``start``..``end`` between two ``edge`` matches
    (by default its sentence)."""
    before = [m.end() for m in edge.finditer(text, 0, start)]
    after = edge.search(text, end)
    return text[before[-1] if before else 0:after.start() if after else len(text)]


def parse_attacks_per_day(text: str) -> Optional[float]:
    """Attacks per day when said: "2-3 times a day" -> 2.5."""
    values = [f.attacks_per_day for f in find_frequencies(normalize(text)) if f.attacks_per_day]
    return max(values) if values else None


# --- how long the pattern has existed -----------------------------------------------------------

_MONTHS_PER = {"day": 1 / CALENDAR_MONTH_DAYS, "week": 1 / WEEKS_PER_MONTH, "month": 1.0, "year": 12.0}
# Words that hedge a span of time ("for about 3 weeks", "for like 3 weeks", "already almost two
# years"): any of them, one or two in a row, between the preposition and the number.
_SPAN_HEDGE = (
    r"(?:(?:about|around|roughly|approximately|almost|nearly|over|more than|at least|like|maybe|probably|just"
    r"|the best part of|the better part of|a good|close to|well over|just over|just under) ){0,2}"
)
_PRESENT_NUM = re.compile(
    rf"\b(?:(?:for|since|over|in|during|going on|gone on|lasted|lasting)\s+(?:for )?{_SPAN_HEDGE}"
    # "the last 3 weeks", "these past two months": the span needs no preposition before it
    rf"(?:the\s+)?(?:past|last|previous)?|(?:the|these|this)\s+(?:past|last|previous))\s*{RANGE}\s*{_PERIOD}"
    # "8 years back" is "8 years ago" (not "3 days back to back": on consecutive days)
    rf"|(?<![\d.]){RANGE}\s*{_PERIOD}\s*(?:ago|now|and counting|so far|back(?![\s-]+to[\s-]+back))\b"
    # "for" left out after having the headache: "i have headache about 1 month", "had this pain 3
    # weeks" (not a gap in time: "a headache 2 days after the party"; "3 days a week" is a rate)
    rf"|\b(?:have|had|having|got)\s+(?:a |an |the |this |these |that |my )?(?:\w+ )?"
    rf"(?:head ?aches?|migraines?|pains?|it|them|this|these)\s+(?:already )?{_SPAN_HEDGE}"
    rf"(?<![\d.]){RANGE}\s*{_PERIOD}(?!\s*(?:after|before|later|into|of|long|old|in a row)\b)"
    # "already two years i have headache": how long so far
    rf"|\balready\s+(?:for\s+)?{_SPAN_HEDGE}(?<![\d.]){RANGE}\s*{_PERIOD}"
    # ... or with the headaches put first: "these i have 30 years", "this one i had 2 weeks" ("one"
    # is "1" in normalised text)
    rf"|\b(?:these|those|them|this(?: 1)?|that(?: 1)?|it)\s+(?:i|we|he|she)\s+(?:have|has|had|got)\s+(?:already )?{_SPAN_HEDGE}"
    rf"(?<![\d.]){RANGE}\s*{_PERIOD}(?!\s*(?:after|before|later|into|of|long|old|in a row)\b)"
)
_PRESENT_WORDS: Tuple[Tuple[re.Pattern, float], ...] = _pattern_table(
        (r"\b(?:all my life|my whole life|my entire life|since (?:i was )?(?:a )?(?:child|kid|little|baby)|since childhood"
         r"|(?:most|all|much) of my (?:adult )?life|my (?:whole|entire) adult life|all my adult life)\b", 240.0),
        (r"\b(?:for|since) (?:many|lots of|so many) years\b|\bfor decades\b|\bsince (?:i was )?(?:a )?(?:teen|teenager|school)\b", 120.0),
        (r"\b(?:for|over) (?:the )?years\b|\bfor ages\b|\bfor a long time\b|\byears now\b", 24.0),
        (r"\byear and a half\b", 18.0),
        (r"\bsince last year\b|\b(?:for|over|in) (?:about |the )?(?:a |last |past )?year\b|\b(?:the|this) (?:last|past) year\b", 12.0),
        (r"\b(?:for|over|in) (?:about |the )?(?:last |past )?(?:half a year|half year)\b", 6.0),
        (r"\bsince last (?:summer|winter|spring|autumn|fall|christmas)\b", 6.0),
        (r"\bfor months\b|\bmonths now\b", 6.0),
        (r"\bsince last month\b|\b(?:for|over|in) (?:about )?(?:the )?(?:last|past) month\b|\bfor (?:about )?a month\b|\b(?:the|this) (?:last|past) month\b", 1.0),
        (r"\bfor weeks\b|\bweeks now\b", 1.0),
        (r"\bsince last week\b|\bfor (?:about )?a week\b|\b(?:the|this) (?:last|past) week\b", 0.25),
        # "every shift this week", "these last few days": the pattern is this week's
        (r"\b(?:all|every \w+|each \w+|most days|just|only) this week\b|\b(?:these|the) (?:last|past) (?:few|couple of|2|3) days\b", 0.2),
        (r"\bfor days\b|\bdays now\b", 0.1),
        (r"\bsince yesterday\b|\bsince last night\b", 1 / CALENDAR_MONTH_DAYS),
        (r"\bsince (?:this morning|today|earlier)\b", 0.5 / CALENDAR_MONTH_DAYS),
)
# a change in the pattern, as opposed to the pattern itself
_CHANGE = re.compile(
    r"\b(?:become|became|becoming|got|gotten|getting|grown|gone up|went up|increased|crept up|worse|more (?:often|frequent\w*|days)|"
    r"daily|every day|most days|changed)\b"
)
# ... but a headache said to have started then is new, whatever else it does ("this one started 3
# weeks ago and is getting worse")
_NEW_START = re.compile(r"\b(?:this (?:one|headache|pain|migraine)|started|start|began|begun|came on|appeared|new|first)\b")
# a span without headaches ("between bouts I get nothing for a year or two", "pain-free for 2
# years"): a remission, not how long the headaches have gone on
GAP = re.compile(
    r"\b(?:nothing|none|free|clear|remission|break|no (?:headaches?|attacks?|pain|bouts?|migraines?)|"
    r"without (?:any|a|one)|between (?:bouts|attacks|episodes|clusters|the bouts))\b"
)
_CLAUSE_EDGE = re.compile(r"[,;.!?]|\bbut\b")  # a span's clause: between commas, stops or "but"


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SINCE_WEEKDAY = re.compile(r"\bsince (?:last )?(" + "|".join(_WEEKDAYS) + r")\b")


def _since_weekday(day: str, today: Optional[_dt.date]) -> float:
    today = today or _dt.date.today()
    back = (today.weekday() - _WEEKDAYS.index(day)) % 7 or 7
    return back / CALENDAR_MONTH_DAYS


def parse_months_present(text: str, today: Optional[_dt.date] = None) -> Optional[float]:
    """How long the headaches have been going on, in months: "for 3 weeks" -> 0.69."""
    low = normalize(text)
    rates = find_frequencies(low)  # "6 days in one month" is how often, not for how long
    match, clause = None, ""
    for candidate in _PRESENT_NUM.finditer(low):
        if not _spans_free(rates, candidate.start(), candidate.end()):
            continue
        clause = _part_around(low, candidate.start(), candidate.end(), _CLAUSE_EDGE)
        if not GAP.search(clause):
            match = candidate
            break
    if match and _CHANGE.search(clause) and not _NEW_START.search(clause):
        # "for most of my adult life, but over the past 2 years they have become daily": the span
        # dates the change; a lifelong pattern said beside it is how long the headaches have gone on
        lifelong = next((months for pattern, months in _PRESENT_WORDS[:2] if pattern.search(low)), None)
        if lifelong is not None:
            return lifelong
    if match:
        groups = match.groups()  # (low, high, unit) of whichever alternative matched
        low_n, high_n, unit = next(groups[i:i + 3] for i in range(0, len(groups), 3) if groups[i])
        return round(_mid(low_n, high_n) * _MONTHS_PER[unit], 3)
    weekday = _SINCE_WEEKDAY.search(low)
    if weekday:
        return round(_since_weekday(weekday.group(1), today), 3)
    for pattern, months in _PRESENT_WORDS:
        if any(_spans_free(rates, m.start(), m.end()) for m in pattern.finditer(low)):
            return months
    return None


# The age a headache pattern began at: "since I was 20", "since my twenties", "since childhood"
# (not a clock time: "I clean offices from 5 in the morning", "from 6am").
# (an ordinal is a lesson, a floor or a date, not an age: "since 3rd period", "since the 2nd")
_STARTED_AT_AGE = re.compile(rf"\b(?:since|from|started (?:when|at)|began (?:when|at)|begun (?:when|at)|ever since) (?:(?:i|he|she|they) (?:was|were)|(?:the )?age(?: of)?|(?:i|he|she) turned|about|around| )*\s*({NUM})\b(?!\s*(?:st|nd|rd|th|weeks?|days?|months?|years?(?! old| of age)|hours?|minutes?|times?|am|pm|o'? ?clock|in (?:the )?(?:morning|afternoon|evening|night))\b|[\d.:])")
# "since my twenties", and with words between: "since I drove lorries in my twenties", "started back
# in my 30s" ("from" only right before it: "I suffer from headaches, I'm in my 50s" is not a start)
_STARTED_IN_DECADE = re.compile(
    r"\b(?:(?:ever )?since|started|began|begun)\b(?:[^.;!?,]{0,40}?\b(?:in|during))? (?:my|his|her|their) (early |mid |late )?(\d)0'?s\b"
    r"|\bfrom (?:my|his|her|their) (early |mid |late )?(\d)0'?s\b"
)
_STARTED_AT_STAGE: Tuple[Tuple[re.Pattern, int], ...] = _pattern_table(
        (r"\b(?:since|from|ever since) (?:i was )?(?:a )?(?:little|small|young(?! (?:man|woman|lad|girl|adult|men|women))|baby|toddler|child|kid|childhood)\b|\ball my life\b|\bmy (?:whole|entire) life\b", 8),
        (r"\b(?:since|from|ever since) (?:i was )?(?:a |my )?(?:teen|teens|teenager|puberty|school|schooldays|school days)\b", 14),
        (r"\b(?:since|from|ever since) (?:i was )?(?:at |in )?(?:uni|university|college|my student days|a student)\b", 20),
        (r"\b(?:since|from|ever since) (?:i|he|she) (?:was|were) (?:a )?(?:young|young man|young woman|young lad|young girl|lad|girl|boy|youngster)\b", 20),
)


# "it started about a month after the crash when I was 46"
_STARTED_WHEN = re.compile(
    rf"\b(?:started|began|begun|start|came on|appeared)\b[^.;!?]{{0,50}}?\bwhen (?:i|he|she) (?:was|turned) ({NUM})\b(?!\s*(?:weeks?|days?|months?)\b)"
    # "the first time I was about 12", "first one when she was 19": the pattern's first attack
    rf"|\bfirst (?:time|one|ones|attack|headache|migraine)s?(?: \w+){{0,2}}? (?:when )?(?:i|he|she|they) (?:was|were|turned) (?:about |around |only |just )?({NUM})\b(?!\s*(?:weeks?|days?|months?)\b)"
)


def parse_started_age(text: str) -> Optional[int]:
    """The age at which the headaches began, when the text says it: "since my twenties" -> 25."""
    low = _DECADE_WORD_RE.sub(lambda m: _DECADE_WORDS[m.group(1)], normalize(text))
    when = _STARTED_WHEN.search(low)
    said = when and (when.group(1) or when.group(2))
    if said and 1 <= float(said) <= 110:
        return int(float(said))
    decade = _STARTED_IN_DECADE.search(low)
    if decade:
        qualifier, tens = (decade.group(1), decade.group(2)) if decade.group(2) else (decade.group(3), decade.group(4))
        return int(tens) * 10 + {"early ": 2, "mid ": 5, "late ": 8}.get(qualifier or "", 5)
    match = _STARTED_AT_AGE.search(low)
    if match and 1 <= float(match.group(1)) <= 110 and not re.match(r"(?:19|20)\d\d$", match.group(1)):
        return int(float(match.group(1)))
    for pattern, age in _STARTED_AT_STAGE:
        if pattern.search(low):
            return age
    return None


# --- age and pregnancy --------------------------------------------------------------------------

_NOT_AGE_AFTER = (
    r"(?!\d|\.\d|\s*(?:weeks|days|months|hours|minutes|seconds|times|%|/|kg|lbs?|st\b|stone|cm|ft|"
    r"out of|x\b|th\b|nd\b|rd\b|feet|foot|inch|degrees|c\b|f\b|am\b|pm\b|mg|ml|days?|"
    # "one side", "one half of my head", "one eye": a place, not an age
    r"sides?\b|sided\b|half\b|halves\b|eyes?\b|ears?\b|temples?\b|of (?:my|the|them|those|these)\b))"
)
_AGE_PATTERNS: Tuple[re.Pattern, ...] = tuple(
    re.compile(p)
    for p in (
        # the person written for, named with their age beside the writer's ("My son is 15, I'm 45",
        # "She's 9. I'm 38 if you meant me"): the one with the headache, so tried first
        rf"\b(?:my|our) (?:\w+ )?(?:son|daughter|husband|wife|partner|mum|mom|mother|dad|father|child|kid|boy|girl|"
        rf"grandson|granddaughter|grandma|grandmother|gran|granny|nan|nana|nanna|grandpa|grandad|granddad|grandfather|brother|sister|"
        rf"flatmate|friend|uncle|aunt|auntie|neighbour|neighbor|stepdad|stepmum|stepmom|fiance|fiancee|boyfriend|girlfriend)"
        rf"(?:'?s| is)\s*(?:only |just |nearly |almost |about )?(\d{{1,3}}){_NOT_AGE_AFTER}",
        rf"\b(?:she|he)(?:'?s| is)\s*(?:only |just |nearly |almost |about )?(\d{{1,3}}){_NOT_AGE_AFTER}",
        rf"(?<![\d.])(\d{{1,3}})\s*[- ]?(?:years?|y)\s*[- ]?old\b",
        rf"(?<![\d.])(\d{{1,3}})\s*(?:yo|y/o|y\.o\.?|yrs? old)\b",
        rf"(?<![\d.])(\d{{1,3}})\s*years? of age\b",
        # "she has 15 years", "I have 47 years" (the age said as in many languages)
        # (not with the headaches put first: "these i have 30 years" is how long they have gone on)
        rf"(?<!\bthese )(?<!\bthose )(?<!\bthem )(?<!\bthis )(?<!\bthat )(?<!\bit )"
        rf"\b(?:i|he|she|they|we|you|who) (?:has|have|had)\s+(\d{{1,3}})\s*(?:years?|yrs?)\b(?! ago)",
        rf"\b(?:i'?m|i am|im|aged?|age is|my age is|i turned|turned|just turned|i'?ll be|"
        rf"(?:she|he)'?s|(?:she|he) is)\s*:?\s*(?:only |just |nearly |almost |about )?(\d{{1,3}}){_NOT_AGE_AFTER}",
    )
)
_BEGAN_BEFORE = re.compile(r"\b(?:started|start|began|begun|begin|since|from|back|first|appeared|came on|had them|had these|got them)\b[^.;!?]*$")
_AGE_DECADE = re.compile(r"\bin (?:my|his|her|their) (early |mid |late )?(\d)0'?s\b")
_AGE_BORN = re.compile(r"\bborn in (19\d\d|20[0-2]\d)\b")
_DECADE_WORDS = {"twenties": "20s", "thirties": "30s", "forties": "40s", "fourties": "40s",
                 "fifties": "50s", "sixties": "60s", "seventies": "70s", "eighties": "80s",
                 "nineties": "90s"}
_DECADE_WORD_RE = re.compile(r"\b(" + "|".join(_DECADE_WORDS) + r")\b")


def _plausible_age(value: float) -> Optional[int]:
    return int(value) if 1 <= value <= 115 else None


# "N-year-old" said of someone or something else: before a word for another person, a pet or a
# thing ("six-year-old twins", "a 10 year old car"), or as a noun after "a" / "an" when the writer
# is not describing themself ("I'm 34 with a 6-year-old"; not "I'm a 45-year-old woman")
_OTHERS_NOUN = (
    r"(?:twins?|triplets|kids?|children|child|sons?|daughters?|boys?|girls?|bab(?:y|ies)|toddlers?|"
    r"grand(?:sons?|daughters?|kids?|child(?:ren)?)|nephews?|nieces?|stepsons?|stepdaughters?|"
    r"dogs?|cats?|pupp(?:y|ies)|horses?|cars?|vans?|laptops?|mattress|pillows?|house|flat|boiler)"
)
_AGE_OF_OTHER = re.compile(
    rf"(?:\s*-?\s*(?:years?|y)\s*-?\s*olds?\s*(?:and an? \d+\s*-?\s*(?:years?|y)\s*-?\s*olds?\s*)?{_OTHERS_NOUN}\b)"
)
_A_N_YEAR_OLD = re.compile(r"\b(?<!i'm )(?<!im )(?<!i am )(?<!as )an? $")
# the writer speaking of their own head or headaches: then another's age is not the patient's
_OWN_HEADACHE = re.compile(
    r"\bmy (?:head|headaches?|migraines?|temples?|forehead|skull)\b|"
    r"\bi(?:'ve| have|'m| am| keep| been| get| got| had)?(?: \w+){0,4}? (?:headaches?|migraines?|head ?aches?|a (?:\w+ )?head)\b"
)


def _age_of_another(low: str, match: "re.Match") -> bool:
    """An "N-year-old" that belongs to someone or something other than the person with the
    headache, in a message where the writer speaks of their own head."""
    if not _OWN_HEADACHE.search(low):
        return False
    after = low[match.start(1) + len(match.group(1)):]
    return bool(_AGE_OF_OTHER.match(after) or _A_N_YEAR_OLD.search(low[max(0, match.start(1) - 12): match.start(1)]))


def parse_age(text: str, bare: bool = False, today: Optional[_dt.date] = None, decades: bool = True) -> Optional[int]:
    """Age in years: "I'm 67", "67 years old", "aged fifty-two", "in my fifties"; ``bare`` takes "52"."""
    low = normalize(text)
    low = _DECADE_WORD_RE.sub(lambda m: _DECADE_WORDS[m.group(1)], low)
    for pattern in _AGE_PATTERNS:
        match = next((m for m in pattern.finditer(low) if not _age_of_another(low, m)), None)
        if match and _plausible_age(float(match.group(1))):
            return _plausible_age(float(match.group(1)))
    # "in my fifties" is an age; "they started in my early forties" is when the headaches began
    decade = next((m for m in _AGE_DECADE.finditer(low) if not _BEGAN_BEFORE.search(low[max(0, m.start() - 30): m.start()])), None) if decades else None
    if decade:
        offset = {"early ": 2, "mid ": 5, "late ": 8}.get(decade.group(1) or "", 5)
        return int(decade.group(2)) * 10 + offset
    born = _AGE_BORN.search(low)
    if born:
        return _plausible_age((today or _dt.date.today()).year - int(born.group(1)))
    if bare:
        numbers = re.findall(rf"(?<![\d.])({NUM}){_NOT_AGE_AFTER}", low)
        if len(numbers) == 1:
            return _plausible_age(float(numbers[0]))
    return None


_PREG_WEEKS: Tuple[re.Pattern, ...] = tuple(
    re.compile(p)
    for p in (
        rf"(?<![\d.])({NUM})\s*(?:\+\s*\d\s*)?(?:weeks?|wks?)\s*(?:\+\s*\d\s*(?:days?)?\s*)?(?:pregnant|preg|along|gone|gestation|into (?:my|the|this) pregnancy|of pregnancy)",
        rf"\bpregnant\W{{0,3}}(?:at|with|for|and|of|since)?\s*(?:about |around )?({NUM})\s*weeks?",
        r"(?<![\d.])(\d{1,2})\s*\+\s*\d\b",
        rf"\b(?:at|i'?m|im|i am)\s*({NUM})\s*weeks?\b",
    )
)
_PREG_MONTHS = re.compile(
    rf"(?<![\d.])({NUM})\s*months?\s*(?:pregnant|preg|along|gone|into (?:my|the|this) pregnancy|of pregnancy)"
    rf"|\bpregnant\W{{0,3}}(?:at|with|for|and|of|since)?\s*(?:about |around )?({NUM})\s*months?"
)
_TRIMESTER = re.compile(r"\b(first|1st|second|2nd|third|3rd|last|final) trimester\b")
_TRIMESTER_WEEKS = {"first": 8, "1st": 8, "second": 20, "2nd": 20, "third": 28, "3rd": 28, "last": 28, "final": 28}


# The week named as a place in the pregnancy ("the 34th week", "34. week", "week 34"): counted only
# where the text is about a pregnancy (the pregnancy question's answer, or a pregnancy word near)
_NOT_OF_PREGNANCY = r"(?!\s*of (?!(?:the |my |her |this )?pregnancy\b))"  # "the 2nd week of my headache"
_PREG_WEEK_ORDINAL = re.compile(
    rf"(?<![\d.])({NUM})\s?(?:st|nd|rd|th|\.)\s*week\b{_NOT_OF_PREGNANCY}"
    rf"|\bweek\s*(?:no\.?\s*|number\s*)?({NUM})\b(?!\s*(?:days?|hours?|times?)\b){_NOT_OF_PREGNANCY}"
)
_PREG_CONTEXT = re.compile(r"\b(?:pregnan\w*|preg|expecting|gestation|due (?:date|in)|trimester|baby|bump)\b")


def parse_pregnancy_weeks(text: str, about_pregnancy: bool = False) -> Optional[int]:
    """Weeks of pregnancy: "34 weeks pregnant", "6 months pregnant" (26), "third trimester" (28),
    "in the 34th week" where the text is ``about_pregnancy`` or names it.

    A second-trimester answer gives 20, the start of the second half, because that half is where
    pre-eclampsia is possible (uncertainty never lowers a level).
    """
    low = normalize(text)
    for pattern in _PREG_WEEKS:
        match = pattern.search(low)
        if match and 1 <= float(match.group(1)) <= 44:
            return int(float(match.group(1)))
    if about_pregnancy or _PREG_CONTEXT.search(low):
        match = _PREG_WEEK_ORDINAL.search(low)
        said = match and float(match.group(1) or match.group(2))
        if said and 1 <= said <= 44:
            return int(said)
    match = _PREG_MONTHS.search(low)
    months = match and float(match.group(1) or match.group(2))
    if months and 1 <= months <= 10:
        return int(round(months * WEEKS_PER_MONTH))
    match = _TRIMESTER.search(low)
    return _TRIMESTER_WEEKS[match.group(1)] if match else None


# In answer to the pregnancy question a bare amount of time is how far along it is
_BARE_WEEKS = re.compile(r"\b(\d{1,2}) ?(?:weeks?|wks?)\b")
_BARE_MONTHS = re.compile(r"\b(\d) ?months?\b")


def pregnancy_weeks_answered(flat: str) -> Optional[int]:
    """Weeks of pregnancy in an answer to the pregnancy question: "34 weeks", "6 months" (26), or
    any wording ``parse_pregnancy_weeks`` reads there ("the 34th week")."""
    weeks, months = _BARE_WEEKS.search(flat), _BARE_MONTHS.search(flat)
    if weeks:
        return int(weeks.group(1))
    if months:
        return round(int(months.group(1)) * WEEKS_PER_MONTH)
    return parse_pregnancy_weeks(flat, about_pregnancy=True)


def first_number(text: str, predicate: Callable[[float], bool] = lambda v: True) -> Optional[float]:
    """The first number (digits or words) in ``text`` that satisfies ``predicate``."""
    for match in re.finditer(rf"(?<![\d.])({NUM})", normalize(text)):
        if predicate(float(match.group(1))):
            return float(match.group(1))
    return None


# --- quantity mentions for the NLU ----------------------------------------------------------------
# Severity, duration and frequency *mentions* with character spans, for the NLU pipeline's entities
# (`headease_nlu.components` turns them into Rasa entities). Values are normalised:
# - severity: "0".."10" for scores ("7/10", "3 outta 10", "around a 4"), or a bucket id from the
#   clinical reference for words ("mild", "moderate", "severe", "very_severe");
# - duration: minutes as a string ("2880" for "for the past two days"), or "continuous";
# - frequency: "<count>/<day|week|month|year>" ("2/week" for "twice a week"), or a pattern id
#   ("most_days", "on_and_off", "occasional", "continuous").
# They share this module's number words, loose counts, unit table and calendar constants with the
# value parsers above.

# the number words of ``normalize`` (one table), the loose counts, "a"/"an" and halves
_WORDS = {
    **_UNITS, **_TENS, "forty-five": 45, "a": 1, "an": 1,
    **{phrase: next(count for word, count in LOOSE_COUNTS.items() if word in phrase.split())
       for phrase in ("couple", "couple of", "a couple", "a couple of", "few", "a few", "several")},
    "half a": 0.5, "half an": 0.5, "a half": 0.5,
}
_MENTION_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(
    sorted((re.escape(w) for w in _WORDS), key=len, reverse=True)
) + r")"
_MENTION_RANGE = rf"{_MENTION_NUM}(?:\s*(?:-|–|to|or)\s*{_MENTION_NUM})?"
_APPROX = r"(?:about|around|roughly|approximately|approx\.?|nearly|almost|maybe|over|under|less than|more than|at least|up to|like)"

_MENTION_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|wks?|fortnights?|months?|years?|yrs?)"
_MENTION_PERIOD = r"(?:day|week|month|year|night|morning|afternoon|evening|fortnight)"
_PER_DAYS = {"day": 1, "night": 1, "morning": 1, "afternoon": 1, "evening": 1, "week": 7,
             "fortnight": 14, "month": CALENDAR_MONTH_DAYS, "year": DAYS_PER_YEAR}

_SEVERITY_SCORE = re.compile(
    rf"\b(?:{_APPROX}\s+)?(?P<n>\d{{1,2}}(?:\.\d)?|{'|'.join(w for w in _WORDS if w.isalpha())})"
    rf"\s*(?:/|out of|outta|of|over|on)\s*(?:10|ten)\b(?!\s*(?:days?|nights?|weeks?|months?|years?|hours?|hrs?|mins?|minutes?|times?)\b)",
    re.I,
)
_SEVERITY_BARE = re.compile(
    rf"\b(?:(?:{_APPROX})\s+)(?:a|an)\s+(?P<n>10|[0-9]|ten|one|two|three|four|five|six|seven|eight|nine)\b"
    rf"(?!\s*(?:{_MENTION_UNIT}|/|out of|outta|of|over 10|on 10|-|to|or|times|x|in|per|a\s+(?:day|week|month))\b)",
    re.I,
)
# "by dinner it's an eight": only the number is the mention.
_SEVERITY_AFTER_VERB = re.compile(
    r"\b(?:it'?s|its|is|was|at|hits|reaches|rate it|call it|say|give it|rated)"
    r"(?:\s+(?:still|now|probably|prob|maybe|like|about|around|easily|definitely|only|just|usually|"
    r"normally|at least|a solid|solid|more like|nearer|closer to))?\s+(?:a|an)\s+"
    r"(?P<n>10|[0-9]|ten|one|two|three|four|five|six|seven|eight|nine)\b"
    rf"(?!\s*(?:{_MENTION_UNIT}|/|out of|outta|of|over 10|on 10|-|to|or|times|x|in|per|a\s+(?:day|week|month))\b)",
    re.I,
)
_SEVERITY_WORDS = [
    (re.compile(r"\b(?:(?:mild|moderate|severe)\s+to\s+(?:very severe|severe|moderate))\b", re.I), None),
    (re.compile(r"\b(?:very severe|extremely severe|excruciating|unbearable|agoni[sz]ing|"
                r"debilitating|crippling|horrendous|blinding|10/10)\b", re.I), "very_severe"),
    (re.compile(r"\b(?:severe|intense|(?:really|very|so|pretty|quite|super|fairly) bad|terrible|"
                r"awful|horrible|dreadful|brutal)\b", re.I), "severe"),
    (re.compile(r"\b(?:moderate|medium|middling|manageable)\b", re.I), "moderate"),
    (re.compile(r"\b(?:(?:pretty |quite |fairly |very |really )?mild|slight|low[- ]grade|"
                r"light(?= (?:headache|head ?ache|pain|ache|migraine))|minor|not too bad|not that bad|"
                r"bearable)\b", re.I), "mild"),
]
_BUCKETS = ("mild", "moderate", "severe", "very_severe")
_MENTION_DURATION = re.compile(
    rf"(?<!\bevery )(?<!\bevery other )(?<!\bper )(?<!\beach )"
    rf"\b(?:(?:for|over|since)\s+)?(?:the\s+)?(?:(?:past|last)\s+)?(?:{_APPROX}\s+)?"
    rf"(?P<n>{_MENTION_RANGE}|a whole|a full|an|a)\s*(?P<unit>{_MENTION_UNIT})\b"
    rf"(?:\s+or\s+(?:two|three|so|more|\d+)\b)?"
    rf"(?:\s+ago)?(?!\s*(?:a|an|per|each|every)\s+(?:day|week|month|year)\b)"
    rf"(?!\s*(?:old|/|pregnant|gone|along|postpartum|post partum|postnatal|of pregnancy|into (?:my|the|her) pregnancy))",
    re.I,
)
# "in a day", "in 24 hours" (a dose or count window), "every 3 days" (a frequency): not durations
_NOT_MENTION_DURATION_BEFORE = re.compile(r"\b(?:in|within|per|every|each|a|an)\s*$", re.I)
_DAY_PARTS = r"(?:day|night|morning|afternoon|evening|week|weekend|month|year)"
_SINCE = (
    r"since\s+(?:(?:yesterday|last night|this morning|this afternoon|this evening|tonight|lunch(?:\s*time)?|"
    r"breakfast|dinner|tea(?:\s*time)?|midday|noon|the weekend|the day before yesterday|"
    r"(?:last|this past)\s+(?:week|month|year|weekend|night|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"(?:last\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:morning|afternoon|evening|night))?|"
    r"yesterday\s+(?:morning|afternoon|evening)|christmas|xmas|easter|new year|the new year|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"\d{1,2}(?::\d\d)?\s*(?:am|pm|o'?clock)|(?:i|we)\s+(?:woke|got)\s+up|(?:i|he|she)\s+(?:was|were)\s+(?:a\s+)?"
    r"(?:kid|child|teenager|teen|little|young|small|baby|toddler|\d{1,2})|(?:i|he|she)\s+was\s+in\s+(?:school|college|uni|university)|"
    r"school|childhood|my (?:teens|twenties|thirties|20s|30s|40s|late teens|early twenties)|the accident|the fall|the crash|"
    r"covid|then|forever|birth|having (?:my|the) (?:baby|kids?|son|daughter)))\b"
)
_LONG_WHILE = (
    r"(?:for|over)\s+(?:the\s+)?(?:ages|years|months|weeks|days|hours|donkey'?s years|a (?:long )?while|a long time|"
    r"(?:a\s+)?(?:couple|few)\s+(?:of\s+)?(?:days|weeks|months|years|hours))\b"
    r"|(?:for\s+)?(?:the\s+)?(?:whole|entire)\s+" + _DAY_PARTS + r"\b"
    r"|(?:for\s+)?most\s+of\s+the\s+" + _DAY_PARTS + r"\b"
    r"|all\s+(?:morning|afternoon|evening|weekend|month)(?:\s+long)?\b"
    r"|(?:un)?til+\s+(?:i|we)\s+(?:go to (?:sleep|bed)|sleep(?: it off)?|fall asleep|take (?:something|a tablet|a pill))\b"
    r"|(?<=started )(?:last|this)\s+(?:week|month|year|weekend)\b"
)
_MENTION_DURATION_WORDS = [
    (re.compile(rf"\b{_SINCE}", re.I), None),
    (re.compile(rf"\b(?:{_LONG_WHILE})", re.I), None),
    (re.compile(r"\b(?:all day(?: long)?|all night|all week)\b", re.I), None),
    (re.compile(r"\b(?:non[- ]?stop|constant(?:ly)?|continuous(?:ly)?|never goes away|"
                r"never stops(?! (?:me|him|her|us|them|you)\b)|24/7)\b", re.I), "continuous"),
]
_MENTION_FREQUENCY = re.compile(
    rf"\b(?:{_APPROX}\s+)?(?P<n>{_MENTION_RANGE}|once|twice|thrice)(?!\d)\s*"
    rf"(?:(?:times?|x|days?|nights?|attacks?|headaches?|migraines?|episodes?)\s+)?"
    # the value parsers' "per" words ("in every month"); "twice in the night" is not a rate
    rf"(?!in the (?:night|morning|afternoon|evening)\b){_PER_WORDS}\s+(?P<per>{_MENTION_PERIOD})\b",
    re.I,
)
_MENTION_FREQUENCY_EVERY = re.compile(
    rf"\b(?:(?:nearly|almost|pretty much|practically)\s+)?(?:every|each)\s+(?:single\s+)?"
    rf"(?:other\s+)?(?P<per>{_MENTION_PERIOD}|weekend|monday|tuesday|wednesday|thursday|friday|"
    rf"saturday|sunday)\b",
    re.I,
)
_MENTION_FREQUENCY_MANY = re.compile(
    rf"\b(?:loads|lots|heaps|tons|a lot|plenty|many|multiple|numerous|countless)(?:\s+of)?\s+times\s+"
    rf"(?:a|an|per|each|every|in a)\s+(?P<per>{_MENTION_PERIOD})\b",
    re.I,
)
_MENTION_FREQUENCY_EVERY_N = re.compile(
    rf"\b(?:(?:about|around|roughly|maybe)\s+)?(?:once\s+)?(?:every|each)\s+(?P<n>{_MENTION_RANGE}|few|couple(?: of)?|second|third|fourth)\s+"
    rf"(?P<per>days?|weeks?|months?|years?|fortnights?)\b",
    re.I,
)
_MENTION_FREQUENCY_WORDS = [
    (re.compile(r"\b(?:(?:almost|nearly|pretty much|practically)\s+)?(?:daily|every day|everyday)\b", re.I), "1/day"),
    (re.compile(r"\bweekly\b", re.I), "1/week"),
    (re.compile(r"\bmonthly\b", re.I), "1/month"),
    (re.compile(r"\bmost\s+(?:days|evenings|mornings|afternoons|nights|weeks|weekends|of the time)\b", re.I),
     "most_days"),
    (re.compile(r"\b(?:on and off|on-and-off|off and on|comes and goes|come and go)\b", re.I),
     "on_and_off"),
    (re.compile(r"\b(?:all the time|constantly)\b", re.I), "continuous"),
    (re.compile(r"\b(?:occasionally|once in a while|every now and then|now and again|"
                r"every so often|from time to time|rarely|now and then)\b", re.I), "occasional"),
]


def _mention_number(text: str) -> Optional[float]:
    """'3' -> 3, 'three or four' -> 3.5, 'half a' -> 0.5; None if not a number."""
    text = text.lower().strip()
    parts = re.split(r"\s*(?:-|–|\bto\b|\bor\b)\s*", text)
    values = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if part in _WORDS:
            values.append(float(_WORDS[part]))
        elif part in ("once", "twice", "thrice"):
            values.append({"once": 1.0, "twice": 2.0, "thrice": 3.0}[part])
        elif part in ("a whole", "a full"):
            values.append(1.0)
        else:
            try:
                values.append(float(part))
            except ValueError:
                return None
    return sum(values) / len(values) if values else None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0")


def _unit_minutes(unit: str) -> float:
    """Minutes in one written unit ("hrs" -> 60, "fortnights" -> 20160), from the one unit table."""
    return _MINUTES[_unit(unit.lower())]


def _mention(kind: str, m: re.Match, value: str) -> Dict[str, Any]:
    return {"entity": kind, "start": m.start(), "end": m.end(), "value": value,
            "text": m.group(0)}


_SCORE_WORD = re.compile(r"\b(10|[0-9]|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)


def severity_score(text: str) -> Optional[str]:
    """The 0-10 score in a short severity mention ("a five" -> "5"), if it holds exactly one."""
    found = _SCORE_WORD.findall(text)
    return _fmt(_mention_number(found[0])) if len(found) == 1 else None


def find_severity(text: str) -> List[Dict[str, Any]]:
    out = []
    for pattern in (_SEVERITY_SCORE, _SEVERITY_BARE):
        for m in pattern.finditer(text):
            n = _mention_number(m.group("n"))
            if n is not None and 0 <= n <= 10:
                out.append(_mention("severity", m, _fmt(round(n))))
    for m in _SEVERITY_AFTER_VERB.finditer(text):
        if not any(e["start"] <= m.start("n") < e["end"] for e in out):
            out.append({"entity": "severity", "start": m.start("n"), "end": m.end("n"),
                        "value": _fmt(_mention_number(m.group("n"))), "text": m.group("n")})
    for pattern, bucket in _SEVERITY_WORDS:
        for m in pattern.finditer(text):
            if bucket is None:  # "mild to moderate": the higher bucket
                words = m.group(0).lower().replace("very severe", "very_severe").split()
                bucket_here = max((w for w in words if w in _BUCKETS), key=_BUCKETS.index)
                out.append(_mention("severity", m, bucket_here))
                continue
            value = "very_severe" if m.group(0) == "10/10" else bucket
            out.append(_mention("severity", m, value))
    bare = find_bare_severity(text)
    if bare and not any(e["start"] < bare["end"] and bare["start"] < e["end"] for e in out):
        out.append(bare)
    return out


_BARE_FILLER = (
    r"(?:about|around|roughly|maybe|probably|prob|like|approx|approximately|i'?d say|i would say|"
    r"i reckon|i think|i guess|i suppose|say|its|it's|it is|a|an|at|least|at least|now|today|"
    r"right now|at the moment|usually|normally|mostly|honestly|tbh|hmm|um|uh|erm|well|so|"
    r"at its worst|at worst|at best|pretty much|or so|ish|solid|easily|definitely|prob)"
)
_BARE_SEVERITY = re.compile(
    rf"^\W*(?:{_BARE_FILLER}\W+)*(?P<n>10|[0-9](?:\.5)?|ten|zero|one|two|three|four|five|six|seven|eight|nine)"
    rf"(?:\s*(?:-|–|or maybe|or|to|maybe)\s*(?P<m>10|[0-9]|ten|one|two|three|four|five|six|seven|eight|nine))?"
    rf"(?:\W+{_BARE_FILLER})*\W*$",
    re.I,
)


def find_bare_severity(text: str) -> Optional[Dict[str, Any]]:
    """A short answer that is only a 0-10 score ("6", "eight i reckon", "4 or 5"): the score."""
    m = _BARE_SEVERITY.match(text)
    if not m:
        return None
    n = _mention_number(m.group("n") + (f" or {m.group('m')}" if m.group("m") else ""))
    if n is None or not 0 <= n <= 10:
        return None
    n = int(n + 0.5)  # "4 or 5" -> 5: round halves up
    end = m.end("m") if m.group("m") else m.end("n")
    return {"entity": "severity", "start": m.start("n"), "end": end, "value": _fmt(round(n)),
            "text": text[m.start("n"):end]}


def find_duration(text: str) -> List[Dict[str, Any]]:
    out = []
    for m in _MENTION_DURATION.finditer(text):
        n = _mention_number(m.group("n"))
        if n is None:
            continue
        if not m.group(0).lower().startswith(("for", "over", "since", "the")) and _NOT_MENTION_DURATION_BEFORE.search(
            text[max(0, m.start() - 12) : m.start()]
        ):
            continue
        out.append(_mention("duration", m, _fmt(round(n * _unit_minutes(m.group("unit")), 2))))
    lowered = text.lower()
    # (a clause calling something else non-stop blanked; lower() keeps the offsets of these words)
    said_of_the_headache = without_busy_non_stop(lowered) if len(lowered) == len(text) else text
    for pattern, value in _MENTION_DURATION_WORDS:
        for m in pattern.finditer(said_of_the_headache):
            mention = _mention("duration", m, value or m.group(0).lower())
            out.append({**mention, "text": text[m.start():m.end()]})
    return out


def find_frequency(text: str) -> List[Dict[str, Any]]:
    out = []
    for m in _MENTION_FREQUENCY.finditer(text):
        n = _mention_number(m.group("n"))
        if n is not None:
            per = m.group("per").lower()
            per = per if per in ("week", "month", "year", "fortnight") else "day"
            out.append(_mention("frequency", m, f"{_fmt(n)}/{per}"))
    for m in _MENTION_FREQUENCY_EVERY.finditer(text):
        per = m.group("per").lower()
        if m.group(0).lower().find("other") >= 0:
            value = "0.5/day" if _PER_DAYS.get(per) == 1 else f"0.5/{per}"
        elif per in ("week", "month", "year", "fortnight"):
            value = f"1/{per}"
        elif per in _PER_DAYS:
            value = "1/day"
        else:  # weekday names, "every weekend"
            value = "1/week"
        out.append(_mention("frequency", m, value))
    for m in _MENTION_FREQUENCY_MANY.finditer(text):
        per = m.group("per").lower()
        per = per if per in ("week", "month", "year", "fortnight") else "day"
        out.append(_mention("frequency", m, f"5/{per}"))  # "loads of times a day": several
    for m in _MENTION_FREQUENCY_EVERY_N.finditer(text):
        word = m.group("n").lower()
        n = {"couple of": 2.0, "second": 2.0, "third": 3.0, "fourth": 4.0}.get(word) or LOOSE_COUNTS.get(word)
        n = n if n is not None else _mention_number(word)
        if not n:
            continue
        per = m.group("per").lower().rstrip("s")
        out.append(_mention("frequency", m, f"{_fmt(round(1 / n, 2))}/{per}"))
    for pattern, value in _MENTION_FREQUENCY_WORDS:
        for m in pattern.finditer(text):
            out.append(_mention("frequency", m, value))
    return out


def _longest_first(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Drop mentions overlapping a longer one (ties: earlier kind in the list wins)."""
    kept: List[Dict[str, Any]] = []
    for ent in sorted(entities, key=lambda e: (-(e["end"] - e["start"]), e["start"])):
        if all(ent["end"] <= k["start"] or ent["start"] >= k["end"] for k in kept):
            kept.append(ent)
    return sorted(kept, key=lambda e: e["start"])


def find_quantities(text: str) -> List[Dict[str, Any]]:
    """All severity/duration/frequency mentions in `text`, non-overlapping, in text order."""
    # Frequency before duration: "6 days a month" is a frequency, not a 6-day duration.
    return _longest_first(find_frequency(text) + find_severity(text) + find_duration(text))
