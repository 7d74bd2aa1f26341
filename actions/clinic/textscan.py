"""Deterministic understanding of free text into clinical ``Findings`` (the safety net).

``scan`` runs on every user message, whatever intent a learned model predicted, so a danger sign
in a long rambling message with typos is never missed. ``parse_answer`` reads the answer to one
consultation question into the slot value the dialogue stores. Pure Python: the lexicon
(``data/kb/lexicon.yml``) supplies the wording, ``negation`` the scope of "no"/"maybe", and
``numbers`` the severities, durations and frequencies.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from . import followups, numbers, redflag_patterns
from .findings import (
    HISTORY,
    LOCATIONS,
    ONSETS,
    ORIGINS,
    QUALITIES,
    SYMPTOMS,
    TECHNIQUES,
    TRIGGERS,
    UNKNOWN,
    Findings,
)
from .negation import (
    LEXICON_PATH,
    hedge_table,
    negation_table,
    phrase_words,
    scope_indices,
    tokenize,
)

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

# --- lexicon ------------------------------------------------------------------------------------


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


@lru_cache(maxsize=4)
def load_lexicon(path: Optional[str] = None) -> Lexicon:
    """Read, validate and index the lexicon once per process."""
    with open(Path(path) if path else LEXICON_PATH, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
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
    return table.get(words) or table.get(tuple(w for w in words if w not in _PHRASE_OPTIONAL))


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


# --- phrase matching ----------------------------------------------------------------------------

# Words a phrase may skip in the text ("my LEFT arm is numb"), and optional words in a phrase.
_TEXT_FILLERS = frozenset(
    {"my", "the", "a", "an", "his", "her", "their", "your", "left", "right", "very", "really",
     "so", "quite", "pretty", "is", "was", "feels", "felt", "gets", "got", "has", "been", "went",
     "just", "bit", "little", "some", "totally", "completely", "extremely", "super", "its",
     "kind", "sort", "of"}
)
_PHRASE_OPTIONAL = frozenset({"my", "the", "a", "an"})
_MAX_SKIPS = 2


@dataclass(frozen=True)
class Match:
    """One lexicon phrase found in the text (word indices, end exclusive)."""

    entity: str
    cid: str
    start: int
    end: int


def _match_phrase(words: Sequence[str], i: int, phrase: Tuple[str, ...]) -> int:
    """End index if ``phrase`` matches at ``i`` (skipping fillers), else -1."""
    j, k, skips = i, 0, 0
    while k < len(phrase):
        if j < len(words) and words[j] == phrase[k]:
            j, k = j + 1, k + 1
        elif k > 0 and j + 1 < len(words) and words[j] + words[j + 1] == phrase[k]:
            j, k = j + 2, k + 1  # a compound written as two words: "heart beat", "eye lid"
        elif k > 0 and phrase[k] in _PHRASE_OPTIONAL:
            k += 1
        elif k > 0 and j < len(words) and words[j] in _TEXT_FILLERS and skips < _MAX_SKIPS:
            j, skips = j + 1, skips + 1
        else:
            return -1
    return j


def find_matches(words: Sequence[str], entities: Optional[Iterable[str]] = None) -> List[Match]:
    """All lexicon phrases in ``words``; overlaps resolved longest-first like spaCy's filter_spans."""
    wanted = set(entities) if entities else None
    index = load_lexicon().index
    required = _required_words()
    present = frozenset(words) | {a + b for a, b in zip(words, words[1:])}  # compounds in two words
    raw: List[Match] = []
    for i, word in enumerate(words):
        best: Dict[str, Match] = {}
        candidates = index.get(word, ())
        if not candidates:
            continue
        nearby = frozenset(words[i + 1: i + 2 + _MAX_SKIPS]) | {a + b for a, b in zip(words[i + 1: i + 3], words[i + 2: i + 4])}
        for phrase, entity, cid in candidates:
            if wanted and entity not in wanted:
                continue
            if len(phrase) > 1:
                if phrase[1] not in nearby and phrase[1] not in _PHRASE_OPTIONAL:
                    continue  # cheap early reject: the second word is not close by
                if not required[phrase] <= present:
                    continue  # a word the phrase needs is nowhere in the message
            end = _match_phrase(words, i, phrase)
            if end > i and (entity not in best or end > best[entity].end):
                best[entity] = Match(entity, cid, i, end)
        raw.extend(best.values())
    return _resolve_overlaps(raw)


# Parents and carers write about someone else: "he vomits", "there when she wakes up", "his eye
# waters". The lexicon is written in the first person; for matching, the other persons read as it.
_AS_FIRST_PERSON = {
    "he": "i", "she": "i", "they": "i", "we": "i", "hes": "im", "shes": "im", "theyre": "im",
    "his": "my", "her": "my", "their": "my", "our": "my", "him": "me", "them": "me", "us": "me",
    "himself": "myself", "herself": "myself", "themselves": "myself",
}


@lru_cache(maxsize=1)
def _lexicon_words() -> FrozenSet[str]:
    return frozenset(w for entries in load_lexicon().index.values() for phrase, _, _ in entries for w in phrase)


def person_neutral(words: Sequence[str]) -> List[str]:
    """``words`` as the first person would say them, word for word (same positions): other persons'
    pronouns as I/my/me, and a verb's third-person "-s" ("vomits", "wakes") as the lexicon's form."""
    vocabulary = _lexicon_words()
    out: List[str] = []
    for j, word in enumerate(words):
        after_pronoun = j > 0 and words[j - 1] in ("he", "she")  # "he wakes up" -> "i wake up"
        if word in _AS_FIRST_PERSON:
            word = _AS_FIRST_PERSON[word]
        elif len(word) > 3 and (after_pronoun or word not in vocabulary) and word.endswith("s"):
            stem = word[:-2] if word.endswith("es") and word[:-2] in vocabulary else word[:-1]
            word = stem if stem in vocabulary else word
        out.append(word)
    return out


@lru_cache(maxsize=1)
def _required_words() -> Dict[Tuple[str, ...], FrozenSet[str]]:
    """For each lexicon phrase, the words the text must contain for it to match."""
    return {
        phrase: frozenset(w for w in phrase[1:] if w not in _PHRASE_OPTIONAL)
        for entries in load_lexicon().index.values()
        for phrase, _, _ in entries
    }


def _resolve_overlaps(matches: List[Match]) -> List[Match]:
    """Longest first: drop a phrase inside a longer one ("neck" in "stiff neck") and, within one
    entity, a phrase crossing another; different entities may cross ("right eye" / "eye waters")."""
    kept: List[Match] = []
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if all(_compatible(m, k) for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: (m.start, m.entity))


def _compatible(m: Match, k: Match) -> bool:
    if m.end <= k.start or m.start >= k.end or (m.start, m.end) == (k.start, k.end):
        return True
    inside = k.start <= m.start and m.end <= k.end
    return not inside and m.entity != k.entity


# --- the analysed message -----------------------------------------------------------------------


@dataclass
class _Text:
    """A message as normalised words plus a flat string for the regex rules."""

    raw: str
    words: List[str]
    flat: str
    starts: List[int]  # offset of each word in ``flat``
    matches: List[Match] = field(default_factory=list)
    negated: Set[int] = field(default_factory=set)  # indices into ``matches`` (and rule hits after)
    hedged: Set[int] = field(default_factory=set)
    denied: Set[int] = field(default_factory=set)  # matches a rule found denied from inside

    @classmethod
    def of(cls, text: str) -> "_Text":
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
        while lo > 0 and self.words[lo - 1] not in _CLAUSE_BREAK:
            lo -= 1
        while hi < len(self.words) and self.words[hi] not in _CLAUSE_BREAK:
            hi += 1
        return " ".join(self.words[lo:hi])

    def sentence_of(self, start: int, end: int) -> str:
        lo, hi = start, end
        while lo > 0 and self.words[lo - 1] not in _SENTENCE_BREAK:
            lo -= 1
        while hi < len(self.words) and self.words[hi] not in _SENTENCE_BREAK:
            hi += 1
        return " ".join(self.words[lo:hi])


_CLAUSE_BREAK = frozenset({",", ";", ".", "!", "?", ":", "\n", "-", "–", "—", "(", ")", "but", "however", "although", "though", "whereas"})
_SENTENCE_BREAK = frozenset({".", "!", "?", ";", "\n"})


@dataclass
class _Rule:
    """A regex over the flat text that yields a history/contraindication/aggravator fact."""

    kind: str
    cid: str
    pattern: re.Pattern


def _rules(kind: str, table: Dict[str, str]) -> List[_Rule]:
    return [_Rule(kind, cid, re.compile(rf"\b(?:{pattern})\b")) for cid, pattern in table.items()]


_NUMW = r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|a few|couple of|a couple of|several)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)"

