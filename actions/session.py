"""Session start: a returning user with an unfinished consultation can pick up where they left off.

Sessions expire after `session_expiration_time` (domain.yml). Only an unfinished consultation is
carried into the new session (the questions asked so far, so the user need not repeat them);
finished assessments and everything else start fresh. The user can say "start over" at any time.
"""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic.questions import question
from actions.common import send
from actions.clinic.findings import CONSULTATION_SLOTS

FORM = "consultation_form"


def unfinished_consultation(tracker: Tracker) -> bool:
    return bool(tracker.get_slot("requested_slot")) and not tracker.get_slot("assessment")


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        if unfinished_consultation(tracker):
            requested = tracker.get_slot("requested_slot")
            carried = [*CONSULTATION_SLOTS, "findings", "alerted_level", "triage_level"]
            events += [SlotSet(name, tracker.get_slot(name)) for name in carried if tracker.get_slot(name) is not None]
            events += [ActiveLoop(FORM), SlotSet("requested_slot", requested)]
            q = question(requested)
            send(
                dispatcher,
                tracker,
                "Welcome back. We were in the middle of your headache check, so let's carry on "
                "(or say \"start over\" for a fresh one). " + q["text"],
                q["buttons"] + [{"title": "Start over", "payload": "start over"}],
            )
        events.append(ActionExecuted("action_listen"))
        return events
