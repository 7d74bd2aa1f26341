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
from .textscan import scan

ALERT_LEVELS = ("urgent", "emergency")
EMERGENCY_INTENT = "emergency"


def findings_with_message(findings: Optional[Dict[str, Any]], text: Optional[str]) -> Findings:
    """What we know after this message: earlier findings plus everything the text states."""
    known = Findings.from_dict(findings)
    return known.merge(scan(text)) if text else known


def alert_hits(findings: Findings) -> List[RedFlagHit]:
    """Red flags that call for an immediate alert (urgent or emergency)."""
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
) -> Optional[str]:
    """The alert level due after this message, or None when nothing new must be announced.

    An alert is due when the level rises above what was announced, when the message raises a red
    flag that was not known before, or when NLU says the message is an emergency.
    """
    before = Findings.from_dict(findings)
    after = findings_with_message(findings, text)
    level = alert_level(after, intent)
    if level is None:
        return None
    rises = not alerted_level or TRIAGE_RANK[level] > TRIAGE_RANK.get(alerted_level, -1)
    new_flags = {h.id for h in alert_hits(after)} - {h.id for h in alert_hits(before)}
    if rises or new_flags or intent == EMERGENCY_INTENT:
        return level
    return None
