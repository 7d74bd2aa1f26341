"""The annotation convention's context rules, applied to HeadacheEntityExtractor's mentions.

The lexicon says which words can name what; these rules decide, from the words around a mention
and the message's intent, whether the mention is one in the sense of the convention below (the
same convention the training data and the held-out set are annotated with; see
headease_nlu/README.md, "Entity convention"). Pure functions over mentions
(``headease_nlu.mentions``), no Rasa import.

1. A symptom mention covers the body part and side it is about ("my face feels numb on one
   side" is one symptom); a body part inside a symptom description is not a `body_part`.
2. `body_part` is a part the user wants to treat or that is tense or injured ("massage my neck",
   "my shoulders are in knots", "I hit my head"); `origin` is where the headache starts ("it comes
   up from my neck"); `pain_location` is where in the head it hurts.
3. `pain_quality` describes the head pain: not "tension headache" (a diagnosis), not "my neck is
   tense" (a body part), not the generic "ache"/"sore"/"press".
4. A build-up time ("comes on over about an hour") is an onset, not a duration; an aura's
   duration ("zigzags for twenty minutes, then the headache") is not the headache's.
5. Social, control and off-topic messages (greetings, "are you a bot", other topics) carry no
   entities: "computer" in "am I talking to a computer" is not a trigger. Questions (about
   techniques, doses, doctors, why we ask) keep symptoms, onset, medication and what the
   question is about (the technique, the body part to massage). Only a confident intent gates
   (``intent_rules.GATE_CONFIDENCE``).
The scan's own mentions are merged before these rules run (``scan_bridge``); the intent rules
(emergency label, answers that name something) are in ``intent_rules``.
"""
from __future__ import annotations

import re
from typing import Any, List, Optional, Set

from headease_nlu.intent_rules import INFORM, NO_ENTITIES
from headease_nlu.mentions import (
    LINK_WORDS,
    Mention,
    clause_of,
    inside,
    overlaps,
    same_clause,
    tokens_between,
    span_text,
)

# --- intents ------------------------------------------------------------------------------------
ALWAYS_KEPT = frozenset({"symptom", "onset", "medication"})


# Questions that may name a symptom or medicine ("why ask about fever"): only ALWAYS_KEPT types.
NOT_ABOUT_THE_HEADACHE = frozenset({"ask_summary", "ask_when_doctor", "ask_why", "nlu_fallback"})


# Question intents: the types each one keeps besides ALWAYS_KEPT.
QUESTION_TYPES = {
    "ask_technique": frozenset({"technique"}),
    "ask_self_massage": frozenset({"body_part"}),
    "ask_drug_dose": frozenset(),
}


# --- word classes -------------------------------------------------------------------------------
_PAIN_WORDS = r"(?:head|headaches?|head ?aches?|migraines?|migranes?|pain|pains|aches?|hurts?|hurting|throb\w*|pound\w*)"


_MASSAGE_CUE = re.compile(
    r"\b(?:massag\w*|rub\w*|knead\w*|stretch\w*|roll\w* out|foam roll\w*|loosen\w*|"
    r"release|work on|relax|relieve|ease|tennis ball|massage ball|pressure points?)\b",
    re.I,
)


_TENSION_CUE = re.compile(
    r"\b(?:tense|tension|tight|tightness|stiff|stiffness|knots?|knotted|clench\w*|grind\w*|"
    r"hunched|carry|holding|locked|seized)\b",
    re.I,
)


_INJURY_VERBS = (
    r"hit|hitting|banged|banging|bumped|bumping|knocked|knocking|bashed|smacked|whacked|struck|"
    r"cracked|injured|hurt|landed on|fell on|fall on|smashed"
)


_HEAD_INJURY = re.compile(
    rf"\b(?:{_INJURY_VERBS})\s+(?:my|his|her|their|the)\s+(?:(?:back|side|top|front)\s+of\s+(?:my|his|her|the)\s+)?(head)\b",
    re.I,
)


