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
from typing import Callable, List, Optional, Tuple, Union

# One place for the calendar facts every reader of numbers uses (the NLU's quantities too).
DAYS_PER_YEAR = 365.25
CALENDAR_MONTH_DAYS = DAYS_PER_YEAR / 12  # 30.44: converting spans of time to months
WEEKS_PER_MONTH = CALENDAR_MONTH_DAYS / 7  # 4.35
MINUTES_PER_DAY = 1440.0
DAYS_PER_MONTH = 30.0  # headache days are counted out of 30 ("15 or more days a month", ICHD-3)
CONTINUOUS = "continuous"

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
        (r"\b(?:a )?couple (?:of )?", "2 "),
        (r"\b(?:a )?few\b", "3"),
        (r"\bseveral\b", "3"),
        (r"\b(?:a )?dozen\b", "12"),
        (r"\bfortnights?\b", "2 weeks"),
        (r"(?<![a-z])(?:hrs?|hours?)\b|(?<=\d)h\b", " hours"),
        (r"(?<![a-z])(?:mins?|minutes?)\b|(?<=\d)m\b", " minutes"),
        (r"(?<![a-z])secs?\b", " seconds"),
        (r"(?<![a-z])wks?\b", " weeks"),
        (r"(?<![a-z])yrs?\b", " years"),
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
                      "couple", "few", "several", "dozen", "fortnight", "h", "m", "sec", "wk", "yr", " ")


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

