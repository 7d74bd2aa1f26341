"""Conversation helpers: explain why a question is asked, and clarify what was not understood."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic.clarify import load_options
from actions.clinic.questions import why_we_ask
from actions.common import send, start_check

# What a message must name for an unsure classifier's "did you mean…?" to be skipped: it already
# describes a headache, so the consultation starts and reads it (the red-flag screen comes first).
HEADACHE_DETAILS = frozenset(
    {"pain_location", "pain_quality", "severity", "duration", "frequency", "onset", "symptom", "origin"}
)


def names_headache_details(message: dict) -> bool:
    """Does the message name an affirmed headache detail (not "no fever")?"""
    return any(
        e.get("entity") in HEADACHE_DETAILS and e.get("role") != "negated"
        for e in (message or {}).get("entities") or []
    )


def _clarified_last_turn(tracker: Tracker) -> bool:
    """True when the bot's previous turn was already a clarification."""
    actions = [
        e.get("name")
        for e in tracker.events
        if e.get("event") == "action" and e.get("name") not in ("action_listen", None)
    ]
    return bool(actions) and actions[-1] == "action_clarify"


class ActionExplainQuestion(Action):
    """Answers "why do you ask?" for the question currently asked."""

    def name(self) -> Text:
        return "action_explain_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        slot = tracker.get_slot("requested_slot")
        dispatcher.utter_message(
            text=why_we_ask(slot)
            if slot
            else "I ask about your headache so I can check for warning signs first and then suggest what may help."
        )
        return []


class ActionClarify(Action):
    """Low-confidence NLU: offer the likeliest meanings as buttons instead of guessing."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        starting = start_check(tracker) if names_headache_details(tracker.latest_message) else []
        if starting:
            # "head feels like it's going to explode lol": the words were unclear to the classifier,
            # not to the reader; the check begins (red-flag screen first) with everything said kept
            return starting
        if _clarified_last_turn(tracker):
            # Second miss in a row: stop guessing and say plainly what HeadEase can do.
            dispatcher.utter_message(response="utter_default")
            return []
        table = load_options()
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        offered = []
        for candidate in ranking:
            option = table.for_guess(candidate.get("name"))
            if option and option not in offered:
                offered.append(option)
            if len(offered) == 2:
                break
        for intent in table.defaults:
            option = table.by_intent(intent)
            if len(offered) < 2 and option not in offered:
                offered.append(option)
        buttons = [{"title": o.title, "payload": o.reply} for o in offered]
        buttons.append({"title": "Something else", "payload": "something else"})
        send(dispatcher, tracker, "Sorry, I'm not sure I understood. Did you mean one of these?", buttons)
        return []


class ActionDeleteMyData(Action):
    """Confirms deletion; the tracker store then removes the whole conversation (not written back)."""

    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            text="Done: I've deleted this conversation and everything you told me from our records. "
            "If you'd like, you can start again by describing your headache."
        )
        return []


RESET_QUESTIONS = {
    "restart": "Start over and forget what you told me?",
    "delete_my_data": "Delete this conversation and everything you told me? This cannot be undone.",
}


class ActionConfirmReset(Action):
    """A restart or deletion request while a consultation holds answers: confirm before losing them."""

    def name(self) -> Text:
        return "action_confirm_reset"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message or {}).get("intent", {}).get("name")
        kind = intent if intent in RESET_QUESTIONS else "restart"
        yes = "Yes, start over" if kind == "restart" else "Yes, delete it"
        send(dispatcher, tracker, RESET_QUESTIONS[kind],
             [{"title": yes, "payload": "yes"}, {"title": "No, keep going", "payload": "no, keep going"}])
        return [SlotSet("reset_pending", kind)]


class ActionKeepGoing(Action):
    """The user did not confirm the restart or deletion: keep everything and carry on."""

    def name(self) -> Text:
        return "action_keep_going"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(text="OK, I've kept everything you told me.")
        events: List[EventType] = [SlotSet("reset_pending", None)]
        if tracker.active_loop_name:
            events.append(FollowupAction(tracker.active_loop_name))  # asks its question again
        return events


class ActionStartCheck(Action):
    """After a short answer to an opening question (a dose), the headache check starts."""

    def name(self) -> Text:
        return "action_start_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return start_check(tracker)