_MASSAGE_HEAD = re.compile(r"\b(?:massag\w*|rub\w*)\s+(?:my|his|her|the)\s+(?:own\s+)?(head)\b", re.I)



NEURO_SIDED = frozenset(
    {
        "weakness", "numbness", "arm_tingling", "aura_sensory", "vision_loss", "blurred_vision",
        "double_vision", "droopy_eyelid_same_side", "tearing_same_side", "red_eye_same_side",
        "runny_blocked_nose_same_side", "face_hand_swelling", "painful_red_eye", "scalp_tenderness",
        "light_sensitivity", "sound_sensitivity", "neck_pain", "shoulder_arm_pain_same_side",
        "rash_non_blanching", "jaw_pain_chewing", "stiff_neck", "reduced_neck_movement",
    }
)


AURA = frozenset({"aura_visual", "aura_sensory", "aura_speech"})


_GENERIC_QUALITY = frozenset({"ache", "aches", "sore", "press", "pressed", "presses"})


_DIAGNOSIS_AFTER = re.compile(r"^\s*(?:-|\s)?\s*(?:type\b|headaches?\b|head ?aches?\b|migraines?\b)", re.I)


_OTHER_QUALITY_CONTEXT = re.compile(
    rf"^\W*(?:\w+\W+){{0,2}}?(?:{_PAIN_WORDS}|feeling|sensation|pressure)\b", re.I
)


_ONSET_VERB = re.compile(
    r"\b(?:comes?|came|coming|builds?|built|building|creeps?|crept|creeping|ramps?|ramped|"
    r"peaks?|peaked|peaking|gets? (?:worse|bad|going)|got (?:worse|bad)|worsens?|worsened|"
    r"starts? off|started off|develops?|developed|reaches?|reached|goes? from|went from)\b"
    r"(?:\s+(?:\w+|up|on))?(?:\s+(?:gradually|slowly|steadily|quickly|fast|bit by bit))?\s*$",
    re.I,
)


_WEAK_ONSET = re.compile(
    r"(?i)fast|quickly|rapidly|quick|by the (?:evening|afternoon|morning|end of the day)|during the day|"
    r"over the (?:course of the )?day|as the day goes on|over time|slow|slowly"
)


_ONSET_VERB_NEAR = re.compile(
    r"\b(?:comes?|came|coming|builds?|built|building|gets?|got|getting|ramps?|ramped|peaks?|peaked|"
    r"starts?|started|hits?|hit|develops?|developed|kicks? in|kicked in|worsens?|worsened|escalat\w*|on)\b"
    r"(?:\s+\w+){0,3}\s*$",
    re.I,
)


_SICK = re.compile(
    r"(?i)\b(?:i'?m|i am|am|feel(?:ing|s)?|felt|was|been feeling)\s+(?:not\s+|a bit\s+|a little\s+|slightly\s+|so\s+|"
    r"really\s+|very\s+|quite\s+|kinda\s+|kind of\s+|that\s+)*(sick|sicky)\b(?!\s+(?:of|and tired|note|leave|day)\b)"
)


_SIDE = re.compile(
    r"(?i)\b(?:on |to |at |in )?(?:the|my) (?:left|right)(?: hand)?(?= *(?:[,.;!?)]|$|\band\b|\bside\b|\bone\b|"
    r"\bmostly\b|\bmainly\b|\busually\b|\bnever\b|\bonly\b|\bthen\b|\btoo\b|\bagain\b|\bsometimes\b))"
    r"|\bsometimes (?:on the )?(?:left|right)\b"
)


_SIDE_ANSWER = re.compile(
    r"(?i)^\W*(?:it'?s |its |mostly |mainly |usually |always |just |only |on )?(?:the )?(left|right)"
    r"(?: one| side| hand side)?(?: (?:mostly|mainly|usually|i think|i guess|always))?\W*$"
)