_SEV_SCALE = re.compile(rf"(?<![\d.])({NUM})(?:\s*(?:-|–|to|or)\s*({NUM}))?\s*(?:/|out of|outta|of)\s*10\b")
_SEV_SCALE_BEFORE = re.compile(rf"\b(?:out of|on a scale of(?: 1 to| 0 to)?)\s*10\b\D{{0,25}}?({NUM})\b")
_SEV_CONTEXT = re.compile(
    rf"\b(?:rate (?:it|the pain|my pain)?(?: at| as)?|rated(?: it)?(?: at| as)?|rating(?: of)?|score(?: of)?|"
    rf"level(?: of)?|severity(?: of)?|intensity(?: of)?|about an?|around an?|like an?|a solid|"
    rf"it'?s an?|it is an?|pain is an?|its about an?|it'?s about an?|solid)\s*(?:an? )?({NUM})"
    rf"(?:\s*(?:-|to|or)\s*({NUM}))?\b(?!\s*(?:%|hours|minutes|days|weeks|months|years|times|am|pm|\.\d))"
)
_SEV_BARE_NUM = re.compile(
    rf"(?<![\d.])({NUM})(?![\d.]|\s*(?:%|hours|minutes|seconds|days|weeks|months|years|times|am|pm))"
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
    return max(found) if found else None


# --- durations ----------------------------------------------------------------------------------

_MINUTES = {"second": 1 / 60, "minute": 1.0, "hour": 60.0, "day": MINUTES_PER_DAY, "week": 7 * MINUTES_PER_DAY,
            "month": CALENDAR_MONTH_DAYS * MINUTES_PER_DAY, "year": DAYS_PER_YEAR * MINUTES_PER_DAY}
_UNIT = r"(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|wks?|months?|years?|yrs?)\b"
# written units and their usual abbreviations ("3-4 h", "40 mins", "2 hrs")
_UNIT_NAME = {"sec": "second", "min": "minute", "hr": "hour", "h": "hour", "wk": "week", "yr": "year"}
_DURATION = re.compile(rf"(?<![\d.]){RANGE}\s*-?\s*{_UNIT}")


def _unit(word: str) -> str:
    word = word[:-1] if word.endswith("s") and len(word) > 1 else word
    return _UNIT_NAME.get(word, word)
_CONTINUOUS = re.compile(
    r"\b(?:constant(?:ly)?|continuous(?:ly)?|all the time|never (?:ever )?(?:goes|go|went) away|"
    r"(?:doesn'?t|does not|won'?t|will not|hasn'?t|has not|didn'?t|did not|never) (?:go|gone|went|stop|stopped|leave|left|ease|eased)\b(?: away| off)?|"
    r"non[\s-]?stop|24/7|24 7|always there|there all the time|permanent(?:ly)?|never stops|"
    r"round the clock|around the clock|all day every day|every waking (?:moment|hour)|"
    r"never lets up|doesn'?t let up|never leaves|unrelenting|unremitting)\b"
)
_LOOSE_DURATIONS: Tuple[Tuple[re.Pattern, float], ...] = _pattern_table(
        (r"\b(?:all|the whole|whole|the entire|an entire) day(?: long)?\b", 720.0),
        # into the next day: "until next morning", "all the evening and the night"
        (r"\b(?:until|till|til|into|to) (?:the )?next (?:morning|day)\b|\b(?:all|the whole) (?:the )?(?:evening|afternoon) and (?:the )?night\b", 960.0),
        (r"\b(?:most|much|the best part|a good part|half) of the day\b|\bhalf (?:a |of |of the |the )?day\b", 480.0),
        (r"\b(?:all|the whole) (?:night|evening|morning|afternoon)\b", 360.0),
        # the day's clock as the measure: "an afternoon", "gone by teatime", "hangs around till evening"
        (r"\b(?:gone|goes|go|clears?|cleared|passes|passed|over|better|fine|eases?|eased|settles?) (?:off )?by (?:the )?(?:mid ?-?afternoon|afternoon|lunch(?:time)?|tea ?time|tea|dinner(?:time)?|supper|evening|bedtime|night|morning)\b"
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


def find_durations(text: str) -> List[Tuple[int, int, float]]:
    """(start, end, minutes) for each amount of time in normalised ``text``; sums "2 hours 30 minutes"."""
    found: List[Tuple[int, int, float]] = []
    for match in _DURATION.finditer(text):
        minutes = _mid(match.group(1), match.group(2)) * _MINUTES[_unit(match.group(3))]
        if found and text[found[-1][1]: match.start()].strip() in {"", "and"} and minutes < found[-1][2]:
            start = found[-1][0]
            found[-1] = (start, match.end(), found[-1][2] + minutes)
        else:
            found.append((match.start(), match.end(), minutes))
    return found


_UNTIL = re.compile(r"\s*(?:away\s+|off\s+)?(?:until|till|til|unless|without|if|for)\b")


def says_continuous(low: str) -> bool:
    """A "never goes away" phrase not followed by "until/unless" ("doesn't go until I sleep")."""
    return any(not _UNTIL.match(low, m.end()) for m in _CONTINUOUS.finditer(low))


def parse_duration(text: str) -> Union[float, str, None]:
    """Minutes of one attack, ``"continuous"``, or None: "3 hours", "half an hour", "all day"."""
    low = normalize(text)
    if says_continuous(low):
        return CONTINUOUS
    found = find_durations(low)
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


# "a/per/each week", and the rate's denominator said with "in": "6 days in one month", "3 times
# in the week", "twice in week" (a count followed by "in" + one period is a rate, not a duration).
_PER = r"(?:a|an|per|each|every|in(?: the (?:last|past)| a| an| the| one| 1| every| each)?|/|a single|1)"
_PERIOD = r"(day|week|month|year)s?\b"
_COUNT_NOUN = (
    r"(?:\s*(?:days?|times?|x|headaches?|attacks?|migraines?|episodes?|bouts?|of them|occasions?|"
    r"headache days?|bad days?|days? out of 7))?"
)
_FREQ_COUNT = re.compile(rf"(?<![\d.]){RANGE}{_COUNT_NOUN}\s*{_PER}\s*{_PERIOD}")
_ONCE_TWICE = {"once": 1.0, "twice": 2.0, "thrice": 3.0}
_FREQ_ONCE = re.compile(
    rf"\b(once|twice|thrice)(?:\s*(?:or|-|to)\s*(once|twice|thrice|\d+(?: times)?))?\s*{_PER}\s*{_PERIOD}"
)
_FREQ_EVERY_N = re.compile(rf"\bevery\s+({NUM})(?:\s*(?:-|to|or)\s*({NUM}))?\s*{_PERIOD}")
_FREQ_OUT_OF = re.compile(rf"(?<![\d.])({NUM})\s*(?:days?\s*)?out of\s*(7|30|31)\b")
_FREQ_PHRASES: Tuple[Tuple[re.Pattern, float], ...] = _pattern_table(
        (r"\b(?:almost|nearly|practically|virtually|pretty much) (?:every ?day|daily|all the time|constantly)\b", 25.0),
        (r"\b(?:every ?day|daily|each day|every single day|every morning|every night|every evening|"
         r"every afternoon|all day every day|7 days a week|constant(?:ly)?|all the time|24/7|"
         r"non[\s-]?stop|continuous(?:ly)?|never goes away|most of the time)\b", 30.0),
        (r"\b(?:most days|majority of days|most of the month|more days than not)\b", 20.0),
        (r"\b(?:every other day|alternate days|half the month|half the time|half of the days)\b", 15.0),
        (r"\b(?:every weekend|weekends|at the weekend|on weekends)\b", 2 * WEEKS_PER_MONTH),
        (r"\b(?:weekly|every week|each week)\b", WEEKS_PER_MONTH),
        (r"\b(?:fortnightly|every other week)\b", WEEKS_PER_MONTH / 2),
        (r"\b(?:monthly|every month|each month|with my period|every period)\b", 1.0),
        (r"\b(?:yearly|annually|every year)\b", 1 / 12),
)


def _per_period(count: float, period: str) -> Tuple[float, Optional[float]]:
    if period == "day":
        return DAYS_PER_MONTH, count
    factor = {"week": WEEKS_PER_MONTH, "month": 1.0, "year": 1 / 12}[period]
    return min(DAYS_PER_MONTH, count * factor), None


def _once_value(word: str) -> float:
    return _ONCE_TWICE.get(word) or float(word.split()[0])


def _spans_free(found: List[Frequency], start: int, end: int) -> bool:
    return all(end <= f.start or start >= f.end for f in found)


def find_frequencies(text: str) -> List[Frequency]:
    """Every frequency phrase in normalised ``text`` (see ``normalize``), in order."""
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
    for match in _FREQ_OUT_OF.finditer(text):
        days = float(match.group(1)) * (WEEKS_PER_MONTH if match.group(2) == "7" else 1.0)
        if _spans_free(found, match.start(), match.end()):
            found.append(Frequency(match.start(), match.end(), min(DAYS_PER_MONTH, days)))
    for pattern, days in _FREQ_PHRASES:
        for match in pattern.finditer(text):
            if _spans_free(found, match.start(), match.end()):
                found.append(Frequency(match.start(), match.end(), days))
    return sorted(found, key=lambda f: f.start)


def parse_frequency(text: str) -> Optional[float]:
    """Headache days per month: "twice a week" -> 8.7, "most days" -> 20, "daily" -> 30."""
    found = find_frequencies(normalize(text))
    return round(max(f.days_per_month for f in found), 2) if found else None


def parse_attacks_per_day(text: str) -> Optional[float]:
    """Attacks per day when said: "2-3 times a day" -> 2.5."""
    values = [f.attacks_per_day for f in find_frequencies(normalize(text)) if f.attacks_per_day]
    return max(values) if values else None


# --- how long the pattern has existed -----------------------------------------------------------

_MONTHS_PER = {"day": 1 / CALENDAR_MONTH_DAYS, "week": 1 / WEEKS_PER_MONTH, "month": 1.0, "year": 12.0}
_PRESENT_NUM = re.compile(
    rf"\b(?:for|since|over|in|during|going on|gone on|lasted|lasting)\s+(?:for )?(?:about |around |roughly |almost |nearly |over |more than |at least |the best part of |the better part of |a good |close to |well over )?"
    rf"(?:the\s+)?(?:past|last|previous)?\s*{RANGE}\s*{_PERIOD}"
    rf"|(?<![\d.]){RANGE}\s*{_PERIOD}\s*(?:ago|now|and counting|so far)\b"
)
_PRESENT_WORDS: Tuple[Tuple[re.Pattern, float], ...] = _pattern_table(
        (r"\b(?:all my life|my whole life|my entire life|since (?:i was )?(?:a )?(?:child|kid|little|baby)|since childhood)\b", 240.0),
        (r"\b(?:for|since) (?:many|lots of|so many) years\b|\bfor decades\b|\bsince (?:i was )?(?:a )?(?:teen|teenager|school)\b", 120.0),
        (r"\b(?:for|over) (?:the )?years\b|\bfor ages\b|\bfor a long time\b|\byears now\b", 24.0),
        (r"\byear and a half\b", 18.0),
        (r"\bsince last year\b|\b(?:for|over|in) (?:about |the )?(?:a |last |past )?year\b", 12.0),
        (r"\b(?:for|over|in) (?:about |the )?(?:last |past )?(?:half a year|half year)\b", 6.0),
        (r"\bsince last (?:summer|winter|spring|autumn|fall|christmas)\b", 6.0),
        (r"\bfor months\b|\bmonths now\b", 6.0),
        (r"\bsince last month\b|\b(?:for|over|in) (?:about )?(?:the )?(?:last|past) month\b|\bfor (?:about )?a month\b", 1.0),
        (r"\bfor weeks\b|\bweeks now\b", 1.0),
        (r"\bsince last week\b|\bfor (?:about )?a week\b", 0.25),
        (r"\bfor days\b|\bdays now\b", 0.1),
        (r"\bsince yesterday\b|\bsince last night\b", 1 / CALENDAR_MONTH_DAYS),
        (r"\bsince (?:this morning|today|earlier)\b", 0.5 / CALENDAR_MONTH_DAYS),
)
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
    match = next((m for m in _PRESENT_NUM.finditer(low) if _spans_free(rates, m.start(), m.end())), None)
    if match:
        groups = [g for g in match.groups()]
        low_n, high_n, unit = (groups[0:3] if groups[0] else groups[3:6])
        return round(_mid(low_n, high_n) * _MONTHS_PER[unit], 3)
    weekday = _SINCE_WEEKDAY.search(low)
    if weekday:
        return round(_since_weekday(weekday.group(1), today), 3)
    for pattern, months in _PRESENT_WORDS:
        if any(_spans_free(rates, m.start(), m.end()) for m in pattern.finditer(low)):
            return months
    return None


# The age a headache pattern began at: "since I was 20", "since my twenties", "since childhood".
_STARTED_AT_AGE = re.compile(rf"\b(?:since|from|started (?:when|at)|began (?:when|at)|begun (?:when|at)|ever since) (?:(?:i|he|she|they) (?:was|were)|(?:the )?age(?: of)?|(?:i|he|she) turned|about|around| )*\s*({NUM})\b(?!\s*(?:weeks?|days?|months?|years?(?! old| of age)|hours?|minutes?|times?)\b|[\d.])")
_STARTED_IN_DECADE = re.compile(r"\b(?:since|from|started in|began in|ever since) (?:my|his|her|their) (early |mid |late )?(\d)0'?s\b")
_STARTED_AT_STAGE: Tuple[Tuple[re.Pattern, int], ...] = _pattern_table(
        (r"\b(?:since|from|ever since) (?:i was )?(?:a )?(?:little|small|young(?! (?:man|woman|lad|girl|adult|men|women))|baby|toddler|child|kid|childhood)\b|\ball my life\b|\bmy (?:whole|entire) life\b", 8),
        (r"\b(?:since|from|ever since) (?:i was )?(?:a |my )?(?:teen|teens|teenager|puberty|school|schooldays|school days)\b", 14),
        (r"\b(?:since|from|ever since) (?:i was )?(?:at |in )?(?:uni|university|college|my student days|a student)\b", 20),
        (r"\b(?:since|from|ever since) (?:i|he|she) (?:was|were) (?:a )?(?:young|young man|young woman|young lad|young girl|lad|girl|boy|youngster)\b", 20),
)


# "it started about a month after the crash when I was 46"
_STARTED_WHEN = re.compile(rf"\b(?:started|began|begun|start|came on|appeared)\b[^.;!?]{{0,50}}?\bwhen (?:i|he|she) (?:was|turned) ({NUM})\b(?!\s*(?:weeks?|days?|months?)\b)")


def parse_started_age(text: str) -> Optional[int]:
    """The age at which the headaches began, when the text says it: "since my twenties" -> 25."""
    low = _DECADE_WORD_RE.sub(lambda m: _DECADE_WORDS[m.group(1)], normalize(text))
    when = _STARTED_WHEN.search(low)
    if when and 1 <= float(when.group(1)) <= 110:
        return int(float(when.group(1)))
    decade = _STARTED_IN_DECADE.search(low)
    if decade:
        return int(decade.group(2)) * 10 + {"early ": 2, "mid ": 5, "late ": 8}.get(decade.group(1) or "", 5)
    match = _STARTED_AT_AGE.search(low)
    if match and 1 <= float(match.group(1)) <= 110 and not re.match(r"(?:19|20)\d\d$", match.group(1)):
        return int(float(match.group(1)))
    for pattern, age in _STARTED_AT_STAGE:
        if pattern.search(low):
            return age
    return None


# --- age and pregnancy --------------------------------------------------------------------------

_NOT_AGE_AFTER = (
    r"(?![\d.]|\s*(?:weeks|days|months|hours|minutes|seconds|times|%|/|kg|lbs?|st\b|stone|cm|ft|"
    r"out of|x\b|th\b|nd\b|rd\b|feet|foot|inch|degrees|c\b|f\b|am\b|pm\b|mg|ml|days?|"
    # "one side", "one half of my head", "one eye": a place, not an age
    r"sides?\b|sided\b|half\b|halves\b|eyes?\b|ears?\b|temples?\b|of (?:my|the|them|those|these)\b))"
)
_AGE_PATTERNS: Tuple[re.Pattern, ...] = tuple(
    re.compile(p)
    for p in (
        rf"(?<![\d.])(\d{{1,3}})\s*[- ]?(?:years?|y)\s*[- ]?old\b",
        rf"(?<![\d.])(\d{{1,3}})\s*(?:yo|y/o|y\.o\.?|yrs? old)\b",
        rf"(?<![\d.])(\d{{1,3}})\s*years? of age\b",
        # "she has 15 years", "I have 47 years" (the age said as in many languages)
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


def parse_age(text: str, bare: bool = False, today: Optional[_dt.date] = None, decades: bool = True) -> Optional[int]:
    """Age in years: "I'm 67", "67 years old", "aged fifty-two", "in my fifties"; ``bare`` takes "52"."""
    low = normalize(text)
    low = _DECADE_WORD_RE.sub(lambda m: _DECADE_WORDS[m.group(1)], low)
    for pattern in _AGE_PATTERNS:
        match = pattern.search(low)
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
        rf"\bpregnant\W{{0,3}}(?:at|with|for|and)?\s*(?:about |around )?({NUM})\s*weeks?",
        r"(?<![\d.])(\d{1,2})\s*\+\s*\d\b",
        rf"\b(?:at|i'?m|im|i am)\s*({NUM})\s*weeks?\b",
    )
)
_PREG_MONTHS = re.compile(rf"(?<![\d.])({NUM})\s*months?\s*(?:pregnant|preg|along|gone)")
_TRIMESTER = re.compile(r"\b(first|1st|second|2nd|third|3rd|last|final) trimester\b")
_TRIMESTER_WEEKS = {"first": 8, "1st": 8, "second": 20, "2nd": 20, "third": 28, "3rd": 28, "last": 28, "final": 28}


def parse_pregnancy_weeks(text: str) -> Optional[int]:
    """Weeks of pregnancy: "34 weeks pregnant", "6 months pregnant" (26), "third trimester" (28).

    A second-trimester answer gives 20, the start of the second half, because that half is where
    pre-eclampsia is possible (uncertainty never lowers a level).
    """
    low = normalize(text)
    for pattern in _PREG_WEEKS:
        match = pattern.search(low)
        if match and 1 <= float(match.group(1)) <= 44:
            return int(float(match.group(1)))
    match = _PREG_MONTHS.search(low)
    if match and 1 <= float(match.group(1)) <= 10:
        return int(round(float(match.group(1)) * WEEKS_PER_MONTH))
    match = _TRIMESTER.search(low)
    return _TRIMESTER_WEEKS[match.group(1)] if match else None


def first_number(text: str, predicate: Callable[[float], bool] = lambda v: True) -> Optional[float]:
    """The first number (digits or words) in ``text`` that satisfies ``predicate``."""
    for match in re.finditer(rf"(?<![\d.])({NUM})", normalize(text)):
        if predicate(float(match.group(1))):
            return float(match.group(1))
    return None
