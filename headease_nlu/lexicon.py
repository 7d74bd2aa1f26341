"""The lexicon's phrases as the NLU needs them (data/kb/lexicon.yml, read by the clinical reader).

Shared by the spaCy model builder (patterns) and the Rasa extractor (canonical values), so both
normalise phrases the same way.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

from actions.clinic.reading.lexicon import LEXICON_PATH, lexicon_data

DEFAULT_LEXICON = LEXICON_PATH

# Determiners that the lexicon treats as interchangeable ("behind my eye" == "behind the eye").
DETERMINERS = ("my", "the", "a", "an", "your", "his", "her", "their", "our")

# Cross-entity ties ("neck" is both origin and body_part; "flickering lights" both a symptom and
# a trigger): without a hint from DIET, the earlier entity wins. Safety first: symptoms and onset
# (red flags live there) before anything else.
ENTITY_PRIORITY = (
    "symptom",
    "onset",
    "pain_location",
    "pain_quality",
    "origin",
    "trigger",
    "medication",
    "technique",
    "body_part",
)

# UK <-> US spellings that simple suffix rules cannot derive.
_SPELLING_PAIRS = {
    "haemorrhage": "hemorrhage",
    "anaemia": "anemia",
    "oedema": "edema",
    "diarrhoea": "diarrhea",
    "oesophagus": "esophagus",
    "paediatric": "pediatric",
    "haematoma": "hematoma",
    "papilloedema": "papilledema",
    "ischaemic": "ischemic",
    "anaesthetic": "anesthetic",
    "oestrogen": "estrogen",
    "leukaemia": "leukemia",
    "grey": "gray",
    "greying": "graying",
    "greys": "grays",
    "centre": "center",
    "litre": "liter",
    "programme": "program",
    "ageing": "aging",
    "travelling": "traveling",
    "travelled": "traveled",
    "pyjamas": "pajamas",
    "mum": "mom",
}
_SPELLING_PAIRS.update({us: uk for uk, us in list(_SPELLING_PAIRS.items())})

_OUR = re.compile(r"^(\w{2,})our(s|ed|ing|ite|ites|ful|less|ation)?$")
_OR = re.compile(r"^(\w{2,})or(s|ed|ing|ite|ites|ful|less|ation)?$")
_ISE = re.compile(r"^(\w{3,})(is|ys)(e|es|ed|ing|ation|ations)$")
_IZE = re.compile(r"^(\w{3,})(iz|yz)(e|es|ed|ing|ation|ations)$")


def spelling_variants(word: str) -> List[str]:
    """Other UK/US spellings of one lowercase word ("tumour" -> ["tumor"]); may be empty."""
    out = set()
    if word in _SPELLING_PAIRS:
        out.add(_SPELLING_PAIRS[word])
    m = _OUR.match(word)
    if m:
        out.add(f"{m.group(1)}or{m.group(2) or ''}")
    m = _OR.match(word)
    if m and not word.endswith("our"):
        out.add(f"{m.group(1)}our{m.group(2) or ''}")
    m = _ISE.match(word)
    if m:
        out.add(f"{m.group(1)}{m.group(2)[0]}z{m.group(3)}")
    m = _IZE.match(word)
    if m:
        out.add(f"{m.group(1)}{m.group(2)[0]}s{m.group(3)}")
    out.discard(word)
    return sorted(out)


def load_lexicon(path: Path = DEFAULT_LEXICON) -> Dict[str, Dict[str, List[str]]]:
    """`{entity: {canonical_id: [phrases]}}`, validated enough to fail loudly on a bad file.

    The `entities` section (shared with the safety scan, clinical ids only) plus the NLU-only
    `nlu_entities` section: wording the annotation convention needs that the scan does not use
    ("top of my head" as a pain location, "temples" as a massage target).
    """
    data = lexicon_data(str(path))  # the one loader: read once, shared with the safety scan
    entities = (data or {}).get("entities")
    if not isinstance(entities, dict) or not entities:
        raise ValueError(f"{path}: expected a non-empty top-level 'entities' mapping")
    merged: Dict[str, Dict[str, List[str]]] = {e: {c: list(p) for c, p in ids.items()} for e, ids in entities.items()}
    for section in ("entities", "nlu_entities"):
        for entity, ids in ((data or {}).get(section) or {}).items():
            if not isinstance(ids, dict):
                raise ValueError(f"{path}: {section}.{entity} must map canonical ids to phrase lists")
            for canonical, phrases in ids.items():
                if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                    raise ValueError(f"{path}: {section}.{entity}.{canonical} must be a list of strings")
                if section == "nlu_entities":
                    merged.setdefault(entity, {}).setdefault(str(canonical), []).extend(phrases)
    return merged


def key_from_words(words: Iterable[str]) -> str:
    """Normalised match key: lowercase words, determiners dropped, single spaces."""
    return " ".join(w.lower() for w in words if w.strip() and w.lower() not in DETERMINERS)


def iter_phrases(
    entities: Dict[str, Dict[str, List[str]]]
) -> Iterable[Tuple[str, str, str]]:
    """(entity, canonical_id, phrase) triples, phrases stripped and lowercased."""
    for entity, ids in entities.items():
        for canonical, phrases in ids.items():
            for phrase in phrases:
                phrase = " ".join(phrase.lower().split())
                if phrase:
                    yield entity, str(canonical), phrase
