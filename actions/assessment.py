"""Actions that give the assessment: the normal end of a consultation, and the red-flag alert."""
from __future__ import annotations

import dataclasses
import logging
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import render
from actions.clinic import assess
from actions.clinic.assessment import Assessment
from actions.clinic.findings import TRIAGE_RANK, Findings
from actions.clinic.safety import EMERGENCY_INTENT, emergency_intent_unfounded, urgent_read_as_emergency
from actions.common import (
    ALERT_ACTION,
    CONSULTATION_FORM,
    absorb_latest_message,
    emergency_number,
    findings_event,
    slot_events,
    is_voice,
    known_findings,
    latest_intent,
)

logger = logging.getLogger(__name__)


def outcome_events(tracker: Tracker, assessment: Assessment, findings: Findings) -> List[EventType]:
    """Slots every front end and follow-up relies on (foundation contract), when they changed."""
    values = {
        "headache_type": assessment.headache_type,
        "triage_level": assessment.triage_level,
        "recommended_techniques": assessment.technique_ids,
        "assessment": assessment.to_payload(),
    }
    if assessment.triage_level in ("urgent", "emergency"):
        values["alerted_level"] = assessment.triage_level
    return slot_events(tracker, **values) + findings_event(tracker, findings)


def send_assessment(dispatcher: CollectingDispatcher, tracker: Tracker, assessment: Assessment) -> None:
    voice = is_voice(tracker)
    number = emergency_number()
    alert = assessment.triage_level in ("urgent", "emergency")
    texts = (
        render.alert_messages(assessment, number, voice)
        if alert
        else render.assessment_messages(assessment, number, voice)
    )
    for text in texts:
        dispatcher.utter_message(text=text)
    payload = assessment.to_payload()
    payload["disclaimer"] = render.load_knowledge().disclaimer(number)
    payload["emergency_number"] = number
    if not voice:
        dispatcher.utter_message(json_message={"assessment": payload})
    # Logged without any health text: only the outcome categories.
    logger.info("assessment given: type=%s triage=%s", assessment.headache_type, assessment.triage_level)


class ActionGiveAssessment(Action):
    """The end of a consultation: classify, triage and recommend from everything known."""

    def name(self) -> Text:
        return "action_give_assessment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        findings = known_findings(tracker)
        assessment = assess(findings, previous_level=tracker.get_slot("triage_level"))
        previous = tracker.get_slot("assessment") or {}
        if previous and all(previous.get(k) == v for k, v in _headline(assessment).items()):
            # More details after an assessment that do not change it: say so briefly.
            dispatcher.utter_message(text="Thanks, I've added that. It doesn't change my suggestions above.")
        else:
            send_assessment(dispatcher, tracker, assessment)
        if assessment.triage_level not in ("urgent", "emergency"):
            dispatcher.utter_message(response="utter_anything_else")
        return outcome_events(tracker, assessment, findings)


def _classifier_only_reading(tracker: Tracker):
    """(findings, text, entities) of the latest message when its `emergency` intent is the intent
    classifier's alone, i.e. the entity extractor found no emergency-level red flag; else None."""
    message = tracker.latest_message or {}
    if message.get("headease_red_flags"):
        return None
    return tracker.get_slot("findings"), message.get("text"), message.get("entities") or []


def emergency_intent_set_aside(tracker: Tracker) -> bool:
    """The NLU's `emergency` intent is all that called the alert, and the message does not bear it
    out (``safety.emergency_intent_unfounded``). Never after an alert was given, and never when the
    entity extractor itself found the red flags that made the message an emergency."""
    if latest_intent(tracker) != EMERGENCY_INTENT or tracker.get_slot("alerted_level"):
        return False
    reading = _classifier_only_reading(tracker)
    return reading is not None and emergency_intent_unfounded(*reading)


def learned_only_over_urgent(tracker: Tracker) -> bool:
    """The `emergency` intent comes from the classifier alone, and the rules read the whole message
    as urgent (``safety.urgent_read_as_emergency``): the urgent advice stands."""
    reading = _classifier_only_reading(tracker)
    return reading is not None and urgent_read_as_emergency(*reading)


def _headline(assessment: Assessment) -> dict:
    payload = assessment.to_payload()
    return {k: payload[k] for k in ("headache_type", "triage_level", "recommended_techniques", "red_flags")}


def offer_more(dispatcher: CollectingDispatcher, tracker: Tracker, level: str) -> None:
    """What comes next: follow-up options, or after an alert, the alert's action again."""
    if level in ("urgent", "emergency"):
        dispatcher.utter_message(
            text=render.load_knowledge().triage_message(level, emergency_number())
            + " I'm here if you have questions, but please act on this first."
        )
    else:
        dispatcher.utter_message(response="utter_anything_else")


class ActionOfferMore(Action):
    """After "ok"/"yes" outside a consultation: offer follow-ups, or repeat an alert's advice."""

    def name(self) -> Text:
        return "action_offer_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        offer_more(dispatcher, tracker, tracker.get_slot("triage_level") or "self_care")
        return []


class ActionRedFlagAlert(Action):
    """Interrupts anything (form, digression, follow-up) when a red flag appears."""

    def name(self) -> Text:
        return ALERT_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if emergency_intent_set_aside(tracker):
            # Only the intent classifier called this an emergency, and the message reads completely
            # as ordinary headache details ("i feel sick and light bothers me"): it is an answer,
            # so the consultation takes it (and starts, if none is running).
            logger.info("emergency intent set aside: the message states no red flag")
            return [FollowupAction(CONSULTATION_FORM)]
        findings = absorb_latest_message(tracker)
        assessment = assess(findings, previous_level=tracker.get_slot("triage_level"))
        if latest_intent(tracker) == EMERGENCY_INTENT and assessment.triage_level != "emergency" and not learned_only_over_urgent(tracker):
            # The NLU heard an emergency the rules could not pin down: a learned component may add
            # a red flag, never remove one.
            assessment = dataclasses.replace(
                assessment,
                headache_type="secondary",
                triage_level="emergency",
                recommended_techniques=[],
                reasons=["You described something that can be an emergency."] + assessment.reasons,
            )
        if TRIAGE_RANK[assessment.triage_level] < TRIAGE_RANK["urgent"]:
            # Defensive: the policy only calls this for urgent/emergency findings.
            assessment = dataclasses.replace(assessment, triage_level="urgent", recommended_techniques=[])
        send_assessment(dispatcher, tracker, assessment)
        return outcome_events(tracker, assessment, findings) + [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
        ]