def sides(mentions: List[Mention], text: str, intent: Optional[str]) -> List[Mention]:
    """ "the right, never switches", "sometimes left sometimes right", a bare "left" answer."""
    out = list(mentions)
    found = list(_SIDE.finditer(text))
    if intent == INFORM:
        found += list(_SIDE_ANSWER.finditer(text))
    for m in found:
        side = {"entity": "pain_location", "value": "one_side", "start": m.start(), "end": m.end(),
                "source": "pattern"}
        if not any(overlaps(side, x) for x in out):
            out.append(side)
    return sorted(out, key=lambda e: (e["start"], e["end"]))


def sick_is_nausea(mentions: List[Mention], text: str) -> List[Mention]:
    """ "I feel a bit sick", "I'm not sick": sick (UK) names nausea."""
    out = list(mentions)
    for m in _SICK.finditer(text):
        sick = {"entity": "symptom", "value": "nausea", "start": m.start(1), "end": m.end(1), "source": "pattern"}
        if not any(overlaps(sick, x) for x in out):
            out.append(sick)
    return sorted(out, key=lambda e: (e["start"], e["end"]))


def split_compounds(mentions: List[Mention], text: str) -> List[Mention]:
    """ "light and noise bother me", "sensitive to light and sound": one symptom per sense."""
    out = list(mentions)
    pattern = re.compile(
        r"\b(?P<a>(?:bright |the )?lights?|(?:loud )?(?:noises?|sounds?))\s*(?:and|&|or|/|,)\s*"
        r"(?P<b>(?:bright |the )?lights?|(?:loud )?(?:noises?|sounds?))\b"
        r"(?=\s+(?:\w+\s+)?(?:both\s+)?(?:bother\w*|hurt\w*|annoy\w*|kill\w*|are (?:too|unbearable|painful|awful)|"
        r"get to me|irritat\w*|make it worse|sensitiv\w*|is unbearable|really get))"
        r"|\b(?:sensitiv\w*|intoleran\w*|can'?t (?:stand|take|handle|bear|tolerate))\s+(?:to\s+)?"
        r"(?P<c>(?:bright |the )?lights?|(?:loud )?(?:noises?|sounds?))\s*(?:and|&|or|/|,)\s*"
        r"(?P<d>(?:bright |the )?lights?|(?:loud )?(?:noises?|sounds?))\b",
        re.I,
    )
    for m in pattern.finditer(text):
        groups = [g for g in ("a", "b", "c", "d") if m.group(g)]
        new = []
        for g in groups:
            word = m.group(g).lower()
            value = "light_sensitivity" if "light" in word else "sound_sensitivity"
            new.append({"entity": "symptom", "value": value, "start": m.start(g), "end": m.end(g),
                        "source": "lexicon"})
        if groups[0] == "c":  # "sensitive to light" is the lexicon's; keep its span for the first
            first = [x for x in out if x["entity"] == "symptom" and overlaps(x, new[0])]
            if first:
                new = new[1:]
        if any(x["entity"] == "symptom" and any(overlaps(x, n) for n in new) and
               x["value"] in ("light_sensitivity", "sound_sensitivity") and
               not any(inside(x, n) for n in new) for x in out):
            # already covered by a longer lexicon phrase that names one of them: keep it, add the other
            new = [n for n in new if not any(overlaps(x, n) for x in out)]
        out = [x for x in out if not any(overlaps(x, n) for n in new)] + new
    return sorted(out, key=lambda e: (e["start"], e["end"]))


# Symptom words inside a name for something else: "hay fever", "cabin fever".
_NOT_THE_SYMPTOM = {"fever": re.compile(r"(?i)\b(?:hay|cabin)\s+$")}


def filter_symptoms(mentions: List[Mention], text: str) -> List[Mention]:
    return [
        m for m in mentions
        if not (m["entity"] == "symptom" and m["value"] in _NOT_THE_SYMPTOM
                and _NOT_THE_SYMPTOM[m["value"]].search(text[max(0, m["start"] - 8) : m["start"]]))
    ]