_HISTORY_RULES = _rules(
    "history",
    {
        # past-tense verbs: "hit head on the shelf"; other forms need whose head it is ("a banging
        # head", "a thumping head" describe the pain, not a blow)
        "head_injury": r"(?:hit|bumped|banged|bashed|knocked|smacked|whacked|cracked|hurt|injured|struck|clouted|clonked|clobbered|smashed|walloped|conked|clipped|bonked)"
        r" (?:my |his |her |the (?:back |side |top |front )?of my )?(?:head|skull|forehead)(?! against)"
        r"|(?:bump|bang|knock|hitting|banging|bumping|bashing|clout\w*|clonk\w*|clobber\w*|thumping|smash\w*|wallop\w*|conk\w*|whack|smack|bonk\w*)"
        r" (?:my |his |her |the (?:back |side |top |front )?of my )(?:head|skull|forehead)(?! against)"
        r"|head (?:injury|injuries|trauma|knock|bump|wound)|(?:bump|bang|knock|blow|hit|whack|smack) (?:on|to|in) (?:the |my )?head"
        r"|concussion|concussed|fell (?:over |down )?and (?:hit|banged|bumped|knocked)|(?:fall|fell) on (?:to )?my head|hit on the head|hit in the head|head hit(?! the (?:pillow|sack|hay))"
        r"|(?:smashed|slammed|crashed|bashed|banged|bumped|fell|swung|flew|hit me|came down) (?:\w+ ){0,2}(?:into|onto|on|against|in) (?:the (?:back |side |top |front )?of )?(?:my|his|her) (?:head|skull|forehead|temple)"
        r"|head ?butt\w*|(?:kicked|punched|elbowed|kneed|hit|struck|whacked|smacked) (?:me |him |her )?(?:in|on|to) (?:the|my|his|her) (?:head|skull|temple)",
        "neck_injury": r"whiplash|whip lash|neck (?:injury|injuries|trauma|sprain)|(?:injured|strained|sprained|jarred|wrenched|hurt) (?:my |his |her )?neck"
                       # a force on the neck, either order: "got my neck cranked in a choke", "yanked his neck back"
                       r"|(?:cranked|twisted|wrenched|jerked|yanked|whipped|jarred|snapped|crunched|bent back|hyperextended|choked|strangled) (?:my |his |her |the )?neck"
                       r"|neck (?:got |was |went |being |getting )?(?:cranked|twisted|wrenched|jerked|yanked|whipped|jarred|snapped|crunched|bent back|hyperextended)"
        r"|car (?:accident|crash)|rear ended|road (?:traffic )?accident|rta|(?:fell|landed) (?:on|onto) my neck",
        "neck_manipulation": r"(?:chiropractor|chiro|osteopath|someone|he|she|they) (?:cracked|clicked|manipulated|adjusted|popped) (?:my )?neck"
        r"|(?:cracked|clicked|manipulated|adjusted|popped) my neck|neck (?:manipulation|manipulated|adjustment|adjusted|was cracked|cracking)"
        r"|(?:crack|manipulate|adjust|click|pop) my neck|chiropractic (?:adjustment|manipulation)|had my neck (?:cracked|manipulated|adjusted|clicked)"
        r"|neck (?:got|was|has been|had been|being) (?:cracked|clicked|manipulated|adjusted|popped)"
        r"|(?:saw|seen|visited|went to|been to|back from|session with|appointment with|treated by|treatment from) (?:a |the |my |an )?(?:chiropractor|chiro|osteopath)",
        "anticoagulant": r"blood thinners?|blood thinning|anticoagulants?|anti coagulants?|antiplatelets?|warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto"
        r"|edoxaban|lixiana|dabigatran|pradaxa|heparin|enoxaparin|clexane|clopidogrel|plavix|ticagrelor|brilinta|prasugrel|low dose aspirin"
        r"|baby aspirin|aspirin for my heart|bleeding disorder|haemophilia|hemophilia|von willebrand|low platelets|bleed easily",
        "cancer": r"cancer|cancers|tumou?rs?|malignan\w*|chemo|chemotherapy|radiotherapy|radiation therapy|leuka?emia|lymphoma|melanoma|myeloma|metasta\w*|carcinoma|sarcoma|oncolog\w*",
        "immunosuppression": r"hiv|aids|immunosuppress\w*|immunocompromised|immuno compromised|immune suppress\w*|weak(?:ened)? immune system|low immunity"
        r"|(?:kidney|liver|heart|lung|organ|bone marrow) transplant|transplant|on steroids|long term steroids|prednisolone|prednisone|methotrexate|biologics?"
        r"|ciclosporin|cyclosporine|tacrolimus|azathioprine|chemo|chemotherapy",
        "high_blood_pressure": r"high blood pressure|hypertension|hypertensive|(?:blood pressure|bp) (?:is |was |has been |runs |reading (?:is |was |of )?)?(?:high|very high|really high|through the roof|sky high)"
        # a high reading: systolic 140 or more, or diastolic 90 or more ("120/80" is not high)
        r"|(?:blood pressure|bp)(?: \w+){0,3}? (?:(?:1[4-9]\d|[23]\d\d)(?:(?:/| over )\d{2,3})?|\d{2,3}(?:/| over )(?:9\d|1\d\d))\b"
        r"|blood pressure (?:tablets|medication|meds|pills)|bp (?:meds|tablets|medication)",
        "fuel_appliance": r"gas (?:fire|heater|boiler|stove|cooker|appliance|heating)s?|boiler|wood ?burner|log burner|wood stove|paraffin heater|kerosene heater|generator"
        r"|heating (?:went|came|comes|goes|is|was|has been|got|gets|turned|switched) on|(?:turned|switched|put|putting|turning) (?:on )?the heating(?: on)?|central heating|heater"
        r"|carbon monoxide|co alarm|faulty heater|coal fire|open fire|fireplace|portable heater",
        "spinal_procedure": r"epidural|lumbar puncture|spinal tap|spinal (?:injection|anaesthetic|anesthetic|block|surgery|procedure)|nerve block",
        "new_medicine": r"(?:new|different|changed (?:my )?) (?:medication|medicine|tablets|pills|prescription|meds|drug|contraceptive)"
        r"|(?:started|starting|began|begun|put on|changed) (?:on |taking |a new |the new |new )?(?:medication|medicine|tablets?|pills?|meds|prescription)"
        # "since I started sertraline", not "since I started at the gym" / "since I started work"
        r"|since (?:i )?(?:started|starting|changing) (?:on |taking )\w+"
        r"|since (?:i )?(?:started|starting|changing) (?!(?:at|the|a|an|my|work|working|school|college|uni|university|gym|job|running|training|again|to|in|with|back|here|this|that|there|driving|nights|shifts?|exercising|lifting)\b)\w+"
        r"|(?:dose|dosage) (?:was )?(?:increased|changed|went up)|side effect",
        "hormonal_contraception": r"(?:the|contraceptive|combined|birth control|progesterone only|mini) pill|on the pill|birth control|oral contraceptives?|contraceptive (?:patch|ring|implant|injection)"
        r"|microgynon|yasmin|rigevidon|nuvaring|hormonal contraception|hrt|hormone replacement",
        "known_migraine": r"(?:i|i ve|ive|i do) (?:have |get |got |suffer (?:from |with )|had |always had |always get |often get |usually get |been getting )(?:a history of )?(?:migraines?|migranes?)"
        r"|history of migraines?|migraine sufferer|suffer (?:from|with) migraines?|diagnosed (?:with |as )?(?:having )?(?:a )?migraines?|(?:gp|doctor|neurologist) (?:said|says|thinks|confirmed) (?:it s |its |they re |theyre )?(?:a )?migraines?|my (?:usual )?migraines?|known migraine|migraine history",
        "known_cluster": r"cluster headaches?|same (?:kind of |sort of |type of )?bout|had (?:a |one )?(?:bout|cluster) (?:like this )?before|my clusters|cluster (?:bout|period|cycle|attacks)|(?:another|new|last|previous) (?:bout|cluster)|same as (?:my |the )?(?:last|previous) bouts?|diagnosed with cluster"
                         # "it's my cluster", "a bout most springs": a recurring pattern of their own
                         r"|my cluster\b|bouts? (?:most|every|each) (?:years?|springs?|summers?|autumns?|falls?|winters?)"
                         # a period that comes back with the seasons: "every spring it visits me", "comes back every autumn"
                         r"|(?:every|each) (?:spring|summer|autumn|fall|winter) (?:it|they) (?:comes?|visits?|returns?|starts?|begins?|is back|are back)"
                         r"|(?:comes?|came|coming) back (?:again )?(?:every|each) (?:spring|summer|autumn|fall|winter|year)"
        # "the exact same as my bout 2 years ago", "same beast as my other bouts"
        r"|same (?:\w+ ){0,2}as (?:my |the |those |all )?(?:\w+ ){0,2}bouts?\b|(?:my|the) (?:other|earlier|previous|past|old) bouts",
        "same_as_usual": r"same as (?:my )?(?:usual|always|normal|before|ever|every other time|every (?:year|time|bout|attack)|(?:each|last) (?:year|time))"
                         # "the same like my old attacks", "same as the other ones"
                         r"|(?:the )?same (?:as|like) (?:my |the |all my )?(?:old|other|previous|earlier|last|usual|normal|older) (?:attacks?|headaches?|ones?|bouts?|episodes?|migraines?)"
                         # "exactly my crisis from 2023", "just like my attacks last year": an earlier period of the same
                         r"|(?:exactly|just|same as|like) (?:like )?my (?:\w+ ){0,2}(?:from|in|of) (?:last (?:year|spring|summer|autumn|winter)|(?:19|20)\d\d)|(?:like|just like) (?:my )?(?:usual|normal) (?:ones?|headaches?|migraines?)|my usual (?:headaches?|migraines?|ones?)"
        r"|same (?:old|as normal|kind as (?:always|before|usual))|typical (?:one|migraine|headache) for me|like always|as usual|usual (?:headache|migraine|pattern)"
        r"|(?:my|the) usual (?:\w+ ){0,2}(?:headaches?|migraines?|ones|attacks|clusters?)"
        # "the same as the attacks I've always had", "same thing as my other ones"
        r"|same (?:\w+ ){0,2}as (?:my |the |those |all )(?:other |earlier |previous |old |past )?(?:attacks|episodes|ones|headaches|migraines)(?! (?:my|his|her|their) (?:friend|mum|mom|dad|sister|brother|wife|husband|partner))",
        "different_from_usual": r"(?:different|differs) (?:from|to|than) (?:my )?(?:usual|normal|the usual|previous|before|other)"
        r"|never (?:had|felt|known) (?:one|a (?:headache|migraine)|it|them|a migraine) (?:start|come on|begin|hit|build|feel) like (?:this|that)|(?:not|nothing|unlike) (?:like )?(?:my |the )?(?:usual|normal) (?:ones?|headaches?|migraines?)"
        r"|(?:feels|is|it s|its|this one is|this one feels) (?:completely |totally |very |really )?different|changed character|not my (?:usual|normal|typical)|new kind of (?:headache|pain)|never been like this before",
        "progressive": r"(?:getting|got|gets|becoming|growing) (?:steadily |progressively |gradually |a lot |much |even |really )?(?:worse|stronger|more (?:frequent|severe|intense|painful|often))"
        # "gets worse when I climb stairs" is an aggravating activity, not a progressive course
        r"(?!,? (?:when|whenever|if|with|on|after|as|during|while|each time|every time|in the)\b)"
        r"|worse and worse|more and more (?:often|frequent|painful|severe)|keeps getting worse|escalating|steadily worse|increasing(?:ly)? (?:frequent|severe|often)|every day it s worse|each day (?:it s )?worse"
        # worsening in everyday words: creeping up, more days than before, now waking ("builds up"
        # describes how one attack starts, not a worsening course)
        # "it always creeps up" says how each attack starts, not that the headaches are worsening
        r"|(?<!always )(?<!usually )(?<!normally )(?<!slowly )(?<!gradually )(?<!just )(?:creep\w*|ramp\w*|crank\w*|edg\w*) up(?! (?:from|into|to (?:my|the)|the back|the side|my (?:neck|head|skull|face|forehead)|round|around|behind|along|through|over (?:to|my|the (?:top|back|side))|towards?)\b)(?! (?:gradually|slowly|fast|quickly|quick|rapidly|in (?:a few |a couple of )?(?:seconds|minutes)|within|over (?!(?:the )?(?:last|past) |(?:a |the )?(?:few|couple of|several|\d+) (?:days|weeks|months))(?:an?|about|the|\d)|through|during|across|as the day|in the (?:morning|afternoon|evening)|by (?:lunch|the evening)))|(?:more|worse) (?:days|often|frequent|nights)? ?than (?:before|it used to|they used to|i used to|usual|last month|a few weeks ago)"
        r"|on more days|more days (?:now|lately|recently)|(?:now|lately|recently|started to|starting to|begun to|begins to|has started to) (?:wak\w* me|wake me up|waking me up)",
        "first_ever": r"first (?:time|ever|one)(?: ever)?|never (?:had|get|got|suffered|experienced) (?:a |any )?(?:headaches?|migraines?|one|anything|pain) (?:like (?:this|it)|before|of this kind)"
        r"|never (?:really )?(?:get|had|suffer from|suffered) (?:headaches?|migraines?)|(?:dont|do not|didnt) (?:usually |normally |really )?(?:get|have|suffer from) (?:headaches?|migraines?)"
        r"|new (?:for me|to me)|brand new|never had (?:one|this) before|first headache|first migraine",
        "disabling": r"(?:miss|missed|missing|skip|skipped|off|called in sick (?:from|to)?|call in sick (?:from|to)?|leave|left|go home from) (?:work|school|college|uni|university|lectures|class|shifts?)"
        r"|stay in bed|stayed in bed|have to lie down|had to lie down|have to go to bed|had to go to bed|bed rest|in bed for|cant function|cannot function|cant do anything"
        r"|cannot do anything|stops? me (?:from )?(?:working|doing|functioning)|ruins? my (?:day|week|life)|wipes? me out|knocks? me out|disabling|debilitating|incapacitat\w*|can t work|cant work|unable to work",
        "self_care_failed": r"nothing (?:helps|works|worked|helped|seems to help|touches it)|tried everything|(?:painkillers|tablets|pills|massage|medication|meds|it|they) (?:dont|do not|didnt|did not|doesnt|does not|arent|are not|isnt|is not) (?:really )?(?:help|helping|work|working|touch)"
        r"|not (?:helping|working|getting better)|no better|hasnt helped|has not helped|havent helped|still no better",
        "varies_between_attacks": r"(?:varies|vary|varied|changes|different) (?:from attack to attack|every time|each time|between attacks|from one to the next|a lot)|it varies|each one is different|every one is different|sometimes \w+ sometimes \w+",
        "same_time_of_day": r"same time (?:every|each) (?:day|night|morning|evening)|same time of (?:day|night)|like clockwork|at the same time every|every (?:night|day|morning) at (?:about |around )?\d",
        "pressure_reproduces": r"(?:press|pressing|push|pushing|touch|touching) (?:on )?(?:the |my )?(?:base of my skull|neck|back of my neck|upper neck|top of my neck)\w* (?:brings|triggers|sets|gives|starts|causes|reproduces|makes)"
        r"|when (?:i|you|someone) (?:press|presses|push|pushes) (?:on )?(?:the |my )?(?:neck|base of my skull|back of my neck)",
        "daily_since_start": r"(?:every day|daily|every single day|constant|constantly|non stop|nonstop) (?:ever )?since|hasnt (?:stopped|gone away|let up) since|has not (?:stopped|gone away) since|not stopped since|never gone away since|there every day since",
        "postpartum": r"gave birth|given birth|had (?:a|my|the|our) baby|just had a baby|newborn|new born|postpartum|post partum|postnatal|post natal|after (?:the )?birth|c section|caesarean|cesarean"
                      # "the first since the baby", "I had my son 9 days ago"
                      r"|since (?:the|my|our) (?:baby|little one|newborn)(?: (?:was born|arrived|came))?|had (?:my|our|a) (?:son|daughter|little boy|little girl|twins) \d+ (?:days?|weeks?) ago"
        r"|delivered (?:my|a|the|our) baby|baby (?:was )?born|new mum|new mom|breastfeeding|breast feeding",
        "pregnant": r"pregnant|pregnancy|preg|expecting (?:a baby|a child|twins)|im expecting|with child|trimester|weeks along|wks along|preggers|preggo|pregnent|pregant|pragnant|prengant|preganant",
        "neck_problem_assessed": r"(?:physio|physiotherapist|chiropractor|chiro|osteopath|doctor|gp|specialist|consultant|mri|x ?ray|scan) (?:said|says|showed|shows|found|confirmed|thinks|told me|put it down to|puts it down to|blamed it on|blames it on|reckons|diagnosed)\b.{0,40}\b(?:neck|cervical|spine|disc|vertebra\w*|spondylosis|arthritis)"
        r"|diagnosed (?:with|as) (?:a |having )?(?:cervical|neck|disc|arthritis in my neck|spondylosis)",
        "cervical_spine_problem": r"cervical spondylosis|spondylosis|(?:slipped|herniated|bulging|prolapsed|degenerat\w*|worn) discs?|disc (?:problem|bulge|herniation|prolapse)s?|arthritis in my neck|neck arthritis"
        r"|cervical (?:disc|spine problem|stenosis)|wear and tear in my neck|degenerative neck|(?:pinched|trapped) nerve in my neck",
    },
)


