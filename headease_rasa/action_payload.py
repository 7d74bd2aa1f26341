"""Send the action server only the recent events of a conversation, not the whole session.

Rasa 3.6 builds every custom-action request from `tracker.current_state(EventVerbosity.ALL)`:
each of the form's 2–3 action calls per turn serialises, sends and parses *every* event since the
session started (about 15 events / 9 KB per HeadEase turn). That is the main reason per-message
latency grew with conversation length (bench/PROFILE.md, "Growth").

HeadEase's actions read slots, `latest_message`, `active_loop` (all sent separately in the
request) and, from the event list, only the current and the previous turn: the action that ran
before the form (`actions.common.action_before_form`), whether the previous turn was a
clarification (`actions.conversation`), the slots set since the user's message (rasa_sdk's
`slots_to_validate`) and the latest input channel. `install()` therefore sends the events from
the `KEEP_USER_TURNS`-th last user message on (plus the `action_listen` before it), built without
serialising the older ones. Everything else in the request is unchanged; the Rasa server keeps
the full tracker. An action that ever needs older events must read them from a slot instead.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Text

KEEP_USER_TURNS = int(os.environ.get("HEADEASE_ACTION_EVENT_TURNS") or 2)

_installed = False


def recent_events(events, user_turns: int = KEEP_USER_TURNS) -> List[Any]:
    """The events from the `user_turns`-th last user message on, with the action before it."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    kept: List[Any] = []
    users = 0
    for event in reversed(events):
        kept.append(event)
        if users >= user_turns and isinstance(event, ActionExecuted):
            break
        if isinstance(event, UserUttered):
            users += 1
    kept.reverse()
    return kept


def action_request(tracker: Any, user_turns: int = KEEP_USER_TURNS) -> Dict[Text, Any]:
    """The tracker part of an action-server request, with only the recent events."""
    from rasa.shared.core.trackers import EventVerbosity

    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in recent_events(tracker.events, user_turns)]
    return state


def install() -> None:
    """Replace RemoteAction's request builder once per process (idempotent).

    Same request as Rasa 3.6's `RemoteAction._action_call_format` (tests compare the two), except
    that `tracker.events` holds only the recent events.
    """
    global _installed
    if _installed:
        return
    import rasa
    from rasa.core.actions.action import RemoteAction

    def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[Text, Any]:
        request = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": action_request(tracker),
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            request["domain"] = domain.as_dict()
        return request

    RemoteAction._action_call_format = _action_call_format
    _installed = True
