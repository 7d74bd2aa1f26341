"""The form's temporary tracker as a continued copy instead of a replay of the whole session.

Rasa 3.6's `FormAction._temporary_tracker` (run when the form validates and when it picks the next
slot, so once or twice per consultation turn) builds a new tracker from every event since the
latest restart, plus the requested slot, the form's own execution and the turn's new events:
a replay of the session, linear in the conversation (1.5 ms per message at turn 200 in
bench/PROFILE.md's server profile).

When the session has no `Restarted` event, "every event since the latest restart" is every
event, and that replay is what `DialogueStateTracker.copy()` does; HeadEase's copy continues from
the previous copy (headease_rasa/tracker_copy.py), so `install()` makes the temporary tracker
a copy plus the same few events. Anything else (a restart in the session, a history limit, a
tracker subclass) is Rasa's own method. tests/rasa_patches/test_form_tracker.py compares the two
on what the form and the action server read of it.
"""
from __future__ import annotations

from typing import Any, List

from headease_rasa.method_patch import MethodPatch


def _slot_kinds(slots: Any) -> List[Any]:
    return [(slot.name, type(slot), slot.initial_value) for slot in slots]


def continues(tracker: Any, domain: Any) -> bool:
    """Whether a copy of `tracker` is Rasa's temporary tracker before the new events: a replay of
    the same events, into the same kinds of slots, with the same name and history limit."""
    from rasa.shared.core.events import Restarted
    from rasa.shared.core.trackers import DialogueStateTracker

    return (type(tracker) is DialogueStateTracker and tracker._max_event_history is None
            and bool(tracker.sender_id) and not tracker.is_rule_tracker
            and _slot_kinds(tracker.slots.values()) == _slot_kinds(domain.slots)
            and not any(type(e) is Restarted for e in tracker.events))


def _temporary_tracker(self: Any, current_tracker: Any, additional_events: List[Any], domain: Any) -> Any:
    if not continues(current_tracker, domain):
        return PATCH.original("FormAction._temporary_tracker")(self, current_tracker, additional_events, domain)
    from rasa.shared.core.constants import REQUESTED_SLOT
    from rasa.shared.core.events import ActionExecuted, SlotSet

    tracker = current_tracker.copy()
    for event in [SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker)), ActionExecuted(self.name()),
                  *additional_events]:
        tracker.update(event)
    return tracker


PATCH = MethodPatch("rasa.core.actions.forms", {"FormAction._temporary_tracker": _temporary_tracker})
install, installed, uninstall = PATCH.install, PATCH.installed, PATCH.uninstall
