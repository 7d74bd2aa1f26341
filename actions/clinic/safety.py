"""Reading a message for the safety verdict: what is known after it, and which flags alert.

Every user message is scanned (deterministically, no learned model involved) and merged with what
is already known. ``verdict.verdict`` decides from this what happens next; nothing else does.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .assessment import RedFlagHit
from .findings import TRIAGE_RANK, Findings
from .redflags import screen
from .reading import quantity_findings
from .reading import RED_FLAG_SYMPTOMS, entities_to_findings, scan

ALERT_LEVELS = ("urgent", "emergency")


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
            # an ordinary symptom the reader weighed and set aside ("pins and needles ... they
            # haven't spread" is no aura) is not put back by the tag of the same words
            set_aside = (from_entities.symptoms | from_entities.uncertain) - RED_FLAG_SYMPTOMS - read - scanned.to_confirm
            from_entities.symptoms -= tagged_only | set_aside | (scanned.to_confirm - scanned.symptoms)
            from_entities.uncertain -= tagged_only | set_aside
            from_entities.to_confirm |= tagged_only
            from_entities.onset = scanned.onset  # how it started is a red-flag fact: the reader's
            # how strong it is decides a thunderclap too: a severity tag on other words ("the awful
            # seats") is not the headache's strength; the reader's, or the question asks it
            from_entities.intensity = scanned.intensity
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


def alert_level(findings: Findings) -> Optional[str]:
    """The highest alert level the findings call for, if any."""
    levels = [hit.level for hit in alert_hits(findings)]
    return max(levels, key=TRIAGE_RANK.__getitem__) if levels else None
