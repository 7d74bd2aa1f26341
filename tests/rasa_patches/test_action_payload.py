"""headease_rasa.action_payload: action requests carry only recent events, nothing else changes."""
import json

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker

from actions.common import action_before_form, latest_intent
from actions.conversation import _clarified_last_turn
from headease_rasa import action_payload

DOMAIN = Domain.load("domain.yml")
FORM = "consultation_form"


def consultation(turns: int, end_with_clarify: bool = False) -> DialogueStateTracker:
    """A long conversation: session start, then `turns` form turns (as Rasa records them)."""
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for turn in range(turns):
        events += [
            UserUttered(f"answer {turn}", {"name": "inform", "confidence": 0.9}),
            ActionExecuted(FORM),
            SlotSet("findings", {"intensity": turn % 10}),
            SlotSet("requested_slot", "severity"),
            BotUttered(f"question {turn}"),
            ActionExecuted("action_listen"),
        ]
    events += [UserUttered("what do you mean?", {"name": "ask_why", "confidence": 0.9})]
    if end_with_clarify:
        events += [ActionExecuted("action_clarify"), BotUttered("Did you mean"), ActionExecuted("action_listen"),
                   UserUttered("hmm", {"name": "ask_why", "confidence": 0.9})]
    events += [ActionExecuted(FORM), ActiveLoop(FORM)]
    return DialogueStateTracker.from_events("long", events, slots=DOMAIN.slots)


def requests(tracker):
    action = RemoteAction("validate_consultation_form", EndpointConfig("http://localhost:5055/webhook"))
    original = RemoteAction.__dict__["_action_call_format"]
    full = original(action, tracker, DOMAIN) if not action_payload._installed else None
    action_payload.install()
    trimmed = RemoteAction._action_call_format(action, tracker, DOMAIN)
    return full, trimmed


def sdk_tracker(state) -> Tracker:
    return Tracker.from_dict(state)


def test_request_is_rasas_own_but_for_the_older_events():
    tracker = consultation(40)
    from rasa.shared.core.trackers import EventVerbosity
    import rasa

    trimmed = requests(tracker)[1]
    full_state = tracker.current_state(EventVerbosity.ALL)
    assert trimmed["next_action"] == "validate_consultation_form" and trimmed["sender_id"] == "long"
    assert trimmed["version"] == rasa.__version__ and trimmed["domain"] == DOMAIN.as_dict()
    assert {k: v for k, v in trimmed["tracker"].items() if k != "events"} == {
        k: v for k, v in full_state.items() if k != "events"
    }
    assert trimmed["tracker"]["events"] == full_state["events"][-len(trimmed["tracker"]["events"]):]


def test_size_stays_flat_as_the_conversation_grows():
    from rasa.shared.core.trackers import EventVerbosity

    sent = [requests(consultation(turns))[1]["tracker"]["events"] for turns in (5, 50, 200)]
    assert len(sent[0]) == len(sent[1]) == len(sent[2])
    sizes = [len(json.dumps(events)) for events in sent]
    assert max(sizes) < 1.1 * min(sizes)  # only the turn numbers in the texts differ
    full = consultation(200).current_state(EventVerbosity.ALL)["events"]
    assert len(json.dumps(full)) > 20 * sizes[2]


def test_actions_read_the_same_from_trimmed_and_full_trackers():
    from rasa.shared.core.trackers import EventVerbosity

    for clarify in (False, True):
        tracker = consultation(30, end_with_clarify=clarify)
        full = sdk_tracker(tracker.current_state(EventVerbosity.ALL))
        trimmed = sdk_tracker(requests(tracker)[1]["tracker"])
        assert action_before_form(trimmed) == action_before_form(full)
        assert _clarified_last_turn(trimmed) == _clarified_last_turn(full)
        assert latest_intent(trimmed) == latest_intent(full)
        assert trimmed.slots_to_validate() == full.slots_to_validate()
        assert trimmed.get_latest_input_channel() == full.get_latest_input_channel()
        assert trimmed.slots == full.slots and trimmed.active_loop == full.active_loop


def test_short_conversations_are_sent_whole():
    tracker = consultation(0)
    from rasa.shared.core.trackers import EventVerbosity

    assert requests(tracker)[1]["tracker"]["events"] == tracker.current_state(EventVerbosity.ALL)["events"]
