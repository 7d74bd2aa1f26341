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
  the action server is back;
* when the conversation store cannot be reached (PostgreSQL or Redis down or restarting, or a
  turn refused because another turn of the conversation was saved first; headease_store/errors.py)
  nothing of the message was stored: the answer is the `not_received` message (same red-flag
  screen and emergency signs, "send it again"), logged as one line with the error's type only;
* before anything else, a sender over its rate (channels/rate_guard.py, off unless configured)
  is refused without the message being read: REST answers HTTP 429 (`notify_limited=False`),
  other channels get one friendly notice per pause.

`handle` returns an `Outcome`, which the REST channel turns into its HTTP answer.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from actions import render
from channels import rate_guard as rate_guards
from headease_rasa import action_failures
from headease_store.errors import is_store_outage

logger = logging.getLogger(__name__)

VOICE_CHANNELS = {"voice"}

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# Sends one turn's replies: (output channel, recipient id, replies). The messaging platforms pass
# `channels.outbox.send_turn` (retries, emergency lines first, a failed reply never stops the rest).
Deliver = Callable[[Any, str, List[Dict[str, Any]]], Awaitable[Any]]


def fallback_replies(message: UserMessage, key: str = "outage") -> List[Dict[str, Any]]:
    """The safety fallback for this message: `outage` (the message is stored, an action failed) or
    `not_received` (nothing of it was stored)."""
    voice = message.input_channel in VOICE_CHANNELS
    number = render.emergency_number()
    return [{"text": text} for text in render.outage_messages(message.text, number, voice, key=key)]


def rate_limited_replies() -> List[Dict[str, Any]]:
    return [{"text": render.safety_net_message("rate_limited", render.emergency_number())}]


@dataclass(frozen=True)
class Outcome:
    """What one message got. `answered`: the bot's own answer (False: the safety fallback, or
    refused by the rate guard; the client should send the message again). `retry_after_s`: set
    when the rate guard refused the message."""

    answered: bool = True
    retry_after_s: Optional[float] = None


_SHARED_GUARD = object()


def guarded(on_new_message: OnNewMessage, deliver: Optional[Deliver] = None, *,
            rate_guard: Any = _SHARED_GUARD, notify_limited: bool = True) -> Callable[[UserMessage], Awaitable[Outcome]]:
    """Wrap Rasa's `on_new_message` so a failed turn answers with the safety fallback.

    `rate_guard`: a `rate_guard.SenderRateGuard`, None for none, or by default the process's
    (configured from the environment). `notify_limited=False`: a refused message gets no notice
    here (the REST channel answers HTTP 429 itself).
    """

    async def send(output: Any, recipient_id: str, replies: List[Dict[str, Any]]) -> None:
        if deliver is not None:
            await deliver(output, recipient_id, replies)
            return
        for reply in replies:
            reply = {key: value for key, value in reply.items() if key != "recipient_id" and value is not None}
            await output.send_response(recipient_id, reply)

    async def handle(message: UserMessage) -> Outcome:
        real_output = message.output_channel
        guard = rate_guards.shared() if rate_guard is _SHARED_GUARD else rate_guard
        if guard is not None:
            decision = guard.check(message.input_channel or "", message.sender_id)
            if not decision.allowed:
                if decision.first_refusal:
                    logger.warning("a %s sender is over its message rate; refusing for %.0f s",
                                   message.input_channel, decision.retry_after_s)
                    if notify_limited:
                        await send(real_output, message.sender_id, rate_limited_replies())
                return Outcome(answered=False, retry_after_s=decision.retry_after_s)
        collector = CollectingOutputChannel()
        message.output_channel = collector
        not_received = False
        try:
            with action_failures.recording() as failures:
                await on_new_message(message)
            failed_actions = list(failures)
        except Exception as error:
            if is_store_outage(error):
                # One line with the error's type: a store restart must not flood the logs with
                # tracebacks, and SQL errors can carry the statement's data (health text).
                failed_actions = [f"<conversation store: {type(error).__name__}>"]
                not_received = True
            else:
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
            replies = fallback_replies(message, "not_received" if not_received else "outage")
        else:
            replies = collector.messages
        await send(real_output, message.sender_id, replies)
        return Outcome(answered=not failed_actions)

    return handle