def history_pattern(cid: str) -> re.Pattern:
    """The compiled rule for one history finding (the NLU reuses the blood-pressure reading)."""
    return next(rule.pattern for rule in _HISTORY_RULES if rule.cid == cid)


_CONTRA_RULES = _rules(
    "contra",
    {
        "ci_fever_infection": r"infection|infected|flu|influenza|covid|coronavirus|virus|viral|tonsillitis|pneumonia|antibiotics|a cold|stomach bug|sick bug|sinus infection|chest infection|meningitis",
        "ci_vascular_neck": r"dissection|carotid (?:artery disease|stenosis|disease|narrowing)|vertebral artery|narrow(?:ed|ing) (?:of the )?arteries in my neck|artery disease in my neck",
        "ci_dvt": r"dvt|deep vein thrombosis|blood clots?|clot in my (?:leg|calf|lung)|pulmonary embolism|thrombosis",
        "ci_skin": r"open wound|cut on my|skin infection|cellulitis|sunburn|burn on my|burnt my|shingles|eczema|psoriasis|rash on my|sores? on my|wound on my|stitches",
        "ci_cervical_instability": r"rheumatoid arthritis|down s syndrome|downs syndrome|down syndrome|neck instability|unstable neck|atlantoaxial|neck surgery|spinal fusion|neck fusion|chiari|ehlers danlos",
        "ci_osteoporosis": r"osteoporosis|osteopenia|brittle bones|thin bones|bone metastases|bone mets|fragile bones",
    },
)
_PAST_WORDS = re.compile(r"\b(?:had|was|were|ago|remission|all clear|survivor|survived|cleared|treated|in the past|history of|beat|beaten|years back|used to)\b")
# A condition named as a fear or a search, not as a history ("convinced myself it's a tumour").
_WORRY_WORDS = re.compile(
    r"\b(?:worr\w*|scare\w*|afraid|fear\w*|frighten\w*|terrif\w*|concern\w*|convinc\w*|paranoi\w*|panic\w*|anxious|spooked"
    r"|think|thought|could it be|is it|is this|might be|wonder\w*|in case|what if|rule out|check for|googl\w*|read|reading"
    r"|looked (?:it )?up|look(?:ing)? (?:it )?up|search\w*|internet|online|symptoms? checker|dr google)\b"
)
_OTHER_PERSON = re.compile(r"\b(?:mum|mom|mother|dad|father|sister|brother|aunt|uncle|gran|grandma|grandmother|grandad|grandfather|family|friend|wife|husband|partner|cousin|nan|son|daughter)\b")
_PAST_PREGNANCY = re.compile(r"\b(?:when i was pregnant|last pregnancy|previous pregnanc\w*|my pregnancies|during pregnancy i|in pregnancy i|pregnancy test (?:was |is )?negative|not pregnant|(?:years|months) ago)\b")

# --- timing of an event ("bumped my head yesterday") --------------------------------------------

_AGO = re.compile(rf"\b({_NUMW}) (hour|day|night|week|month|year)s? ago\b")
_WORD_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "few": 3, "a few": 3, "couple of": 2, "a couple of": 2, "several": 3}
_UNIT_DAYS = {"hour": 1 / 24, "day": 1, "night": 1, "week": 7, "month": numbers.CALENDAR_MONTH_DAYS, "year": numbers.DAYS_PER_YEAR}
_WHEN_WORDS: Tuple[Tuple[re.Pattern, float], ...] = tuple(
    (re.compile(rf"\b(?:{p})\b"), days)
    for p, days in (
        (r"today|this morning|this afternoon|this evening|tonight|earlier today|an hour ago|just now|earlier", 0.0),
        (r"yesterday|last night", 1.0),
        (rf"(?:on|last|this) {_WEEKDAY}|at the weekend|this week|the other day|few days ago|couple of days ago", 4.0),
        (r"last week|a week ago|the other week", 7.0),
        (r"weeks ago|few weeks|couple of weeks|this month", 21.0),
        (r"last month|a month ago", 30.0),
        (r"months ago|few months|couple of months", 90.0),
        (r"last year|a year ago|years ago|as a (?:child|kid|teenager)|when i was (?:a |young|little|\d+)|in (?:19|20)\d\d|long time ago|ages ago", 730.0),
    )
)


def days_ago(clause: str) -> Optional[float]:
    """How many days ago an event in ``clause`` happened, if it says ("2 weeks ago" -> 14)."""
    match = _AGO.search(clause)
    if match:
        count = match.group(1)
        value = float(count) if count[0].isdigit() else _WORD_COUNTS.get(count, 1)
        return value * _UNIT_DAYS[match.group(2)]
    for pattern, days in _WHEN_WORDS:
        if pattern.search(clause):
            return days
    return None


# --- aggravators, side, onset cues ---------------------------------------------------------------

_AGG_ACTIVITY = {
    "routine_activity": r"walk\w*|climb\w*|stairs|mov(?:e|es|ing|ement)(?! my (?:head|neck))|bend\w*|physical activity|activity|house ?work|doing anything|being active|carrying|hoovering|vacuuming",
    "neck_movement": r"turn\w* (?:my |the )?(?:head|neck)|mov\w* (?:my |the )?(?:neck|head)|look\w* (?:up|down|over my shoulder|sideways|round|around)|tilt\w* (?:my |the )?head|(?:neck|head) (?:movements?|turning)|rotat\w* (?:my )?(?:neck|head)|reversing|check\w* my blind spot",
    "sustained_posture": r"sit\w* (?:at|in front of|for|all day|still|down)|desk|computer|laptop|reading|driving|looking down|long drives|sitting|posture|slouch\w*|hunch\w*|same position|one position|typing",
    "lying_down": r"lying (?:down|flat)|lie (?:down|flat)|laying (?:down|flat)|lay (?:down|flat)|when i go to bed|in bed|lying back",
    # a change to upright, not a working day spent standing ("standing all day" is a workload)
    "standing_up": r"stand\w*(?: up)?(?!\s+(?:all|the whole|for (?:hours|long|the whole|whole)|long hours|at (?:work|the counter|my station)|behind)\b)|get\w* up|sitting up|upright|getting out of bed",
    "cough_strain_sneeze": r"cough\w*|sneez\w*|strain\w*|on the toilet|bowel movements?|going to the toilet|bearing down|lift\w* (?:heavy|something)|laugh\w*|blow\w* my nose",
    "exercise": r"exercis\w*|excercis\w*|work(?:ing)? ?out(?! (?:what|how|why|whether|if|which|when|where|who)\b)|workout|gym|running|jogging|sports?|training|lifting weights|swimming|cycling|football|tennis|exertion|exert\w*|cardio|sprint\w*"
                r"|squat\w*|deadlift\w*|bench(?:ing| press\w*)|weights|weightlifting|powerlifting|leg day|heavy (?:sessions?|lifts?|lifting|sets?)|go(?:ing)? heavy|lift\w* heavy"
                r"|(?:a|my|the) (?:jog|swim|hike)|bike|biking|mountain bik\w*|hill reps|reps|crossfit|hiit|spin(?:ning)? class\w*|rowing|press-?ups|push-?ups|pull-?ups|burpees|intervals|races?|matches|games? of \w+",
    "sex": r"sex|intercourse|orgasm\w*|making love|climax\w*|masturbat\w*|sexual activity|being intimate",
}
_AGG_PATTERNS = {k: re.compile(rf"\b(?:{v})\b") for k, v in _AGG_ACTIVITY.items()}
_AGG_WORSE = re.compile(
    r"\b(?:worse|worsens?|worsened|worsening|aggravat\w*|triggers?|triggered|brings? (?:it|them|one|on)|brought on|sets? (?:it|them) off|set off"
    r"|makes? (?:it|them|the pain|the headache|my head) (?:worse|hurt|throb|pound)|hurts? (?:more|worse)|more painful|intensif\w*|kicks? in|comes? on|came on"
    r"|starts?|started|flares? up|pounds|throbs|spikes?|unbearable|explodes?|awful|terrible|horrendous|agony|agonising|agonizing|excruciating)\b"
)
_AGG_LOOSE = re.compile(r"\b(?:headaches?|pain|hurts?|hurting|during|while|after|mid)\b")
_AGG_RELIEF = re.compile(r"\b(?:better|eases?|eased|helps?|helped|relieves?|relieved|improves?|goes away|settles)\b")
_AGG_NEGATED = re.compile(r"\b(?:not|no|never|doesnt|dont|isnt|wasnt|didnt|nor|neither|arent|wont)\b")
# "while" is not a break: "it kicks in while I'm coughing" says when it comes on
_AGG_SPLIT = re.compile(r"\b(?:and|but|whereas|though|although)\b|[,;.!?:\n]")
_SENTENCE_SPLIT = re.compile(r"[.;!?\n]+")
_AFTER = re.compile(r"\b(?:after|afterwards|post)\b")
_DURING = re.compile(
    r"\b(?:during|while|whilst|mid|when|whenever|every time|each time|as soon as|(?:right|straight|immediately|just|minutes|seconds) after"
    r"|within (?:a )?(?:few |couple of )?(?:minutes|seconds))\b"
)
# a free sentence names the headache (or refers to it) before a loose "after the gym" counts
_ABOUT_HEADACHE = re.compile(r"\b(?:head\w*|migraines?|it|this|they|them|one|ones)\b")
_LOOSE_AGGRAVATORS = frozenset({"cough_strain_sneeze", "sex", "exercise"})
_PLACE_PREPOSITIONS = frozenset({"behind", "above", "over", "around", "in", "at", "on", "across", "between", "under", "round"})
_WHEN = re.compile(r"\b(?:when|whenever|every time|each time|if)\b")
_AGG_DELAY = re.compile(
    r"\b(?:(?:\d+|a few|few|several|couple of|a couple of|some) hours? (?:later|after)|later (?:on|that)|next (?:day|morning)"
    r"|the day after|that (?:evening|night)|in the evening after|hours after|the morning after"
    r"|after (?:the |my )?(?:\w+ ){0,2}(?:yesterday|last night|last week))\b"
)

_SIDE_LOCKED = re.compile(r"\b(?:always|only ever|every time|each time|only) (?:on )?(?:the )?(?:same side|left|right|one side)|same side every time|never (?:switches|changes|moves) sides?|always the same side\b")
_SIDE_SHIFTS = re.compile(r"\b(?:switch\w*|chang\w*|alternat\w*|swap\w*|moves?) (?:sides?|from side to side|between (?:the )?sides)|sometimes (?:on )?(?:the )?left,? (?:and )?sometimes (?:on )?(?:the )?right|sometimes (?:on )?(?:the )?right,? (?:and )?sometimes (?:on )?(?:the )?left|either side|side varies\b")

_ONSET_CUE = frozenset(
    {"came", "comes", "come", "coming", "started", "starts", "start", "starting", "began", "begins", "begin",
     "hit", "hits", "builds", "built", "build", "building", "peaked", "peaks", "peak", "peaking", "developed",
     "develops", "onset", "headache", "headaches", "pain", "went", "goes", "creeps", "crept", "got", "gets", "it"}
)
_LOOSE_ONSET_WORDS = frozenset(
    {"sudden", "suddenly", "instantly", "instant", "quickly", "fast", "rapidly", "slow", "slowly", "gradually",
     "gradual", "steadily", "immediately", "bang", "burst", "popped", "snap", "snapped", "exploded", "exploding",
     "explosive", "creeping", "suddently", "sudenly", "suddendly", "gradualy", "graduallly", "at", "once"}
)
_ONSET_RANK = {"sudden_peak_lt_1m": 3, "peak_1_5m": 2, "gradual": 1}
_PEAK_TIME = re.compile(
    r"\b(?:peaks?|peaked|peaking|reach\w* (?:its |the |full |max\w* )?(?:peak|worst|max\w*|full strength|full intensity|top)|at (?:its|full) (?:worst|strength|peak|intensity)"
    r"|builds? (?:up )?to (?:its )?(?:worst|peak|max\w*)|full blown|maxed out|hits? (?:its )?(?:max\w*|peak)|worst)\b[^.,;!?]{0,25}?\b(?:with)?in (?:about |around |less than |under )?(.{1,25}?)(?:$|[.,;!?])"
)


