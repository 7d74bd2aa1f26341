"""headease_rasa.session_start: a new conversation starts without the action server, the same way."""
import asyncio

import pytest
from rasa.core.actions.action import ActionSessionStart, RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart as HeadEaseSessionStart
from headease_rasa import session_start

DOMAIN = Domain.load("domain.yml")


@pytest.fixture(autouse=True)
def patched():
    was = session_start.installed()
    session_start.install()
    yield
    if not was:
        session_start.uninstall()


def without_times(events):
    return [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in events]


def headease_events(tracker):
    """What HeadEase's own action_session_start returns for the tracker, as Rasa events."""
    sdk_tracker = Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))
    dispatcher = CollectingDispatcher()
    events = asyncio.run(HeadEaseSessionStart().run(dispatcher, sdk_tracker, DOMAIN.as_dict()))
    return [Event.from_parameters(e) for e in events], dispatcher.messages


def test_a_new_conversation_gets_the_same_events_from_rasas_session_start():
    tracker = DialogueStateTracker("new", DOMAIN.slots)
    ours, messages = headease_events(tracker)
    rasa = asyncio.run(ActionSessionStart().run(None, None, tracker, DOMAIN))
    assert without_times(ours) == without_times(rasa) == without_times([SessionStarted(), ActionExecuted("action_listen")])
    assert messages == []
    assert DOMAIN.session_config.carry_over_slots is False  # what makes the built-in one carry nothing


class Processor:
    """The parts of Rasa's MessageProcessor that `_update_tracker_session` uses."""

    _update_tracker_session = session_start._update_tracker_session
    _get_action = session_start._get_action

    def __init__(self, expired):
        self.domain, self.action_endpoint, self.nlg, self.expired, self.ran = DOMAIN, None, None, expired, []

    def _has_session_expired(self, tracker):
        return self.expired

    async def _run_action(self, action, tracker, output_channel, nlg, prediction):
        self.ran.append(action)


def started_with(tracker, expired=False, metadata=None):
    processor = Processor(expired)
    asyncio.run(processor._update_tracker_session(tracker, None, metadata))
    return processor.ran


def test_which_session_start_runs():
    new = started_with(DialogueStateTracker("new", DOMAIN.slots))
    assert [type(a) for a in new] == [ActionSessionStart]
    assert [type(a) for a in started_with(DialogueStateTracker("meta", DOMAIN.slots), metadata={"x": 1})] == [ActionSessionStart]
    # an expired session with an unfinished consultation: HeadEase's own action, on the action server
    old = DialogueStateTracker.from_events("old", [ActionExecuted("action_listen"), UserUttered("hi"),
                                                   SlotSet("requested_slot", "severity")], DOMAIN.slots)
    ran = started_with(old, expired=True)
    assert [type(a) for a in ran] == [RemoteAction] and ran[0].name() == "action_session_start"
    assert started_with(old, expired=False) == []
    # other actions are looked up as before
    assert type(Processor(False)._get_action("action_session_start")) is RemoteAction
