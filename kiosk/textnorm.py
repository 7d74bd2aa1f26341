"""Text normalisation shared by the language-model build, the recogniser and the benchmark.

Speech recognisers write words, not digits or punctuation: "7/10" is heard as "seven out of ten".
Training text is brought to that spoken form before the language model is counted, and reference
transcripts are brought to the same form before word error is measured.
"""
from __future__ import annotations

import re
from typing import List, Sequence

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

# Rasa entity markup in NLU examples: [text](entity), [text]{"entity": ...}, [text]{...}
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_FRACTION = re.compile(r"\b(\d+)\s*/\s*10\b")
_RANGE = re.compile(r"\b(\d+)\s*-\s*(\d+)\b")
_NUMBER = re.compile(r"\d+")
_SYMBOLS = (("%", " percent "), ("&", " and "), ("+", " plus "), ("°", " degrees "))


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


def strip_entities(text: str) -> str:
    """ "[throbbing](pain_quality) pain" -> "throbbing pain"."""
    return _ENTITY.sub(r"\1", text)


def spoken_words(text: str) -> List[str]:
    """Lower-case spoken words of ``text``: digits spelled out, punctuation dropped."""
    out = strip_entities(text).lower().replace("’", "'").replace("‘", "'")
    for symbol, word in _SYMBOLS:
        out = out.replace(symbol, word)
    out = _FRACTION.sub(r"\1 out of ten", out)
    out = _RANGE.sub(r"\1 to \2", out)
    out = _NUMBER.sub(lambda m: " " + number_words(min(int(m.group(0)), 9999)) + " ", out)
    out = re.sub(r"[^a-z' ]+", " ", out)
    words = []
    for word in out.split():
        word = word.strip("'")
        if word:
            words.append(word)
    return words


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
