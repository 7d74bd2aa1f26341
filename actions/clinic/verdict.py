"""The safety verdict for one user message in its context: decided here, once, for every consumer.

Every turn, whatever the dialogue is doing, the message is read by the clinical reader (in the
context of the question pending) and merged with what is known; the red-flag screen
(``redflags.screen``) then says which warning signs are present and at what level. This module
turns that, together with the intent classifier's guess, into one decision:

- ``alert``: a red flag the rules read (stated, or an asked-and-unclear answer), or a request for
  emergency help itself; the advice is given at once (reference 4.3).
- ``ask_emergency_screen``: only the intent classifier said `emergency`. A learned guess is not a
  finding: the emergency-screen question is asked (yes or not sure -> emergency advice).
- ``continue``: nothing new to announce; the message is read as an answer or a detail.

The NLU extractor (which labels a message `emergency`), the dialogue policy (which interrupts any
flow), the alert action, the reply guard and the kiosk all consume ``verdict``; none of them
decides a level itself (tests/clinic/test_verdict.py checks that).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from .findings import TRIAGE_RANK, Findings
from .reading.followups import confirm_sign
from .inputcheck import check_input, is_emergency_request
from .safety import ALERT_LEVELS, alert_hits, findings_with_message
from .reading import RED_FLAG_SYMPTOMS, parse_answer, scan, unexplained_words

ALERT = "alert"
ASK_EMERGENCY_SCREEN = "ask_emergency_screen"
CONTINUE = "continue"
EMERGENCY_INTENT = "emergency"
SCREEN_SLOT = "red_flags"
# On a parse result when the NLU extractor set the `emergency` intent from the words.
RED_FLAG_KEY = "headease_red_flags"
# The screen question is asked at most this often on a classifier's guess (then it is an answer).
MAX_SCREEN_ASKS = 2

# Symptoms of an ordinary headache attack (3.2): on their own they never make a message an emergency.
ORDINARY_SYMPTOMS = frozenset(
    {"nausea", "vomiting", "light_sensitivity", "sound_sensitivity", "restless_agitated",
     "tearing_same_side", "runny_blocked_nose_same_side"}
)
# Background that says nothing alarming ("I get migraines", "same as my usual ones").
ORDINARY_HISTORY = frozenset({"known_migraine", "same_as_usual", "recent_headaches"})
SUDDEN_ONSETS = ("sudden_peak_lt_1m", "peak_1_5m")
_CLAUSE = re.compile(r"[.!?;,\n]+|\s+(?:and|but|then|also|plus)\s+", re.I)


@dataclass(frozen=True)
class Context:
    """What the dialogue knows when the message arrives (plain values from the tracker)."""

    findings: Optional[Dict[str, Any]] = None  # the `findings` slot
    pending: Optional[str] = None  # the question being answered (requested slot), if any
    alerted_level: Optional[str] = None  # the highest level already announced
    screen_asks: int = 0  # how often the emergency-screen question was asked


@dataclass(frozen=True)
class FlagRead:
    id: str  # rf_* id (reference 4.2)
    level: str  # the triage level it calls for
    uncertain: bool  # raised by an asked-and-unclear answer ("not sure" counts, 4.3)


@dataclass(frozen=True)
class Verdict:
    next: str  # ALERT | ASK_EMERGENCY_SCREEN | CONTINUE
    level: Optional[str]  # the level to announce with ALERT (urgent | emergency)
    flags: Tuple[FlagRead, ...]  # urgent and emergency flags present after this message
    new_flags: Tuple[str, ...]  # the ids among them this message raised
    evidence: Tuple[str, ...]  # the message's words that show them (for the record, never logged)
    reason: str  # stated | emergency_request | classifier_only | answer | none
    findings: Findings  # what is known after the message

    @property
    def alerts(self) -> bool:
        return self.next == ALERT

    @property
    def classifier_only(self) -> bool:
        """The classifier's `emergency` is all that called for attention (the rules read less)."""
        return self.reason == "classifier_only"