def _clauses(text: str) -> List[str]:
    return [c.strip() for c in _AGG_SPLIT.split(text) if c and c.strip()]


def find_aggravators(flat: str, answering: bool = False) -> Set[str]:
    """Activities said to make the headache worse ("worse when i climb stairs" -> routine_activity).

    ``answering``: the text answers "does anything bring it on?", so the question supplies the
    "brings it on" that a free message must say itself ("when I cough or lift boxes")."""
    found: Set[str] = set()
    for sentence in _SENTENCE_SPLIT.split(flat):
        # "hours after training", "after the gym my neck is stiff and the next day the headache
        # comes": not brought on by it (4.2), wherever in the sentence the delay is said
        found |= _sentence_aggravators(sentence, answering, bool(_AGG_DELAY.search(sentence)))
    if "neck_movement" in found and not re.search(_AGG_ACTIVITY["routine_activity"], flat.replace("move my", "")):
        found.discard("routine_activity")
    return found


def _sentence_aggravators(sentence: str, answering: bool, delayed: bool) -> Set[str]:
    found: Set[str] = set()
    listing = False  # "worse when I'm checking mirrors and reversing": a short clause continues a list
    for clause in _clauses(sentence):
        if _AGG_NEGATED.search(clause) or (_AGG_RELIEF.search(clause) and not _AGG_WORSE.search(clause)):
            listing = False
            continue
        strict = answering or bool(_AGG_WORSE.search(clause)) or (listing and len(clause.split()) <= 4)
        listing = strict
        loose = bool(_AGG_LOOSE.search(clause)) and (answering or bool(_ABOUT_HEADACHE.search(sentence)))
        # "...when I turn my head"; "my head hurts when I stand up": pain said to come with the act
        when = bool(_WHEN.search(clause))
        for aggravator, pattern in _AGG_PATTERNS.items():
            provoked = when and (aggravator == "neck_movement" or (loose and aggravator != "sustained_posture"))
            if pattern.search(clause) and (strict or provoked or (loose and aggravator in _LOOSE_AGGRAVATORS)):
                if delayed and aggravator in _LOOSE_AGGRAVATORS:
                    continue
                if aggravator == "exercise" and _AFTER.search(clause) and not _DURING.search(clause):
                    continue  # "a headache after big pull days": not said to start during it (4.2)
                found.add(aggravator)
    return found


# --- scan ---------------------------------------------------------------------------------------


# "Does an old whiplash count as a head injury?", "is this a sign of a stroke?": the words after
# "count as" / "a sign of" in a question name a category the person asks about, not a finding.
_CATEGORY_QUESTION = re.compile(
    r"\b(?:counts? as|counted as|class(?:ed)? as|considered(?: as)?|(?:a )?signs? of|(?:a )?symptoms? of|the same as"
    r"|mean (?:i have|its|it s|it is|ive got|i ve got|that i have))\b[^?.!;]*\?"
)


def _in_category_question(text: _Text, start: int, end: int) -> bool:
    """Whether words ``start``..``end`` lie in the asked-about part of such a question."""
    lo, hi = text.starts[start], text.starts[end - 1]
    return any(m.start() <= lo and hi < m.end() for m in _CATEGORY_QUESTION.finditer(text.flat))


def _rule_hits(text: _Text) -> List[Tuple[_Rule, Tuple[int, int]]]:
    """History/contraindication rules found in the text, then negation and hedge scope computed
    once for them and the lexicon matches together (stored on ``text``)."""
    hits = [
        (rule, text.word_span(match.start(), match.end()))
        for rule in _HISTORY_RULES + _CONTRA_RULES
        for match in rule.pattern.finditer(text.flat)
    ]
    hits = [(rule, span) for rule, span in hits if not _in_category_question(text, *span)]
    spans = [(m.start, m.end) for m in text.matches] + [span for _, span in hits]
    text.negated = scope_indices(text.words, spans, negation_table()) | text.denied
    text.hedged = scope_indices(text.words, spans, hedge_table()) - text.denied
    return hits


def _apply_history(text: _Text, hits: List[Tuple[_Rule, Tuple[int, int]]], findings: Findings) -> None:
    offset = len(text.matches)
    for k, (rule, span) in enumerate(hits):
        if offset + k in text.negated:
            _deny(rule, findings)
        else:
            _assert(rule, text.clause_of(*span), text.sentence_of(*span), offset + k in text.hedged, findings)


def _deny(rule: _Rule, findings: Findings) -> None:
    if rule.cid in HISTORY:
        findings.absent_history.add(rule.cid)
    if rule.cid == "pregnant":
        findings.pregnant = False
    if rule.cid == "neck_injury":
        findings.absent_history.update({"neck_injury_recent", "neck_injury_past"})


