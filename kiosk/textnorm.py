"""Text normalisation shared by the language-model build, the recogniser and the benchmark.

Speech recognisers write words, not digits or punctuation: "7/10" is heard as "seven out of ten".
Training text is brought to that spoken form before the language model is counted, and reference
transcripts are brought to the same form before word error is measured.

People type differently from how they speak: "2-3hrs", "3ish", "since 2019", "b4 lunch", "idk",
"A&E", "~5 days/month". ``say_text`` turns typed text into what a person reading it out would say
(numbers, times, years, ordinals, ranges, units and chat shorthand in words; laughter and
typed-only tokens dropped), keeping sentence punctuation so a synthesiser still phrases it;
``spoken_words`` is the same without punctuation. The rules are general (they name no sentence).
"""
from __future__ import annotations

import re
from typing import List, Sequence

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_UNITS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()

# Rasa entity markup in NLU examples: [text](entity), [text]{"entity": ...}, [text]{...}
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_SYMBOLS = (("%", " percent "), ("°", " degrees "), ("@", " at "), ("#", " number "))

# Chat shorthand -> what the writer would say. Single letters and laughter are handled below.
SHORTHAND = {
    "u": "you", "ur": "your", "r": "are", "k": "okay", "ok": "okay", "pls": "please", "plz": "please",
    "idk": "i don't know", "dunno": "don't know", "tbh": "to be honest", "imo": "in my opinion",
    "rn": "right now", "ngl": "not gonna lie", "obvs": "obviously", "probs": "probably",
    "prob": "probably", "smth": "something", "sth": "something", "yday": "yesterday",
    "tmrw": "tomorrow", "tmr": "tomorrow", "wfh": "working from home", "bc": "because",
    "cuz": "because", "coz": "because", "tho": "though", "thru": "through", "abt": "about",
    "b4": "before", "btw": "by the way", "omg": "oh my god", "wdym": "what do you mean",
    "w": "with", "wo": "without", "yo": "yo", "gf": "girlfriend", "bf": "boyfriend",
    "bday": "birthday", "lowkey": "low key", "yh": "yeah", "ya": "you", "thx": "thanks",
    "ty": "thank you", "hrs": "hours", "hr": "hour", "mins": "minutes", "min": "minutes",
    "secs": "seconds", "sec": "seconds", "yrs": "years", "yr": "year", "wks": "weeks", "wk": "week",
    "mths": "months", "mth": "month", "approx": "about", "esp": "especially", "info": "info",
    "gonna": "gonna", "wanna": "wanna", "cos": "because", "til": "till", "yday's": "yesterday's",
    "&": "and", "+": "and", "=": "means", "vs": "versus", "etc": "etcetera", "y/o": "year old",
    "yo/": "year old", "oclock": "o'clock", "n": "and", "its": "it's", "mon": "monday", "tue": "tuesday",
    "tues": "tuesday", "wed": "wednesday", "thu": "thursday", "thur": "thursday", "thurs": "thursday",
    "fri": "friday", "sat": "saturday", "umm": "um", "ummm": "um", "uhh": "uh", "hmmm": "hmm", "erm": "um",
    "ermm": "um", "ehm": "um", "mmh": "hmm", "mm": "hmm",
}
# Apostrophe-less contractions (typed) -> the spoken word.
TYPED_CONTRACTIONS = {
    "dont": "don't", "cant": "can't", "wont": "won't", "im": "i'm", "ive": "i've", "doesnt": "doesn't",
    "didnt": "didn't", "isnt": "isn't", "wasnt": "wasn't", "havent": "haven't", "hasnt": "hasn't",
    "thats": "that's", "whats": "what's", "theres": "there's", "arent": "aren't", "couldnt": "couldn't",
    "shouldnt": "shouldn't", "wouldnt": "wouldn't", "youre": "you're", "id": "i'd", "theyre": "they're",
    "theyve": "they've", "weve": "we've", "wouldve": "would've", "couldve": "could've",
    "shouldve": "should've", "ill": "ill", "hadnt": "hadn't", "werent": "weren't", "lets": "let's",
    "someones": "someone's", "itll": "it'll", "youve": "you've", "whos": "who's",
}
# Typed only, never said: laughter, swearing acronyms, kisses.
_TYPED_NOISE = re.compile(r"^(?:(?:ha){2,}h?|(?:he){2,}|(?:hi){3,}|l+o+l+|lmf?ao+|rofl|k{3,}|x{1,3}|ffs|wtf|"
                          r"smh|xd|uwu)$")
