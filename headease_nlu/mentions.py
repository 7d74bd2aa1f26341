"""Mentions: entity dicts over the raw message text, and the span helpers every NLU rule uses.

A mention is a dict with ``entity``, ``value``, ``start``, ``end`` (character offsets into the
user's text) and optional ``candidates``, ``source`` and ``_denied``. Clause boundaries in the
raw text come from the clinical reader's one list of clause breaks (``actions.clinic.reading.clauses``).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from actions.clinic.reading.clauses import RAW_CLAUSE_BREAK as CLAUSE_BREAK
from actions.clinic.reading.clauses import RAW_SENTENCE_BREAK as SENTENCE_BREAK

__all__ = ["Mention", "CLAUSE_BREAK", "SENTENCE_BREAK", "same_clause", "tokens_between", "clause_of", "overlaps", "inside",
           "span_text", "span_len", "LINK_WORDS"]

Mention = Dict[str, Any]




def tokens_between(text: str, a: int, b: int) -> List[str]:
    return re.findall(r"[\w']+|[^\w\s]", text[a:b].lower()) if b > a else []


def same_clause(text: str, a: int, b: int) -> bool:
    """No clause break (punctuation, "but", "and then") in text[a:b]."""
    return b <= a or not CLAUSE_BREAK.search(text[a:b])


def clause_of(text: str, start: int, end: int) -> Tuple[int, int]:
    lo = 0
    for m in CLAUSE_BREAK.finditer(text[:start]):
        lo = m.end()
    m = CLAUSE_BREAK.search(text, end)
    return lo, (m.start() if m else len(text))


def overlaps(a: Mention, b: Mention) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def inside(inner: Mention, outer: Mention) -> bool:
    return outer["start"] <= inner["start"] and inner["end"] <= outer["end"]


def span_text(text: str, m: Mention) -> str:
    return text[m["start"] : m["end"]]


def span_len(m: Mention) -> int:
    return m["end"] - m["start"]


# Words allowed between a symptom and the body part / side it is about.
LINK_WORDS = frozenset(
    {
        "my", "the", "his", "her", "their", "in", "on", "of", "down", "out", "up", "all", "is", "are",
        "was", "has", "have", "had", "gone", "went", "feels", "feel", "felt", "feeling", "a", "bit",
        "really", "so", "very", "completely", "totally", "left", "right", "both", "whole", "one",
        "side", "from", "into", "to", "around", "round", "through", "got", "gets", "get", "been",
        "keeps", "kept", "just", "suddenly", "properly", "at", "over", "across", "and", "with",
    }
)