def _assert(rule: _Rule, clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    handler = _HANDLERS.get(rule.cid)
    if handler:
        handler(clause, sentence, hedged, findings)
    elif rule.kind == "contra":
        findings.contraindications.add(rule.cid)
    elif hedged:
        findings.uncertain.add(rule.cid)
    else:
        findings.history.add(rule.cid)


def _head_injury(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    ago = days_ago(clause) if days_ago(clause) is not None else days_ago(sentence)
    if ago is not None and ago > 92:
        return
    target = findings.uncertain if hedged else findings.history
    target.add("head_injury")
    if ago is not None and ago <= 5:
        target.add("head_injury_recent_days")
    findings.contraindications.add("ci_acute_injury")


# "an old whiplash", "years back", "as a teenager": an injury said to be long past
_LONG_AGO = re.compile(r"\b(?:old|years (?:back|ago)|long ago|a long time ago|ages ago|as a (?:kid|child|teen|teenager|student)|when i was (?:young|little|a kid|a child|a teenager))\b")


def _neck_injury(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    ago = days_ago(clause) if days_ago(clause) is not None else days_ago(sentence)
    if ago is None and _LONG_AGO.search(sentence):
        ago = 365.0
    findings.triggers.add("neck_injury")
    if ago is None:
        findings.history.add("neck_injury_past")
        findings.uncertain.add("neck_injury_recent")
    elif ago <= 28:
        (findings.uncertain if hedged else findings.history).add("neck_injury_recent")
    else:
        findings.history.add("neck_injury_past")
    if ago is None or ago <= 92:
        findings.contraindications.add("ci_acute_injury")


def _neck_manipulation(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.contraindications.add("ci_neck_manipulation")
    if re.search(r"\b(?:cracked|clicked|manipulated|adjusted|popped|had|got|saw|seen|visited|went|been|back|session|appointment|treated|treatment)\b", clause):
        ago = days_ago(clause) if days_ago(clause) is not None else days_ago(sentence)
        if ago is None or ago <= 28:
            findings.history.add("neck_injury_recent")
        else:
            findings.history.add("neck_injury_past")


def _anticoagulant(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    (findings.uncertain if hedged else findings.history).add("anticoagulant")
    findings.contraindications.add("ci_anticoagulant")


def _cancer(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    if _WORRY_WORDS.search(clause) or _OTHER_PERSON.search(clause):
        return
    findings.history.add("cancer")
    if re.search(r"\bbone (?:metastases|mets|cancer)\b", clause):
        findings.contraindications.add("ci_osteoporosis")
    if not _PAST_WORDS.search(clause):
        findings.contraindications.add("ci_cancer")


def _immunosuppression(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    if _OTHER_PERSON.search(clause) or _WORRY_WORDS.search(clause):
        return
    (findings.uncertain if hedged else findings.history).add("immunosuppression")


# A very high reading (4.2 rf_hypertensive: "known very high blood pressure reading", e.g. 180/120
# or more), as opposed to a history of high blood pressure ("well controlled on tablets").
_VERY_HIGH_READING = re.compile(
    r"\b(?:very high|really high|extremely high|dangerously high|through the roof|sky high|off the (?:scale|charts?)"
    r"|(?:1[89]\d|2\d\d)(?:/| over )\d{2,3}|\d{2,3}(?:/| over )(?:1[2-9]\d))\b"
)


_BP_WORDS = re.compile(r"\b(?:blood pressure|bp|pressure machine|pressure monitor|pressure cuff)\b")


def _blood_pressure_reading(findings: Findings, text: _Text) -> None:
    """A very high reading given anywhere in a sentence that names the blood pressure ("checked my
    blood pressure on the machine, it said 214 over 122")."""
    for sentence in re.split(r"[;!?\n]|\.(?!\d)", text.flat):
        if _BP_WORDS.search(sentence) and _VERY_HIGH_READING.search(sentence) and not _AGG_NEGATED.search(sentence[: _VERY_HIGH_READING.search(sentence).start()][-12:]):
            findings.history.add("very_high_bp_reading")
            return


def _blood_pressure(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.history.add("high_blood_pressure")
    if re.search(r"\b(?:uncontrolled|not controlled|out of control|very high|really high|through the roof|sky high|(?:1[6-9]\d|2\d\d)(?:/| over )\d{2,3})\b", clause):
        findings.contraindications.add("ci_uncontrolled_bp")
    if _VERY_HIGH_READING.search(clause):
        findings.history.add("very_high_bp_reading")


_OTHER_PREGNANT = re.compile(
    r"\b(?:wife|partner|girlfriend|sister|daughter|mum|mom|mother|friend|colleague|she|her|cousin|niece|aunt|fiancee|"
    r"sister in law|daughter in law|boss|neighbour|neighbor)(?: s| is| was| has been| got| is now| just got| being)?(?: \w+)? (?:pregnant|pregnancy|expecting)\b"
)


def _pregnant(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    if _PAST_PREGNANCY.search(clause):
        return
    if _OTHER_PREGNANT.search(clause) and not re.search(r"\b(?:i m|im|i am|i was|ive been|i ve been|me) (?:\w+ )?(?:pregnant|expecting)\b", clause):
        return  # someone else's pregnancy
    findings.pregnant = True
    findings.history.add("pregnant")
    findings.contraindications.add("ci_pregnancy")
    if hedged:
        findings.uncertain.add("pregnant")
    weeks = numbers.parse_pregnancy_weeks(sentence)
    if weeks:
        findings.pregnancy_weeks = weeks


def _postpartum(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    if _OTHER_PERSON.search(clause) and not re.search(r"\bi\b", clause):
        return
    ago = days_ago(clause) if days_ago(clause) is not None else days_ago(sentence)
    if ago is None or ago <= 42:
        findings.history.add("postpartum")


def _first_ever(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.history.add("first_ever")
    findings.new_headache = True
    findings.lifetime_attacks = findings.lifetime_attacks or 1


def _spinal(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.history.add("spinal_procedure")
    if "epidural" in clause and re.search(r"\b(?:birth|labour|labor|baby|delivery)\b", sentence):
        _postpartum(clause, sentence, hedged, findings)


def _neck_assessed(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.history.update({"neck_problem_assessed", "cervical_spine_problem"} if re.search(r"\b(?:disc|spondylosis|arthritis|vertebra\w*|cervical|spine)\b", clause) else {"neck_problem_assessed"})


_HANDLERS = {
    "head_injury": _head_injury,
    "neck_injury": _neck_injury,
    "neck_manipulation": _neck_manipulation,
    "anticoagulant": _anticoagulant,
    "cancer": _cancer,
    "immunosuppression": _immunosuppression,
    "high_blood_pressure": _blood_pressure,
    "pregnant": _pregnant,
    "postpartum": _postpartum,
    "first_ever": _first_ever,
    "spinal_procedure": _spinal,
    "neck_problem_assessed": _neck_assessed,
}

_DOCTOR_NO = re.compile(
    r"\b(?:never (?:seen|been to|visited|consulted|spoke to|talked to|asked|been checked by) (?:a |my |the |any )?(?:doctor|gp|anyone|neurologist|physician)"
    r"|(?:havent|have not|didnt|did not|not) (?:yet )?(?:seen|been to|consulted|asked|spoken to) (?:a |my |the |any )?(?:doctor|gp|anyone|neurologist|physician)"
    r"|never been diagnosed|not been diagnosed|undiagnosed|self diagnosed|no diagnosis|never been checked)\b"
)
_DOCTOR_YES = re.compile(
    r"\b(?:(?:doctor|doc|gp|neurologist|consultant|physician|specialist|neuro|headache clinic|hospital|dr \w+) (?:said|says|told me|diagnosed|confirmed|thinks|thought|called it|agreed)"
    r"|diagnosed (?:with|as|me)|been diagnosed|got a diagnosis|was diagnosed|officially diagnosed)\b"
)
_LIFETIME = re.compile(r"\b(\d+) (?:attacks|episodes|of these|of them|times|headaches like this) (?:in (?:my|total)|ever|before|so far|in my life|altogether)\b")
_ARM_WORDS = re.compile(r"\b(?:arm|arms|hand|hands|finger|fingers|wrist|shoulder)\b")
_NECK_SYMPTOMS = frozenset({"neck_pain", "stiff_neck", "reduced_neck_movement"})
_TRIGGER_CUE = re.compile(
    r"\b(?:trigger\w*|brings?|brought|sets?|setting|causes?|caused|gives?|gave|makes?|made|after|when|whenever|if|during|from|due|because"
    r"|worse|around|before|related|linked|seems?|usually|always|tends?|starts?|started|comes?|came|lack|too much|not enough|without"
    r"|skip\w*|miss\w*|forget|get them|get it|blame|think its|think it s|often|sometimes)\b"
)
_ORIGIN_CUE = frozenset({"from", "starts", "started", "starting", "begins", "began", "comes", "coming", "came", "originates",
                         "stems", "due", "caused", "because", "radiates", "spreads", "travels", "tension", "tight", "tense",
                         "knots", "knotted", "stiff", "blame", "source", "root", "behind", "up"})


# "the back of my head goes numb and heavy" may describe the pain itself; a deficit is numbness of
# the face or a limb (4.2 rf_neuro_deficit), so numbness said only of the head is asked about first.
_HEAD_WORDS = re.compile(r"\b(?:head|scalp|skull|forehead|temples?|crown|top of my head)\b")
_DEFICIT_PLACES = re.compile(
    r"\b(?:face|facial|cheeks?|lips?|mouth|tongue|jaw|chin|arms?|hands?|fingers?|legs?|feet|foot|toes?|side of (?:my|the|his|her) body"
    r"|(?:left|right|one) side|half)\b"
)


def _numb_head(cid: str, clause: str) -> bool:
    return cid == "numbness" and bool(_HEAD_WORDS.search(clause)) and not _DEFICIT_PLACES.search(clause)


_SIDE_WORDS = frozenset({"left", "right"})
_BOTH_WORDS = frozenset({"both", "and", "either", "each", "or"})


def _lexical_findings(text: _Text, findings: Findings, answer_slot: Optional[str] = None) -> None:
    """Turn lexicon matches into findings, honouring negation and hedges."""
    for i, m in enumerate(text.matches):
        _lexical_match(text, m, i in text.negated, i in text.hedged, findings, answer_slot)


def _lexical_match(text: _Text, m: Match, negated: bool, hedged: bool, findings: Findings, answer_slot: Optional[str]) -> None:
    clause = text.clause_of(m.start, m.end)
    if m.entity == "symptom":
        if negated:
            findings.absent_symptoms.add(m.cid)
        elif tuple(text.words[m.start:m.end]) in load_lexicon().confirm_first.get(m.cid, ()) or _numb_head(m.cid, clause):
            findings.to_confirm.add(m.cid)  # everyday wording (hedged or not): asked before it counts (4.3)
        elif hedged:
            findings.uncertain.add(m.cid)
        else:
            findings.symptoms.add(m.cid)
        return
    if negated:
        if m.entity == "medication":
            setattr(findings, _MED_FIELD[m.cid], 0.0)
        return
    if m.entity == "pain_location":
        findings.locations.add(m.cid)
        # "behind my LEFT eye", "my right forehead": the side word may sit just before the place
        before = [] if text.words[m.start] in _PLACE_PREPOSITIONS else text.words[max(0, m.start - 2):m.start]
        around = set(before) | set(text.words[m.start:m.end])  # ("right behind my eyes": an adverb)
        if _SIDE_WORDS & around and not _BOTH_WORDS & around:
            findings.locations.add("one_side")  # "behind my LEFT eye": the eye, and one side
    elif m.entity == "pain_quality":
        findings.qualities.add(m.cid)
    elif m.entity == "trigger":
        if answer_slot == "triggers" or _TRIGGER_CUE.search(clause):
            findings.triggers.add(m.cid)
    elif m.entity == "origin":
        window = set(text.words[max(0, m.start - 4): m.end + 2]) | set(text.words[m.start:m.end])
        if answer_slot == "origin" or window & _ORIGIN_CUE:
            findings.origins.add(m.cid)
    elif m.entity == "onset":
        _onset_match(text, m, findings, answer_slot == "onset")


# How fast an aura spreads ("the zigzag spreads across my vision over a few minutes") is not how the
# headache started: a clause about the aura that names no pain gives no onset.
_AURA_WORDS = re.compile(
    r"\b(?:auras?|zig ?zags?|zigzagg?\w*|flashing|flashes|flickery|flicker\w*|shimmer\w*|sparkl\w*|blind spots?|vision|sight|lights?|spots"
    r"|tingl\w*|pins and needles|warning signs?)\b"
)
_PAIN_WORDS = re.compile(
    r"\b(?:head\w*|pain\w*|ache\w*|migraines?|hurts?|hurting|throb\w*|pound\w*|thump\w*|(?:came|comes|come|coming) on|hit|hits|kicked in)\b"
)


def _about_the_aura(clause: str) -> bool:
    return bool(_AURA_WORDS.search(clause)) and not _PAIN_WORDS.search(clause)


def _onset_match(text: _Text, m: Match, findings: Findings, answering: bool) -> None:
    words = text.words[m.start:m.end]
    if _about_the_aura(text.clause_of(m.start, m.end)):
        return
    if words[-1] == "second" and not {"a", "split", "within", "one"} & set(words):
        return  # "in second year", "in second place": the ordinal, not a second of time
    loose = all(w in _LOOSE_ONSET_WORDS for w in words)
    if loose and set(words) & _BURST_WORDS and set(text.words[max(0, m.start - 4): m.start]) & _SIMILE_WORDS:
        return  # "paining like it will burst", "feels as if it's going to explode": pressure, not onset
    if loose and not answering:
        window = set(text.words[max(0, m.start - 4): m.end + 4])
        if not window & _ONSET_CUE:
            return
    _set_onset(findings, m.cid)


_BURST_WORDS = frozenset({"burst", "exploded", "exploding", "explode", "popped", "pop", "bang"})
# what might happen, not what did ("like it will burst", "as if it's going to explode"); a past
# "felt like it exploded" describes the event itself and stays an onset
_SIMILE_WORDS = frozenset({"going", "gonna", "about", "ready", "will", "would", "could", "might"})


def _set_onset(findings: Findings, onset: str) -> None:
    """Keep the most abrupt onset said (the cautious reading)."""
    if findings.onset is None or _ONSET_RANK[onset] > _ONSET_RANK[findings.onset]:
        findings.onset = onset


def _onset_from_peak_time(text: _Text, findings: Findings) -> None:
    for match in _PEAK_TIME.finditer(text.flat):
        if _about_the_aura(match.group(0)):
            continue
        minutes = numbers.parse_duration(match.group(1))
        if isinstance(minutes, float):
            _set_onset(findings, "sudden_peak_lt_1m" if minutes < 1 else "peak_1_5m" if minutes <= 5 else "gradual")
        elif re.search(r"\bseconds?\b|\binstant", match.group(1)):
            _set_onset(findings, "sudden_peak_lt_1m")


_MED_FIELD = {"simple_analgesic": "simple_analgesic_days", "specialist": "specialist_med_days"}


def _medication_days(text: _Text, findings: Findings) -> Set[Tuple[int, int]]:
    """Pair each painkiller mention with the frequency said next to it; returns the med segments."""
    indices = [i for i, m in enumerate(text.matches) if m.entity == "medication"]
    meds = [text.matches[i] for i in indices]
    segments: Set[Tuple[int, int]] = set()
    for i, med in enumerate(meds):
        if indices[i] in text.negated:
            continue
        lo, hi = _clause_start(text, med.start), _clause_end(text, med.end)
        if i > 0 and meds[i - 1].end > lo:
            lo = meds[i - 1].end
        if i + 1 < len(meds) and meds[i + 1].start < hi:
            hi = meds[i + 1].start
        after, before = " ".join(text.words[med.end:hi]), " ".join(text.words[lo:med.start])
        segment = " ".join(text.words[lo:hi])
        days = numbers.parse_frequency(after)
        if days is None:
            days = numbers.parse_frequency(before)
        if days is None:
            days = _only_frequency(text.sentence_of(med.start, med.end))
        segments.add((_clause_start(text, med.start), _clause_end(text, med.end)))
        if days is not None:
            name = _MED_FIELD[med.cid]
            setattr(findings, name, max(days, getattr(findings, name) or 0.0))
            months = numbers.parse_months_present(segment)
            if months is not None:
                findings.meds_months = months
    return segments


def _only_frequency(sentence: str) -> Optional[float]:
    """The sentence's frequency when it states exactly one ("ibuprofen, about 3 days a week")."""
    found = numbers.find_frequencies(numbers.normalize(sentence))
    return round(found[0].days_per_month, 2) if len(found) == 1 else None


_EVENT_HISTORY = frozenset({"head_injury", "neck_injury", "neck_manipulation", "postpartum", "new_medicine", "cancer", "spinal_procedure", "pregnant"})


def _event_clauses(text: _Text) -> List[Tuple[int, int]]:
    """Word ranges of sentences that date an event (injury, birth), not the headache."""
    out = []
    for rule in _HISTORY_RULES:
        if rule.cid in _EVENT_HISTORY:
            for match in rule.pattern.finditer(text.flat):
                s, e = text.word_span(match.start(), match.end())
                out.append((_clause_start(text, s), _clause_end(text, e)))
    return out


def _clause_start(text: _Text, i: int) -> int:
    while i > 0 and text.words[i - 1] not in _CLAUSE_BREAK:
        i -= 1
    return i


def _clause_end(text: _Text, i: int) -> int:
    while i < len(text.words) and text.words[i] not in _CLAUSE_BREAK:
        i += 1
    return i


def _headache_text(text: _Text, excluded: Iterable[Tuple[int, int]]) -> str:
    """The message without the sentences about painkillers or dated events."""
    drop = {j for lo, hi in excluded for j in range(lo, hi)}
    return " ".join(w for j, w in enumerate(text.words) if j not in drop)


_DURATION_SKIP_AFTER = re.compile(r"^\s*(?:ago|a day|per day|a night|of sleep|sleep|on (?:screens?|the computer)|at (?:my|a|the) (?:desk|computer)|each day|every day|later)\b")
_DURATION_SKIP_BEFORE = re.compile(r"\b(?:every|within|in|after|since|over|peaks?|peaked|reaches|reached|than)\s*(?:about |around |roughly |less than |under )?$")


def _numbers_into(findings: Findings, text: _Text, headache_text: str, answer_slot: Optional[str] = None) -> None:
    """Severity, durations, frequency, time present, age, aura length."""
    severity = numbers.parse_severity(text.raw)
    if severity is not None:
        findings.intensity = severity
    # "in my forties" in the answer to another question is usually when something happened
    age = numbers.parse_age(text.raw, decades=answer_slot in (None, "age"))
    if age is not None:
        findings.age = age
    low = numbers.normalize(headache_text)
    aura_minutes = _aura_minutes(text, findings)
    if numbers.says_continuous(low):
        findings.continuous = True
    # An answer's time words belong to its question: "every day the last 10 days" answers how
    # often, not how long one attack lasts; a free message may say anything.
    durations = numbers.find_durations(low) if answer_slot in (None, "duration") else []
    for start, end, minutes in durations:
        if _DURATION_SKIP_AFTER.match(low[end:]) or _DURATION_SKIP_BEFORE.search(low[:start]):
            continue
        if minutes == aura_minutes:
            continue
        if minutes < 1440 or re.search(r"\b(?:lasts?|lasting|lasted|goes on|go on|went on|each|one attack|usually|typically)\b[^.,;]*$", low[:start]) or re.search(r"\b(?:this|a|the) headache\b", low[:start][-40:]):
            findings.duration_minutes = minutes
            break
    if answer_slot in (None, "frequency"):
        days = numbers.parse_frequency(headache_text)
        if days is not None:
            findings.days_per_month = days
        per_day = numbers.parse_attacks_per_day(headache_text)
        if per_day is not None:
            findings.attacks_per_day = per_day
    if answer_slot in NOT_ABOUT_THE_PATTERN:
        return  # "I've been like that for years" to the red-flag screen is about the sign, not the headache
    started_age = numbers.parse_started_age(headache_text)
    if started_age is not None:
        findings.started_age = started_age
    months = numbers.parse_months_present(headache_text)
    if months is not None:
        findings.months_present = months
        # "since this morning" is how long this attack has lasted, not how old the pattern is
        if findings.new_headache is None and months >= CURRENT_ATTACK_MONTHS:
            findings.new_headache = months <= 3
    lifetime = _LIFETIME.search(low)
    if lifetime:
        findings.lifetime_attacks = int(lifetime.group(1))


def _aura_minutes(text: _Text, findings: Findings) -> Optional[float]:
    for m in text.matches:
        if m.entity == "symptom" and m.cid.startswith("aura_"):
            found = numbers.find_durations(numbers.normalize(text.clause_of(m.start, m.end)))
            if found and found[0][2] <= 24 * 60:
                findings.aura_minutes = found[0][2]
                return found[0][2]
    return None


def _side_lock(flat: str, findings: Findings) -> None:
    if _SIDE_SHIFTS.search(flat):
        findings.side_locked = False
    elif _SIDE_LOCKED.search(flat):
        findings.side_locked = True


def _doctor(flat: str, findings: Findings) -> None:
    if _DOCTOR_NO.search(flat):
        findings.doctor_confirmed = False
    elif _DOCTOR_YES.search(flat):
        findings.doctor_confirmed = True


# "a new headache", "new kind of headaches", "started getting headaches last month": a new pattern.
_NEW_HEADACHE = re.compile(
    r"\b(?:new|brand new|new kind of|new type of|new sort of) (?:headaches?|head ?aches?|head pains?|pains? in (?:my|the) head)\b"
    r"|(?<!before that )(?<!before then )(?<!before this )(?<!before it )(?<!before they )(?<!before that i was )(?<!until then i was )\bnever (?:been )?(?:a headache person|one for headaches|(?:had|got|get|suffered (?:from|with)) headaches)\b"
    r"|\b(?:started|began|begun) (?:getting|having|to get) (?:headaches|these headaches|them|these)"
    r"(?: (?:in the )?(?:last|past|this) (?:few )?(?:days?|weeks?|month)| (?:a few|few|\d+|two|three) (?:days|weeks) ago)\b"
)


def _worsening_over_months(findings: Findings, text: _Text) -> None:
    """Worsening that the user places over more than 3 months ("more frequent over the past two
    years") is not a recent progression (reference 4.2, rf_progressive: "Not this flag"); the
    frequency and medication rules judge it instead."""
    if "progressive" not in findings.history or findings.has("different_from_usual"):
        return
    pattern = history_pattern("progressive")
    spans = [numbers.parse_months_present(sentence) for sentence in re.split(r"[.;!?]", text.flat) if pattern.search(sentence)]
    if spans and all(span is not None and span > 3 for span in spans):
        findings.history.discard("progressive")


# "every time it is different", "different each time": attacks that vary, not a change from usual
_VARIES = re.compile(r"\b(?:every|each|any) (?:time|one|attack|headache)\b[^.;]{0,25}\bdifferent\b|\bdifferent (?:every|each) (?:time|one)\b|\balways different\b")


# "before 2-3 days a month, now nearly every day": a then-and-now contrast of how often
_NOW = re.compile(r"\b(?:now|these days|nowadays|lately|at the moment|currently|this (?:month|week))\b")
_THEN = re.compile(
    r"\b(?:before|used to|previously|at first|in the past|earlier|normally|usually|it was|they were|was|were|back (?:in|then|when)"
    r"|last (?:year|spring|summer|autumn|winter|month)|(?:a|two|three|few|couple of) (?:months?|weeks?) ago)\b"
)


def _frequency_rising(findings: Findings, text: _Text) -> None:
    """Headaches said to come far more often now than before are getting worse (rf_progressive),
    however the contrast is worded; how recent the change is is judged by the next rule."""
    sentences = [s for s in re.split(r"[;!?\n]|\.(?!\d)", text.flat) if s.strip()]
    for i, sentence in enumerate(sentences):
        now = _NOW.search(sentence)
        if not now:
            continue
        before = sentence[: now.start()] if _THEN.search(sentence[: now.start()]) else ""
        after = sentence[now.start():] if before else sentence
        for j in (i - 1, i + 1):  # "Before 2-3 days a month. Now nearly every day." (either order)
            if not before and 0 <= j < len(sentences) and _THEN.search(sentences[j]) and not _NOW.search(sentences[j]):
                before = sentences[j]
        now_days = numbers.parse_frequency(after)
        if not before or not now_days:
            continue
        before_days = numbers.parse_frequency(before)
        if before_days is None:  # "12 days a month now. It was 4 or 5 ...": the same unit
            then_n, now_n = numbers.first_number(before), numbers.first_number(after)
            before_days = now_days * then_n / now_n if then_n and now_n else None
        months = numbers.parse_months_present(before + " " + after)
        if before_days and now_days >= max(8.0, 2 * before_days) and (months is None or months <= 3):
            findings.history.add("progressive")
            return


def _derived(findings: Findings, text: _Text) -> None:
    """Facts implied by combinations: worst-ever + sudden, fever contraindication, radicular pain."""
    _frequency_rising(findings, text)
    _worsening_over_months(findings, text)
    known_pattern = findings.history & {"known_cluster", "known_migraine", "same_as_usual"}
    if findings.new_headache and known_pattern and not findings.has("first_ever") and "different_from_usual" not in findings.history:
        findings.new_headache = False  # "my clusters are back, started ten days ago": a new bout, not a new pattern
    if "different_from_usual" in findings.history and _VARIES.search(text.flat):
        findings.history.discard("different_from_usual")
        findings.history.add("varies_between_attacks")
    if findings.has("worst_ever") and re.search(r"\b(?:sudden\w*|suddently|instant\w*|out of nowhere|out of the blue|all at once|bang|exploded|thunderclap|within seconds|in seconds|immediately)\b", text.flat):
        _set_onset(findings, "sudden_peak_lt_1m")
    if findings.new_headache is None and _NEW_HEADACHE.search(text.flat):
        findings.new_headache = True
    if "band_around_head" in findings.locations and not findings.qualities:
        findings.qualities.add("pressing_tight")  # "like a tight band" describes the quality too
    if "neck_to_head" in findings.locations:
        findings.origins.add("neck")
    if findings.has("fever"):
        findings.contraindications.add("ci_fever_infection")
    if "rash_non_blanching" in findings.symptoms:
        findings.contraindications.add("ci_skin")
    if findings.pregnancy_weeks and findings.pregnant is None:
        findings.pregnant = True
        findings.contraindications.add("ci_pregnancy")
    _hand_tingling(findings, text)
    _arm_symptoms_stable(findings, text)
    _blood_pressure_reading(findings, text)
    _radicular(findings, text)


_INTERMITTENT = re.compile(
    r"\b(?:comes? and goes?|came and went|on and off|off and on|now and (?:again|then)|from time to time|occasionally"
    r"|sometimes|intermittent\w*|at times|here and there|every so often|once in a while)\b"
)
_ARM_CHANGING = re.compile(r"\b(?:constant\w*|all the time|non ?stop|spread\w*|getting worse|worse and worse|worsening|moving up)\b")
_ARM_SENSATION = re.compile(r"\b(?:tingl\w*|pins and needles|numb\w*|prickl\w*|buzzing)\b")


def _arm_symptoms_stable(findings: Findings, text: _Text) -> None:
    """Tingling or numbness in an arm or hand said to come and go for weeks or more, without
    weakness and not spreading or constant: the stable radicular row of 3.4 (see a doctor), not a
    new deficit."""
    if not (findings.has("arm_tingling") or "numbness" in findings.symptoms) or "weakness" in findings.symptoms:
        return
    for sentence in re.split(r"[.;!?\n]", text.flat):
        if not (_ARM_SENSATION.search(sentence) and _INTERMITTENT.search(sentence)) or _ARM_CHANGING.search(sentence):
            continue
        months = numbers.parse_months_present(sentence)
        if months is not None and months >= 0.5:
            findings.history.add("arm_symptoms_stable")
            return


# What makes tingling an aura (3.2): it spreads or moves, reaches the face, or comes before the pain.
_AURA_TINGLING = re.compile(
    r"\b(?:spread\w*|creep\w*|mov(?:es|ed|ing) up|travel\w*|march\w*|works? (?:its way )?up|(?:goes|went|going) up|up (?:my|the|his|her) arm"
    r"|face|lips?|tongue|mouth|cheek|before (?:the|my|a|his|her|it) (?:head|headache|migraine|pain|attack)|then (?:the|my|a) (?:head|headache|migraine|pain))\b"
)


def _hand_tingling(findings: Findings, text: _Text) -> None:
    """Pins and needles in the hand or fingers that neither spread, nor reach the face, nor come
    before the pain are a nerve sign (arm_tingling), not a sensory aura; with one of those they
    are an aura as well."""
    if "arm_tingling" not in findings.symptoms:
        return
    if _AURA_TINGLING.search(text.flat):
        findings.symptoms.add("aura_sensory")  # "tingling in my hand that spreads to my face"
    else:
        findings.symptoms.discard("aura_sensory")


def _radicular(findings: Findings, text: _Text) -> None:
    arm = findings.has("arm_tingling") or findings.has("shoulder_arm_pain_same_side") or any(
        m.cid == "numbness" and _ARM_WORDS.search(" ".join(text.words[m.start:m.end + 3]))
        for m in text.matches
    )
    neck = bool(_NECK_SYMPTOMS & (findings.symptoms | findings.uncertain)) or "neck" in findings.origins or "neck_to_head" in findings.locations
    if arm and neck and "neck_problem_assessed" not in findings.history:
        findings.contraindications.add("ci_radicular")


_COMPOUND_SYMPTOMS: Tuple[Tuple[re.Pattern, str, Tuple[str, ...]], ...] = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), "pain_location" if ids[0] in LOCATIONS else "symptom", ids)
    for pattern, ids in (
        (r"both (?:of my )?temples|(?:either|each) temple", ("both_sides", "temples")),
        # One side, however it is said (3.1 `one_side`; migraine counts it, 3.3): "on one side of my
        # head" is not the temples, a side that switches is still one side at a time, and "left and
        # right" is both sides.
        (r"(?:(?:on|in|at) )?(?:the )?(?:left|right)(?: hand)? (?:and|&|plus) (?:the )?(?:left|right)(?: hand)?(?: sides?| temples?| halves)?"
         r"(?: of (?:my|the) (?:head|skull))?", ("both_sides",)),
        (r"(?:only |just )?(?:one|a single|single|1|the one|one single)(?: single)? (?:side|half|sided)"
         r"(?: of (?:my|the|his|her) (?:head|skull))?"
         r"|(?:left|right)(?: hand)? (?:side |half )?of (?:my|the|his|her) (?:head|skull)"
         r"|(?:switch\w*|chang\w*|alternat\w*|swap\w*|mov(?:es|ed|ing)) (?:from )?(?:sides?|side to side|between (?:the )?sides)"
         r"|(?:left|right)(?: side)? or (?:the )?(?:left|right)(?: side)?|sometimes (?:on )?(?:the )?(?:left|right)", ("one_side",)),
        (r"(?:left|right)(?: hand)? (?:side )?temple", ("one_side", "temples")),
        (r"(?:in|behind|around|over|above) (?:one|a single|only one|just one) (?:of my )?eyes?", ("one_side", "behind_eye")),
        # the pain starting low in the neck and climbing: "starts at the top of my neck on the right",
        # "begins at the back of the neck and creeps up"
        (r"(?:starts?|starting|started|begins?|beginning|began|comes?|coming) (?:up )?(?:at|in|from) (?:the )?(?:top|back|base|bottom|side) of (?:my|the) neck",
         ("neck_to_head",)),
        # one eye named (singular): "a knife in the eye", "behind my left eye" - the pain is on one side
        (r"(?:in|into|behind|around|through) (?:the|my|his|her) (?:(?:left|right) )?eye(?! ?(?:s|lids?|brows?|balls?)\b)", ("one_side", "behind_eye")),
        (r"(?:light|lights|bright light) (?:and|or|&) (?:sound|sounds|noise|noises) (?:sensitivity|sensitive|bother me|hurt)"
         r"|(?:sensitive|sensitivity) to (?:light|lights) (?:and|or|&) (?:sound|sounds|noise|noises)"
         r"|(?:sound|sounds|noise|noises) (?:and|or|&) (?:light|lights) (?:sensitivity|sensitive|bother me|hurt)"
         r"|(?:sensitive|sensitivity) to (?:sound|sounds|noise|noises) (?:and|or|&) (?:light|lights)|photophobia and phonophobia",
         ("light_sensitivity", "sound_sensitivity")),
        (r"(?:nausea|nauseous|sickness) (?:and|or|&|with) (?:vomiting|being sick|throwing up)|(?:feel|feeling|felt) sick (?:and|or) (?:vomit\w*|throw(?:ing)? up|threw up)",
         ("nausea", "vomiting")),
        (r"(?:numbness|numb) (?:and|or|&) (?:weakness|weak)|(?:weakness|weak) (?:and|or|&) (?:numbness|numb)",
         ("numbness", "weakness")),
        (r"(?:fever|temperature) (?:and|with|plus|&) (?:a )?stiff neck", ("fever", "stiff_neck")),
    )
)


def _compound_matches(parsed: "_Text") -> List[Match]:
    """ "light and sound sensitivity" names two symptoms with one phrase."""
    out: List[Match] = []
    for pattern, entity, ids in _COMPOUND_SYMPTOMS:
        for found in pattern.finditer(parsed.flat):
            start, end = parsed.word_span(found.start(), found.end())
            out.extend(Match(entity, cid, start, end) for cid in ids)
    return out


def _all_matches(parsed: "_Text") -> List[Match]:
    found = _compound_matches(parsed)
    # a compound inside a longer one of the same entity ("right side of my head" inside "the left
    # and the right side of my head") is part of it
    compound = [m for m in found if not any(
        c.entity == m.entity and c.start <= m.start and m.end <= c.end and (c.end - c.start) > (m.end - m.start)
        for c in found)]
    lexical = [m for m in find_matches(person_neutral(parsed.words))
               if not any(c.start <= m.start and m.end <= c.end and c.entity == m.entity for c in compound)]
    return sorted(lexical + compound, key=lambda m: (m.start, m.entity))


def _char_span(parsed: "_Text", m: Match) -> Tuple[int, int]:
    return parsed.starts[m.start], parsed.starts[m.end - 1] + len(parsed.words[m.end - 1])


def _apply_patterns(parsed: "_Text") -> None:
    """Add the generalising red-flag rule hits to the lexicon matches and apply the idiom and
    benign-cause suppressions (``redflag_patterns``) to both."""
    flat, words, starts = parsed.flat, parsed.words, parsed.starts
    suppressions = redflag_patterns.suppressions(flat, words, starts)
    candidates: List[Tuple[Match, bool]] = [(m, False) for m in parsed.matches]
    for hit in redflag_patterns.find(flat, words, starts):
        start, end = parsed.word_span(hit.start, hit.end)
        candidates.append((Match(hit.entity, hit.cid, start, end), hit.denied))
    kept: Dict[Match, bool] = {}
    for m, denied in candidates:
        if m.entity == "symptom" and _in_category_question(parsed, m.start, m.end):
            continue
        if m.entity == "symptom" and suppressions:
            lo, hi = _char_span(parsed, m)
            over = [s for s in suppressions if m.cid in s.cids and s.start < hi and lo < s.end]
            if over and not any(s.deny for s in over):
                continue  # an idiom or a benign cause: not a finding at all
            denied = denied or bool(over)
        kept[m] = kept.get(m, False) or denied
    parsed.matches = sorted(kept, key=lambda m: (m.start, m.entity))
    parsed.denied = {i for i, m in enumerate(parsed.matches) if kept[m]}


def _analyse(text: str, answer_slot: Optional[str] = None) -> Tuple[Findings, _Text]:
    parsed = _Text.of(text)
    parsed.matches = _all_matches(parsed)
    _apply_patterns(parsed)
    findings = Findings()
    hits = _rule_hits(parsed)
    _lexical_findings(parsed, findings, answer_slot)
    _apply_history(parsed, hits, findings)
    _onset_from_peak_time(parsed, findings)
    findings.aggravated_by |= find_aggravators(parsed.flat, answering=answer_slot == "triggers")
    med_segments = _medication_days(parsed, findings)
    excluded = list(med_segments) + _event_clauses(parsed)
    _numbers_into(findings, parsed, _headache_text(parsed, excluded), answer_slot)
    _side_lock(parsed.flat, findings)
    _doctor(parsed.flat, findings)
    _derived(findings, parsed)
    if answer_slot in _NEWNESS_QUESTIONS:
        _never_like_it_is_new(findings, parsed)
    findings.uncertain -= findings.absent_symptoms | findings.absent_history
    return findings, parsed


# Questions about whether the headaches are new: "never had anything like it" answers them.
_NEWNESS_QUESTIONS = frozenset({"headache_history", "attack_history", "aura_history"})


def _never_like_it_is_new(findings: Findings, parsed: _Text) -> None:
    """To "is this new?", "never had anything like this" says first-ever, not worst-ever (the
    emergency screen asks about a worst-ever headache itself)."""
    worst = [m for m in parsed.matches if m.cid == "worst_ever"]
    if worst and all(parsed.words[m.start] == "never" for m in worst):
        findings.symptoms.discard("worst_ever")
        findings.uncertain.discard("worst_ever")
        findings.history.add("first_ever")


def scan(text: str, answer_slot: Optional[str] = None) -> Findings:
    """Everything ``text`` states, negation- and hedge-aware. Never raises on odd input.

    ``answer_slot``: the question the text answers, so its time words are read in that context."""
    if not text or not text.strip():
        return Findings()
    return _analyse(text, answer_slot)[0]


# Words that say nothing on their own: function words, "feel"/"get", how often, the headache itself.
_PLAIN_MESSAGE_WORDS = frozenset(
    """i im ive id me my mine myself we us our you it its itll thats this that these those they them
    their there theres here the a an and or but also too as plus with without when whenever while
    during after before if then so because since of in on at to for from by up out over about around
    into onto like just only really very quite pretty bit little lot lots much more most some any all
    both either sometimes usually often always mostly mainly generally normally typically often
    occasionally again still already now currently lately recently am is are was were be been being
    do does did have has had having get gets got getting gotten feel feels felt feeling can could will
    would may might make makes made bother bothers bothering bothered hurt hurts hurting yes yeah yep
    ok okay oh um uh er erm well hmm no not dont doesnt didnt never nor headache headaches migraine
    migraines pain pains attack attacks episode episodes head one ones time times day days daily week
    weeks weekly month months monthly hour hours minute minutes mins year years every each per a
    usual normal typical worse none nothing nope nah neither thing things fine comes came come coming
    starts started start first few ago new""".split()
)


# A limb or the face named in the message is never explained away (the sites of a focal deficit).
_DEFICIT_SITES = frozenset({("body_part", "arm"), ("body_part", "leg"), ("body_part", "face")})


def unexplained_words(text: str) -> List[str]:
    """The words of ``text`` that no lexicon phrase or rule reads and that are not plain words.

    Empty when the deterministic reading accounts for the whole message ("i feel sick and light
    bothers me"); "help", "dying", "scared" or any wording the lexicon lacks stay unexplained.
    """
    if not text or not text.strip():
        return []
    _, parsed = _analyse(text)
    covered = {j for m in parsed.matches if (m.entity, m.cid) not in _DEFICIT_SITES for j in range(m.start, m.end)}
    return [
        w for j, w in enumerate(parsed.words)
        if j not in covered and any(c.isalpha() for c in w) and w not in _PLAIN_MESSAGE_WORDS
    ]


# --- answers to consultation questions ---------------------------------------------------------


@dataclass
class SlotAnswer:
    """The value for one consultation slot, everything else the text said, and whether it parsed."""

    value: Any
    findings: Findings
    understood: bool


_NONE_ANSWER = re.compile(
    r"^(?:no+|nope|nah|none|nothing|neither|not really|no not really|none of (?:those|them|these|the above|that)|no to all|nothing like that"
    r"|nothing else|no other symptoms|no symptoms|none at all|not at all|never|no never|no none|all no|no to all of them|no none of them"
    r"|just the (?:headache|pain)|only the (?:headache|pain)|just (?:a |the )?headache|nothing in particular|no triggers?|nothing specific"
    r"|no pattern|random|randomly|out of the blue|no idea what triggers it|i dont take (?:any|anything)|none of the above|all good|no i dont|no i havent|no i have not"
    r"|no i dont think so|none that i know of|no nothing)(?: (?:really|at all|thanks|thank you|i think))?$"
)
# "i do" / "i have" open a yes only when no denial follows ("i do not", "i have none of those").
_YES_ANSWER = re.compile(
    r"^(?:yes|yeah|yep|yup|y|ya|yah|sure|correct|affirmative|i do\b(?! not\b| nt\b)|i have\b(?! (?:not|none|no|never|nothing)\b)"
    r"|some of them|one of them|a few|some|afraid so|yes i do|yes i have|yes some)\b"
)

# A denial of everything the question listed, in any wording made only of the words below: a
# denial word, a word that points back at the list ("any of them", "those", "the above") or a
# strong denial ("none", "nothing", "never"), and otherwise only words that carry no content
# ("i don't have any of them", "haven't had any of those symptoms", "none of that applies to me").
# Anything else ("not sure", "no idea", "one of them", "not all of them", "i don't feel well")
# is not a denial: an unclear answer stays unclear (uncertainty never lowers a level, 4.3).
_DENIAL_WORDS = frozenset(
    {"no", "nope", "nah", "naw", "none", "nothing", "nothin", "nada", "neither", "nor", "never", "not",
     "dont", "doesnt", "didnt", "havent", "hasnt", "hadnt", "aint", "isnt", "arent", "wasnt", "werent",
     "nil", "zero", "negative"}
)
_STRONG_DENIAL_WORDS = frozenset(
    {"no", "nope", "nah", "naw", "none", "nothing", "nothin", "nada", "neither", "nor", "never", "nil", "zero", "negative"}
)
_LIST_WORDS = frozenset(
    {"any", "anything", "them", "those", "these", "that", "thats", "this", "above", "list", "listed",
     "things", "thing", "symptoms", "symptom", "signs", "sign", "ones", "stuff", "such", "either",
     "whatsoever", "mentioned", "described"}
)
_PLAIN_ANSWER_WORDS = frozenset(
    {"i", "im", "ive", "me", "my", "we", "have", "had", "has", "got", "get", "gotten", "getting",
     "experienced", "experience", "experiencing", "noticed", "notice", "suffered", "suffer", "seen",
     "am", "is", "are", "was", "were", "be", "been", "do", "did", "does", "to", "at", "for", "a", "an",
     "of", "the", "like", "sort", "kind", "type", "apply", "applies", "applied", "applicable", "on",
     "from", "about", "asked", "really", "honestly", "actually", "thankfully", "luckily", "fortunately",
     "happily", "um", "uh", "erm", "er", "hmm", "so", "ok", "okay", "fine", "thanks", "thank", "you",
     "sorry", "currently", "recently", "ever", "lately", "definitely", "certainly", "absolutely",
     "course", "think", "believe", "guess", "suppose", "reckon", "sir", "maam", "doc", "doctor", "hey",
     "oh", "ah", "too", "or", "and", "totally", "completely", "with", "theres", "there", "it", "any"}
)
# "not all of them" / "haven't had every one" is a partial yes, never a denial of all.
_PARTIAL = re.compile(r"\b(?:not|dont|doesnt|didnt|havent|hasnt|hadnt|never|isnt|arent)\b(?: \w+){0,3}? (?:all|every|everything|both|each)\b")
_ALL_DENIED = re.compile(
    r"\b(?:(?:no|none|nope|nah|nothing|negative) (?:to|for|on) (?:all|every|everything|both|each|any)"
    r"(?: (?:one|of them|of those|of these|of that|of the above|the questions?|questions?|things|the things))?"
    r"|at all|all (?:no|negative|clear)|not (?:a single|even one|one)(?: one)?)\b"
)
_BARE_DENIAL = re.compile(
    r"^(?:(?:i|we) (?:do not|dont|have not|havent|did not|didnt|had not|hadnt|never have|never did)(?: had| got| have)?"
    r"|(?:absolutely|definitely|certainly|of course|surely|thankfully|luckily|fortunately|honestly|really|happily) not)$"
)


def _denies_all(clean: str) -> bool:
    """ "i don't have any of them": a denial of every listed item (see ``_DENIAL_WORDS``)."""
    if not clean:
        return False
    if _BARE_DENIAL.match(clean):
        return True
    text = _ALL_DENIED.sub(" none ", clean)
    if _PARTIAL.search(text):
        return False
    words = text.split()
    if not any(w in _DENIAL_WORDS for w in words):
        return False
    if not any(w in _STRONG_DENIAL_WORDS or w in _LIST_WORDS for w in words):
        return False  # "i don't get it" is not an answer
    return all(w in _DENIAL_WORDS or w in _LIST_WORDS or w in _PLAIN_ANSWER_WORDS for w in words)


# Laughter and fillers before an answer ("lol no", "haha yes", "erm not sure") carry no answer.
_LEADING_FILLERS = frozenset({"lol", "lmao", "haha", "hahaha", "ha", "hah", "hehe", "omg", "um", "umm", "erm", "er", "uh",
                              "hmm", "hm", "well", "oh", "ah", "tbh", "honestly", "ok", "okay", "so",
                              # exclamations before the answer: "Goodness, no." "Gosh yes"
                              "goodness", "gosh", "golly", "heavens", "blimey", "crikey", "wow", "lord", "jeez", "geez"})


def _clean(text: str) -> str:
    words = [w for w, _, _ in tokenize(text) if w not in {",", ".", "!", "?", ";", ":", "-", "\n"}]
    while len(words) > 1 and words[0] in _LEADING_FILLERS:
        words = words[1:]
    return " ".join(words)


def _hedge_kind(text: str) -> Optional[str]:
    """ "no"/"unknown"/"yes" when the whole answer is a hedge ("not that i know of", "dunno")."""
    from .negation import _lexicon_cues  # cached lexicon cue lists

    clean = _clean(text)
    cues = _lexicon_cues()
    for kind, key in (("no", "hedge_no"), ("unknown", "hedge_unknown"), ("yes", "hedge_yes")):
        phrases = sorted((" ".join(phrase_words(p)) for p in cues[key]), key=len, reverse=True)
        for phrase in phrases:
            if phrase and (clean == phrase or clean.startswith(phrase + " ") and len(clean.split()) <= len(phrase.split()) + 3):
                return kind
    return None


# (the "no" of the languages people mix into their English: non, nein, nie, nee, nej, ne)
_NONE_FIRST_WORDS = frozenset({"no", "nope", "nah", "none", "nothing", "nada", "neither", "never", "nothin",
                               "non", "nein", "nie", "nee", "nej", "ne"})


def _is_none_answer(text: str) -> bool:
    """A denial as the whole answer ("nope, just the headache"); callers check for items first."""
    kind = _hedge_kind(text)
    if kind in {"unknown", "yes"}:  # "no idea" is not a no (uncertainty never lowers a level)
        return False
    clean = _clean(text)
    first = clean.split()[0] if clean else ""
    return bool(_NONE_ANSWER.match(clean)) or kind == "no" or first in _NONE_FIRST_WORDS or _denies_all(clean)


def is_yes(text: str) -> bool:
    """The whole message is a yes ("yes", "yeah sure", "yes please start over")."""
    return _whole_answer_kind(text) == "yes"


def _whole_answer_kind(text: str) -> Optional[str]:
    """ "unknown", "no" or "yes" when the whole answer is one of those, else None."""
    kind = _hedge_kind(text)
    if kind == "unknown":
        return kind
    if _is_none_answer(text):
        return "no"
    return "yes" if kind == "yes" or _YES_ANSWER.match(_clean(text)) else None


def _list_answer(ids: Iterable[str], text: str, allow_none: bool) -> Tuple[Any, bool]:
    found = sorted(set(ids))
    if found:
        return found, True
    if allow_none and _is_none_answer(text):
        return [NONE], True
    if _hedge_kind(text) in {"unknown", "yes"}:
        return [UNKNOWN], True
    return [UNKNOWN], False


def _answer_locations(findings: Findings, parsed: _Text, text: str) -> Tuple[Any, bool]:
    ids = set(findings.locations)
    body = {m.cid for m in parsed.matches if m.entity in {"body_part", "origin"}}
    words = set(parsed.words)
    if not ids:
        if "neck" in body:
            ids.add("neck_to_head")
        if "eye" in body or "eyes" in body:
            ids.add("behind_eye")
        if words & {"left", "right"} and not words & {"both"}:
            ids.add("one_side")
        if "both" in words:
            ids.add("both_sides")
    return _list_answer(ids, text, allow_none=False)


def _answer_severity(text: str) -> Tuple[Any, bool]:
    value = numbers.parse_severity(text, bare=True, words=True)
    return (value, True) if value is not None else _unknown_scalar(text)


def _unknown_scalar(text: str) -> Tuple[Any, bool]:
    return UNKNOWN, _hedge_kind(text) in {"unknown", "yes"}


def _answer_duration(text: str, findings: Findings) -> Tuple[Any, bool]:
    value = numbers.parse_duration(text)
    if value is None:
        bare = numbers.first_number(text, lambda v: 0 < v <= 72)
        value = bare * 60 if bare is not None and not re.search(r"[a-z]{3,}", numbers.normalize(text).replace("about", "").replace("around", "")) else None
    if value is None:
        return _unknown_scalar(text)
    if value == numbers.CONTINUOUS:
        findings.continuous = True
        findings.duration_minutes = None
    else:
        findings.duration_minutes = float(value)
        findings.continuous = False if findings.continuous is None else findings.continuous
    return value, True


# In answer to "on how many days a month?", "10 days" or "around 10 days this month" is the count.
_DAYS_ANSWER = re.compile(rf"(?<![\d.])({numbers.NUM})(?:\s*(?:-|to)\s*({numbers.NUM}))?\s*(?:days?|times?)\b(?!\s*(?:a|per|each|every|in a) (?:week|wk))")


def _answer_frequency(text: str, findings: Findings) -> Tuple[Any, bool]:
    value = numbers.parse_frequency(text)
    if value is None:
        days = _DAYS_ANSWER.search(numbers.normalize(text))
        if days and float(days.group(1)) <= 31:
            value = (float(days.group(1)) + float(days.group(2) or days.group(1))) / 2
    if value is None:
        bare = numbers.first_number(text, lambda v: 0 <= v <= 31)
        only_number = bare is not None and not re.search(r"[a-z]{4,}", numbers.normalize(text).replace("about", "").replace("around", ""))
        value = bare if only_number else None
    if value is None:
        return _unknown_scalar(text)
    findings.days_per_month = float(value)
    per_day = numbers.parse_attacks_per_day(text)
    if per_day:
        findings.attacks_per_day = per_day
    return float(value), True


def _answer_onset(findings: Findings, text: str) -> Tuple[Any, bool]:
    if findings.onset:
        return findings.onset, True
    minutes = numbers.parse_duration(text)
    if isinstance(minutes, float):
        onset = "sudden_peak_lt_1m" if minutes < 1 else "peak_1_5m" if minutes <= 5 else "gradual"
        findings.onset = onset
        return onset, True
    return _unknown_scalar(text)


# "Only the zigzags I always get ... nothing else on that list": everything not named is denied
_REST_DENIED = re.compile(
    r"\b(?:nothing else|none of the (?:others?|rest|other ones)|no to the rest|otherwise (?:no|none|nothing)"
    r"|nothing (?:else )?(?:on|from|in) (?:that|the|your|this) list|none of (?:that|this|those|these|them|the above)"
    r"|nothing like that|not the others?|none of the other (?:things|stuff|ones)"
    # "only a tingling in the thumb ... the rest no", "others no"
    r"|(?:the )?(?:rest|others?|other ones|other things)(?: of (?:them|those|it|the list))?(?: (?:is|are))? (?:no|none|not|nope|negative|fine|ok|okay|clear)"
    # "I asked him, he says no to all of those. He did ...": the list denied inside a longer answer
    r"|(?:no|none|nope|nah|nothing|negative) (?:to|for|on) (?:all|every|each|any)(?: (?:one|of them|of those|of these|of that|of the above|of it|the list))?)\b"
)


def _answer_red_flags(findings: Findings, text: str) -> Tuple[Any, bool]:
    present = (findings.symptoms & RED_FLAG_SYMPTOMS) | (findings.history & RED_FLAG_HISTORY)
    uncertain = findings.uncertain & (RED_FLAG_SYMPTOMS | RED_FLAG_HISTORY)
    if findings.onset == "sudden_peak_lt_1m" and "worst_ever" not in findings.absent_symptoms:
        uncertain.add("worst_ever")
        findings.uncertain.add("worst_ever")
    if present or uncertain:
        return sorted(present | uncertain), True
    if _is_none_answer(text) or _REST_DENIED.search(_clean(text)):
        findings.red_flag_screen_negative = True
        return [NONE], True
    kind = _hedge_kind(text)
    clean = _clean(text)
    if kind in {"unknown", "yes"} or _YES_ANSWER.match(clean):
        findings.uncertain |= SCREEN_ITEMS
        return [UNKNOWN], True
    if findings.absent_symptoms or findings.absent_history:
        findings.red_flag_screen_negative = True
        return [NONE], True
    return [UNKNOWN], False


def _answer_medication(findings: Findings, parsed: _Text, text: str) -> Tuple[Any, bool]:
    days = [d for d in (findings.simple_analgesic_days, findings.specialist_med_days) if d is not None]
    if days:
        return min(30.0, sum(days)), True
    value = numbers.parse_frequency(text)
    if value is None:
        value = numbers.first_number(text, lambda v: 0 <= v <= 31)
    if value is not None:
        return float(value), True
    if _is_none_answer(text) or re.search(r"\b(?:dont|do not|never|rarely) (?:take|use|bother)\b|\bno (?:painkillers|tablets|pills|medication|meds)\b", parsed.flat):
        return 0.0, True
    return _unknown_scalar(text)


# An answer that opens with a number gives the age first ("52. Feels more like 72 at 4am").
_LEADING_AGE = re.compile(r"^\s*(?:i'?m |i am |im |aged? )?(\d{1,3})(?![\d]|\.\d|\s*(?:%|/|kg|lbs?|cm|days?|weeks?|months?|times?|x)\b)")


def _answer_age(text: str, findings: Findings) -> Tuple[Any, bool]:
    leading = _LEADING_AGE.match(text.lower())
    age = numbers.parse_age(leading.group(1), bare=True) if leading else None
    if age is None:
        age = numbers.parse_age(text.strip().rstrip(".!?,;"), bare=True)
    if age is None:
        return _unknown_scalar(text)
    findings.age = age
    return age, True


def parse_answer(slot: str, text: str) -> SlotAnswer:
    """Parse the answer to one consultation question into the slot's value format."""
    findings, parsed = _analyse(text or "", answer_slot=slot)
    value, understood = _slot_value(slot, findings, parsed, text or "")
    if value == UNKNOWN or value == [UNKNOWN]:
        if understood:
            findings.unknown_answers.add(slot)
    return SlotAnswer(value, findings, understood)


# Answers whose time words are about something else than how long the headaches have existed.
NOT_ABOUT_THE_PATTERN = frozenset({"red_flags", "flag_check", "other_conditions"})
CURRENT_ATTACK_MONTHS = 0.2  # under about 6 days, a time span describes the current attack

_HEAD_ITSELF = re.compile(r"\b(?:somewhere else|(?:just|only|inside|in) (?:my |the )?head|inside|from (?:my |the )?head|in my brain)\b")


def _slot_value(slot: str, findings: Findings, parsed: _Text, text: str) -> Tuple[Any, bool]:
    if slot == "pain_location":
        return _answer_locations(findings, parsed, text)
    if slot == "pain_quality":
        return _list_answer(findings.qualities, text, allow_none=False)
    if slot == "severity":
        value, ok = _answer_severity(text)
        if isinstance(value, int):
            findings.intensity = value
        return value, ok
    if slot == "duration":
        return _answer_duration(text, findings)
    if slot == "frequency":
        return _answer_frequency(text, findings)
    if slot == "onset":
        return _answer_onset(findings, text)
    if slot == "associated_symptoms":
        return _list_answer(findings.symptoms | findings.uncertain, text, allow_none=True)
    if slot == "triggers":
        return _list_answer(findings.triggers | findings.aggravated_by, text, allow_none=True)
    if slot == "origin":
        if not findings.origins and _HEAD_ITSELF.search(parsed.flat):
            findings.origins.add("head")  # "somewhere else, inside my head": the button "Just my head"
        return _list_answer(findings.origins, text, allow_none=True)
    if slot == "red_flags":
        return _answer_red_flags(findings, text)
    if slot == "medication_use":
        return _answer_medication(findings, parsed, text)
    if slot == "age":
        return _answer_age(text, findings)
    if slot in followups.ANSWERS:
        return followups.answer(slot, findings, parsed.flat, _whole_answer_kind(text))
    raise ValueError(f"unknown consultation slot {slot!r}")


# --- entities from the NLU pipeline ------------------------------------------------------------

_ENTITY_FIELD = {
    "pain_location": "locations",
    "pain_quality": "qualities",
    "trigger": "triggers",
    "origin": "origins",
}


def entities_to_findings(entities: List[Dict[str, Any]]) -> Findings:
    """Map Rasa entities ({"entity", "value", "role"}) to findings; role "negated" is a denial."""
    findings = Findings()
    for entity in entities or []:
        name, value, role = entity.get("entity"), entity.get("value"), entity.get("role")
        if not name or value is None:
            continue
        _entity_into(findings, str(name), value, str(role or ""))
    return findings


def _entity_into(findings: Findings, name: str, value: Any, role: str) -> None:
    if name in {"age", "severity", "intensity"}:
        number = numbers.parse_age(str(value), bare=True) if name == "age" else numbers.parse_severity(str(value), bare=True, words=True)
        if number is not None:
            setattr(findings, "age" if name == "age" else "intensity", number)
        return
    if name not in ENTITY_VOCABULARIES:
        return
    cid = value if value in ENTITY_VOCABULARIES[name] else canonical(name, str(value))
    if cid is None:
        return
    negated, hedged = role == "negated", role in {"uncertain", "hedged"}
    if name == "symptom":
        target = findings.absent_symptoms if negated else findings.uncertain if hedged else findings.symptoms
        target.add(cid)
    elif name == "onset" and not negated:
        _set_onset(findings, cid)
    elif name == "medication" and negated:
        setattr(findings, _MED_FIELD[cid], 0.0)
    elif name in _ENTITY_FIELD and not negated:
        getattr(findings, _ENTITY_FIELD[name]).add(cid)