def filter_qualities(mentions: List[Mention], text: str) -> List[Mention]:
    """Rule 4: words that look like a pain quality but are not one here."""
    out = []
    body = [m for m in mentions if m["entity"] in ("body_part", "origin")]
    for m in mentions:
        if m["entity"] == "pain_quality":
            word = span_text(text, m).lower()
            after = text[m["end"] : m["end"] + 20]
            if word in _GENERIC_QUALITY:
                continue
            if word.startswith("mild "):  # "a mild ache": the severity, and a generic ache
                out.append(dict(m, entity="severity", value="mild", end=m["start"] + 4, source="pattern"))
                continue
            if m["value"] == "pressing_tight" and word.startswith("tens") and _DIAGNOSIS_AFTER.match(after):
                continue  # "tension headache", "tension-type"
            if m["value"] == "pressing_tight" and any(
                same_clause(text, min(b["end"], m["end"]), max(b["start"], m["start"]))
                and len(tokens_between(text, min(b["end"], m["end"]), max(b["start"], m["start"]))) <= 4
                and "and" not in tokens_between(text, min(b["end"], m["end"]), max(b["start"], m["start"]))
                for b in body
            ):
                continue  # "my neck is so tense", "tension in my shoulders"
            if word == "pressure" and re.search(r"(?i)\b(?:blood|air|barometric|water|peer|tyre|tire)\s+$", text[max(0, m["start"] - 12) : m["start"]]):
                continue
            if word in ("heavy", "heaviness") and not (
                _OTHER_QUALITY_CONTEXT.match(after)
                or re.search(rf"\b(?:{_PAIN_WORDS}|it|feels?|feeling|so|very|really|a bit|quite)\W+(?:\w+\W+)?$", text[max(0, m["start"] - 25) : m["start"]], re.I)
            ):
                continue  # "lifting something heavy"
            if m["value"] == "other" and re.search(r"(?i)\b(?:nothing|not|anything|no)\s+$", text[max(0, m["start"] - 10) : m["start"]]):
                continue  # "nothing unusual"
            if m["value"] == "other" and not (
                _OTHER_QUALITY_CONTEXT.match(after)
                or re.search(rf"\b(?:{_PAIN_WORDS}|it|feels?|feeling)\W+(?:\w+\W+)?$", text[max(0, m["start"] - 25) : m["start"]], re.I)
            ):
                continue  # "weird" is a quality only when it describes the pain
        out.append(m)
    return out


_ORIGIN_PREFIX = re.compile(
    r"^(?:(?:comes?|came|coming|travels?|travelled|traveled|radiates?|spreads?|goes|starts?|started|starting|"
    r"begins?|began|beginning)\s+)?(?:(?:up|in|at|from)\s+)*(?:(?:the\s+)?(?:base|back)\s+of\s+)?(?:(?:my|the)\s+)?",
    re.I,
)


_ORIGIN_AS_BODY = {"neck": "neck", "shoulders": "shoulders", "jaw": "jaw"}


_BODY_WORD = re.compile(
    r"\b(?:neck|nape|temples?|forehead|shoulders?|jaw|scalp|face|eyebrows?|traps|trapezius|upper back|"
    r"head|base of (?:my|the) skull|back of (?:my|the) neck)\b",
    re.I,
)


