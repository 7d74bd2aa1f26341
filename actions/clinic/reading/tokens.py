"""Tokens: the words, numbers and clause punctuation of a message, with their character offsets.

Every reader splits text the same way: lowercase, apostrophes dropped ("Don't", "dont" and
"don’t" compare equal), punctuation that ends a clause as a token of its own.
"""
from __future__ import annotations

import re
from typing import List, Tuple

_TOKEN_RE = re.compile(
    r"\d+(?:[.,/]\d+)*|[^\W_]+(?:['’‘`][^\W_]+)*|\n|[.,;:!?()]|(?<=\s)[-–—](?=\s)|[-–—](?=\s*$)"
)
_APOSTROPHES = re.compile(r"['’‘`]")

Token = Tuple[str, int, int]  # normalised word, char start, char end (exclusive)
Span = Tuple[int, int]  # start, end (exclusive)


_DROP_APOSTROPHES = str.maketrans("", "", "'’‘`")
# Scots negative verb forms read as their English contractions, so that every reader's "doesnt" /
# "didnt" also reads "noise doesnae bother me", "I didnae faint" (one place, not each pattern).
# Only forms whose English contraction is itself a negation cue: "cannae", "couldnae", "wouldnae"
# stay as they are (a cue in their own right), since "can't", "couldn't" and "wouldn't" are not
# cues in English ("the pharmacist wouldn't sell me more" does not deny the medicine).
DIALECT_NEGATIVES = {
    "doesnae": "doesnt", "disnae": "doesnt", "didnae": "didnt", "dinnae": "dont", "isnae": "isnt",
    "wasnae": "wasnt", "wisnae": "wasnt", "havenae": "havent", "hasnae": "hasnt",
    "willnae": "wont", "wullnae": "wont", "werenae": "werent", "arenae": "arent",
}


# "me" for "my" before a part of the body, as British, Irish and Australian speech has it ("cracked
# me head on a pole", "me neck's killing me"): read as "my", so every rule that says whose head it
# is reads it too ("hit me in the head", "gave me a headache" keep their "me").
_BODY_PARTS = frozenset(
    "head heads neck eye eyes face arm arms leg legs hand hands back shoulder shoulders jaw ear ears "
    "temple temples forehead skull nose mouth tongue lip lips chest stomach belly tummy throat finger "
    "fingers foot feet knee knees hip hips scalp brain noggin nut sight vision eyesight speech".split()
)


def _possessive_me(tokens: List[Token]) -> List[Token]:
    return [
        ("my", start, end) if word == "me" and i + 1 < len(tokens) and tokens[i + 1][0] in _BODY_PARTS else (word, start, end)
        for i, (word, start, end) in enumerate(tokens)
    ]


# Written abbreviations of time units, read as the words every time rule knows ("6 yrs ago")
UNIT_ABBREVIATIONS = {
    "yrs": "years", "yr": "year", "wks": "weeks", "wk": "week", "hrs": "hours", "hr": "hour",
    "mths": "months", "mnths": "months", "mth": "month", "mins": "minutes", "secs": "seconds",
}
# Northern English and Scots words for nothing / anything / something ("nowt with me arms or owt").
DIALECT_PRONOUNS = {"nowt": "nothing", "owt": "anything", "summat": "something", "nothin": "nothing", "anythin": "anything"}
_WORD_FORMS = {**DIALECT_NEGATIVES, **DIALECT_PRONOUNS, **UNIT_ABBREVIATIONS}


def normalize_word(token: str) -> str:
    """Lowercase and drop apostrophes, so "Don't", "dont" and "don’t" compare equal."""
    word = token.lower().translate(_DROP_APOSTROPHES)
    return _WORD_FORMS.get(word, word)


def tokenize(text: str) -> List[Token]:
    """Words, numbers and clause punctuation of ``text`` with their character offsets."""
    lowered = text.lower()  # same length as text for the characters the token pattern keeps
    if len(lowered) != len(text):
        return _possessive_me([(normalize_word(m.group()), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)])
    words = ((lowered[m.start():m.end()].translate(_DROP_APOSTROPHES), m) for m in _TOKEN_RE.finditer(text))
    return _possessive_me([(_WORD_FORMS.get(word, word), m.start(), m.end()) for word, m in words])


def phrase_words(phrase: str) -> Tuple[str, ...]:
    """A lexicon phrase as the word tuple ``tokenize`` would produce for it."""
    return tuple(word for word, _, _ in tokenize(phrase))


