"""Generalising red-flag rules for free text (clinical reference 4.2), used by ``textscan``.

The lexicon lists exact phrases ("arm feels weak"); people write "since this morning my left arm
has gone weak". These rules match *shapes* instead of phrases:

- proximity: a body part within a few words of a deficit word, either order ("my left arm has
  gone weak", "can't lift my right arm", "numbness all down my left side", "half my face has
  dropped"), in one clause;
- co-occurrence: speech, vision, balance, consciousness, seizure, neck-stiffness, rash, eye,
  jaw/scalp, swelling, carbon-monoxide and thunderclap wording, each a few small regexes;
- suppressions: everyday idioms that look like red flags ("confused about the dose", "can't
  see the point", "fit of giggles", "numb bum", a rash "that fades when I press it") drop or deny
  the lexicon match, and a stated benign cause ("heavy arms after carrying the shopping") drops
  limb deficits in that clause.

Negation and hedges stay with ``negation.scope_indices`` (a "no"/"maybe" before or after the
span); a negator *inside* a proximity span ("my arm is not weak") denies it here, because cue
words inside a matched span are ignored by the scope rules.

The rules run on ``_Text.flat`` (lowercase words with apostrophes dropped and one-typo red-flag
words corrected, joined by single spaces, punctuation as separate tokens). Every rule group is
gated by a cheap word-set check and all patterns are compiled once, so a 500-character message
costs well under a millisecond here. Word classes (body parts, deficit words, household members)
live in ``data/kb/lexicon.yml`` under ``red_flag_patterns``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import yaml

from .negation import LEXICON_PATH

# A word inside a clause: anything but whitespace and clause punctuation, not a clause break word.
_W = r"(?!(?:but|however|although|though|whereas)\b)[^\s,.;:!?()]+"
# Words that deny a proximity span from inside ("my arm is not weak", "face isnt drooping").
NEGATORS: FrozenSet[str] = frozenset(
    {"no", "not", "isnt", "arent", "wasnt", "werent", "doesnt", "dont", "didnt", "never", "nothing",
     "without", "nor", "neither", "hasnt", "havent", "fine", "normal", "ok", "okay", "nobody", "noone"}
)
CLAUSE_BREAKS = frozenset({",", ";", ".", "!", "?", ":", "\n", "-", "(", ")", "but", "however", "although", "though", "whereas"})
SENTENCE_BREAKS = frozenset({".", "!", "?", ";", "\n"})


def _gap(n: int) -> str:
    """Up to ``n`` words of the same clause between two parts of a rule (lazy)."""
    return rf"(?: {_W}){{0,{n}}}?"


def _alt(phrases: Iterable[str]) -> str:
    """A regex alternation of literal phrases, longest first."""
    items = sorted({p.strip().lower() for p in phrases if p and p.strip()}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in items)


@dataclass(frozen=True)
class Hit:
    """One rule match: a finding id over characters [start, end) of the flat text."""

    entity: str  # "symptom" or "onset"
    cid: str
    start: int
    end: int
    denied: bool = False


@dataclass(frozen=True)
class Suppression:
    """Lexicon matches of ``cids`` to drop (idiom) or deny (stated absent) in [start, end)."""

    cids: FrozenSet[str]
    start: int
    end: int
    deny: bool


@dataclass(frozen=True)
class _Rule:
    entity: str
    cid: str
    pattern: re.Pattern
    gate: FrozenSet[str]  # the message must contain one of these words (empty: always run)
    gap_group: Optional[str] = None  # named group whose words are checked for negators
    benign_limb: bool = False  # skip when the clause states a benign cause (gym, sitting on it)


@dataclass(frozen=True)
class _Suppress:
    cids: FrozenSet[str]
    pattern: re.Pattern
    gate: FrozenSet[str]
    scope: str  # "span", "clause" or "sentence"
    deny: bool
    unless: Optional[re.Pattern] = None  # not when this is in the scope too


# --- benign causes and idioms -------------------------------------------------------------------

_BENIGN_CAUSE = re.compile(
    r"\b(?:after|from|since|because of|cause of|due to|post|doing|with all the)(?: \w+){0,3}? "
    r"(?:gym|workout|work out|working out|exercis\w*|training|weights|lifting|leg day|arm day|run|running|"
    r"jog\w*|marathon|hike|hiking|walk|climb\w*|bouldering|cycl\w*|bike ride|swim\w*|carrying|lugging|"
    r"shopping|football|rugby|tennis|sport|match|yoga|pilates|sitting|sat|kneeling|lying|laying|sleeping|"
    r"slept|crossing|leaning|typing|gardening|digging|painting|decorating|moving house)\b"
    r"|\b(?:lift\w* weights|gym|workout|work out|training|exercis\w*|running|run|hike|hiking|climbing|carrying|lifting)\b(?: \w+){0,8}? (?:afterwards|after that|after it|the day after|next day)\b"
    r"|\bcross ?legged\b|\b(?:slept|sleeping|lying|lay|laid|sat|sitting|leaning) (?:funny |awkwardly )?on (?:it|them|my)\b"
)
_FACE_OR_SPEECH = re.compile(r"\b(?:face|mouth|lip|lips|smile|cheek|tongue|speech|words|talk\w*|slurr\w*)\b")


@lru_cache(maxsize=1)
def _classes() -> Dict[str, Tuple[str, ...]]:
    with open(LEXICON_PATH, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    classes = data.get("red_flag_patterns") or {}
    return {k: tuple(str(v) for v in values) for k, values in classes.items()}


def _words_of(phrases: Iterable[str]) -> FrozenSet[str]:
    return frozenset(w for p in phrases for w in p.split())


# --- rule tables ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _rules() -> Tuple[_Rule, ...]:
    c = _classes()
    arm, leg, face, side = _alt(c["arm"]), _alt(c["leg"]), _alt(c["face"]), _alt(c["body_side"])
    limb = f"{arm}|{leg}"
    tingle, tingle_before = _alt(c["tingle"]), _alt(c["tingle_before"])
    weak, weak_before = _alt(c["weak"]), _alt(c["weak_before"])
    droop, numb, numb_before = _alt(c["droop"]), _alt(c["numb"]), _alt(c["numb_before"])
    household = _alt(c["household"])
    limb_gate = _words_of(c["arm"]) | _words_of(c["leg"])
    face_gate = _words_of(c["face"])
    side_gate = frozenset({"side", "body", "half"})
    # "left side" needs a side word before it; "my body" alone only with a deficit after it
    body = rf"(?:{limb}|{side})"
    rules: List[_Rule] = []

    def add(entity: str, cid: str, pattern: str, gate: Iterable[str] = (), gap: Optional[str] = None,
            benign_limb: bool = False) -> None:
        rules.append(_Rule(entity, cid, re.compile(pattern), frozenset(gate), gap, benign_limb))

    # weakness / numbness of a limb or one side: body part then deficit, or deficit then body part
    add("symptom", "weakness", rf"\b(?:{body})\b(?P<gap>{_gap(5)}) (?:{weak})\b", limb_gate | side_gate, "gap", True)
    add("symptom", "weakness", rf"\b(?:{weak_before})\b(?P<gap>{_gap(5)}) (?:{body})\b", limb_gate | side_gate, "gap", True)
    add("symptom", "numbness", rf"\b(?:{body})\b(?P<gap>{_gap(5)}) (?:{numb})\b", limb_gate | side_gate, "gap", True)
    add("symptom", "numbness", rf"\b(?:{numb_before})\b(?P<gap>{_gap(5)}) (?:{body})\b", limb_gate | side_gate, "gap", True)
    # pins and needles: arm -> arm_tingling (the neck/radicular rule decides), leg or one side -> numbness
    add("symptom", "arm_tingling", rf"\b(?:{arm})\b(?P<gap>{_gap(4)}) (?:{tingle})\b", limb_gate, "gap", True)
    add("symptom", "arm_tingling", rf"\b(?:{tingle_before})\b(?P<gap>{_gap(6)}) (?:{arm})\b", limb_gate, "gap", True)
    add("symptom", "numbness", rf"\b(?:{leg}|{side})\b(?P<gap>{_gap(4)}) (?:{tingle})\b", limb_gate | side_gate, "gap", True)
    add("symptom", "numbness", rf"\b(?:{tingle_before})\b(?P<gap>{_gap(5)}) (?:{leg}|{side})\b", limb_gate | side_gate, "gap", True)
    add("symptom", "weakness", r"\b(?:keep|keeps|kept|keep on|started|start|been) dropping (?:things|stuff|everything|my|the|cups?|objects)\b",
        {"dropping"})
    add("symptom", "weakness", r"\bdragg?ing (?:my |his |her |one |the )?(?:left |right )?(?:leg|foot)\b", {"dragging", "draging"})
    # face: droop/weakness/numbness; "one side of my face wont move"
    add("symptom", "weakness", rf"\b(?:{face})\b(?P<gap>{_gap(5)}) (?:{droop}|{weak})\b", face_gate, "gap")
    add("symptom", "weakness", rf"\b(?:{droop}|{weak_before})\b(?P<gap>{_gap(3)}) (?:{face})\b", face_gate, "gap")
    add("symptom", "numbness", rf"\b(?:{face})\b(?P<gap>{_gap(5)}) (?:numb|numbness|numm|dead|no feeling|lost feeling|lost sensation)\b", face_gate, "gap")
    add("symptom", "numbness", rf"\b(?:{numb_before})\b(?P<gap>{_gap(3)}) (?:{face})\b", face_gate, "gap")

    # speech
    speech_gate = {"speech", "speach", "speaking", "speak", "talk", "talking", "talked", "words", "word", "voice",
                   "slurred", "slurring", "slurry", "slured", "slur", "nonsense", "gibberish", "drunk", "sentences", "sentence"}
    add("symptom", "speech_difficulty",
        r"\b(?:speech|speach|speaking|talking|words?|sentences?)\b(?P<gap>" + _gap(4) + r") (?:slurr\w*|slured|slurd|garbled|jumbled|muddled|mumbled|"
        r"thick|slow|wrong|funny|weird|strange|odd|off|nonsense|gibberish|drunk|mixed up|all over the place|not right|not making sense)\b",
        speech_gate, "gap")
    add("symptom", "speech_difficulty",
        r"\b(?:slurr\w*|slured|slurd|garbled|jumbled|muddled|wrong|mixed up|nonsense|gibberish) (?:\w+ ){0,2}?(?:speech|speach|words?|sentences?|coming out|came out|come out)\b",
        speech_gate)
    add("symptom", "speech_difficulty",
        r"\b(?:cant|cannot|couldnt|unable to|struggling to|struggled to|hard to|trouble|difficulty|problems?|could not) "
        r"(?:get (?:my |the |any )?(?:words?|sentences?) out|speak\w*|talk\w*|say (?:what i mean\w*|the words?|anything|a word)|"
        r"find (?:my |the )?words|form (?:my |the )?words|get (?:a |my )?sentence out|string a sentence)\b",
        speech_gate)
    add("symptom", "speech_difficulty", r"\b(?:wont|cant|couldnt|doesnt|didnt|would not|will not) form (?:the |my |any )?words\b", speech_gate)
    add("symptom", "speech_difficulty",
        r"\b(?:sound(?:s|ed|ing)?|talk(?:s|ed|ing)?|speak(?:s|ing)?|spoke) (?:\w+ ){0,2}?(?:drunk|slurred|slurry|nonsense|gibberish)\b", speech_gate)
    add("symptom", "speech_difficulty", r"\b(?:slurr\w*|slured|slurd|slurry)\b", speech_gate)

    # vision
    vision_gate = {"vision", "sight", "eyesight", "eye", "eyes", "see", "seeing", "saw", "blind", "double", "curtain", "shadow",
                   "everything", "things", "visoin", "vison", "veil"}
    add("symptom", "vision_loss",
        r"\b(?:vision|sight|eyesight|eye)\b(?P<gap>" + _gap(4) + r") (?:black|blacked out|dark|darkened|blank|blanked out|went out|gone|disappeared|blind|cut out|shut off)\b",
        vision_gate, "gap")
    # the sight itself going misty, dim or hazy (a visual disturbance: 4.2 GCA, pre-eclampsia)
    add("symptom", "blurred_vision",
        r"\b(?:vision|sight|eyesight)\b(?P<gap>" + _gap(4) + r") (?:\w+ )?(?:blurr\w*|misty|hazy|cloudy|foggy|dim|dimmed|dimmer|fuzzy|smudged|smeared|washed out|went funny|goes funny)\b",
        vision_gate, "gap")
    add("symptom", "vision_loss",
        r"\b(?:curtain|shadow|veil|shade|blind|black|dark|blank|grey|gray) (?:\w+ ){0,1}?(?:came|come|comes|coming|fell|falling|went|drawn|pulled|over|across|down|patch|spot|area)\b"
        r"(?: \w+){0,5}? (?:vision|sight|eye|eyes)\b", vision_gate)
    add("symptom", "vision_loss", r"\b(?:lost|losing|lose|loss of|lost all) (?:the |my |all |some |his |her )?(?:sight|vision|eyesight)\b", vision_gate)
    add("symptom", "vision_loss",
        r"\b(?:cant|cannot|couldnt|unable to|could not|can barely|can hardly) see (?:properly|clearly|anything|out of|on (?:the|my) (?:left|right)|to (?:the|my) (?:left|right)|"
        r"half|the (?:left|right)|with (?:my|one)|much|a thing)\b", vision_gate)
    add("symptom", "vision_loss", r"\b(?:only|just) (?:see|seeing) (?:half|part|one side|the (?:left|right))\b", vision_gate)
    add("symptom", "vision_loss", r"\b(?:went|gone|go|going|goes|was|am|is|briefly|suddenly) (?:completely |totally |partly |partially |briefly )?blind\b|\bblind in (?:one|my|the|his|her)\b", vision_gate)
    add("symptom", "double_vision",
        r"\b(?:everything|things|it|objects|people|the \w+|words|faces)\b (?:\w+ ){0,2}?(?:looks?|looking|looked|is|are|was|were|appears?|seems?|goes|went)(?: \w+)? (?:double|doubled|in two|twice)\b"
        r"|\b(?:see|seeing|saw|seen|sees) (?:2|two|double) of\b|\b(?:see|seeing|saw|sees) (?:everything|things|it|them|objects|people) (?:twice|double|in two)\b|\bdouble (?:vision|visoin|vison|sight)\b|\bseeing (?:things )?double\b", vision_gate)

    # eye and nose signs in either word order ("eye streaming, nose running", "the eye goes red")
    eye_gate = {"eye", "eyes", "eyelid", "lid", "nose", "nostril", "nostrils"}
    add("symptom", "tearing_same_side",
        r"\beyes? (?:\w+ )?(?:streaming|streams|watering|waters|tearing|tears up|weeping|weeps|running|runs)\b"
        r"|\beyes? (?:gets? |goes |turns )?(?:red|pink|bloodshot) and (?:tears|waters|streams|runs)\b|\beyes? fills? (?:up )?with tears\b", eye_gate)
    add("symptom", "runny_blocked_nose_same_side",
        r"\b(?:nose|nostrils?) (?:\w+ )?(?:running|runs|streaming|streams|dripping|drips|blocked|blocks|stuffed|stuffy|congested)\b", eye_gate)
    add("symptom", "red_eye_same_side",
        r"\beyes? (?:\w+ ){0,2}?(?:goes|go|turns|turn|gets|get|became|becomes|become|went|turned|is|are|going|getting|turning) (?:all |really |very |bright |a bit |a little )?(?:red|bloodshot|pink)\b|\beyes? reddens\b",
        eye_gate)
    add("symptom", "droopy_eyelid_same_side", r"\b(?:eyelid|lid) (?:\w+ ){0,2}?droop\w*\b", eye_gate)
    # "left eye, like someone drilling into it": one eye named as where it hurts
    add("pain_location", "behind_eye",
        r"\b(?:left|right|one) eye\b(?! (?:\w+ )?(?:streaming|streams|watering|waters|tearing|tears|weeping|running|runs|goes|turns|gets|is|was|went|reddens|droop\w*|lid)\b)",
        {"eye"})

    # neck pain in either order: "sharp deep ache in the neck", "neck is absolutely wrecked"
    add("symptom", "neck_pain",
        r"\b(?:ache|aches|aching|pain|pains|painful|hurts?|hurting|sore|soreness|agony) (?:\w+ ){0,2}?(?:in|of|down|at|round|around) (?:the |my |his |her )?(?:left |right |back of (?:the |my )?)?neck\b"
        r"|\b(?:ache|aches|aching|pain|pains|hurts?|sore) (?:down|in|on|up) the (?:left|right|one) side of (?:the |my |his |her )?neck\b",
        {"neck"})
    add("symptom", "neck_pain",
        r"\bneck(?P<gap>(?: (?:is|feels|was|has been|s|absolutely|really|totally|so|completely|not|isnt|never|very))*) (?:wrecked|killing|aching|sore|agony|painful|in bits|throbbing)\b",
        {"neck"}, "gap")

    # visual aura in lay words: a light-like or moving quality with a shape ("shining lines",
    # "glittery shapes", "funny lights"), or shapes seen in the eyes or the vision
    aura_gate = {"lines", "line", "lights", "spots", "dots", "shapes", "stars", "patterns", "squiggles", "circles",
                 "rings", "specks", "zigzag", "zigzags", "flashes", "sparks", "shimmer", "waves"}
    aura_quality = (r"shin\w*|glitter\w*|sparkl\w*|twinkl\w*|flash\w*|flicker\w*|shimmer\w*"
                    r"|colou?red|rainbow|moving|dancing|crawling|wiggly|squiggly|wavy|wobbly|jagged|zig ?zag\w*|funny|strange|weird|odd")
    aura_shape = r"lines?|lights|spots|dots|shapes|stars|patterns|squiggles|circles|rings|specks|flashes|sparks|waves"
    add("symptom", "aura_visual", rf"\b(?:{aura_quality}) (?:\w+ )?(?:{aura_shape})\b", aura_gate)
    add("symptom", "aura_visual",
        rf"\b(?:{aura_shape}) (?:\w+ ){{0,2}}?(?:in|before|across|over|in front of) (?:my|the|his|her|their|both) (?:eyes?|vision|sight|eyesight)\b",
        aura_gate)

    # balance / coordination
    balance_gate = {"walk", "stand", "balance", "veering", "veer", "veers", "toppling", "topple", "toppled", "staggering", "staggered",
                    "stagger", "lurching", "coordination", "coordinated", "bumping", "falling", "fall", "upright", "keeling", "drunk"}
    add("symptom", "balance_loss",
        r"\b(?:cant|cannot|couldnt|unable to|struggling to|struggle to|hard to|could not) (?:walk|stand|stay upright|keep my balance|balance|keep upright)(?: up)?"
        r" (?:straight|properly|without|in a straight line|steadily|on my own|unaided)\b", balance_gate)
    add("symptom", "balance_loss",
        r"\b(?:veer\w*|toppl\w*|lurch\w*|stagger\w*|keel\w* over|falling to (?:one|the) side|fall(?:ing)? to the (?:left|right))\b", balance_gate)
    add("symptom", "balance_loss",
        r"\b(?:balance|coordination|co ordination)\b(?: \w+){0,2}? (?:gone|off|bad|poor|terrible|shot|all over|awful|wrong|not right)\b"
        r"|\b(?:bumping|walking|banging) into (?:things|walls|doors|furniture|stuff)\b|\bwalking like (?:im|i was|hes|shes) drunk\b", balance_gate)

    # consciousness, memory, behaviour
    add("symptom", "fainting",
        r"\b(?:woke|wake|came|come|coming) (?:up |round |to )?(?:on|in) the (?:\w+ )?(?:floor|ground)\b"
        r"|\bfound (?:him|her|me|them|my \w+) (?:\w+ ){0,2}?(?:on the floor|unconscious|unresponsive|collapsed|passed out)\b",
        {"floor", "ground", "found"})
    add("symptom", "memory_loss",
        r"\b(?:cant|cannot|couldnt|dont|do not|didnt|did not) (?:remember|recall) (?:the fall|falling|the accident|the crash|hitting|being hit|how i (?:fell|got|ended|came)|"
        r"how (?:he|she) (?:fell|got)|what happened|anything (?:about|after|before)|getting there)\b"
        r"|\b(?:keeps?|kept) (?:asking|saying) the same (?:\w+ )?(?:questions?|things?)\b|\brepeating (?:himself|herself|myself|themselves)\b",
        {"remember", "recall", "asking", "saying", "repeating"})
    add("symptom", "confusion",
        r"\b(?:not|isnt|wasnt|arent|werent) making (?:any |much )?sense\b|\bmaking no sense\b|\bspaced out\b|\bout of it\b|\bnot all there\b"
        r"|\b(?:losing|lost|lose|loses) (?:track|the thread) of (?:what|where|who|everything)\b|\bdoesnt know (?:where|what day|who|what year)\b"
        r"|\bdidnt (?:know|recognise|recognize) (?:where|who|me|us|her|him)\b"
        r"|\b(?:forget|forgets|forgetting|forgot|(?:isnt|wasnt|arent|not) sure|unsure|no idea|dont know|cant tell|cant work out) (?:of )?(?:where (?:i|he|she|we) (?:am|is|are|was|were)|what day it is|what year it is|who (?:i|he|she) (?:am|is))\b",
        {"sense", "spaced", "out", "all", "track", "thread", "know", "recognise", "recognize", "forget", "forgets",
         "forgetting", "forgot", "sure", "unsure", "idea", "tell", "work"})
    # a child (or adult) described as floppy or limp is "very unwell" (meningitis, sepsis)
    add("symptom", "very_unwell",
        r"\b(?:is|was|seems?|looks?|gone|went|going|very|really|so|all|feels?|feeling|become|became|and) floppy\b", {"floppy"})
    add("symptom", "drowsiness",
        r"\b(?:barely|hardly|cant|cannot|struggling to|struggle to|can barely|can hardly) (?:stay|keep) (?:awake|my eyes open|his eyes open|her eyes open)\b"
        r"|\b(?:not|isnt|wasnt|barely|hardly|wont|stopped) (?:really )?respond\w*\b|\b(?:wont|wouldnt|cant|couldnt) (?:wake|rouse) (?:him|her|them|up)\b|\bhard to rouse\b",
        {"awake", "open", "respond", "responding", "responded", "responds", "wake", "rouse"})

    # seizure
    seizure_gate = {"shaking", "shook", "jerking", "jerked", "twitching", "twitched", "convulsed", "convulsing", "convulsion",
                    "convulsions", "fitting", "fit", "epileptic", "seizure", "seizures", "stiffened"}
    add("symptom", "seizure",
        r"\b(?:shaking|shook|jerking|jerked|twitching|twitched|juddering|stiffened)(?: \w+){0,2}? (?:all over|uncontrollably|violently|and jerking|and shaking|and twitching|on the floor)\b"
        r"|\b(?:whole|entire) body (?:\w+ ){0,2}?(?:shaking|shook|jerking|jerked|twitching|twitched|convulsing|stiffened|stiff and)\b"
        r"|\bconvuls\w*\b|\bepileptic (?:fit|attack|seizure|episode|type)\b|\b(?:was|were|is|been|started|start) fitting\b|\bhad a (?:\w+ )?fit\b(?! of)",
        seizure_gate)

    # chest pain in the user's words ("my chest feels tight and painful", "pain across the chest")
    chest_gate = {"chest"}
    add("symptom", "chest_pain",
        r"\bchest\b(?P<gap>" + _gap(3) + r") (?:hurts?|hurting|painful|sore|aching|aches|tight|tightening|crushing|burning|heavy|pounding)\b"
        r"|\b(?:pain|pains|pressure|tightness|tight feeling|ache|aching|crushing|heaviness)(?: \w+){0,3}? (?:in|across|on|around) (?:my |his |her |the )?chest\b",
        chest_gate, "gap")

    # neck stiffness / reduced movement (fever with meningism)
    neck_gate = {"neck", "chin", "head", "nek"}
    add("symptom", "stiff_neck",
        r"\bneck\b(?P<gap>" + _gap(3) + r") (?:rigid|stiff|stiffened|wont bend|doesnt bend|cant bend|wont go forward|locked)\b", neck_gate, "gap")
    add("symptom", "stiff_neck",
        r"\b(?:hurts?|painful|agony|pain|cant|cannot|couldnt|unable to|struggle to|struggling to) (?:\w+ ){0,2}?(?:bend|bending|tilt|tilting|nod|nodding|tuck|tucking|put|putting|bring|bringing|get|getting|touch|touching)"
        r" (?:my |his |her )?(?:head|chin|neck) (?:forward|forwards|down|to (?:my |his |her )?chest|onto (?:my |his |her )?chest)\b", neck_gate)
    add("symptom", "reduced_neck_movement",
        r"\b(?:cant|cannot|couldnt|unable to|hard to|struggle to|struggling to|hurts? to|painful to) (?:move|turn|bend|twist|tilt|nod|look (?:down|up))(?: my| his| her)?(?: neck| head)?\b"
        r"(?:(?: \w+){0,3}? (?:neck|head)\b)?"
        r"|\bneck (?:\w+ ){0,2}?(?:hurts?|painful|agony|sore) (?:\w+ ){0,2}?(?:when|if) (?:i )?(?:bend|move|turn|tilt|look down|nod)\w*\b"
        r"|\b(?:cant|cannot|couldnt) look down\b",
        neck_gate | {"look"})
    add("symptom", "fever",
        r"\b(?:high|raised|a) temp\b|\btemp (?:of )?(?:3[89]|4[01]|10[0-5])\b|\b(?:3[89](?:\.\d)?|4[01](?:\.\d)?|10[0-4](?:\.\d)?) ?(?:c|f|degrees|deg)\b",
        {"temp", "c", "f", "degrees", "deg"})

    # rash that does not fade / petechiae
    rash_gate = {"rash", "spots", "spot", "dots", "dot", "marks", "blotches", "bruises", "glass", "purple", "purplish", "pinprick", "prick", "pinpoint"}
    add("symptom", "rash_non_blanching",
        r"\b(?:rash|spots?|dots?|marks?|blotch\w*|bruis\w*|pin ?pricks?)\b(?: \w+){0,5}? (?:dont|doesnt|didnt|wont|wouldnt|not|never|do not|does not|did not)(?: \w+){0,1}? "
        r"(?:fade|go away|disappear|blanch|go white|go pale|change|vanish)\w*\b", rash_gate)
    add("symptom", "rash_non_blanching",
        r"\b(?:purple|purplish|dark red|pin ?prick|pinpoint|bruise like|tiny red|tiny purple|little purple|small purple)(?: \w+){0,2}? (?:spots?|dots?|rash|marks?|blotch\w*|bruises|freckles)\b"
        # doing the glass test is the check, not its result: the spots must still show under the glass
        r"|\b(?:still )?(?:visible|see (?:it|them)|shows?|showing|there|stays?|stayed) (?:under|through) (?:the |a )?glass\b", rash_gate)

    # eye: painful red eye (acute glaucoma); haloes
    eye_gate = {"eye", "eyes"}
    add("symptom", "painful_red_eye",
        r"\b(?:red|bloodshot|reddened)(?: and)? (?:painful|sore|aching|agonising|agonizing|hurting|throbbing) eyes?\b"
        r"|\b(?:painful|sore|aching|agonising|agonizing|throbbing)(?: and)? (?:red|bloodshot) eyes?\b"
        r"|\beyes?\b (?:\w+ ){0,3}?(?:red|bloodshot) (?:and|with) (?:\w+ ){0,2}?(?:painful|sore|agony|hurting|aching|throbbing|killing me|hurts)\b"
        r"|\beyes?\b (?:\w+ ){0,3}?(?:agony|painful|sore|killing me|hurting|hurts|aching) (?:and|with) (?:\w+ ){0,2}?(?:red|bloodshot)\b",
        eye_gate)
    add("symptom", "haloes", r"\b(?:halo\w*|rainbows?|rings|circles) (?:\w+ ){0,1}?(?:around|round|on) (?:the )?(?:lights?|lamps?|bulbs?)\b", {"lights", "light", "lamps", "bulbs"})

    # giant cell arteritis: jaw pain on chewing, scalp tenderness
    add("symptom", "jaw_pain_chewing",
        r"\bjaw\b (?:\w+ ){0,3}?(?:aches?|aching|hurts?|hurting|pain\w*|sore|tired|tires|cramps?|cramping|stiff|gets tired) (?:\w+ ){0,3}?(?:chew\w*|eat\w*|meals?|food)\b"
        r"|\b(?:chew\w*|eating)\b (?:\w+ ){0,3}?(?:makes?|gives?|hurts?|causes?|brings? on) (?:\w+ ){0,2}?jaw\b"
        r"|\b(?:pain|ache|aching|cramp|tiredness) (?:in|of) (?:my |the )?jaw (?:\w+ ){0,3}?(?:chew\w*|eat\w*)\b",
        {"jaw", "chew", "chewing", "chewed", "chews"})
    add("symptom", "scalp_tenderness",
        r"\b(?:hurts?|painful|sore|tender|agony)\b (?:\w+ ){0,3}?(?:brush\w*|comb\w*|touch\w*|wash\w*|lie on|lying on|put on|wearing)"
        r" (?:my |the |his |her )?(?:hair|scalp|head|temples?|glasses|hat)\b"
        r"|\b(?:temples?|scalp)\b (?P<gap>(?:\w+ ){0,4}?)(?:tender|sore to touch|too sore to touch|bruised)\b",
        {"hair", "scalp", "temple", "temples", "glasses", "hat", "tender"}, "gap")

    # swelling of face/hands (pre-eclampsia)
    add("symptom", "face_hand_swelling",
        r"\b(?:face|hands|hand|fingers|feet|ankles|legs)\b(?P<gap>" + _gap(4) + r") (?:swollen|swelling|swelled|swole|puffy|puffed|puffing|bloated)\b"
        r"|\b(?:swollen|swelling|puffy|puffiness|bloated) (?:in |of |up )?(?:my |the )?(?:face|hands|fingers|feet|ankles)\b",
        {"face", "hands", "hand", "fingers", "feet", "ankles", "legs"}, "gap")
    add("symptom", "vision_greying",
        r"\b(?:optic (?:nerves?|discs?)|back of (?:my|the|his|her) eyes?|nerves? (?:at|in) the back of (?:my|the) eyes?)\b(?: \w+){0,3}? (?:swollen|swelling|swelled|bulging|raised|puffy)\b"
        r"|\b(?:swollen|swelling of the|swelling in the) optic (?:nerves?|discs?)\b",
        {"optic", "back"})
    add("symptom", "clear_fluid_nose_ear",
        r"\b(?:clear|watery|salty) (?:fluid|liquid|water|stuff|discharge)\b(?: \w+){0,4}? (?:nose|ear|ears|nostril)\b"
        r"|\b(?:nose|ear|nostril) (?:is |keeps )?(?:dripping|leaking|running|draining) (?:clear|watery)\b",
        {"clear", "watery", "salty"})

    # carbon monoxide: others in the household affected too; better away from home
    co_words = {"headaches", "headache", "headachy", "dizzy", "sick", "nauseous", "lethargic", "poorly", "unwell"}
    add("symptom", "others_in_building_affected",
        rf"\b(?:{household}|both (?:me|myself|of us) and(?: {_W}){{0,5}}?)\b(?: {_W}){{0,6}}? (?:have|has|had|got|get|getting|been|are|is|feel|feels|felt|all|both|complain\w*|seem|seems)\b"
        rf"(?: {_W}){{0,5}}? (?:headaches?|headachy|head aches?|dizzy|lethargic|sick|poorly|unwell)\b"
        rf"(?P<tail>(?: {_W}){{0,4}})",
        co_words)
    add("symptom", "better_away_from_home",
        r"\b(?:better|goes|go|gone|disappears|clears|lifts|eases|improves)\b(?: \w+){0,5}? (?:(?:when|if|once|whenever|as soon as|after) (?:i|we) (?:go|get|am|are|leave|left|step|head) (?:out|outside|away|to work|into|the (?:house|flat|home))|outside|"
        r"out of the (?:house|flat|home)|away from (?:home|the house|the flat)|at work|on holiday|when (?:i|we) (?:leave|left) (?:the house|home|the flat))\b"
        r"|\bcomes? back when (?:i|we) (?:get|come|go) (?:back )?home\b|\bat home but (?:never|not) (?:at work|outside|elsewhere)\b"
        r"|\b(?:only|always) (?:get (?:it|them|one) |happens |comes on )?(?:at home|in the house|in the flat|indoors)\b",
        {"better", "goes", "go", "gone", "disappears", "clears", "lifts", "eases", "improves", "home", "house", "flat", "indoors"})

    # thunderclap: worst ever, never like this, hit by something, split open
    worst_gate = {"worst", "never", "like", "split", "splitting", "exploded", "burst", "popped", "snapped", "most"}
    pain = r"(?:headaches?|head ?aches?|headahce|headach|hedache|pain|migraines?|agony|one)"
    add("symptom", "worst_ever",
        rf"\b(?:worst|most (?:painful|severe|intense|horrendous|horrible|awful|excruciating|agonising|agonizing))(?: (?:\w+|[.!,])){{0,3}}? {pain}"
        r"(?: (?:\w+|[.!,])){0,6}? (?:ever|(?:of|in) my (?:\w+ )?life|i (?:have|ve|had) (?:ever )?(?:had|felt|experienced|been in|suffered|known|got))\b",
        worst_gate)
    add("symptom", "worst_ever",
        r"\bnever (?:\w+ ){0,2}?(?:had|felt|experienced|known|been in|suffered)(?: (?!or\b|nor\b|and\b)\w+){0,3}? (?:headaches?|pain|anything|agony|migraines?)\w*"
        r"(?: \w+){0,2}? (?:this bad|like (?:this|it|that)|so bad|as bad|this severe|this painful|so severe|so painful|that bad|this intense|so intense)\b",
        worst_gate)
    add("symptom", "worst_ever",
        r"\blike (?:i was |i had been |id been |i d been |being |getting |someone |somebody |something )?(?:hit|struck|smacked|whacked|shot|kicked|punched|clubbed|bashed)"
        r"(?: \w+){0,4}? (?:head|skull|bat|hammer|brick|bullet|gun|axe|horse|plank|club)\b"
        r"|\b(?:hit|struck) me like (?:a|an) (?:hammer|sledgehammer|bat|brick|bullet|truck|train|bus|lightning bolt|thunderbolt|bomb)\b"
        r"|\blike (?:a|an) (?:bomb|grenade|gun|gunshot|bullet|explosion) (?:went off|going off|exploding|in my head)\b"
        r"|\b(?:head|skull|brain)\b(?: \w+){0,4}? (?:split|splitting|burst|bursting|cracking|exploded|exploding|blew up|blowing up) (?:open|apart|in two)\b"
        r"|\bsomething (?:burst|popped|snapped|exploded|went pop|went bang) (?:in|inside) (?:my |his |her )?(?:head|brain|skull)\b",
        worst_gate)
    add("onset", "sudden_peak_lt_1m",
        r"\b(?:in|within) (?:a |one |1 |a split |two |2 |a few |few |a couple of |couple of )?(?:split )?seconds?(?: flat)?\b"
        r"|\b(?:without|with no|no) (?:any )?warning\b|\b(?:came|come|comes|coming) (?:from|out of) nowhere\b|\bfrom nowhere\b",
        {"seconds", "second", "warning", "nowhere"})
    return tuple(rules)


_QUOTABLE_SIGNS = frozenset({
    "numbness", "weakness", "arm_tingling", "aura_sensory", "aura_visual", "confusion", "memory_loss", "drowsiness",
    "blurred_vision", "vision_loss", "double_vision", "speech_difficulty", "balance_loss", "dizziness", "fainting",
    "stiff_neck", "worst_ever", "seizure",
})


@lru_cache(maxsize=1)
def _suppressions() -> Tuple[_Suppress, ...]:
    def sup(cids: Iterable[str], pattern: str, gate: Iterable[str], scope: str = "span", deny: bool = False,
            unless: Optional[str] = None) -> _Suppress:
        return _Suppress(frozenset(cids), re.compile(pattern), frozenset(gate), scope, deny,
                         re.compile(unless) if unless else None)

    return (
        # idioms that contain a red-flag phrase
        # "confused about the pills", "confused what type it is": puzzled by something, not confusion
        sup({"confusion"}, r"\bconfus\w* (?:about|by|over|as to|with|on|what|which|whether|if|why|how) (?!where|what day|what time|who|the (?:day|date|time|year)|day it is)\w+",
            {"confused", "confusing", "confusion", "confussed", "confuzed"}),
        sup({"vision_loss"}, r"\b(?:cant|cannot|couldnt|can not) see (?:the point|why|how|what|any (?:point|reason|difference|improvement|change)|"
            r"a (?:way|reason|doctor|gp|pattern)|the (?:doctor|gp|difference|need|pattern|reason)|myself|it (?:happening|working)|anyone|my (?:gp|doctor)|that)\b",
            {"see"}),
        sup({"seizure"}, r"\bfit of (?:giggles|laughter|laughing|rage|anger|temper|coughing|sneezing|pique|jealousy|hysterics)\b|\b(?:coughing|sneezing|laughing|giggling) fits?\b",
            {"fit", "fits"}),
        sup({"numbness"}, r"\bnumb (?:bum|butt|backside|behind|bottom|arse|ass)\b|\b(?:bum|butt|backside|bottom) (?:is |went |goes |gone |going )?numb\b", {"numb"}),
        sup({"fainting"}, r"\b(?:nearly|almost) (?:fainted|passed out|collapsed) (?:when|at|laughing|from shock)\b|\bblack ?out (?:blinds|curtains)\b|\bpower (?:cut|blackout)\b",
            {"nearly", "almost", "blackout", "black", "power"}),
        sup({"drowsiness", "fainting"}, r"\bknocked out (?:the|a|my|his|her|an) (?:\w+ )?(?:work|project|report|essay|tooth|teeth|opponent)\b", {"knocked"}),
        # a rash said to fade when pressed is not a non-blanching rash
        sup({"rash_non_blanching"},
            r"\b(?:rash|spots?|dots?|blotch\w*)\b(?: \w+){0,8}? (?:fades?|faded|fading|disappears?|disappeared|goes away|went away|blanch(?:es|ed)?|goes (?:white|pale)|went (?:white|pale))\b",
            {"rash", "spots", "spot", "dots", "blotches", "blotchy"}, scope="sentence", deny=True,
            unless=r"\b(?:dont|doesnt|didnt|wont|not|never)\b(?: \w+){0,1}? (?:fade|go away|disappear|blanch|go white|go pale)"),
        # the person's own earlier word, quoted to explain it ("when I said numb I meant a dull
        # heaviness", "by dizzy I mean tired"): the word is not a new statement of the sign
        sup(_QUOTABLE_SIGNS,
            r"\b(?:when|where|if) (?:i|he|she|we) (?:said|say|says|wrote|write|mentioned|called it|used the word) (?:\w+ ){1,3}?(?:i|he|she|we) (?:meant|mean|means)\b"
            r"|\bby (?:\w+ ){1,2}?(?:i|he|she|we) (?:meant|mean|means)\b|\bwhat (?:i|he|she|we) (?:meant|mean) by (?:\w+ ){0,1}\w+",
            {"said", "say", "says", "wrote", "write", "mentioned", "meant", "mean", "means"}),
        # someone's general claim about a disease ("my neighbour says stiff neck plus headache is
        # meningitis", "google says a bad headache with a stiff neck means a bleed"): the signs named
        # inside the claim are not the user's; an observation about the user ("my wife said I look
        # confused, is it a stroke?") names the user and stays
        sup(_QUOTABLE_SIGNS | {"fever", "rash_non_blanching", "vomiting"},
            r"\b(?:says?|said|saying|thinks?|thought|reckons?|told me|tells me|telling|keeps saying|claims?|read|saw|heard|warned)\b"
            r"(?: that)?(?:(?!\b(?:i|im|ive|me|my|mine|myself|but)\b)[^.?!;]){0,80}?"
            r"\b(?:is|means?|are|=|equals|could be|can be|might be|may be|sign of|signs of|symptoms? of)\b[^.?!;]{0,20}?"
            r"\b(?:meningitis|tumou?rs?|strokes?|aneurysms?|brain bleeds?|bleeds?|cancer|haemorrhages?|hemorrhages?)\b",
            {"meningitis", "tumour", "tumor", "tumours", "tumors", "stroke", "strokes", "aneurysm", "bleed", "cancer",
             "haemorrhage", "hemorrhage"}),
        # an opinion about someone else's words: "I think he's talking nonsense"
        sup({"speech_difficulty", "confusion"},
            r"\bi (?:think|reckon|believe|guess|feel|thought) (?:that )?(?:he|she|they|you|it|that|hes|shes|theyre|youre|its|thats)(?: s| is| are| was| were)? (?:just |only |clearly )?(?:talking|speaking|saying|spouting) (?:nonsense|rubbish|gibberish|rot|crap)\b",
            {"nonsense", "rubbish", "gibberish", "rot", "crap"}),
        # "a sharp, almost tearing pain in the neck": tearing as a kind of pain, with no eye in the clause
        sup({"tearing_same_side"},
            r"\btearing (?:pain|sensation|feeling|ache|in (?:the|my|his|her) (?:neck|head|back|chest|shoulders?|jaw|throat))\b"
            r"|\b(?:almost|sharp|like a|kind of|sort of) tearing\b", {"tearing"}),
        # limb deficits with a benign cause stated in the same clause (gym, carrying, sat on it)
        sup({"weakness", "numbness", "arm_tingling", "aura_sensory"}, _BENIGN_CAUSE.pattern, (), scope="clause",
            unless=_FACE_OR_SPEECH.pattern),
    )


# --- running the rules ----------------------------------------------------------------------------------


def _clause_bounds(words: Sequence[str], starts: Sequence[int], pos: int, breaks: FrozenSet[str]) -> Tuple[int, int]:
    """Character bounds in the flat text of the clause/sentence around character ``pos``."""
    idx = 0  # the word containing pos
    for i, s in enumerate(starts):
        if s <= pos:
            idx = i
        else:
            break
    i = idx
    while i > 0 and words[i - 1] not in breaks:
        i -= 1
    lo_i = i
    j = idx
    while j < len(words) and words[j] not in breaks:
        j += 1
    hi_i = j
    lo = starts[lo_i] if lo_i < len(starts) else 0
    hi = (starts[hi_i - 1] + len(words[hi_i - 1])) if hi_i > 0 else 0
    return lo, hi


def _denied(match: re.Match, gap_group: Optional[str]) -> bool:
    if not gap_group:
        return False
    gap = match.group(gap_group) or ""
    return bool(NEGATORS.intersection(gap.split()))


def find(flat: str, words: Sequence[str], starts: Sequence[int]) -> List[Hit]:
    """All rule hits in ``flat`` (``words``/``starts``: its tokens and their offsets)."""
    present = frozenset(words)
    hits: List[Hit] = []
    benign_clauses: Optional[List[Tuple[int, int]]] = None
    for rule in _rules():
        if rule.gate and not (rule.gate & present):
            continue
        for match in rule.pattern.finditer(flat):
            if rule.benign_limb:
                if benign_clauses is None:
                    benign_clauses = [
                        _clause_bounds(words, starts, m.start(), CLAUSE_BREAKS) for m in _BENIGN_CAUSE.finditer(flat)
                    ]
                if any(lo <= match.start() < hi for lo, hi in benign_clauses):
                    continue
            if rule.cid == "others_in_building_affected" and _habitual_other(match, flat, words, starts):
                continue
            hits.append(Hit(rule.entity, rule.cid, match.start(), match.end(), _denied(match, rule.gap_group)))
    return hits


# "all" only as "all of us", "we all", "they all have": "driving all day" is not a shared cause
_HOME_CUE = re.compile(r"\b(?:at home|in the house|in the flat|indoors|since|this week|lately|at the moment|right now|too|as well|also|all of (?:us|them|the family)|(?:we|they|you) all|all (?:have|had|got|get|feel|felt)|both|same|everyone|everybody|whole)\b")
_HABITUAL = re.compile(r"\b(?:gets?|getting|suffers?|always had|has always|keeps? (?:getting|having)|often|usually|regularly)\b")


def _habitual_other(match: re.Match, flat: str, words: Sequence[str], starts: Sequence[int]) -> bool:
    """ "my husband gets headaches too when he's stressed" is family history, not a shared cause."""
    lo, hi = _clause_bounds(words, starts, match.start(), CLAUSE_BREAKS)
    clause = flat[lo:hi]
    if re.search(r"\b(?:nobody|no one|noone|none of)\b", clause):
        return True
    habitual = _HABITUAL.search(match.group(0)) and re.search(r"\bwhen (?:he|she|they|hes|shes|theyre|we)\b", clause)
    home = re.search(r"\b(?:at home|in the house|in the flat|indoors|since|this week|lately|at the moment|right now)\b", clause)
    return bool(habitual and not home) or not _HOME_CUE.search(clause)


def suppressions(flat: str, words: Sequence[str], starts: Sequence[int]) -> List[Suppression]:
    """Spans where lexicon matches of some ids are idioms (drop) or stated absent (deny)."""
    present = frozenset(words)
    out: List[Suppression] = []
    for rule in _suppressions():
        if rule.gate and not (rule.gate & present):
            continue
        for match in rule.pattern.finditer(flat):
            if rule.scope == "span":
                lo, hi = match.start(), match.end()
            else:
                breaks = CLAUSE_BREAKS if rule.scope == "clause" else SENTENCE_BREAKS
                lo, hi = _clause_bounds(words, starts, match.start(), breaks)
            if rule.unless is not None and rule.unless.search(flat[lo:hi]):
                continue
            out.append(Suppression(rule.cids, lo, hi, rule.deny))
    return out


def warm_up() -> None:
    """Compile every rule now (the first message should not pay for it)."""
    _rules()
    _suppressions()