def origins(mentions: List[Mention], text: str, origin_context, intent: Optional[str] = None) -> List[Mention]:
    """Rule 3: "comes up from my neck" names where the headache starts: origin `neck` on "neck";
    without such wording a neck, shoulder or jaw is a body part, except in a short answer
    (intent `inform`, "neck i think"), which answers the question where it starts. Spans of
    origin and body part mentions lose their leading prepositions ("in my shoulders")."""
    out = []
    for m in mentions:
        span = span_text(text, m)
        if m.get("_learned_type"):
            out.append(m)
            continue
        if m["entity"] == "technique" and m["value"] == "self_massage" and intent == "ask_self_massage":
            part = _BODY_WORD.search(span)
            if part:  # "rub my temples": the temples are what the user asks about
                m = dict(m, entity="body_part", value=part.group(0).lower().rstrip("s") if part.group(0).lower() != "temples" else "temples",
                         start=m["start"] + part.start(), end=m["start"] + part.end())
        if m["entity"] == "origin" and m["value"] in _ORIGIN_AS_BODY and intent != "inform" and not origin_context(
            text, m["start"], m["end"]
        ) and not origin_context(text, m["end"], m["end"]) and not re.search(r"(?i)\b(?:clench|grind|teeth|tmj|tmd|bruxism)", span):
            m = dict(m, entity="body_part", value=_ORIGIN_AS_BODY[m["value"]])
        elif m["entity"] == "body_part" and intent == "inform" and m["value"] in _ORIGIN_AS_BODY.values():
            m = dict(m, entity="origin")
        if m["entity"] == "pain_location" and m["value"] == "neck_to_head":
            neck = re.search(r"\b(?:neck|nek)\b", span, re.I)
            if neck:
                m = dict(m, entity="origin", value="neck", start=m["start"] + neck.start(),
                         end=m["start"] + neck.end())
        elif (
            m["entity"] == "pain_location"
            and m["value"] == "back_of_head"
            and re.search(r"\b(?:skull|neck)\b", span, re.I)
            and origin_context(text, m["start"], m["end"])
            and not re.search(r"\b(?:to|into|over|towards?)\s+(?:the\s+)?$", text[max(0, m["start"] - 12) : m["start"]], re.I)
        ):
            m = dict(m, entity="origin", value="neck")
        if m["entity"] == "origin" and re.match(r"(?i)(?:clench|grind|bruxism|teeth)", span_text(text, m)):
            jaw = re.search(r"(?i)\bjaw\b", span_text(text, m))
            if intent == "ask_self_massage" and jaw:
                m = dict(m, entity="body_part", value="jaw", start=m["start"] + jaw.start(), end=m["start"] + jaw.end())
            else:
                m = dict(m, entity="trigger", value="jaw_clenching")  # a habit that sets it off
        if m["entity"] in ("origin", "body_part"):
            span = span_text(text, m)
            lead = _ORIGIN_PREFIX.match(span)
            if lead and lead.end() and lead.end() < len(span) and not re.match(
                r"^(?:base|back) of", span[lead.start():], re.I
            ):
                rest = span[lead.end():]
                if rest.strip() and not _is_part_of_phrase(span, lead.group(0)):
                    m = dict(m, start=m["start"] + lead.end())
        out.append(m)
    return out


def _is_part_of_phrase(span: str, lead: str) -> bool:
    """ "back of my neck", "base of the skull" keep their words."""
    return bool(re.search(r"\b(?:base|back)\s+of\b", lead, re.I))


