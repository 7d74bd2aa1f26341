"""The bridge from the clinical reader to the NLU: the safety scan's mentions become entities.

Red-flag wording the lexicon cannot list ("my left arm has gone weak", "can't see properly out of
my right eye") comes from the same generalising rules the safety scan uses, and lexicon phrases
are matched the way the scan matches them (skipping fillers: "light really hurts"), so the NLU
never names fewer red flags than the scan. Idioms the scan suppresses ("confused about the dose")
are dropped. The reading itself is the clinical reader's (``actions.clinic.reading.mentions``); this
module only merges its mentions into the spaCy lexicon's.
"""
from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from actions.clinic.findings import SYMPTOMS
from actions.clinic.reading.mentions import READING_SYMPTOMS, scan_mentions
from headease_nlu.mentions import LINK_WORDS, Mention, inside, overlaps, span_len

__all__ = ["READING_SYMPTOMS", "scan_mentions", "add_scan_mentions"]

def add_scan_mentions(
    mentions: List[Mention], scanned: List[Mention], suppressions: Sequence[Tuple[frozenset, int, int, bool]],
    rank, text: str,
) -> List[Mention]:
    """Merge the scan's symptom/onset mentions into the lexicon mentions (see module doc, 1)."""
    out = list(mentions)
    compound = [m for m in scanned if m["source"] == "compound"]
    others = sorted((m for m in scanned if m["source"] != "compound"), key=lambda m: m["start"] - m["end"])
    for sc in others:
        clash = [m for m in out if overlaps(m, sc)]
        if not clash:
            out.append(dict(sc, source="scan") if sc["source"] == "scan_location" else sc)
            continue
        if sc["source"] == "scan_location":
            continue
        # a longer scan mention replaces what it contains, unless it would swallow a mention
        # of the same or a higher-priority type that it does not contain
        contained = [m for m in clash if inside(m, sc) and (m["end"] - m["start"]) < (sc["end"] - sc["start"])]
        crossing = [m for m in clash if m not in contained]
        if any(rank(m["entity"]) <= rank(sc["entity"]) for m in crossing):
            continue
        if any(m["entity"] in ("symptom", "onset") and span_len(m) >= span_len(sc) for m in clash):
            continue
        # the carbon-monoxide rules span a whole clause ("we all have headaches and feel dizzy"):
        # keep the symptom named inside and shrink the rule's span; elsewhere the longer wins
        other = [m for m in contained if m["entity"] == "symptom" and m["value"] != sc["value"]
                 and m["value"] in SYMPTOMS] if sc["value"] in _CONTEXT_RULES else []
        if other:  # "we all have headaches and feel dizzy": keep "dizzy", shrink the rule's span
            sc = _shrink(sc, other, text)
            if sc is None:
                continue
            clash = [m for m in out if overlaps(m, sc)]
            if any(rank(m["entity"]) <= rank(sc["entity"]) and not inside(m, sc) for m in clash):
                continue
        for m in clash:
            out.remove(m)
        out.append(sc)
    for cp in compound:  # one phrase, two symptoms: split it at the conjunction
        ids = cp["value"]
        if any(m["entity"] == "symptom" and m["value"] in ids and inside(m, cp) for m in out) and all(
            any(m["entity"] == "symptom" and m["value"] == i and overlaps(m, cp) for m in out) for i in ids
        ):
            continue
        pieces = _split_compound(cp, ids, text)
        if not pieces:
            continue
        out = [m for m in out if not overlaps(m, cp)] + pieces
    kept = []
    for m in out:
        if m["entity"] == "symptom":
            over = [s for s in suppressions if m["value"] in s[0] and s[1] < m["end"] and m["start"] < s[2]]
            if over and not any(s[3] for s in over):
                continue
            if over:
                m = dict(m, _denied=True)
        kept.append(m)
    return sorted(kept, key=lambda m: (m["start"], m["end"]))


_CONTEXT_RULES = frozenset({"others_in_building_affected", "better_away_from_home"})


_ANY_BODY = re.compile(
    r"(?i)arms?|hands?|legs?|feet|foot|fingers?|face|eyes?|neck|head|shoulders?|jaw|mouth|lips?|body|side|temples?|scalp"
)


def _shrink(sc: Mention, inner: List[Mention], text: str) -> Optional[Mention]:
    """The part of ``sc`` before (else after) the ``inner`` mentions, trimmed of link words, if
    it still says something (two content words); None otherwise."""
    lo, hi = min(m["start"] for m in inner), max(m["end"] for m in inner)
    for a, b in ((sc["start"], lo), (hi, sc["end"])):
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip(" ,.;"))
        a += lead
        piece = text[a:b]
        words = list(re.finditer(r"[\w']+", piece))
        while words and words[-1].group(0).lower() in LINK_WORDS | {"feel", "feels", "i", "we", "and"}:
            words.pop()
        while words and words[0].group(0).lower() in {"and", "but", "then", "with"}:
            words.pop(0)
        content = [w for w in words if w.group(0).lower() not in LINK_WORDS and not _ANY_BODY.fullmatch(w.group(0))]
        if len(content) < 2:
            continue
        return dict(sc, start=a + words[0].start(), end=a + words[-1].end())
    return None


_COMPOUND_WORDS = {
    "light_sensitivity": r"(?:bright )?lights?",
    "sound_sensitivity": r"(?:loud )?(?:sounds?|noises?)",
    "nausea": r"nausea|nauseous|sickness|(?:feel|feeling|felt) sick",
    "vomiting": r"vomit\w*|being sick|throw(?:ing)? up|threw up",
    "numbness": r"numbness|numb",
    "weakness": r"weakness|weak",
}


def _split_compound(cp: Mention, ids: Sequence[str], text: str) -> List[Mention]:
    """The words of a compound phrase that name each of its symptoms."""
    pieces = []
    for cid in ids:
        found = re.search(rf"\b(?:{_COMPOUND_WORDS.get(cid, '(?!)')})\b", text[cp["start"] : cp["end"]], re.I)
        if not found:
            return []
        pieces.append({"entity": "symptom", "value": cid, "start": cp["start"] + found.start(),
                       "end": cp["start"] + found.end(), "source": "lexicon"})
    pieces.sort(key=lambda p: p["start"])
    if any(overlaps(a, b) for a, b in zip(pieces, pieces[1:])):
        return []
    return pieces
