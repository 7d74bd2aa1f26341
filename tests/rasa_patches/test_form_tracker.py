"""headease_rasa.form_tracker: the form's temporary tracker equals Rasa's own.

Rasa's `_temporary_tracker` replays the session; the patched one continues a copy. Both are made
from the same live trackers (long form conversations, consultations with the form active, random
conversations of every event type) with the same new events, and compared on everything a
tracker holds, except the creation times of the two events the form adds (made anew by each call).
"""
import random

import pytest

from rasa.core.actions.forms import FormAction
from rasa.shared.core.events import ActionExecuted, Restarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bench.action_payload import conversation
from bench.policy_growth import consultations
from headease_rasa import form_tracker, tracker_copy
from tests.rasa_patches.test_state_cache import HEADEASE, TOY, form_turns, random_event
from tests.rasa_patches.test_tracker_copy import everything

RASA_TEMPORARY = form_tracker.PATCH.original("FormAction._temporary_tracker")


@pytest.fixture(autouse=True)
def patched():
    was = form_tracker.installed(), tracker_copy.installed()
    form_tracker.install()
    tracker_copy.install()
    tracker_copy.clear()
    yield
    if not was[0]:
        form_tracker.uninstall()
    if not was[1]:
        tracker_copy.uninstall()


def comparable(tracker):
    """`everything` of the tracker, the form's two added events without their creation time."""
    data = everything(tracker)
    events = list(tracker.events)
    data["events"] = [id(e) if not _added(e) else (type(e).__name__, e.as_dict().get("name"), e.as_dict().get("value"))
                      for e in events]
    data["state"] = dict(data["state"], latest_event_time=None,
                         events=[{k: v for k, v in e.items() if k != "timestamp"} for e in data["state"]["events"]])
    data["fields"] = {k: v for k, v in data["fields"].items() if k != "_last_event_time"}
    return data


def _added(event):
    return getattr(event, "_form_added", False)


def temporary_trackers(form, tracker, domain, extra):
    """Rasa's temporary tracker and ours, with the form's added events marked in both."""
    original_update = DialogueStateTracker.update

    def update(self, event, *args, **kwargs):
        if not any(event is e for e in tracker.events) and not any(event is e for e in extra):
            event._form_added = True  # made by the form's method, not one of the given events
        return original_update(self, event, *args, **kwargs)

    DialogueStateTracker.update = update
    try:
        rasa = RASA_TEMPORARY(form, tracker, extra, domain)
        ours = form._temporary_tracker(tracker, extra, domain)
    finally:
        DialogueStateTracker.update = original_update
    return rasa, ours


def check(tracker, domain, form_name="consultation_form"):
    form = FormAction(form_name, None)
    for extra in ([], [SlotSet("requested_slot", "severity")], [SlotSet("findings", {"x": 1}), ActionExecuted("action_listen")]):
        rasa, ours = temporary_trackers(form, tracker, domain, extra)
        assert comparable(ours) == comparable(rasa)


def test_long_form_conversations():
    for turns in (0, 1, 5, 40):
        check(conversation(turns, HEADEASE), HEADEASE)
    for count in (1, 3):
        check(consultations(count, HEADEASE), HEADEASE)


def test_grown_turn_by_turn_as_the_processor_copies_it():
    tracker = DialogueStateTracker("t", HEADEASE.slots)
    for event in form_turns(12):
        tracker.update(event)
        check(tracker.copy(), HEADEASE)  # the form gets the processor's copy


@pytest.mark.parametrize("seed", range(6))
def test_random_conversations(seed):
    rng = random.Random(seed)
    tracker = DialogueStateTracker("t", TOY.slots)
    for code in range(80):
        for event in random_event(rng, rng.randrange(1000)):
            if type(event) is not Restarted:
                tracker.update(event)
        if code % 10 == 0:
            check(tracker.copy(), TOY, "survey_form")


def test_a_restart_a_history_limit_or_other_slots_take_rasas_way():
    tracker = conversation(3, HEADEASE)
    assert form_tracker.continues(tracker, HEADEASE)
    tracker.update(Restarted())
    assert not form_tracker.continues(tracker, HEADEASE)
    check(tracker, HEADEASE)
    limited = DialogueStateTracker.from_events("t", list(conversation(2, HEADEASE).events), HEADEASE.slots,
                                               max_event_history=50)
    assert not form_tracker.continues(limited, HEADEASE)
    assert not form_tracker.continues(conversation(2, HEADEASE), TOY)
