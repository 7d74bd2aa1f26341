"""Crisis guidance for self-harm statements (predicted by the safety policy on any turn).

The wording is the `utter_crisis_support` response (emergency number + crisis lines); this action
fills in the deployment's emergency number and stops any running consultation, so the next thing
the bot does is listen.
"""
from __future__ import annotations

import logging
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import emergency_number

logger = logging.getLogger(__name__)


class ActionCrisisSupport(Action):
    def name(self) -> Text:
        return "action_crisis_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_crisis_support", emergency_number=emergency_number())
        logger.info("crisis guidance given")  # no user text in logs
        if tracker.active_loop_name:
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        return []
