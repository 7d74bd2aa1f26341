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
from actions.clinic.findings import CONSULTATION_SLOTS, Findings
from actions.clinic.questions import plan_questions, with_signs_to_ask
from actions.clinic.verdict import ASK_EMERGENCY_SCREEN, CONTINUE
from actions.forms import derived_slot_values
from actions.common import (
    ALERT_ACTION,
    CONSULTATION_FORM,
    absorb_latest_message,
    emergency_number,
    findings_event,
    slot_events,
    is_voice,
    known_findings,
    ask_question,
    safety_verdict,
    times_asked,
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


# Said before the questions an urgent alert still needs (reference 4.3: the screen completes).
MORE_SAFETY_QUESTIONS = "Before you go, a few more safety questions, because some signs would make this an emergency."
# Said when only the intent classifier heard an emergency: the screen is asked, not assumed.
SCREEN_CHECK = "Just to be safe, I need to check something first."


def _answered_slots(tracker: Tracker, findings: Findings) -> set:
    values = {slot: tracker.get_slot(slot) for slot in CONSULTATION_SLOTS}
    values.update({k: v for k, v in derived_slot_values(findings).items() if values.get(k) is None})
    return {slot for slot, value in values.items() if value is not None}


def _continue_with(slot: str) -> List[EventType]:
    """Keep (or start) the consultation with ``slot`` as the question now pending."""
    return [ActiveLoop(CONSULTATION_FORM), SlotSet("requested_slot", slot)]


class ActionRedFlagAlert(Action):
    """Interrupts anything (form, digression, follow-up) when a red flag appears.

    - a red flag the rules read: its advice at once; an emergency ends the consultation, an urgent
      finding keeps it going until the emergency screen is complete (reference 4.3);
    - the intent classifier's `emergency` alone: the emergency-screen question at once (a learned
      guess is not a finding), unless the message reads completely as ordinary details, which the
      consultation takes as an answer.
    """

    def name(self) -> Text:
        return ALERT_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        found = safety_verdict(tracker)
        if found.next == CONTINUE:
            if tracker.active_loop_name == CONSULTATION_FORM or not tracker.get_slot("alerted_level"):
                # Nothing to announce (only the classifier heard an emergency, and the message is an
                # answer or ordinary details): the consultation reads it.
                logger.info("emergency intent set aside: the message states no red flag")
                return [FollowupAction(CONSULTATION_FORM)]
            offer_more(dispatcher, tracker, tracker.get_slot("alerted_level"))
            return []
        findings = found.findings
        if found.next == ASK_EMERGENCY_SCREEN:
            return self._ask_screen(dispatcher, tracker, findings)
        assessment = assess(findings, previous_level=tracker.get_slot("triage_level"))
        if found.reason == "emergency_request" and assessment.triage_level != "emergency":
            # The person asks for emergency help ("call an ambulance"): they get the advice.
            assessment = dataclasses.replace(
                assessment, headache_type="secondary", triage_level="emergency", recommended_techniques=[],
                reasons=["You described something that can be an emergency."] + assessment.reasons,
            )
        send_assessment(dispatcher, tracker, assessment)
        events = outcome_events(tracker, assessment, findings)
        if assessment.triage_level == "urgent":
            answered = _answered_slots(tracker, findings)
            if with_signs_to_ask(findings).sign_to_confirm():
                answered.discard("flag_check")  # a sign that would make it an emergency: asked directly
                events += findings_event(tracker, findings)
            if tracker.get_slot("requested_slot") == "red_flags":
                answered.add("red_flags")  # the message that raised it answered the screen
                events.append(SlotSet("red_flags", assessment.red_flag_ids or ["answered"]))
            elif found.classifier_only and times_asked(tracker, "red_flags") < 2:
                findings.red_flag_screen_negative = None  # the screen is asked again, whatever was said
                events += findings_event(tracker, findings) + [SlotSet("red_flags", None)]
                answered.discard("red_flags")
            # (a question asked twice already is not asked again from here either)
            remaining = [q for q in plan_questions(findings, answered) if times_asked(tracker, q) < 2]
            if remaining:
                asked = ask_question(dispatcher, tracker, remaining[0], MORE_SAFETY_QUESTIONS)
                return events + asked + _continue_with(remaining[0])
        return events + [ActiveLoop(None), SlotSet("requested_slot", None)]

    @staticmethod
    def _ask_screen(dispatcher: CollectingDispatcher, tracker: Tracker, findings: Findings) -> List[EventType]:
        """A learned guess is not a finding: ask the emergency screen now (yes or not sure -> advice)."""
        findings.red_flag_screen_negative = None
        asked = ask_question(dispatcher, tracker, "red_flags", SCREEN_CHECK)
        logger.info("emergency intent without a red flag read: emergency screen asked")
        return findings_event(tracker, findings) + asked + [SlotSet("red_flags", None)] + _continue_with("red_flags")
