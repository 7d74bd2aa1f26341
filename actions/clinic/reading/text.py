"""A message as the readers see it: normalised words, a flat string, clauses and sentences.

``FlatText.of(text)`` tokenises (``negation.tokenize``: lowercase, apostrophes dropped,
punctuation as tokens), corrects one-typo red-flag words and joins the words with single spaces
(``flat``), keeping each word's offset, so regex rules and phrase matches can be mapped to words
and clauses. Clause and sentence breaks are the one list in ``clauses``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import List, Set, Tuple

from .clauses import CLAUSE_BREAKS, SENTENCE_BREAKS
from .lexicon import correct_typo
from .phrases import Match
from .tokens import tokenize

@dataclass
class FlatText:
    """A message as normalised words plus a flat string for the regex rules."""

    raw: str
    words: List[str]
    flat: str
    starts: List[int]  # offset of each word in ``flat``
    matches: List[Match] = field(default_factory=list)
    negated: Set[int] = field(default_factory=set)  # indices into ``matches`` (and rule hits after)
    hedged: Set[int] = field(default_factory=set)
    denied: Set[int] = field(default_factory=set)  # matches a rule found denied from inside
    # exertion named to "what brings it on?" without when the headache starts (its start is asked)
    exertion_unplaced: Set[str] = field(default_factory=set)

    @classmethod
    def of(cls, text: str) -> "FlatText":
        words = [correct_typo(w) for w, _, _ in tokenize(text)]
        starts, pos = [], 0
        for word in words:
            starts.append(pos)
            pos += len(word) + 1
        return cls(text, words, " ".join(words), starts)

    def word_span(self, start: int, end: int) -> Tuple[int, int]:
        """Word span covering flat-string characters [start, end)."""
        first = max(0, bisect_right(self.starts, start) - 1)
        if first < len(self.words) and self.starts[first] + len(self.words[first]) <= start:
            first += 1
        last = bisect_left(self.starts, end) - 1
        return first, max(first + 1, last + 1)

    def clause_of(self, start: int, end: int) -> str:
        """The clause (between punctuation marks) around word span [start, end)."""
        lo, hi = start, end
        while lo > 0 and self.words[lo - 1] not in CLAUSE_BREAKS:
            lo -= 1
        while hi < len(self.words) and self.words[hi] not in CLAUSE_BREAKS:
            hi += 1
        return " ".join(self.words[lo:hi])

    def sentence_of(self, start: int, end: int) -> str:
        lo, hi = start, end
        while lo > 0 and self.words[lo - 1] not in SENTENCE_BREAKS:
            lo -= 1
        while hi < len(self.words) and self.words[hi] not in SENTENCE_BREAKS:
            hi += 1
        return " ".join(self.words[lo:hi])


SENTENCE_SPLIT = re.compile(r"[.;!?\n]+")


def clause_start(text: FlatText, i: int) -> int:
    while i > 0 and text.words[i - 1] not in CLAUSE_BREAKS:
        i -= 1
    return i


def clause_end(text: FlatText, i: int) -> int:
    while i < len(text.words) and text.words[i] not in CLAUSE_BREAKS:
        i += 1
    return i


def char_span(parsed: "FlatText", m: Match) -> Tuple[int, int]:
    return parsed.starts[m.start], parsed.starts[m.end - 1] + len(parsed.words[m.end - 1])

