"""The summary a user can take to their doctor: structured text plus the assessment payload."""
from __future__ import annotations

import datetime as dt
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import render
from actions.common import absorb_latest_message, findings_event, is_voice
from actions.clinic.findings import CONSULTATION_SLOTS


class ActionDoctorSummary(Action):
    def name(self) -> Text:
        return "action_doctor_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        findings = absorb_latest_message(tracker)
        assessment = tracker.get_slot("assessment")
        slots = {name: tracker.get_slot(name) for name in CONSULTATION_SLOTS}
        today = dt.date.today().isoformat()
        text = render.doctor_summary(slots, findings, assessment, today)
        if is_voice(tracker):
            dispatcher.utter_message(
                text="I've prepared a summary for your doctor. It can be printed or sent from the screen."
            )
        else:
            dispatcher.utter_message(text="Here is a summary you can show your doctor:\n\n" + text)
            dispatcher.utter_message(
                json_message={"doctor_summary": {"text": text, "filename": f"headease-summary-{today}.txt"}}
            )
            if assessment:
                dispatcher.utter_message(json_message={"assessment": assessment})
        return findings_event(tracker, findings)
