"""Phrase matching: lexicon phrases found in a message's words, fillers skipped.

"light really hurts" matches the phrase "light hurts" (a filler between its words); "her arm went
weak" matches "my arm went weak" (``person_neutral``); compound phrases ("light and sound
sensitivity") name two findings at once. Overlapping matches keep the longest compatible ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from ..findings import LOCATIONS, TRIGGERS
from .lexicon import PHRASE_OPTIONAL, load_lexicon

# --- phrase matching ----------------------------------------------------------------------------

# Words a phrase may skip in the text ("my LEFT arm is numb"), and optional words in a phrase.
_TEXT_FILLERS = frozenset(
    {"my", "the", "a", "an", "his", "her", "their", "your", "left", "right", "very", "really",
     "so", "quite", "pretty", "is", "was", "feels", "felt", "gets", "got", "has", "been", "went",
     "just", "bit", "little", "some", "totally", "completely", "extremely", "super", "its",
     "kind", "sort", "of"}
)




_MAX_SKIPS = 2


@dataclass(frozen=True)
class Match:
    """One lexicon phrase found in the text (word indices, end exclusive)."""

    entity: str
    cid: str
    start: int
    end: int


def match_phrase(words: Sequence[str], i: int, phrase: Tuple[str, ...]) -> int:
    """End index if ``phrase`` matches at ``i`` (skipping fillers), else -1."""
    j, k, skips = i, 0, 0
    while k < len(phrase):
        if j < len(words) and words[j] == phrase[k]:
            j, k = j + 1, k + 1
        elif k > 0 and j + 1 < len(words) and words[j] + words[j + 1] == phrase[k]:
            j, k = j + 2, k + 1  # a compound written as two words: "heart beat", "eye lid"
        elif k > 0 and phrase[k] in PHRASE_OPTIONAL:
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
                if phrase[1] not in nearby and phrase[1] not in PHRASE_OPTIONAL:
                    continue  # cheap early reject: the second word is not close by
                if not required[phrase] <= present:
                    continue  # a word the phrase needs is nowhere in the message
            end = match_phrase(words, i, phrase)
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
        phrase: frozenset(w for w in phrase[1:] if w not in PHRASE_OPTIONAL)
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



# what may bother a person with light or sound sensitivity (also read as denied, answers.py)
BRIGHT_THINGS = r"light|lights|brightness|bright lights?|screens?|sunlight|sunshine|daylight|sun|glare|lamps?"
LOUD_THINGS = r"noise|noises|sound|sounds|loud music|music|voices|telly|tv"


COMPOUND_SYMPTOMS: Tuple[Tuple[re.Pattern, str, Tuple[str, ...]], ...] = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), "pain_location" if ids[0] in LOCATIONS else "trigger" if ids[0] in TRIGGERS else "symptom", ids)
    for pattern, ids in (
        # too little or broken sleep, however it is said: "broken sleep at lambing", "a poor night's
        # sleep", "about four hours' kip", "no sleeping right"
        (r"(?:broken|poor|bad|little|rubbish|awful|terrible|short|disturbed|interrupted|no|not enough|lack of) (?:nights? s? ?|nights )?(?:sleep|sleeping|kip|rest)"
         r"|(?:\d|one|two|three|four|five) (?:hours?|hrs?) s? ?(?:sleep|kip)|(?:not|no|never) sleep\w* (?:right|well|properly|much|enough)", ("poor_sleep",)),
        # an evening's drinking by the glass: "eight pints and some tequila", "a pint sets one off"
        (r"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+|few|some|couple of|couple) (?:pints?|shots?|glasses of \w+|bottles of \w+|cans of \w+)|tequila|pints", ("alcohol",)),
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
        # from somewhere on the neck up to a place on the head: "from the back of the neck up to the
        # right eyebrow", "climbs from the right side of my neck over the top of my head"
        (r"(?:from|in|at) (?:the )?(?:(?:top|back|base|bottom|nape|(?:left |right )?side) of )?(?:my |the |his |her )?neck"
         # (the place reached stays its own location: a lookahead)
         r"(?: \w+){0,6}? (?:up|over|into|to|towards|round|across)(?= (?:\w+ ){0,4}?(?:head|skull|eyes?|eyebrows?|brows?|temples?|forehead|ears?|crown|scalp)\b)",
         ("neck_to_head",)),
        # one eye named (singular): "a knife in the eye", "behind my left eye" - the pain is on one side
        (r"(?:in|into|inside|behind|around|through) (?:the|my|his|her) (?:(?:left|right) )?eye(?! ?(?:s|lids?|brows?|balls?)\b)", ("one_side", "behind_eye")),
        # something bright or loud said to bother: "the screens bug me", "loud music gets to me"
        # (no denial between: "the light doesn't bother her" is read by the answer's reader)
        (rf"(?:{BRIGHT_THINGS})"
         r"(?: (?!(?:doesnt|dont|didnt|never|not|isnt|wont|cant|hardly|rarely)\b)\w+){0,2}? (?:bothers?|bugs?|annoys?|gets? to|gets? on|irritates?)"
         r" (?:me|her|him|them|my eyes|her eyes|his eyes|my nerves|her nerves|his nerves)",
         ("light_sensitivity",)),
        # sight held back by brightness is the light hurting, not sight lost: "he cannot see because
        # of the light", "can't look at anything for the glare"
        (r"(?:cant|cannot|can not|couldnt|could not|unable to) (?:\w+ ){0,2}?(?:see|look|open (?:my|his|her|their) eyes)"
         rf"(?: \w+){{0,3}}? (?:because of|for|with|from|in|against) (?:the |all the |any )?(?:{BRIGHT_THINGS})\b",
         ("light_sensitivity",)),
        (rf"(?:{LOUD_THINGS})"
         r"(?: (?!(?:doesnt|dont|didnt|never|not|isnt|wont|cant|hardly|rarely)\b)\w+){0,2}? (?:bothers?|bugs?|annoys?|gets? to|gets? on|irritates?)"
         r" (?:me|her|him|them|my nerves|her nerves|his nerves)",
         ("sound_sensitivity",)),
        (r"(?:light|lights|bright light) (?:and|or|&) (?:sound|sounds|noise|noises) (?:sensitivity|sensitive|bother me|hurt)"
         r"|(?:sensitive|sensitivity) to (?:light|lights) (?:and|or|&) (?:sound|sounds|noise|noises)"
         r"|(?:sound|sounds|noise|noises) (?:and|or|&) (?:light|lights) (?:sensitivity|sensitive|bother me|hurt)"
         r"|(?:sensitive|sensitivity) to (?:sound|sounds|noise|noises) (?:and|or|&) (?:light|lights)|photophobia and phonophobia",
         ("light_sensitivity", "sound_sensitivity")),
        (r"(?:nausea|nauseous|sickness) (?:and|or|&|with) (?:vomiting|being sick|throwing up)|(?:feel|feeling|felt) sick (?:and|or) (?:vomit\w*|throw(?:ing)? up|threw up)",
         ("nausea", "vomiting")),
        # sick with the headaches: "she is sick with them", "I get sick with it" (not sick with a cold)
        (r"\bsick with (?:them|me|it|the (?:headaches?|migraines?|pain|attacks?|head ?aches?))\b", ("nausea",)),
        (r"(?:numbness|numb) (?:and|or|&) (?:weakness|weak)|(?:weakness|weak) (?:and|or|&) (?:numbness|numb)",
         ("numbness", "weakness")),
        (r"(?:fever|temperature) (?:and|with|plus|&) (?:a )?stiff neck", ("fever", "stiff_neck")),
    )
)


