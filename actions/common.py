"""Helpers every HeadEase action shares: reading what is known, and sending channel-aware replies."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.render import emergency_number  # noqa: F401  (re-exported for the actions)
from actions.clinic.findings import Findings
from actions.clinic.questions import question
from actions.clinic.safety import findings_with_message
from actions.clinic.verdict import Context, Verdict, learned_intent, verdict

VOICE_CHANNELS = {"voice"}
CONSULTATION_FORM = "consultation_form"
# The red-flag alert hands a message back to the consultation (a follow-up of the form) when only
# the intent classifier called it an emergency and the message states no red flag.
ALERT_ACTION = "action_red_flag_alert"
# Actions that answer an opening question and then start the check with that same message: the
# form reads it (start_check), so nothing the person said is lost.
CHECK_STARTERS = ("action_start_check", "action_explain_technique", "action_self_massage_guide", "action_when_to_see_doctor")


def known_findings(tracker: Tracker) -> Findings:
    return Findings.from_dict(tracker.get_slot("findings"))


def message_findings(tracker: Tracker) -> Findings:
    """Everything the latest user message states: deterministic scan plus the NLU entities, read
    as the answer to the question pending (if one is)."""
    message = tracker.latest_message or {}
    pending = tracker.get_slot("requested_slot") if (tracker.active_loop or {}).get("name") else None
    return findings_with_message(None, message.get("text"), message.get("entities") or [], pending)


def safety_verdict(tracker: Tracker) -> Verdict:
    """The clinical core's one safety verdict on the latest message, in the dialogue's context
    (the same function, with the same context, as the dialogue policy's)."""
    message = tracker.latest_message or {}
    consultation = (tracker.active_loop or {}).get("name") == CONSULTATION_FORM
    context = Context(
        findings=tracker.get_slot("findings"),
        pending=tracker.get_slot("requested_slot") if consultation else None,
        alerted_level=tracker.get_slot("alerted_level"),
        screen_asks=times_asked(tracker, "red_flags"),
    )
    intent = (message.get("intent") or {}).get("name")
    return verdict(message.get("text"), message.get("entities") or [], learned_intent(intent, message), context)


def absorb_latest_message(tracker: Tracker) -> Findings:
    """Known findings merged with the latest user message, so nothing the user said is lost."""
    return known_findings(tracker).merge(message_findings(tracker))


def slot_events(tracker: Tracker, **values: Any) -> List[SlotSet]:
    """SlotSet events for the values that differ from the tracker's (keeps trackers small)."""
    return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]


def findings_event(tracker: Tracker, findings: Findings) -> List[SlotSet]:
    return slot_events(tracker, findings=findings.to_dict())


def start_check(tracker: Tracker) -> List[Any]:
    """A question at the opening (a dose, a technique, self-massage) gets its short answer, then the
    check starts with everything said kept: nothing is advised before the red-flag screen."""
    if tracker.get_slot("assessment") or (tracker.active_loop or {}).get("name"):
        return []
    offered = [SlotSet("check_offered", None)] if tracker.get_slot("check_offered") else []
    return offered + [FollowupAction(CONSULTATION_FORM)]


def times_asked(tracker: Tracker, slot: Optional[str]) -> int:
    return int((tracker.get_slot("question_counts") or {}).get(slot, 0)) if slot else 0


def ask_question(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slot: str,
    lead: str = "",
    findings: Optional[Findings] = None,
) -> List[SlotSet]:
    """Ask one consultation question (with its buttons) and count it: no question is asked more
    than twice (the form then records "unknown" and moves on). ``findings``: what is known if the
    caller has just learned more than the tracker holds (the form's validation)."""
    q = question(slot, findings if findings is not None else known_findings(tracker))
    send(dispatcher, tracker, f"{lead} {q['text']}".strip(), q["buttons"])
    counts = dict(tracker.get_slot("question_counts") or {})
    counts[slot] = counts.get(slot, 0) + 1
    return [SlotSet("question_counts", counts)]


def asked_this_turn(tracker: Tracker, slot: str) -> bool:
    """Was this slot's question already asked since the latest user message (by the form's
    validation, which asks the next question itself: headease_rasa/form_asks.py)? Its count in
    the newest `question_counts` set after the message differs from the newest one before it."""
    after: Optional[Dict[str, Any]] = None
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if after is None or slot not in after:
                return False
            seen_user = True
        elif event.get("event") == "slot" and event.get("name") == "question_counts":
            counts = event.get("value") or {}
            if not seen_user:
                after = counts if after is None else after
            else:
                return counts.get(slot, 0) != after.get(slot, 0)
    return seen_user


def is_voice(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() in VOICE_CHANNELS


def send(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    buttons: Optional[List[Dict[str, str]]] = None,
) -> None:
    """Send text with buttons; on voice, buttons become spoken choices instead."""
    if buttons and is_voice(tracker):
        choices = ", ".join(b["title"] for b in buttons[:-1])
        last = buttons[-1]["title"]
        text = f"{text} You can say {choices} or {last}." if choices else f"{text} You can say {last}."
        buttons = None
    dispatcher.utter_message(text=text, buttons=buttons or [])


def action_before_form(tracker: Tracker, form: str = "consultation_form") -> Optional[str]:
    """The action that ran before the form's current execution.

    Rasa hands a form's validation and ask actions a tracker that already ends with the form's
    own ActionExecuted, so `latest_action_name` is always the form: the action before it tells
    whether the form is answering a user message (action_listen) or resuming after a digression.
    """
    skipped_form = False
    for event in reversed(tracker.events):
        if event.get("event") != "action":
            continue
        if event.get("name") == form and not skipped_form:
            skipped_form = True
            continue
        return event.get("name")
    return None


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


def form_reads_user_message(tracker: Tracker, form: str = CONSULTATION_FORM) -> bool:
    """Is the form running on a new user message (not resuming after a digression)?

    Right after the user spoke, or right after the red-flag alert set aside an emergency intent
    the message did not bear out: the alert then runs the form as its follow-up, and only then
    (a real alert ends the form, and the bot waits for the user after it).
    """
    before = action_before_form(tracker, form)
    starting = before in CHECK_STARTERS and not tracker.get_slot("requested_slot")
    return before in ("action_listen", ALERT_ACTION) or starting


def slot_values(tracker: Tracker, names) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in names}
