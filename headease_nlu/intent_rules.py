"""Intent rules of the NLU: which messages carry entities, and when a rule sets the intent.

- Only a confident intent gates entities (``GATE_CONFIDENCE``); social, control and off-topic
  intents carry none (``NO_ENTITIES``).
- A stated emergency-level red flag (the clinical core's verdict,
  ``actions.clinic.verdict.emergency_flags``) makes the intent `emergency`, except for questions
  about headaches in general and short answers (``overridable``); a learned `emergency` is never
  taken away here (the dialogue's verdict weighs it).
- A yes/no/don't-know answer that names something ("no fever") is an `inform`; a short message
  that names a headache detail answers a question whatever unsure social intent it got
  (``detail_answer``).
- ``relabel`` puts a rule's intent on top of the ranking.
Pure functions, no Rasa import.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, Optional

from headease_nlu.mentions import Mention

# Social, control and off-topic messages carry no entities ("computer" in "am I talking to a
# computer", "rash" in "I have a rash on my arm that itches"): the safety scan still reads them.
NO_ENTITIES = frozenset(
    {"greet", "goodbye", "thank", "bot_challenge", "chitchat", "out_of_scope", "restart", "stop",
     "delete_my_data"}
)


# The intent gates entity types only when the classifier is at least this sure of it.
GATE_CONFIDENCE = 0.6


def relabel(parse: Dict[str, Any], intent: str) -> Dict[str, Any]:
    """The parse's intent and ranking with ``intent`` on top at confidence 1.0 (a rule's decision);
    the classifier's other guesses stay, at half their confidence, so the FallbackClassifier after
    the rules does not call the decision ambiguous."""
    ranking = [
        {**r, "confidence": 0.5 * float(r.get("confidence") or 0.0)}
        for r in parse.get("intent_ranking") or []
        if r.get("name") != intent
    ]
    top = {"name": intent, "confidence": 1.0}
    return {"intent": top, "intent_ranking": [top] + ranking}


# --- answers that name something ------------------------------------------------------------------
# "no fever", "yes, nausea and light sensitivity": a short answer that names a finding, a time or a
# medicine is an `inform` (the training data never labels such an answer affirm/deny/dont_know).
BARE_ANSWERS = frozenset({"affirm", "deny", "dont_know"})


INFORM = "inform"


# "left only", "the back mostly": a short message that names a headache detail answers a
# question, whatever social or control intent an unsure classifier gave it (a short reply listed in
# short_replies.yml comes at confidence 1.0 and names nothing, so it is never touched).
DETAIL_TYPES = frozenset(
    {"pain_location", "pain_quality", "severity", "duration", "frequency", "onset", "symptom",
     "trigger", "origin", "medication"}
)


UNSURE_SOCIAL = 0.9


def detail_answer(intent: Optional[str], confidence: float, mentions: Iterable[Mention], text: str) -> bool:
    """Is this short message, labelled social/control without much confidence, an answer?"""
    if intent not in NO_ENTITIES or confidence >= UNSURE_SOCIAL:
        return False
    if len(re.findall(r"[\w']+", text)) > SHORT_ANSWER_WORDS:
        return False
    return any(m["entity"] in DETAIL_TYPES for m in mentions)


# --- the emergency intent -------------------------------------------------------------------------
# Which red flags make a message an emergency is the clinical core's verdict
# (``actions.clinic.verdict.emergency_flags``); the convention only says which messages it may
# relabel: a stated red flag turns any intent into `emergency` except questions about headaches in
# general ("when should I worry about weakness?") and short answers (up to SHORT_ANSWER_WORDS
# words: "suddenly" answers "how fast did it start?", and the dialogue knows which question it asked).
NOT_OVERRIDABLE = frozenset({"ask_when_doctor", "ask_why", "ask_technique", "ask_self_massage", "ask_summary"})


ANSWER_INTENTS = frozenset({"inform", "affirm", "deny", "dont_know"})


SHORT_ANSWER_WORDS = 5


def overridable(intent: Optional[str], text: str) -> bool:
    """May a stated red flag make a message of this intent an emergency?"""
    if intent in NOT_OVERRIDABLE:
        return False
    if intent in ANSWER_INTENTS:
        return len(re.findall(r"[\w']+", text)) > SHORT_ANSWER_WORDS
    return True



def may_worry(intent: Optional[str], confidence: float) -> bool:
    """May words that wonder whether it is an emergency make this message `emergency`? Not a
    question about headaches in general the classifier is sure of ("when is a headache an
    emergency?")."""
    return intent != "emergency" and (intent not in NOT_OVERRIDABLE or confidence < GATE_CONFIDENCE)