# Units after a number ("2h", "12hr", "5mg") -> the word.
_UNIT_WORDS = {
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours", "m": "minutes",
    "min": "minutes", "mins": "minutes", "d": "days", "day": "days", "days": "days", "wk": "weeks",
    "wks": "weeks", "w": "weeks", "yr": "years", "yrs": "years", "y": "years", "mo": "months",
    "mg": "milligrams", "ml": "millilitres", "kg": "kilos", "km": "kilometres", "yo": "year old",
    "s": "s", "x": "times", "ish": "ish", "am": "am", "pm": "pm",
}
_PER = {"day": "a day", "d": "a day", "week": "a week", "wk": "a week", "w": "a week", "month": "a month",
        "mo": "a month", "mth": "a month", "m": "a month", "year": "a year", "yr": "a year",
        "hour": "an hour", "hr": "an hour", "h": "an hour", "night": "a night"}
_TIMES = {1: "once", 2: "twice", 3: "three times"}


def number_words(value: int) -> str:
    """0..9999 as spoken English words ("34" -> "thirty four")."""
    if value < 20:
        return _UNITS[value]
    if value < 100:
        tens, unit = divmod(value, 10)
        return _TENS[tens] + ("" if unit == 0 else " " + _UNITS[unit])
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        return _UNITS[hundreds] + " hundred" + ("" if rest == 0 else " and " + number_words(rest))
    thousands, rest = divmod(value, 1000)
    return number_words(thousands) + " thousand" + ("" if rest == 0 else " " + number_words(rest))


def ordinal_words(value: int) -> str:
    """1 -> "first", 23 -> "twenty third", 40 -> "fortieth"."""
    if value < 20:
        return _ORDINAL_UNITS[value]
    words = number_words(value).split()
    last = words[-1]
    if last in _UNITS:
        words[-1] = _ORDINAL_UNITS[_UNITS.index(last)]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def year_words(value: int) -> str:
    """A calendar year as said: 1998 -> "nineteen ninety eight", 2005 -> "two thousand and five",
    2019 -> "twenty nineteen", 1900 -> "nineteen hundred"."""
    if 2000 <= value <= 2009:
        return "two thousand" + ("" if value == 2000 else " and " + number_words(value - 2000))
    high, low = divmod(value, 100)
    if low == 0:
        return number_words(high) + " hundred"
    return number_words(high) + " " + (("oh " + number_words(low)) if low < 10 else number_words(low))


def plural_words(value: int) -> str:
    """Decades: 20 -> "twenties", 1990 -> "nineteen nineties"."""
    words = (year_words(value) if value >= 1000 else number_words(value)).split()
    words[-1] = words[-1][:-1] + "ies" if words[-1].endswith("y") else words[-1] + "s"
    return " ".join(words)


def strip_entities(text: str) -> str:
    """ "[throbbing](pain_quality) pain" -> "throbbing pain"."""
    return _ENTITY.sub(r"\1", text)


def _num(text: str) -> str:
    value = int(text)
    if len(text) == 4 and 1100 <= value <= 2099:
        return year_words(value)
    return number_words(min(value, 9999))


def _time(match: "re.Match") -> str:
    hour, minute = int(match.group(1)), match.group(2)
    half = (match.group(3).lower() + "m") if match.group(3) else ""
    words = number_words(hour)
    if minute is not None:
        minute_value = int(minute)
        if minute_value == 0:
            words = (number_words(hour) + " hundred") if (hour > 12 and not half) else words + (" o'clock" if not half else "")
        else:
            words += " " + (("oh " + number_words(minute_value)) if minute_value < 10 else number_words(minute_value))
    return f" {words} {half} " if half else f" {words} "