def body_parts(mentions: List[Mention], text: str, intent: Optional[str]) -> List[Mention]:
    """Rules 2 and 3 for body parts: massage targets, tense or injured parts; symptom sites merge
    into the symptom; "top of my head" is a pain location unless it is being massaged."""
    out: List[Mention] = []
    massage_intent = intent == "ask_self_massage"
    for m in mentions:
        cands = {}
        for c in m.get("candidates", []):
            cands.setdefault(c[0], c[1])
        if "body_part" in cands and m["entity"] not in ("body_part", "symptom") and not m.get("_learned_type"):
            lo, _ = clause_of(text, m["start"], m["end"])
            if massage_intent or _MASSAGE_CUE.search(text[lo : m["start"]]):
                m = dict(m, entity="body_part", value=cands["body_part"])
        elif m["entity"] == "pain_location" and massage_intent:
            lo, _ = clause_of(text, m["start"], m["end"])
            if _MASSAGE_CUE.search(text[lo : m["start"]]) or re.search(r"\b(?:my|the)\s+(?:own\s+)?$", text[max(0, m["start"] - 10) : m["start"]]):
                m = dict(m, entity="body_part", value=m["value"])
        out.append(m)
    # "banged my head on a cupboard" is an injury, "banging my head against the wall" restlessness,
    # "a banging head" a throbbing headache
    kept = []
    for x in out:
        if x["entity"] == "symptom" and x["value"] == "restless_agitated":
            if re.match(r"(?i)(?:banged|bumped|hit|knocked)\b", span_text(text, x)):
                continue
            if re.match(r"(?i)banging\b", span_text(text, x)) and not re.match(
                r"(?i)\s+(?:against|on|off|into|in)\b", text[x["end"] : x["end"] + 10]
            ):
                x = dict(x, entity="pain_quality", value="throbbing", end=x["start"] + len("banging"))
        kept.append(x)
    out = kept
    # "I hit my head", "massage my own head"
    for pattern in (_HEAD_INJURY, _MASSAGE_HEAD):
        for found in pattern.finditer(text):
            head = {"entity": "body_part", "value": "head", "start": found.start(1), "end": found.end(1),
                    "source": "pattern"}
            if not any(overlaps(head, x) for x in out):
                out.append(head)
            else:
                out = [x for x in out if not (overlaps(head, x) and x["entity"] == "origin" and x["value"] == "head")]
                if not any(overlaps(head, x) for x in out):
                    out.append(head)
    symptoms = [x for x in out if x["entity"] == "symptom"]
    final: List[Mention] = []
    absorbed: Set[int] = set()
    for i, m in enumerate(out):
        if m["entity"] not in ("body_part", "pain_location"):
            continue
        lo, hi = clause_of(text, m["start"], m["end"])
        if m["entity"] == "body_part":
            if massage_intent or m.get("source") == "pattern":
                continue
            if _MASSAGE_CUE.search(text[lo : m["start"]]) or _TENSION_CUE.search(_window(text, m, lo, hi)):
                continue
        elif m["value"] != "one_side" or re.search(r"(?i)\bbehind|temple|head\b", span_text(text, m)):
            continue  # only "left side", "on one side", "right eye" can belong to a symptom
        near = [s for s in symptoms if lo <= s["start"] and s["end"] <= hi and s["value"] in NEURO_SIDED]
        if m["entity"] == "pain_location":
            near = [s for s in near if not _pain_word_between(text, s, m)]
        if not near:
            continue
        s = min(near, key=lambda s: _gap(s, m))
        between = tokens_between(text, min(s["end"], m["end"]), max(s["start"], m["start"]))
        links = LINK_WORDS - {"and", "with"}
        if len(between) <= 4 and all(w in links for w in between):
            s["start"], s["end"] = min(s["start"], m["start"]), max(s["end"], m["end"])
            absorbed.add(i)
        elif m["entity"] == "body_part":
            absorbed.add(i)  # a symptom site further away in the clause: not a body_part mention
    for i, m in enumerate(out):
        if i not in absorbed:
            final.append(m)
    # a symptom that grew may now cover other mentions
    grown = [x for x in final if x["entity"] == "symptom"]
    final = [x for x in final if x["entity"] == "symptom" or not any(inside(x, g) for g in grown)]
    return sorted(final, key=lambda e: (e["start"], e["end"]))


def _window(text: str, m: Mention, lo: int, hi: int, words: int = 3) -> str:
    """Up to ``words`` words either side of a mention, inside its clause and its own "and"-part."""
    before = re.findall(r"[\w']+", text[lo : m["start"]])
    after = re.findall(r"[\w']+", text[m["end"] : hi])
    if "and" in before:
        before = before[len(before) - before[::-1].index("and"):]
    if "and" in after:
        k = after.index("and")
        # "my neck and shoulders are tense": a coordinated body part shares what is said of it
        if not _BODY_WORD.match(" ".join(after[k + 1 : k + 3])) and not (
            k + 2 < len(after) and after[k + 1] in ("my", "the") and _BODY_WORD.match(after[k + 2])
        ):
            after = after[:k]
        else:
            words += 3
    return " ".join(before[-words:] + [span_text(text, m)] + after[:words])


