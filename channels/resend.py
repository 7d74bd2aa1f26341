"""Sending a message again is safe: a message id is handled at most once per conversation.

When a client cannot tell whether its message was taken in (the Rasa server died mid-turn and
nginx answered 503 "send it again", the connection dropped, the outage answer came back), it
sends the same message again with the same `message_id` (REST/voice body). `AtMostOnce` handles
it under the conversation's lock (the Redis lock store in the cluster):

* the tracker store already holds a user message with this id, followed by the bot's answer: the
  turn was done (its server died after saving, before answering); the stored answer is sent
  again, nothing is processed or stored a second time;
* otherwise (never stored - a turn is saved in one transaction at its end, so a turn cut off
  mid-way left nothing - or stored without an answer because an action failed) it is processed
  now, once.

Rasa's own `Agent.handle_message` is the lock plus `processor.handle_message`; this does the same
with the look-up in between, using the agent's public stores. Without a client `message_id` the
message goes to Rasa unchanged (Rasa gives it a random id).

Both the REST/voice channel (channels/rest.py) and the web widget's socket.io channel
(channels/socketio.py) read the client's id with `parse_message_id` and hand the message to
`AtMostOnce`.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, Event, UserUttered

MAX_MESSAGE_ID_CHARS = 128


def parse_message_id(value: Any) -> Tuple[bool, Optional[str]]:
    """(valid, the id) for a client's `message_id`: absent (None) is valid and gives None; else a
    string (or an integer, read as its digits) that is not blank, printable and at most
    `MAX_MESSAGE_ID_CHARS` characters long."""
    if value is None:
        return True, None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False, None
    value = str(value)
    if not value.strip() or len(value) > MAX_MESSAGE_ID_CHARS or not value.isprintable():
        return False, None
    return True, value


# What a replayed answer carries from the stored BotUttered data, as Rasa's output channels take it.
_REPLY_KEYS = ("buttons", "quick_replies", "custom", "image", "attachment", "elements")


def stored_replies(events: Iterable[Event], message_id: str) -> Optional[List[Dict[str, Any]]]:
    """The answer stored for the user message `message_id`, or None when that message was never
    answered (not stored, or stored in a turn that failed). The latest answered occurrence wins."""
    answer: Optional[List[Dict[str, Any]]] = None
    current: Optional[List[Dict[str, Any]]] = None
    for event in events:
        if isinstance(event, UserUttered):
            if current:
                answer = current
            current = [] if event.message_id == message_id else None
        elif isinstance(event, BotUttered) and current is not None:
            reply = {"text": event.text} if event.text else {}
            reply.update({key: event.data[key] for key in _REPLY_KEYS if event.data.get(key)})
            if reply:
                current.append(reply)
    if current:
        answer = current
    return answer


class AtMostOnce:
    """An `on_new_message` for one message: replays a stored answer or runs the turn once.

    `app_ctx` is the Sanic app's context (`request.app.ctx`): its `agent` is Rasa's, looked up
    per message because the HTTP API can replace it.
    """

    def __init__(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], app_ctx: Any,
                 client_message_id: Optional[str]) -> None:
        self._on_new_message = on_new_message
        self._ctx = app_ctx
        self._message_id = client_message_id
        self.replayed = False

    async def __call__(self, message: UserMessage) -> None:
        agent = getattr(self._ctx, "agent", None)
        if not self._message_id or agent is None or not agent.is_ready():
            await self._on_new_message(message)
            return
        async with agent.lock_store.lock(message.sender_id):
            tracker = await agent.tracker_store.retrieve(message.sender_id)
            replies = stored_replies(tracker.events, self._message_id) if tracker is not None else None
            if replies is not None:
                self.replayed = True
                for reply in replies:
                    await message.output_channel.send_response(message.sender_id, reply)
                return
            await agent.processor.handle_message(message)
