"""The scan's findings as mentions over the raw text: what the NLU turns into entities.

The safety scan reads the flat text (lowercase words, typos corrected); the NLU needs character
spans in the user's own text. ``scan_mentions`` runs the same readers the scan runs (lexicon
phrases with fillers skipped, compound phrases, the blood-pressure reading, the red-flag wording
rules and their suppressions) and maps each hit back to the raw characters, so the NLU never names
fewer red flags than the scan and never one the scan suppressed.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from . import wording
from . import history, lexicon, phrases
from .tokens import tokenize

Mention = Dict[str, Any]

# History findings whose measured form is a symptom mention: a high blood-pressure reading.
READING_SYMPTOMS = frozenset({"high_blood_pressure"})


def scan_mentions(text: str) -> Tuple[List[Mention], List[Tuple[frozenset, int, int, bool]]]:
    """Symptom/onset mentions the safety scan finds (lexicon with fillers, compound phrases and
    the generalising red-flag rules) with raw-text offsets, and the scan's idiom suppressions
    as (ids, start, end, deny)."""
    tokens = tokenize(text)
    if not tokens:
        return [], []
    words = [lexicon.correct_typo(w) for w, _, _ in tokens]
    starts, pos = [], 0
    for word in words:
        starts.append(pos)
        pos += len(word) + 1
    flat = " ".join(words)

    def word_index(char: int) -> int:
        i = 0
        for j, s in enumerate(starts):
            if s <= char:
                i = j
            else:
                break
        return i

    def raw_span(first: int, last: int) -> Tuple[int, int]:
        return tokens[first][1], tokens[last][2]

    out: List[Mention] = []
    for m in phrases.find_matches(words, ("symptom", "onset", "pain_location")):
        if words[m.start] in {"not", "no"}:
            continue
        s, e = raw_span(m.start, m.end - 1)
        # a location only where the spaCy lexicon found nothing ("in my left eye")
        source = "scan_location" if m.entity == "pain_location" else "scan"
        out.append({"entity": m.entity, "value": m.cid, "start": s, "end": e, "source": source})
    for pattern, entity, ids in phrases.COMPOUND_SYMPTOMS:  # "light and sound sensitivity"
        if entity != "symptom":
            continue
        for found in pattern.finditer(flat):
            s, e = raw_span(word_index(found.start()), word_index(found.end() - 1))
            out.append({"entity": "symptom", "value": ids, "start": s, "end": e, "source": "compound"})
    for cid in READING_SYMPTOMS:  # a blood-pressure reading ("bp is 200 over 120")
        for found in history.history_pattern(cid).finditer(flat):
            if any(ch.isdigit() for ch in found.group()):
                s, e = raw_span(word_index(found.start()), word_index(found.end() - 1))
                out.append({"entity": "symptom", "value": cid, "start": s, "end": e, "source": "rule"})
    for hit in wording.find(flat, words, starts):
        first, last = word_index(hit.start), word_index(max(hit.start, hit.end - 1))
        while last > first and words[last] in {",", ".", "!", "?", ";", ":"}:
            last -= 1
        span_words = words[first : last + 1]
        # "heavy on the right side" describes head pain, not a weak side
        if hit.cid == "weakness" and {"heavy", "heavier", "heaviness"} & set(span_words) and not (
            {"arm", "arms", "leg", "legs", "hand", "hands", "face", "foot", "feet", "body"} & set(span_words)
        ):
            continue
        s, e = raw_span(first, last)
        out.append({"entity": hit.entity, "value": hit.cid, "start": s, "end": e,
                    "source": "rule", "_denied": hit.denied})
    sups = []
    for sup in wording.suppressions(flat, words, starts):
        first, last = word_index(sup.start), word_index(max(sup.start, sup.end - 1))
        s, e = raw_span(first, last)
        sups.append((sup.cids, s, e, sup.deny))
    return out, sups
