"""Crisis guidance for self-harm statements (predicted by the safety policy on any turn).

The wording is the `utter_crisis_support` response (emergency number + crisis lines); this action
fills in the deployment's emergency number and stops any running consultation, so the next thing
the bot does is listen. A red flag the rules read in the same message ("worst headache of my life,
it came on in a second, I just want to die") gets its own advice right after (the alert action, in
the same turn). Nothing the person said about the headache is lost: when a consultation
was running, or the message itself describes a headache, the details are kept and the person is
offered to go on with the check when they are ready (yes resumes it, through the safety policy;
anything else is read as usual). The offer is a choice, never a push.
"""
from __future__ import annotations

import logging
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic.questions import carries_details
from actions.clinic.safety import findings_with_message
from actions.clinic.verdict import ALERT
from actions.common import (
    ALERT_ACTION, CONSULTATION_FORM, emergency_number, findings_event, known_findings, safety_verdict, send,
)

logger = logging.getLogger(__name__)

OFFER_SLOT = "check_offered"
OFFER = "When you feel ready, I can go on looking at your headache with you. Shall we?"
OFFER_BUTTONS = [
    {"title": "Yes, go on with the headache check", "payload": "yes, go on with the headache check"},
    {"title": "Not now", "payload": "not now"},
]


class ActionCrisisSupport(Action):
    def name(self) -> Text:
        return "action_crisis_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_crisis_support", emergency_number=emergency_number())
        logger.info("crisis guidance given")  # no user text in logs
        if safety_verdict(tracker).next == ALERT:
            return [SlotSet(OFFER_SLOT, None), FollowupAction(ALERT_ACTION)]
        events: List[EventType] = []
        consultation = tracker.active_loop_name == CONSULTATION_FORM
        if tracker.active_loop_name:
            # The pending question stays recorded (it is asked again, counted, if the check goes on).
            events.append(ActiveLoop(None))
        message = tracker.latest_message or {}
        # The message's own headache details, read on their own (not as an answer to a question).
        said = findings_with_message(None, message.get("text"), message.get("entities") or [], None)
        known = known_findings(tracker)
        if carries_details(said):
            events += findings_event(tracker, known.merge(said))
        assessed = bool(tracker.get_slot("assessment"))
        offer = consultation or (not assessed and (carries_details(said) or carries_details(known)))
        if offer:
            send(dispatcher, tracker, OFFER, OFFER_BUTTONS)
        return events + [SlotSet(OFFER_SLOT, True if offer else None)]