def _gap(a: Mention, b: Mention) -> int:
    return max(a["start"], b["start"]) - min(a["end"], b["end"])


def _pain_word_between(text: str, a: Mention, b: Mention) -> bool:
    lo, hi = min(a["end"], b["end"]), max(a["start"], b["start"])
    return bool(re.search(rf"\b{_PAIN_WORDS}\b", text[lo:hi], re.I))


def onsets_and_durations(mentions: List[Mention], text: str, intent: Optional[str] = None) -> List[Mention]:
    """Rule 5: build-up times are onsets; aura durations are not the headache's; adjacent onset
    words are one mention ("builds up slowly")."""
    out: List[Mention] = []
    for m in sorted(mentions, key=lambda e: e["start"]):
        if m["entity"] == "duration" and intent == "inform" and re.match(r"(?i)over\b(?! the (?:past|last))", span_text(text, m)):
            minutes = _minutes(m.get("value"))  # the answer to "how quickly did it build up?"
            value = ("sudden_peak_lt_1m" if minutes is not None and minutes < 1
                     else "peak_1_5m" if minutes is not None and minutes <= 5 else "gradual")
            out.append(dict(m, entity="onset", value=value, source="pattern"))
            continue
        if m["entity"] == "duration" and re.match(r"(?i)(?:over|within|in)\b", span_text(text, m)):
            before = text[max(0, m["start"] - 40) : m["start"]]
            prev = [o for o in out if o["entity"] == "onset" and o["end"] <= m["start"]
                    and same_clause(text, o["end"], m["start"]) and len(tokens_between(text, o["end"], m["start"])) <= 3]
            verb = _ONSET_VERB.search(before)
            if prev or verb:
                minutes = _minutes(m.get("value"))
                value = ("sudden_peak_lt_1m" if minutes is not None and minutes < 1
                         else "peak_1_5m" if minutes is not None and minutes <= 5 else "gradual")
                start = prev[-1]["start"] if prev else m["start"] - (len(before) - verb.start())
                if prev:
                    out.remove(prev[-1])
                    if prev[-1]["value"] != "gradual" or value == "gradual":
                        value = prev[-1]["value"] if prev[-1]["value"] != "gradual" else value
                out = [o for o in out if not (o["start"] >= start and o["end"] <= m["end"])]
                out.append({"entity": "onset", "value": value, "start": start, "end": m["end"], "source": "pattern"})
                continue
        if m["entity"] == "onset" and re.match(
            r"\s+(?:into|to|over|through|up into|up to|up the|round|around|across|towards?)\b", text[m["end"] : m["end"] + 12], re.I
        ) and re.search(r"(?i)creep|crept|spread|travel", span_text(text, m)):
            continue  # "creeps up into my head": where it spreads, not how fast
        if m["entity"] == "onset" and out:
            last = out[-1]
            if (
                last["entity"] == "onset"
                and last["value"] == m["value"]
                and same_clause(text, last["end"], m["start"])
                and len(tokens_between(text, last["end"], m["start"])) <= 3
            ):
                last["end"] = max(last["end"], m["end"])
                continue
        out.append(m)
    auras = [m for m in out if m["entity"] == "symptom" and m["value"] in AURA]
    triggers = [m for m in out if m["entity"] == "trigger"]
    final = []
    for m in out:
        if m["entity"] == "onset" and _WEAK_ONSET.fullmatch(span_text(text, m)) and not _ONSET_VERB_NEAR.search(
            text[max(0, m["start"] - 30) : m["start"]]
        ) and intent != "inform":
            continue  # "stand up too fast", "by the evening my forehead aches": not how it came on
        if m["entity"] == "duration" and re.fullmatch(r"(?i)all (?:day|night|week)(?: long)?", span_text(text, m)) and any(
            0 <= m["start"] - t["end"] <= 8 and same_clause(text, t["end"], m["start"]) for t in triggers
        ):
            continue  # "looking at screens all day": how long the trigger lasts
        if m["entity"] == "duration" and auras:
            lo, hi = clause_of(text, m["start"], m["end"])
            clause = text[lo:hi]
            if any(lo <= a["start"] < hi for a in auras) and not re.search(
                r"\b(?:headaches?|head ?aches?|migraines?|pain|head)\b", clause, re.I
            ):
                continue
            if any(0 <= m["start"] - a["end"] <= 12 and same_clause(text, a["end"], m["start"]) for a in auras):
                continue  # "flashing lights for about 20 minutes" is the aura's duration
        final.append(m)
    return final


