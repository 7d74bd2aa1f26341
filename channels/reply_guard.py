"""Every user message gets a safe answer, even when the action server is down or an action fails.

Rasa 3.6 swallows a failing custom action (`MessageProcessor._run_action` logs the exception and
goes on without the action's events), so with the action server unreachable the user would get
silence, or a misleading fallback such as "Sorry, I didn't understand" right after writing "worst
headache of my life". Every HeadEase channel therefore hands messages to Rasa through `guarded`:

* Rasa's replies are collected first and sent only when the turn went well;
* when an action failed during this message (the action server down or erroring, noted by the
  `headease_rasa.action_failures` patch from the exception itself, for this message's task only),
  handling raised, or Rasa answered nothing at all (e.g. no model loaded), they are replaced by
  `render.outage_messages`: the deterministic red-flag screen of this message (same code as every
  other turn, no action server needed) and the emergency signs and number, plus a request to
  send the message again;
* the user's message itself is already in the tracker store, and the dialogue state is unchanged
  (the failed actions' events are dropped), so the conversation continues where it was as soon as
  the action server is back.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from actions import render
from headease_rasa import action_failures

logger = logging.getLogger(__name__)

VOICE_CHANNELS = {"voice"}

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def fallback_replies(message: UserMessage) -> List[Dict[str, Any]]:
    voice = message.input_channel in VOICE_CHANNELS
    return [{"text": text} for text in render.outage_messages(message.text, render.emergency_number(), voice)]


def guarded(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap Rasa's `on_new_message` so a failed turn answers with the safety fallback."""

    async def handle(message: UserMessage) -> None:
        real_output = message.output_channel
        collector = CollectingOutputChannel()
        message.output_channel = collector
        try:
            with action_failures.recording() as failures:
                await on_new_message(message)
            failed_actions = list(failures)
        except Exception:
            logger.exception("message handling failed")
            failed_actions = ["<message handling>"]
        finally:
            message.output_channel = real_output
        if not failed_actions and not collector.messages:
            # Rasa answered nothing: no model loaded, or every prediction was to listen.
            failed_actions = ["<no reply>"]
        if failed_actions:
            # Only action names, never the user's text (health data stays out of the logs).
            logger.warning("turn failed in %s; sent the safety fallback", ", ".join(failed_actions))
            replies = fallback_replies(message)
        else:
            replies = collector.messages
        for reply in replies:
            reply = {key: value for key, value in reply.items() if key != "recipient_id" and value is not None}
            await real_output.send_response(message.sender_id, reply)

    return handle