def verdict(
    text: Optional[str],
    entities: Optional[List[Dict[str, Any]]] = None,
    intent: Optional[str] = None,
    context: Context = Context(),
) -> Verdict:
    """The one safety decision for a message: see the module docstring."""
    before = Findings.from_dict(context.findings)
    after = _with_answer(findings_with_message(context.findings, text, entities, context.pending), text, context.pending)
    hits = alert_hits(after)
    known_ids = {h.id for h in alert_hits(before)} if context.findings else set()
    flags = tuple(FlagRead(h.id, h.level, h.uncertain) for h in hits)
    new = tuple(h.id for h in hits if h.id not in known_ids)
    level = _highest(h.level for h in hits)
    evidence = _evidence(text) if new else ()

    def decide(next_: str, reason: str, announce: Optional[str] = level) -> Verdict:
        return Verdict(next_, announce if next_ == ALERT else None, flags, new, evidence, reason, after)

    rises = level is not None and (
        not context.alerted_level or TRIAGE_RANK[level] > TRIAGE_RANK.get(context.alerted_level, -1)
    )
    if intent != EMERGENCY_INTENT or level == "emergency":
        return decide(ALERT, "stated") if (rises or new) else decide(CONTINUE, "none")
    # The intent classifier said `emergency`; the rules read less than that in the words.
    if text and is_emergency_request(text):
        return decide(ALERT, "emergency_request", "emergency")
    if level is None and text and check_input(text) in ("drug_dose", "code"):
        # a dose question or code the classifier took for an emergency: its fixed answer instead
        return decide(CONTINUE, "answer")
    if not context.alerted_level and level is None and _reads_as_ordinary(context.findings, text, entities):
        return decide(CONTINUE, "answer")  # every word is an ordinary headache detail
    if context.pending == SCREEN_SLOT:
        return decide(CONTINUE, "answer")  # the answer to the screen question just asked
    if level is None and before.red_flag_screen_negative and _answers(context.pending, text):
        # The screen was answered "none" already and the words answer the question asked: read
        # as that answer (a learned guess does not override it, nor asks the same screen again).
        return decide(CONTINUE, "answer")
    if level is not None and (rises or new):
        return decide(ALERT, "classifier_only")  # an urgent flag: announced, the screen goes on
    if context.alerted_level == "emergency":
        return decide(CONTINUE, "answer")  # the highest advice stands; the alert action repeats it
    if context.pending and context.alerted_level:
        return decide(CONTINUE, "answer")  # announced already; the answer to the question pending
    if context.screen_asks >= MAX_SCREEN_ASKS:
        return decide(CONTINUE, "answer")  # asked twice: the message is an answer, not a new alarm
    return decide(ASK_EMERGENCY_SCREEN, "classifier_only")


def emergency_flags(text: Optional[str], entities: Optional[List[Dict[str, Any]]] = None) -> List[str]:
    """The emergency-level red flags this message states on its own ([] if none): what makes the
    NLU label it `emergency` (the same reading as every other consumer's)."""
    return sorted(f.id for f in verdict(text, entities).flags if f.level == "emergency")


def learned_intent(intent: Optional[str], parse_data: Optional[Dict[str, Any]]) -> Optional[str]:
    """The intent classifier's own guess: when the NLU extractor set `emergency` because the words
    state a red flag (``emergency_flags``), the verdict reads the words again in context and the
    classifier's guess is the one it recorded."""
    marked = (parse_data or {}).get(RED_FLAG_KEY)
    return marked.get("classified_as") if isinstance(marked, dict) else intent


def _answers(pending: Optional[str], text: Optional[str]) -> bool:
    """Does ``text`` read as a usable answer to the question ``pending``?"""
    return bool(pending and text and pending != SCREEN_SLOT and parse_answer(pending, text).understood)


def _with_answer(after: Findings, text: Optional[str], pending: Optional[str]) -> Findings:
    """What the message adds as the answer to the question pending (its parser: "not sure" to a
    safety question counts, 4.3); the consultation records the same answer."""
    if not (text and pending):
        return after
    answer = parse_answer(pending, text)
    if not answer.understood:
        return after
    after = after.merge(answer.findings)
    return confirm_sign(after, answer.value) if pending == "flag_check" else after


def message_level(text: Optional[str], entities: Optional[List[Dict[str, Any]]] = None) -> Optional[str]:
    """The alert level this message calls for on its own (no context), or None."""
    return verdict(text, entities).level


def _highest(levels) -> Optional[str]:
    levels = [lv for lv in levels if lv in ALERT_LEVELS]
    return max(levels, key=TRIAGE_RANK.__getitem__) if levels else None


def _evidence(text: Optional[str]) -> Tuple[str, ...]:
    """The clauses of the message in which the reader finds a warning sign or a sudden onset."""
    if not text:
        return ()
    out = []
    for clause in (c.strip() for c in _CLAUSE.split(text)):
        if not clause:
            continue
        said = scan(clause)
        if said.symptoms & RED_FLAG_SYMPTOMS or said.uncertain & RED_FLAG_SYMPTOMS or said.onset in SUDDEN_ONSETS:
            out.append(clause)
    return tuple(out) or (text.strip(),)


def _reads_as_ordinary(
    findings: Optional[Dict[str, Any]], text: Optional[str], entities: Optional[List[Dict[str, Any]]]
) -> bool:
    """True when the intent classifier's `emergency` rests on nothing the message says.

    The classifier learned that "X and Y" lists of symptoms are often emergencies, so it also
    labels "i feel sick and light bothers me" as one. The guess is set aside only when the reader
    explains every word of the message (``unexplained_words``) as ordinary headache details: only
    attack symptoms, locations, qualities, triggers, numbers, or red flags the user denies; nothing
    hedged, no sudden onset, no pregnancy, nothing to confirm. Anything else ("help me", "I think
    I'm dying", wording the lexicon lacks) keeps the guess, which then asks the emergency screen.
    """
    if not text or not text.strip():
        return False
    said = findings_with_message(None, text, entities)
    if said.uncertain or said.onset in SUDDEN_ONSETS or said.contraindications or said.pregnant:
        return False
    if said.to_confirm or (said.symptoms - ORDINARY_SYMPTOMS) or (said.history - ORDINARY_HISTORY):
        return False
    if unexplained_words(text):
        return False
    return not alert_hits(findings_with_message(findings, text, entities))
