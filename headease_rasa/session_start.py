"""A brand-new conversation starts its session without a call to the action server.

HeadEase's `action_session_start` (actions/session.py) carries an unfinished consultation into a
new session; everything else starts fresh. A conversation with no events has nothing to carry, so
the custom action returns what Rasa's built-in session start returns (`SessionStarted`, then
`action_listen`; `carry_over_slots_to_new_session` is false), after a round trip to the action
server on the first message of every conversation, which is the longest message of most
consultations (bench/PROFILE.md, "Opening message").

`install()` has Rasa's processor run its built-in session start for a conversation without any
event, and the custom action for every other session start (an expired session, with something
to carry). tests/rasa_patches/test_session_start.py checks that both actions give the same
events for a new conversation, and which one runs when.
"""
from __future__ import annotations

import contextvars
from typing import Any, Dict, Optional

from headease_rasa.method_patch import MethodPatch

_new_conversation: contextvars.ContextVar[bool] = contextvars.ContextVar("headease_new_conversation", default=False)


async def _update_tracker_session(self: Any, tracker: Any, output_channel: Any, metadata: Optional[Dict] = None) -> None:
    token = _new_conversation.set(not tracker.events)
    try:
        return await PATCH.original("MessageProcessor._update_tracker_session")(self, tracker, output_channel, metadata)
    finally:
        _new_conversation.reset(token)


def _get_action(self: Any, action_name: str) -> Any:
    from rasa.core.actions.action import ActionSessionStart
    from rasa.shared.core.constants import ACTION_SESSION_START_NAME

    if action_name == ACTION_SESSION_START_NAME and _new_conversation.get():
        return ActionSessionStart()
    return PATCH.original("MessageProcessor._get_action")(self, action_name)


PATCH = MethodPatch("rasa.core.processor", {"MessageProcessor._update_tracker_session": _update_tracker_session,
                                             "MessageProcessor._get_action": _get_action})
install, installed, uninstall = PATCH.install, PATCH.installed, PATCH.uninstall
