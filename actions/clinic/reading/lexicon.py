"""The lexicon (data/kb/lexicon.yml): the one loader of the clinical wording, and typo correction.

``load_lexicon`` reads and validates the file once; every reader of the lexicon (the scan's phrase
tables, the negation and hedge cues, the NLU's spaCy patterns) goes through it. ``canonical``
maps a surface form to its id; ``correct_typo`` fixes one-edit misspellings of red-flag words.
The vocabularies (which ids exist for each entity) are the clinical reference's, in ``findings``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

import yaml

from ..findings import LOCATIONS, ONSETS, ORIGINS, QUALITIES, SYMPTOMS, TECHNIQUES, TRIGGERS
from .tokens import phrase_words

LEXICON_PATH = Path(__file__).resolve().parents[3] / "data" / "kb" / "lexicon.yml"
PHRASE_OPTIONAL = frozenset({"my", "the", "a", "an"})  # words a phrase may do without

MEDICATION_CLASSES: FrozenSet[str] = frozenset({"simple_analgesic", "specialist"})


BODY_PARTS: FrozenSet[str] = frozenset(
    {"neck", "shoulders", "jaw", "eye", "arm", "face", "leg", "scalp"}
)


ENTITY_VOCABULARIES: Dict[str, FrozenSet[str]] = {
    "pain_location": LOCATIONS,
    "pain_quality": QUALITIES,
    "symptom": SYMPTOMS,
    "trigger": TRIGGERS,
    "origin": ORIGINS,
    "technique": frozenset(TECHNIQUES),
    "medication": MEDICATION_CLASSES,
    "onset": ONSETS,
    "body_part": BODY_PARTS,
}


NONE = "none"


# Danger signs reported in answer to the red-flag screen (clinical reference 4.2).
RED_FLAG_SYMPTOMS: FrozenSet[str] = frozenset(
    {
        "worst_ever", "weakness", "numbness", "speech_difficulty", "aura_speech", "vision_loss",
        "double_vision", "blurred_vision", "confusion", "drowsiness", "fainting", "memory_loss",
        "personality_change", "seizure", "fever", "stiff_neck", "rash_non_blanching",
        "very_unwell", "painful_red_eye", "haloes", "balance_loss", "face_hand_swelling",
        "upper_belly_pain", "chest_pain", "breathlessness", "clear_fluid_nose_ear",
        "vision_greying", "jaw_pain_chewing", "scalp_tenderness", "others_in_building_affected",
        "better_away_from_home",
    }
)


RED_FLAG_HISTORY: FrozenSet[str] = frozenset(
    {
        "head_injury", "head_injury_recent_days", "neck_injury_recent", "pregnant",
        "postpartum", "cancer", "immunosuppression", "spinal_procedure", "fuel_appliance",
    }
)


# What the combined screen question asks about: "not sure" marks all of these uncertain (4.3).
SCREEN_ITEMS: FrozenSet[str] = frozenset(
    {
        "worst_ever", "weakness", "numbness", "speech_difficulty", "vision_loss",
        "double_vision", "confusion", "fever", "stiff_neck", "head_injury",
    }
)


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the offending entry."""


@dataclass(frozen=True)
class Lexicon:
    """Phrase tables built once from ``lexicon.yml``."""

    index: Dict[str, Tuple[Tuple[Tuple[str, ...], str, str], ...]]  # first word -> phrases
    surfaces: Dict[str, Dict[Tuple[str, ...], str]]  # entity -> phrase words -> id
    vocabulary: FrozenSet[str]  # every word the lexicon knows (never "corrected" as a typo)
    confirm_first: Dict[str, FrozenSet[Tuple[str, ...]]]  # sign -> everyday phrases to confirm


def validate_lexicon(data: Any) -> None:
    """Raise ``LexiconError`` naming the first bad entity, id or phrase."""
    if not isinstance(data, dict) or not {"entities", "negation", "hedges"} <= set(data):
        raise LexiconError("lexicon needs top-level keys: entities, negation, hedges")
    for entity, ids in data["entities"].items():
        if entity not in ENTITY_VOCABULARIES:
            raise LexiconError(f"unknown entity {entity!r}")
        for cid, phrases in (ids or {}).items():
            if cid not in ENTITY_VOCABULARIES[entity]:
                raise LexiconError(f"entities.{entity}.{cid}: {cid!r} is not a known id")
            if not isinstance(phrases, list) or not phrases:
                raise LexiconError(f"entities.{entity}.{cid}: needs a non-empty list of phrases")
            for phrase in phrases:
                if not isinstance(phrase, str) or not phrase_words(phrase):
                    raise LexiconError(f"entities.{entity}.{cid}: bad phrase {phrase!r}")
    for section, keys in (("negation", ("pre", "post", "terminators")), ("hedges", ("yes", "no", "unknown"))):
        for key in keys:
            values = data[section].get(key)
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise LexiconError(f"{section}.{key}: needs a list of strings (quote yes/no/none)")
    for cid, phrases in (data.get("confirm_first") or {}).items():
        if cid not in SYMPTOMS or not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise LexiconError(f"confirm_first.{cid}: needs a symptom id and a list of phrases")


