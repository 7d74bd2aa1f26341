"""Knowledge answers: what a technique is, self-massage steps, and when to see a doctor.

Answers are tailored to the user's assessment when there is one. We resolve "the second one" and
technique aliases ourselves rather than with rasa_sdk's ActionQueryKnowledgeBase: our knowledge base
is one validated YAML file with clinical tailoring, and the generic object/attribute model would
need extra entity types and still could not apply triage and contraindications.
"""
from __future__ import annotations

import re
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import render
from actions.clinic import load_knowledge
from actions.clinic.findings import TECHNIQUES
from actions.common import (
    absorb_latest_message,
    emergency_number,
    findings_event,
    slot_events,
    is_voice,
    send,
    start_check,
)

ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "last": -1}
ORDINAL_RE = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b(?: one| option| technique)?", re.I)


def resolve_technique(tracker: Tracker) -> Optional[str]:
    """The technique the user means: an entity, a name in the text, or "the second one"."""
    kb = load_knowledge()
    text = (tracker.latest_message or {}).get("text") or ""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "technique":
            found = entity.get("value") if entity.get("value") in TECHNIQUES else kb.find_technique(str(entity.get("value")))
            if found:
                return found
    lowered = text.lower()
    for technique_id in TECHNIQUES:
        tech = kb.technique(technique_id)
        for label in [tech["name"], *tech["aliases"]]:
            if re.search(r"\b" + re.escape(label.lower()) + r"\b", lowered):
                return technique_id
    match = ORDINAL_RE.search(text)
    recommended = tracker.get_slot("recommended_techniques") or []
    if match and recommended:
        index = ORDINALS[match.group(1).lower()]
        if -len(recommended) <= index < len(recommended):
            return recommended[index]
    return None


class ActionExplainTechnique(Action):
    def name(self) -> Text:
        return "action_explain_technique"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        technique_id = resolve_technique(tracker) or tracker.get_slot("technique")
        if technique_id not in TECHNIQUES:
            technique_id = None
        findings = absorb_latest_message(tracker)
        if technique_id is None and not tracker.get_slot("assessment") and not tracker.active_loop.get("name"):
            # "Which massage is safe for me?" before any check: what is safe depends on the answers.
            dispatcher.utter_message(
                text="Which massage fits, and which is safe for you, depends on your headache. "
                "A few short questions first, starting with warning signs; then I'll suggest options."
            )
            return findings_event(tracker, findings) + start_check(tracker)
        if technique_id is None:
            buttons = [
                {"title": render.technique_name(t), "payload": f"Tell me about {render.technique_name(t)}"}
                for t in (tracker.get_slot("recommended_techniques") or TECHNIQUES)
            ]
            send(dispatcher, tracker, "Which technique would you like to know about?", buttons)
            return findings_event(tracker, findings)
        dispatcher.utter_message(
            text=render.technique_explanation(technique_id, tracker.get_slot("assessment"), is_voice(tracker))
        )
        return slot_events(tracker, technique=technique_id) + findings_event(tracker, findings) + start_check(tracker)


class ActionSelfMassageGuide(Action):
    def name(self) -> Text:
        return "action_self_massage_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        findings = absorb_latest_message(tracker)
        assessment = tracker.get_slot("assessment")
        if not assessment:
            # Red-flag screening always comes before any massage advice: the check starts now.
            dispatcher.utter_message(
                text="I'll show you self-massage steps once I've checked your headache for warning signs; "
                "it only takes a few questions."
            )
            return findings_event(tracker, findings) + start_check(tracker)
        ruled_out = assessment.get("ruled_out") or {}
        if assessment.get("triage_level") in ("urgent", "emergency") or "self_massage" in ruled_out:
            dispatcher.utter_message(text=render.self_massage_not_allowed(assessment, emergency_number()))
            return findings_event(tracker, findings)
        for text in render.self_massage_guide(is_voice(tracker)):
            dispatcher.utter_message(text=text)
        return findings_event(tracker, findings)


class ActionWhenToSeeDoctor(Action):
    def name(self) -> Text:
        return "action_when_to_see_doctor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        findings = absorb_latest_message(tracker)
        for text in render.when_to_see_doctor(tracker.get_slot("assessment"), emergency_number(), is_voice(tracker)):
            dispatcher.utter_message(text=text)
        return findings_event(tracker, findings) + start_check(tracker)
