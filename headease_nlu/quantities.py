"""Severity, duration and frequency mentions found by small regex grammars (no Duckling).

`find_quantities(text)` returns Rasa-style entity dicts with normalised values:
- severity: "0".."10" for scores ("7/10", "3 outta 10", "around a 4"), or a bucket id from the
  clinical reference for words ("mild", "moderate", "severe", "very_severe");
- duration: minutes as a string ("2880" for "for the past two days"), or "continuous";
- frequency: "<count>/<day|week|month|year>" ("2/week" for "twice a week"), or a pattern id
  ("most_days", "on_and_off", "occasional", "continuous").
Pure functions, no Rasa or spaCy import, so they are cheap to unit-test.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from actions.clinic.numbers import CALENDAR_MONTH_DAYS, DAYS_PER_YEAR, MINUTES_PER_DAY

_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
    "a": 1, "an": 1, "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2,
    "a few": 3, "few": 3, "several": 4, "half a": 0.5, "half an": 0.5, "a half": 0.5,
}
_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(
    sorted((re.escape(w) for w in _WORDS), key=len, reverse=True)
) + r")"
_RANGE = rf"{_NUM}(?:\s*(?:-|–|to|or)\s*{_NUM})?"
_APPROX = r"(?:about|around|roughly|approximately|approx\.?|nearly|almost|maybe|over|under|less than|more than|at least|up to|like)"

_MINUTES = {
    "second": 1 / 60, "sec": 1 / 60, "minute": 1, "min": 1, "hour": 60, "hr": 60, "h": 60,
    "day": MINUTES_PER_DAY, "week": 7 * MINUTES_PER_DAY, "wk": 7 * MINUTES_PER_DAY, "fortnight": 14 * MINUTES_PER_DAY,
    "month": CALENDAR_MONTH_DAYS * MINUTES_PER_DAY, "year": DAYS_PER_YEAR * MINUTES_PER_DAY, "yr": DAYS_PER_YEAR * MINUTES_PER_DAY,
}
_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|wks?|fortnights?|months?|years?|yrs?)"
_PERIOD = r"(?:day|week|month|year|night|morning|afternoon|evening|fortnight)"
_PER_DAYS = {"day": 1, "night": 1, "morning": 1, "afternoon": 1, "evening": 1, "week": 7,
             "fortnight": 14, "month": CALENDAR_MONTH_DAYS, "year": DAYS_PER_YEAR}

_SEVERITY_SCORE = re.compile(
    rf"\b(?:{_APPROX}\s+)?(?P<n>\d{{1,2}}(?:\.\d)?|{'|'.join(w for w in _WORDS if w.isalpha())})"
    rf"\s*(?:/|out of|outta|of)\s*(?:10|ten)\b",
    re.I,
)
_SEVERITY_BARE = re.compile(
    rf"\b(?:(?:{_APPROX})\s+)(?:a|an)\s+(?P<n>10|[0-9]|ten|one|two|three|four|five|six|seven|eight|nine)\b"
    rf"(?!\s*(?:{_UNIT}|/|out of|outta|of|-|to|or|times|x|in|per|a\s+(?:day|week|month))\b)",
    re.I,
)
# "by dinner it's an eight": only the number is the mention.
_SEVERITY_AFTER_VERB = re.compile(
    r"\b(?:it'?s|its|is|was|at|hits|reaches|rate it|call it|say|give it|rated)"
    r"(?:\s+(?:still|now|probably|prob|maybe|like|about|around|easily|definitely|only|just|usually|"
    r"normally|at least|a solid|solid|more like|nearer|closer to))?\s+(?:a|an)\s+"
    r"(?P<n>10|[0-9]|ten|one|two|three|four|five|six|seven|eight|nine)\b"
    rf"(?!\s*(?:{_UNIT}|/|out of|outta|of|-|to|or|times|x|in|per|a\s+(?:day|week|month))\b)",
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
_DURATION = re.compile(
    rf"(?<!\bevery )(?<!\bevery other )(?<!\bper )(?<!\beach )"
    rf"\b(?:(?:for|over|since)\s+)?(?:the\s+)?(?:(?:past|last)\s+)?(?:{_APPROX}\s+)?"
    rf"(?P<n>{_RANGE}|a whole|a full|an|a)\s*(?P<unit>{_UNIT})\b"
    rf"(?:\s+or\s+(?:two|three|so|more|\d+)\b)?"
    rf"(?:\s+ago)?(?!\s*(?:a|an|per|each|every)\s+(?:day|week|month|year)\b)"
    rf"(?!\s*(?:old|/|pregnant|gone|along|postpartum|post partum|postnatal|of pregnancy|into (?:my|the|her) pregnancy))",
    re.I,
)
# "in a day", "in 24 hours" (a dose or count window), "every 3 days" (a frequency): not durations
_NOT_DURATION_BEFORE = re.compile(r"\b(?:in|within|per|every|each|a|an)\s*$", re.I)
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
_DURATION_WORDS = [
    (re.compile(rf"\b{_SINCE}", re.I), None),
    (re.compile(rf"\b(?:{_LONG_WHILE})", re.I), None),
    (re.compile(r"\b(?:all day(?: long)?|all night|all week)\b", re.I), None),
    (re.compile(r"\b(?:non[- ]?stop|constant(?:ly)?|continuous(?:ly)?|never goes away|"
                r"never stops|24/7)\b", re.I), "continuous"),
]
_FREQUENCY = re.compile(
    rf"\b(?:{_APPROX}\s+)?(?P<n>{_RANGE}|once|twice|thrice)\s*"
    rf"(?:(?:times?|x|days?|nights?|attacks?|headaches?|migraines?|episodes?)\s+)?"
    rf"(?:a|an|per|each|every|in a)\s+(?P<per>{_PERIOD})\b",
    re.I,
)
_FREQUENCY_EVERY = re.compile(
    rf"\b(?:(?:nearly|almost|pretty much|practically)\s+)?(?:every|each)\s+(?:single\s+)?"
    rf"(?:other\s+)?(?P<per>{_PERIOD}|weekend|monday|tuesday|wednesday|thursday|friday|"
    rf"saturday|sunday)\b",
    re.I,
)
_FREQUENCY_MANY = re.compile(
    rf"\b(?:loads|lots|heaps|tons|a lot|plenty|many|multiple|numerous|countless)(?:\s+of)?\s+times\s+"
    rf"(?:a|an|per|each|every|in a)\s+(?P<per>{_PERIOD})\b",
    re.I,
)
_FREQUENCY_EVERY_N = re.compile(
    rf"\b(?:(?:about|around|roughly|maybe)\s+)?(?:once\s+)?(?:every|each)\s+(?P<n>{_RANGE}|few|couple(?: of)?|second|third|fourth)\s+"
    rf"(?P<per>days?|weeks?|months?|years?|fortnights?)\b",
    re.I,
)
_FREQUENCY_WORDS = [
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


def _number(text: str) -> Optional[float]:
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
    unit = unit.lower().rstrip("s") or "s"
    if unit in ("", "s"):
        unit = "second"
    for key, minutes in _MINUTES.items():
        if unit == key or unit.startswith(key):
            return minutes
    raise ValueError(unit)


def _entity(kind: str, m: re.Match, value: str) -> Dict[str, Any]:
    return {"entity": kind, "start": m.start(), "end": m.end(), "value": value,
            "text": m.group(0)}


_SCORE_WORD = re.compile(r"\b(10|[0-9]|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)


def severity_score(text: str) -> Optional[str]:
    """The 0-10 score in a short severity mention ("a five" -> "5"), if it holds exactly one."""
    found = _SCORE_WORD.findall(text)
    return _fmt(_number(found[0])) if len(found) == 1 else None


def find_severity(text: str) -> List[Dict[str, Any]]:
    out = []
    for pattern in (_SEVERITY_SCORE, _SEVERITY_BARE):
        for m in pattern.finditer(text):
            n = _number(m.group("n"))
            if n is not None and 0 <= n <= 10:
                out.append(_entity("severity", m, _fmt(round(n))))
    for m in _SEVERITY_AFTER_VERB.finditer(text):
        if not any(e["start"] <= m.start("n") < e["end"] for e in out):
            out.append({"entity": "severity", "start": m.start("n"), "end": m.end("n"),
                        "value": _fmt(_number(m.group("n"))), "text": m.group("n")})
    for pattern, bucket in _SEVERITY_WORDS:
        for m in pattern.finditer(text):
            if bucket is None:  # "mild to moderate": the higher bucket
                words = m.group(0).lower().replace("very severe", "very_severe").split()
                bucket_here = max((w for w in words if w in _BUCKETS), key=_BUCKETS.index)
                out.append(_entity("severity", m, bucket_here))
                continue
            value = "very_severe" if m.group(0) == "10/10" else bucket
            out.append(_entity("severity", m, value))
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
    n = _number(m.group("n") + (f" or {m.group('m')}" if m.group("m") else ""))
    if n is None or not 0 <= n <= 10:
        return None
    n = int(n + 0.5)  # "4 or 5" -> 5: round halves up
    end = m.end("m") if m.group("m") else m.end("n")
    return {"entity": "severity", "start": m.start("n"), "end": end, "value": _fmt(round(n)),
            "text": text[m.start("n"):end]}


def find_duration(text: str) -> List[Dict[str, Any]]:
    out = []
    for m in _DURATION.finditer(text):
        n = _number(m.group("n"))
        if n is None:
            continue
        if not m.group(0).lower().startswith(("for", "over", "since", "the")) and _NOT_DURATION_BEFORE.search(
            text[max(0, m.start() - 12) : m.start()]
        ):
            continue
        out.append(_entity("duration", m, _fmt(round(n * _unit_minutes(m.group("unit")), 2))))
    for pattern, value in _DURATION_WORDS:
        for m in pattern.finditer(text):
            out.append(_entity("duration", m, value or m.group(0).lower()))
    return out


def find_frequency(text: str) -> List[Dict[str, Any]]:
    out = []
    for m in _FREQUENCY.finditer(text):
        n = _number(m.group("n"))
        if n is not None:
            per = m.group("per").lower()
            per = per if per in ("week", "month", "year", "fortnight") else "day"
            out.append(_entity("frequency", m, f"{_fmt(n)}/{per}"))
    for m in _FREQUENCY_EVERY.finditer(text):
        per = m.group("per").lower()
        if m.group(0).lower().find("other") >= 0:
            value = "0.5/day" if _PER_DAYS.get(per) == 1 else f"0.5/{per}"
        elif per in ("week", "month", "year", "fortnight"):
            value = f"1/{per}"
        elif per in _PER_DAYS:
            value = "1/day"
        else:  # weekday names, "every weekend"
            value = "1/week"
        out.append(_entity("frequency", m, value))
    for m in _FREQUENCY_MANY.finditer(text):
        per = m.group("per").lower()
        per = per if per in ("week", "month", "year", "fortnight") else "day"
        out.append(_entity("frequency", m, f"5/{per}"))  # "loads of times a day": several
    for m in _FREQUENCY_EVERY_N.finditer(text):
        word = m.group("n").lower()
        n = {"few": 3.0, "couple": 2.0, "couple of": 2.0, "second": 2.0, "third": 3.0, "fourth": 4.0}.get(word)
        n = n if n is not None else _number(word)
        if not n:
            continue
        per = m.group("per").lower().rstrip("s")
        out.append(_entity("frequency", m, f"{_fmt(round(1 / n, 2))}/{per}"))
    for pattern, value in _FREQUENCY_WORDS:
        for m in pattern.finditer(text):
            out.append(_entity("frequency", m, value))
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