def _build_lexicon(data: Dict[str, Any]) -> Lexicon:
    surfaces: Dict[str, Dict[Tuple[str, ...], str]] = {}
    index: Dict[str, List[Tuple[Tuple[str, ...], str, str]]] = {}
    vocabulary: Set[str] = set()
    for entity, ids in data["entities"].items():
        table = surfaces.setdefault(entity, {})
        for cid, phrases in ids.items():
            for phrase in phrases:
                words = phrase_words(phrase)
                if table.get(words, cid) != cid:
                    raise LexiconError(f"entities.{entity}: {phrase!r} maps to {table[words]} and {cid}")
                table[words] = cid
                vocabulary.update(words)
                index.setdefault(words[0], []).append((words, entity, cid))
    for section in ("negation", "hedges"):
        for values in data[section].values():
            for value in values:
                vocabulary.update(phrase_words(value))
    ordered = {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()}
    confirm = {cid: frozenset(phrase_words(p) for p in phrases) for cid, phrases in (data.get("confirm_first") or {}).items()}
    return Lexicon(ordered, surfaces, frozenset(w for w in vocabulary if not _listed_misspelling(w)), confirm)


def _listed_misspelling(word: str) -> bool:
    """A lexicon misspelling of a red-flag word ("vison"): still corrected inside other phrases."""
    return word not in FUZZY_STOP and word not in FUZZY_TARGETS and any(_one_edit(word, t) for t in FUZZY_TARGETS)


def lexicon_data(path: Optional[str] = None) -> Dict[str, Any]:
    """The lexicon file as data, read once per process: the one place the file is opened."""
    return _read_lexicon(str(Path(path).resolve()) if path else str(LEXICON_PATH))


@lru_cache(maxsize=4)
def _read_lexicon(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=4)
def load_lexicon(path: Optional[str] = None) -> Lexicon:
    """Read, validate and index the lexicon once per process."""
    data = lexicon_data(path)
    validate_lexicon(data)
    return _build_lexicon(data)


def canonical(entity: str, surface: str) -> Optional[str]:
    """The canonical id for a surface phrase of ``entity`` ("Tylenol" -> "simple_analgesic")."""
    table = load_lexicon().surfaces.get(entity)
    if table is None:
        return None
    words = phrase_words(surface)
    if not words:
        return None
    joined = "_".join(words)
    if joined in ENTITY_VOCABULARIES[entity]:
        return joined
    while words and words[0] in {"my", "the", "a", "an", "some"}:
        words = words[1:]
    return table.get(words) or table.get(tuple(w for w in words if w not in PHRASE_OPTIONAL))


# --- typo tolerance -----------------------------------------------------------------------------

# Red-flag words worth correcting one typo in (edit distance 1, length >= 5).
FUZZY_TARGETS: Tuple[str, ...] = (
    "headache", "weakness", "numbness", "slurred", "slurring", "speech", "vision", "double",
    "blurred", "blurry", "confused", "confusion", "seizure", "seizures", "temperature",
    "pregnant", "pregnancy", "swollen", "swelling", "injury", "unconscious", "drooping",
    "paralysed", "paralyzed", "thunderclap", "sudden", "suddenly", "tingling", "explosion",
    "exploding", "stiffness", "vomiting", "whiplash", "worst", "fever", "stiff", "collapsed",
    "drowsy", "concussion", "unbearable", "excruciating", "migraine", "migraines", "nauseous",
    "nausea", "warfarin", "trimester", "blood", "thinners", "bumped", "banged", "fainted",
    "passed", "speak", "speaking", "words",
)


# Real words one edit away from a target: never "correct" them.
FUZZY_STOP: FrozenSet[str] = frozenset(
    {
        "fewer", "never", "lever", "sever", "stuff", "staff", "sniff", "doable", "doubly",
        "sodden", "tinkling", "slurped", "blurted", "flurry", "slurry", "seized", "worse",
        "wurst", "bumper", "dumped", "jumped", "pumped", "bumpy", "hanged", "banger", "banner",
        "painted", "tainted", "fainter", "passes", "pissed", "spear", "steak", "sneak", "speaks",
        "swords", "world", "wards", "works", "worded", "bloody", "brood", "flood", "blond",
        "thinner", "fevers", "stiffy", "session", "visions", "diving", "ever", "headaches",
        "temperatures", "dropping", "collapse", "doubled",
    }
)


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of exactly one (substitution, insertion, deletion, swap)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


@lru_cache(maxsize=1)
def _fuzzy_index() -> Dict[str, Tuple[str, ...]]:
    index: Dict[str, Set[str]] = {}
    for target in FUZZY_TARGETS:
        keys = {target} | {target[:i] + target[i + 1:] for i in range(len(target))}
        for key in keys:
            index.setdefault(key, set()).add(target)
    return {k: tuple(sorted(v)) for k, v in index.items()}


@lru_cache(maxsize=4096)
def correct_typo(word: str) -> str:
    """``word`` itself, or the red-flag word it is one typo away from ("weaknes" -> "weakness")."""
    if len(word) < 5 or word in FUZZY_STOP or not word.isalpha():
        return word
    lexicon = load_lexicon()
    if word in lexicon.vocabulary:
        return word
    index = _fuzzy_index()
    candidates: Set[str] = set(index.get(word, ()))
    for i in range(len(word)):
        candidates.update(index.get(word[:i] + word[i + 1:], ()))
    matches = sorted(t for t in candidates if _one_edit(word, t))
    return matches[0] if len(matches) == 1 else word


@lru_cache(maxsize=1)
def cue_words() -> Dict[str, List[str]]:
    """The negation and hedge cue phrases of the lexicon, by kind."""
    data = lexicon_data()
    neg, hedges = data["negation"], data["hedges"]
    return {
        "pre": [str(p) for p in neg["pre"]],
        "post": [str(p) for p in neg["post"]],
        "terminators": [str(p) for p in neg["terminators"]],
        "hedge_yes": [str(p) for p in hedges["yes"]],
        "hedge_no": [str(p) for p in hedges["no"]],
        "hedge_unknown": [str(p) for p in hedges["unknown"]],
    }
