"""Fixed, polite answers for messages the NLU cannot be trusted with (see actions.clinic.inputcheck).

Predicted by the safety policy; after it an active consultation asks its current question again.
"""
from __future__ import annotations

import logging
from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic.inputcheck import check_input
from actions.common import emergency_number

logger = logging.getLogger(__name__)

RESPONSES: Dict[str, str] = {
    "empty": "utter_input_empty",
    "no_words": "utter_input_no_words",
    "drug_dose": "utter_drug_dose",
    "code": "utter_input_code",
    "non_english": "utter_english_only",
}


class ActionInputGuard(Action):
    def name(self) -> Text:
        return "action_input_guard"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        kind = check_input((tracker.latest_message or {}).get("text"))
        # Defensive: the policy predicts this only for a recognised kind; never answer nothing.
        response = RESPONSES.get(kind, "utter_ask_describe")
        dispatcher.utter_message(response=response, emergency_number=emergency_number())
        logger.info("input guard answered a message of kind %s", kind)
        return []
