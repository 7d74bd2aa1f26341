"""The consultation form: understand each answer, skip what is known, ask the next useful question.

`validate_consultation_form` replaces Rasa's fixed slot order with the clinical question planner
(`actions.clinic.questions.plan_questions`) and parses free-text answers deterministically
(`actions.clinic.reading.parse_answer`), so buttons are optional and nothing the user typed is
lost. A red flag found in an answer ends the form at once; the assessment rule then gives the
emergency or urgent advice.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.clinic.findings import CONSULTATION_SLOTS, Findings
from actions.clinic.questions import (
    PATTERN_SYMPTOMS, carries_details, is_answered, plan_questions, unreadable_answer,
    with_signs_to_ask,
)
from actions.clinic.reading.followups import confirm_sign
from actions.clinic.inputcheck import is_control_request
from actions.clinic.reading import parse_answer
from actions.common import (
    ALERT_ACTION,
    action_before_form,
    ask_question,
    asked_this_turn,
    times_asked,
    form_reads_user_message,
    findings_event,
    known_findings,
    latest_intent,
    message_findings,
    slot_events,
)

# Intents that are questions or requests rather than answers: the form steps aside (rejects) so
# the digression rules answer them, then the form resumes and re-asks its question.
DIGRESSION_INTENTS = {
    "ask_technique",
    "ask_why",
    "ask_when_doctor",
    "ask_self_massage",
    "ask_summary",
    "ask_drug_dose",
    "chitchat",
    "bot_challenge",
    "out_of_scope",
    "thank",
    "greet",
    "goodbye",
    "stop",
    "restart",
    "delete_my_data",
}
CONTROL_INTENTS = frozenset({"restart", "delete_my_data", "goodbye", "stop"})
# (An `emergency` label is not a digression: the safety verdict has already read the message and
# found nothing to announce, so the form takes it as an answer attempt; rejecting it would leave
# the turn with no reply.)
# An explicit answer to these questions replaces what was inferred earlier instead of adding to it.
REPLACED_BY_ANSWER = {
    "pain_location": "locations",
    "pain_quality": "qualities",
    "triggers": "triggers",
    "origin": "origins",
}
# When a message has no text (a button sent as an intent, or an intent-only test story), the
# intent itself is the answer.
INTENT_AS_TEXT = {"deny": "no", "affirm": "yes", "dont_know": "I don't know"}
MAX_UNPARSED = 2  # after this many answers we cannot understand, record "unknown" and move on
MAX_ASKS = 2  # no question is asked more than twice, whatever came in between


def _values_from_findings(findings: Findings) -> Dict[str, Any]:
    """Each slot an earlier message can fill without its question, with the value it would take
    (None where nothing was said)."""
    values: Dict[str, Any] = {
        "pain_location": sorted(findings.locations) or None,
        "pain_quality": sorted(findings.qualities) or None,
        "severity": findings.intensity,
        "duration": "continuous" if findings.continuous else findings.duration_minutes,
        "frequency": findings.days_per_month,
        "onset": findings.onset,
        "associated_symptoms": sorted(findings.symptoms & PATTERN_SYMPTOMS) or None,
        "triggers": sorted(findings.triggers) or None,
        "origin": sorted(findings.origins) or None,
        "age": findings.age,
        "red_flags": ["none"] if findings.red_flag_screen_negative else None,
    }
    med_days = [d for d in (findings.simple_analgesic_days, findings.specialist_med_days) if d is not None]
    # frequent use answers it only with "for how long?" too (is_answered)
    values["medication_use"] = max(med_days) if med_days else None
    return values


def derived_slot_values(findings: Findings) -> Dict[str, Any]:
    """Slot values that earlier messages already answer (so the form does not ask again): only what
    answers the question as the planner sees it ("an aura said in passing" leaves "anything else
    with it?" open): one definition of answered, in questions.py."""
    return {slot: value for slot, value in _values_from_findings(findings).items()
            if value is not None and is_answered(slot, findings)}


def _lay(ids) -> str:
    return " / ".join(sorted(i.replace("_", " ") for i in ids))


def apply_answer(findings: Findings, slot: str, answer: Findings, earlier: Findings):
    """Merge an explicit answer; returns (findings, confirmation note for a contradiction or None).

    `earlier` is what was known before this message, to spot a contradiction.

    The latest explicit answer wins; when it contradicts what was said before, the bot says so
    briefly so the user can correct it (no extra question needed).
    """
    merged = findings.merge(answer)
    note = None
    field_name = REPLACED_BY_ANSWER.get(slot)
    if field_name and getattr(answer, field_name):
        before, now = getattr(earlier, field_name), getattr(answer, field_name)
        setattr(merged, field_name, set(now))
        if before and not before & now:
            note = f"Just to check: earlier it sounded like {_lay(before)}, now {_lay(now)}. I'll go with your latest answer; tell me if that's wrong."
    if slot == "severity" and earlier.intensity is not None and answer.intensity is not None:
        if abs(earlier.intensity - answer.intensity) >= 4:
            note = f"Just to check: earlier you described it as {earlier.intensity}/10, now {answer.intensity}/10. I'll use {answer.intensity}/10; tell me if that's wrong."
    return merged, note


# Before the same question again, when the message told us something else: what was said is kept.
NOTED = "Thanks, I've noted that."


class ValidateConsultationForm(FormValidationAction):
    """Parses answers, merges findings, and chooses the next question adaptively."""

    def name(self) -> Text:
        return "validate_consultation_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        requested: Optional[str] = tracker.get_slot("requested_slot")
        values = {slot: tracker.get_slot(slot) for slot in CONSULTATION_SLOTS}
        findings = known_findings(tracker)
        events: List[EventType] = []
        noted = False
        if form_reads_user_message(tracker):
            intent = latest_intent(tracker)
            if action_before_form(tracker) == ALERT_ACTION:
                intent = None  # an emergency intent the alert set aside: the message is an answer
            text = tracker.latest_message.get("text") or INTENT_AS_TEXT.get(intent, "")
            answer = parse_answer(requested, text) if requested else None
            understood = bool(answer and answer.understood)
            said = message_findings(tracker)
            # A question asked twice is not asked again: the next unusable reply moves on.
            last_chance = times_asked(tracker, requested) >= MAX_ASKS
            # A restart/delete label without the words asking for it is not a control request
            # (the dialogue policy sends such a message here): it is read as an answer attempt.
            digression = intent in DIGRESSION_INTENTS and not (
                intent in CONTROL_INTENTS and not is_control_request(intent, text)
            )
            if digression and not understood and not carries_details(said) and not last_chance:
                return []  # not an answer: let the digression rules handle it, then ask again
            earlier = findings
            findings = findings.merge(said)
            newly_known = {
                slot for slot in derived_slot_values(findings) if values.get(slot) is None
            } - set(derived_slot_values(earlier))
            if requested and not understood and requested in derived_slot_values(findings):
                events = [SlotSet("unparsed_attempts", 0)]  # the entities answered it; filled below
            elif requested and not understood and newly_known and not last_chance:
                noted = True  # the user answered something else: keep it, then ask this question again
            elif requested:
                answer, events = self._settle_answer(requested, answer, tracker, dispatcher, last_chance)
                if answer is not None:
                    values[requested] = answer.value
                    findings, note = apply_answer(findings, requested, answer.findings, earlier)
                    if requested == "flag_check":  # the answer is about the sign the question named
                        findings = confirm_sign(findings, answer.value)
                        values[requested] = None if findings.sign_to_confirm() else answer.value
                    if note:
                        dispatcher.utter_message(text=note)
            elif not any(values.values()):
                dispatcher.utter_message(
                    text="Thanks. I'll ask a few short questions; you can type freely or use the buttons, "
                    "and ask \"why?\" at any time."
                )
        for slot, value in derived_slot_values(findings).items():
            if values[slot] is None:
                values[slot] = value
        for slot in _values_from_findings(findings):
            # a value taken from earlier words, never asked, that no longer answers the question as
            # the planner now sees it ("one side" once a neck pattern needs to know whether it
            # keeps to that side): cleared, so the question is asked
            derived = slot != requested and times_asked(tracker, slot) == 0 and slot not in findings.unknown_answers
            if values.get(slot) is not None and derived and not is_answered(slot, findings):
                values[slot] = None
        if with_signs_to_ask(findings).sign_to_confirm():
            values["flag_check"] = None  # a sign that would make it an emergency: asked directly
        next_slot = self._next_slot(findings, values, requested)
        if next_slot is not None and next_slot == requested and times_asked(tracker, requested) >= MAX_ASKS:
            # Asked twice already (answers we could not use, digressions): go on without it; the
            # unclear answer follows the reference's rule (a red-flag question counts as yes).
            dispatcher.utter_message(text="No problem, let's leave that one and go on.")
            unknown = unreadable_answer(requested)
            values[requested] = unknown.value
            findings = findings.merge(unknown.findings)
            if requested == "flag_check":
                findings = confirm_sign(findings, unknown.value)
            if findings.sign_to_confirm():
                values["flag_check"] = None  # the sign the question screened for: asked directly
            next_slot = self._next_slot(findings, values, requested)
        events += slot_events(tracker, **values)
        if next_slot is not None:
            # the next question goes out in this same call; Rasa's form then skips its ask action
            # (headease_rasa/form_asks.py): one action-server round trip per consultation turn
            lead = NOTED if noted and next_slot == requested else ""
            events += ask_question(dispatcher, tracker, next_slot, lead, findings=findings)
        return events + findings_event(tracker, findings) + [SlotSet("requested_slot", next_slot)]

    @staticmethod
    def _settle_answer(requested, answer, tracker, dispatcher, last_chance=False):
        """The answer to record for the requested slot, or None to re-ask after a clarification."""
        if answer is not None and answer.understood:
            return answer, [SlotSet("unparsed_attempts", 0)]
        if latest_intent(tracker) == "dont_know":
            return unreadable_answer(requested), [SlotSet("unparsed_attempts", 0)]
        attempts = int(tracker.get_slot("unparsed_attempts") or 0) + 1
        if attempts >= MAX_UNPARSED or last_chance:
            dispatcher.utter_message(text="No problem, let's leave that one and go on.")
            return unreadable_answer(requested), [SlotSet("unparsed_attempts", 0)]
        dispatcher.utter_message(
            text="Sorry, I didn't quite catch that. You can answer in your own words, pick a button, "
            "or say \"I don't know\"."
        )
        return None, [SlotSet("unparsed_attempts", attempts)]

    @staticmethod
    def _next_slot(findings: Findings, values: Dict[str, Any], requested: Optional[str]) -> Optional[str]:
        """The planner's next question (an emergency ends them; an urgent flag keeps the emergency
        screen going, ``plan_questions``)."""
        answered = {slot for slot, value in values.items() if value is not None}
        plan = [slot for slot in plan_questions(findings, answered) if slot not in answered]
        if requested in plan:
            return requested  # still open (unclear answer or a digression): ask it again
        return plan[0] if plan else None


class AskSlotAction(Action):
    """Asks one consultation question with quick-reply buttons (spoken choices on voice)."""

    slot: str = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if asked_this_turn(tracker, self.slot):
            return []  # the form's validation asked it in this turn already
        resuming = not form_reads_user_message(tracker) and action_before_form(tracker) is not None
        return ask_question(dispatcher, tracker, self.slot, "Back to your headache:" if resuming else "")


# One ask action per slot, e.g. action_ask_pain_location (Rasa calls them from the form).
for _slot in CONSULTATION_SLOTS:
    _cls = type(f"AskSlot_{_slot}", (AskSlotAction,), {"slot": _slot})
    globals()[_cls.__name__] = _cls
del _slot, _cls