def _minutes(value: Any) -> Optional[float]:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# Words the technique lexicon lists that name a technique only when someone asks about one.
GENERIC_TECHNIQUE = frozenset(
    {"knot", "knots", "muscle knots", "deep pressure", "tennis ball", "massage ball", "lacrosse ball",
     "foam roller", "foam rolling", "fascia", "fascial", "pressure points", "knotted"}
)


def merge_adjacent(mentions: List[Mention], text: str) -> List[Mention]:
    """Two mentions of the same type and value a word or two apart in one clause are one
    ("hunched over a desk", "builds up ... gradually")."""
    out: List[Mention] = []
    for m in sorted(mentions, key=lambda e: e["start"]):
        if out:
            last = out[-1]
            between = tokens_between(text, last["end"], m["start"])
            same = last["entity"] == m["entity"] and last["value"] == m["value"]
            glued = same and m["entity"] in ("trigger", "pain_location", "technique", "symptom") and len(between) <= 2 and all(
                w in {"a", "an", "the", "my", "at", "over", "on", "up", "of", "in"} for w in between
            )
            # one finding named twice in a clause ("a rash that won't fade when I press a glass on it")
            glued = glued or (same and m["entity"] == "symptom" and len(between) <= 8 and same_clause(
                text, last["end"], m["start"]) and not {"or", "and", "nor", "/", "&"} & set(between))
            onset = same and m["entity"] == "onset" and len(between) <= 3 and same_clause(text, last["end"], m["start"])
            if glued or onset:
                last["end"] = max(last["end"], m["end"])
                continue
        out.append(dict(m))
    return out


def by_intent(mentions: List[Mention], text: str, intent: Optional[str]) -> List[Mention]:
    """Rule 6: which entity types a message of this intent carries."""
    if intent != "ask_technique":
        mentions = [
            m for m in mentions
            if not (m["entity"] == "technique" and span_text(text, m).lower() in GENERIC_TECHNIQUE)
        ]
    if not intent:
        return mentions
    if intent in NO_ENTITIES:
        return []
    if intent in NOT_ABOUT_THE_HEADACHE:
        allowed = ALWAYS_KEPT
    elif intent in QUESTION_TYPES:
        allowed = ALWAYS_KEPT | QUESTION_TYPES[intent]
    else:
        return mentions
    out = []
    for m in mentions:
        if m["entity"] not in allowed:
            continue
        if intent == "ask_self_massage" and m["entity"] == "technique":
            continue
        out.append(m)
    return out


def apply(
    mentions: List[Mention], text: str, intent: Optional[str], origin_context, gate: bool = True
) -> List[Mention]:
    """All context rules, in order (the scan merge happens before, in the extractor); with
    ``gate=False`` the intent rule (by_intent) is left for the caller."""
    mentions = split_compounds(mentions, text)
    mentions = sick_is_nausea(mentions, text)
    mentions = sides(mentions, text, intent)
    mentions = origins(mentions, text, origin_context, intent)
    mentions = body_parts(mentions, text, intent)
    mentions = filter_qualities(mentions, text)
    mentions = filter_symptoms(mentions, text)
    mentions = onsets_and_durations(mentions, text, intent)
    mentions = merge_adjacent(mentions, text)
    if gate:
        mentions = by_intent(mentions, text, intent)
    return sorted(mentions, key=lambda e: (e["start"], e["end"]))

