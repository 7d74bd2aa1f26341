"""One action-server call per form turn: the validation asks the next question itself.

Rasa 3.6's form makes two calls to the action server on every consultation turn: the validation
action (`validate_consultation_form`), then the ask action of the slot it requested
(`action_ask_<slot>`). HeadEase's validation already knows the next question (its planner chose
it), so it asks it in the same call and counts it in the `question_counts` slot
(`actions/forms.py`). `install()` makes Rasa's form skip the ask action when the validation's own
events show that slot's count going up in this turn; everything else (resuming after a
digression, where no validation runs; forms whose validation does not ask; unpatched servers,
where the ask action sees the question already asked and sends nothing) is Rasa's behaviour.
Tested in tests/rasa_patches/test_form_asks.py.
"""
from __future__ import annotations

import contextvars
from typing import Any, Dict, List, Optional

from headease_rasa.method_patch import MethodPatch

COUNTER_SLOT = "question_counts"  # actions/common.py ask_question: {slot: times asked}
REQUESTED_SLOT = "requested_slot"

_asked_by_validation: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar(
    "headease_asked_by_validation", default=None
)


def asked_in(events: List[Any], before: Optional[Dict[str, Any]]) -> Optional[str]:
    """The slot whose question the validation asked (its count went up), or None."""
    from rasa.shared.core.events import SlotSet

    requested = next((e.value for e in events if isinstance(e, SlotSet) and e.key == REQUESTED_SLOT), None)
    counts = next((e.value for e in reversed(events) if isinstance(e, SlotSet) and e.key == COUNTER_SLOT), None)
    if not requested or not isinstance(counts, dict):
        return None
    earlier = int((before or {}).get(requested, 0) or 0)
    return requested if int(counts.get(requested, 0) or 0) > earlier else None


async def _request_next_slot(self, tracker, domain, output_channel, nlg, events_so_far):
    asked = asked_in(events_so_far, tracker.get_slot(COUNTER_SLOT))
    token = _asked_by_validation.set(asked)
    try:
        return await PATCH.original("FormAction.request_next_slot")(self, tracker, domain, output_channel, nlg, events_so_far)
    finally:
        _asked_by_validation.reset(token)


async def _ask_for_slot(self, domain, nlg, output_channel, slot_name, tracker):
    if slot_name is not None and _asked_by_validation.get() == slot_name:
        return []  # asked by the validation in this turn, with its buttons
    return await PATCH.original("FormAction._ask_for_slot")(self, domain, nlg, output_channel, slot_name, tracker)


PATCH = MethodPatch("rasa.core.actions.forms", {"FormAction.request_next_slot": _request_next_slot,
                                                 "FormAction._ask_for_slot": _ask_for_slot})
install, installed, uninstall = PATCH.install, PATCH.installed, PATCH.uninstall