_RULES = [
    # times: 2am, 3:30pm, 19:00
    (re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\b", re.I), lambda m: _time(m)),
    (re.compile(r"\b(\d{1,2}):(\d{2})\b()"), lambda m: _time(m)),
    # x/10 scores, "x out of 10"
    (re.compile(r"\b(\d+(?:\.\d+)?)\s*/\s*10\b"), lambda m: f" {m.group(1)} out of ten "),
    # "4x/month", "2 days/week", "3/week", "5 per month"
    (re.compile(r"\b(\d+)\s*x\s*(?:/|per\b|a\b)\s*(day|d|week|wk|w|month|mo|mth|m|year|yr)\b", re.I),
     lambda m: f" {_TIMES.get(int(m.group(1)), m.group(1) + ' times')} {_PER[m.group(2).lower()]} "),
    (re.compile(r"\b(\d+)\s*x\b(?!\s*\d)", re.I), lambda m: f" {_TIMES.get(int(m.group(1)), m.group(1) + ' times')} "),
    (re.compile(r"\s*/\s*(day|week|wk|month|mth|year|yr|night|hour|hr)\b", re.I), lambda m: f" {_PER[m.group(1).lower()]} "),
    # decimals: 36.9 -> thirty six point nine
    (re.compile(r"\b(\d+)\.(\d+)\b"), lambda m: f" {m.group(1)} point {' '.join(m.group(2))} "),
    # ordinals and decades
    (re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.I), lambda m: f" {ordinal_words(int(m.group(1)))} "),
    (re.compile(r"\b(\d+)0'?s\b"), lambda m: f" {plural_words(int(m.group(1) + '0'))} "),
    # approximate, more/less than
    (re.compile(r"(?<!\d)~\s*(?=\d)"), lambda m: " about "),
    (re.compile(r">\s*(?=\d)"), lambda m: " over "),
    (re.compile(r"<\s*(?=\d)"), lambda m: " under "),
    (re.compile(r"(?<=\d)\s*\+"), lambda m: " plus "),
    # ranges: 2-3, 2~3, 2–3, 2 - 3 (units after either number handled below)
    (re.compile(r"\b(\d+)\s*([a-z]*)\s*(?:-|–|~|to)\s*(?=\d)", re.I), lambda m: f" {m.group(1)} {m.group(2)} to "),
    # a number glued to a unit: 12hr, 2h, 5mg, 3ish, 34yo, 4x
    (re.compile(r"\b(\d+)\s*-?\s*(h|hr|hrs|hours?|m|mins?|d|days?|wks?|w|yrs?|y|mo|mg|ml|kg|km|yo|x|ish)\b", re.I),
     lambda m: f" {m.group(1)} {_UNIT_WORDS[m.group(2).lower()]} "),
    (re.compile(r"\b(\d+)-(?=[a-z])", re.I), lambda m: f" {m.group(1)} "),   # 14-hour, 52-year-old
    (re.compile(r"\d+"), lambda m: f" {_num(m.group(0))} "),
]


def _acronym(word: str) -> bool:
    return 2 <= len(word) <= 5 and word.isalpha() and word.isupper()


def say_text(text: str) -> str:
    """Typed text as a person would say it: words and sentence punctuation (. , ? !) only."""
    out = strip_entities(text or "").replace("’", "'").replace("‘", "'").replace("…", ". ")
    out = re.sub(r"\b([A-Za-z])&([A-Za-z])\b", r"\1 and \2", out)   # A&E, R&R
    out = re.sub(r"\bb4\b", " before ", out, flags=re.I)
    out = re.sub(r"\bw/o\b", " without ", out, flags=re.I)
    out = re.sub(r"\bw/(?=\s|[a-z])", " with ", out, flags=re.I)
    out = re.sub(r"\by/o\b", " year old ", out, flags=re.I)
    for symbol, word in _SYMBOLS:
        out = out.replace(symbol, word)
    for pattern, repl in _RULES:
        out = pattern.sub(repl, out)
    out = re.sub(r"(?<=[a-z])/(?=[a-z])", " or ", out, flags=re.I)   # neck/shoulder
    out = re.sub(r"(?<=\w)-(?=\w)", " ", out)                        # hyphenated words
    tokens = re.findall(r"[A-Za-z']+|[.,?!;:]|[&+=]", out)
    words: List[str] = []
    for token in tokens:
        if token in ".,?!;:":
            if words and words[-1] not in ".,?!":
                words.append("." if token in ";:" else token)
            continue
        acronym = _acronym(token)
        low = token.lower().strip("'")
        if not low:
            continue
        if _TYPED_NOISE.match(low):
            continue
        if acronym and low not in SHORTHAND and low not in ("i", "ok", "no", "so", "hi"):
            words.append(low)  # an acronym: its pronunciation spells the letters (kiosk.build_lm)
        elif low in SHORTHAND:
            words.extend(SHORTHAND[low].split())
        elif low in TYPED_CONTRACTIONS and low not in ("id", "ill", "lets"):
            words.append(TYPED_CONTRACTIONS[low])
        else:
            words.append(low)
    text_out = ""
    for word in words:
        if word in ".,?!":
            text_out = text_out.rstrip() + word + " "
        else:
            text_out += word + " "
    return text_out.strip().lstrip(".,?! ")


def spoken_words(text: str) -> List[str]:
    """Lower-case spoken words of ``text``: digits spelled out, punctuation dropped."""
    return [word for word in say_text(text).split() if word not in ".,?!"
            for word in [word.rstrip(".,?!")] if word]


def spoken(text: str) -> str:
    return " ".join(spoken_words(text))


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitutions + insertions + deletions), for word error
    rates."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[len(hyp)]


def alignment(ref: Sequence[str], hyp: Sequence[str]) -> List[tuple]:
    """A minimum-edit alignment as (ref word or None, hyp word or None) pairs: (r, h) a match or a
    substitution, (r, None) a deletion, (None, h) an insertion."""
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    pairs, i, j = [], n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            pairs.append((ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((ref[i - 1], None))
            i -= 1
        else:
            pairs.append((None, hyp[j - 1]))
            j -= 1
    return pairs[::-1]
