"""The per-message safety check shared by the dialogue policy and the actions.

Every user message is scanned (deterministically, no learned model involved) and merged with what
is already known; if that raises an urgent or emergency red flag that the user has not been told
about yet, an alert is due. A learned NLU result can add an alert (intent `emergency`), never
remove one.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .assessment import RedFlagHit
from .findings import TRIAGE_RANK, Findings
from .redflags import screen
from .entity_values import quantity_findings
from .textscan import RED_FLAG_SYMPTOMS, entities_to_findings, scan, unexplained_words

ALERT_LEVELS = ("urgent", "emergency")
EMERGENCY_INTENT = "emergency"


def findings_with_message(
    findings: Optional[Dict[str, Any]], text: Optional[str], entities: Optional[List[Dict[str, Any]]] = None,
    answer_slot: Optional[str] = None,
) -> Findings:
    """What we know after this message: earlier findings plus what the text and entities state
    (read as the answer to ``answer_slot`` when a question is pending)."""
    known = Findings.from_dict(findings)
    scanned = scan(text, answer_slot) if text else Findings()
    known = known.merge(scanned)
    if entities:
        from_entities = entities_to_findings(entities)
        # One reader decides red flags: a warning sign counts when the clinical reader found it in
        # the words (the NLU's entities add ordinary details); a sign the reader found only in
        # everyday words waits for its confirmation (4.3), whichever component tagged it.
        if text:  # (a message without text, such as a button's intent, has only its entities)
            read = scanned.symptoms | scanned.uncertain | scanned.absent_symptoms
            # a sign only the NLU tagged is not a finding, nor is it dropped: one direct question
            tagged_only = (from_entities.symptoms | from_entities.uncertain) & (RED_FLAG_SYMPTOMS - read)
            from_entities.symptoms -= tagged_only | (scanned.to_confirm - scanned.symptoms)
            from_entities.uncertain -= tagged_only
            from_entities.to_confirm |= tagged_only
            from_entities.onset = scanned.onset  # how it started is a red-flag fact: the reader's
        quantities = quantity_findings(entities)
        if text:
            # how long and how often are read by the clinical reader in the context of the question
            # (the NLU's quantity tags take "three years ago" for an attack's length)
            quantities = Findings()
        known = known.merge(from_entities).merge(quantities)
    return known


def alert_hits(findings: Findings) -> List[RedFlagHit]:
    """Red flags that call for an immediate alert (urgent or emergency) in the middle of a chat.

    The same screen as the final assessment: stated facts and asked-and-unclear answers count; a
    fact never asked does not (the consultation asks it, ``questions.hinge_questions``).
    """
    return [hit for hit in screen(findings) if hit.level in ALERT_LEVELS]


def alert_level(findings: Findings, intent: Optional[str] = None) -> Optional[str]:
    """The highest alert level the findings (or an emergency intent) call for, if any."""
    levels = [hit.level for hit in alert_hits(findings)]
    if intent == EMERGENCY_INTENT:
        levels.append("emergency")
    return max(levels, key=TRIAGE_RANK.__getitem__) if levels else None


def pending_alert(
    findings: Optional[Dict[str, Any]],
    text: Optional[str],
    intent: Optional[str],
    alerted_level: Optional[str],
    entities: Optional[List[Dict[str, Any]]] = None,
) -> Optional[str]:
    """The alert level due after this message, or None when nothing new must be announced.

    An alert is due when the level rises above what was announced, when the message raises a red
    flag that was not known before, or when NLU says the message is an emergency.
    """
    before = Findings.from_dict(findings)
    after = findings_with_message(findings, text, entities)
    level = alert_level(after, intent)
    if level is None:
        return None
    rises = not alerted_level or TRIAGE_RANK[level] > TRIAGE_RANK.get(alerted_level, -1)
    new_flags = {h.id for h in alert_hits(after)} - {h.id for h in alert_hits(before)}
    if rises or new_flags or intent == EMERGENCY_INTENT:
        return level
    return None


# Symptoms of an ordinary headache attack (3.2): on their own they never make a message an emergency.
ORDINARY_SYMPTOMS = frozenset(
    {"nausea", "vomiting", "light_sensitivity", "sound_sensitivity", "restless_agitated",
     "tearing_same_side", "runny_blocked_nose_same_side"}
)
# Background that says nothing alarming ("I get migraines", "same as my usual ones").
ORDINARY_HISTORY = frozenset({"known_migraine", "same_as_usual"})


def emergency_intent_unfounded(
    findings: Optional[Dict[str, Any]], text: Optional[str], entities: Optional[List[Dict[str, Any]]] = None
) -> bool:
    """True when the NLU's `emergency` intent rests on nothing the message says.

    The intent classifier learned that "X and Y" lists of symptoms are often emergencies, so it
    also labels "i feel sick and light bothers me" as one. The intent is set aside only when the
    deterministic reading explains every word of the message (``unexplained_words``) as ordinary
    headache details: only attack symptoms (nausea, light or sound sensitivity...), locations,
    qualities, triggers, numbers, or red flags the user denies; nothing hedged, no sudden onset, no
    red flag with what is already known. Anything else ("help me", "I think I'm dying", wording the
    lexicon lacks) keeps the emergency: a learned component may add a red flag, and only a message
    read completely can show that it did not.
    """
    said = _read_completely(text, entities)
    if said is None or (said.symptoms - ORDINARY_SYMPTOMS) or (said.history - ORDINARY_HISTORY):
        return False
    return alert_level(findings_with_message(findings, text, entities)) is None


def _read_completely(text: Optional[str], entities: Optional[List[Dict[str, Any]]] = None) -> Optional[Findings]:
    """What the message states, when the rules account for every word of it with nothing hedged, no
    sudden onset, no pregnancy and no contraindication (the rules' own triage of it is then
    complete); None otherwise."""
    if not text or not text.strip():
        return None
    said = findings_with_message(None, text, entities)
    if said.uncertain or said.onset in ("sudden_peak_lt_1m", "peak_1_5m"):
        return None
    if said.contraindications or said.pregnant or said.to_confirm or unexplained_words(text):
        return None
    return said
