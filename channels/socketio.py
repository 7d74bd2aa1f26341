"""The web widget's socket.io channel: Rasa 3.6's, with two python-socketio 5.x bugs fixed,
public-input cleaning, and resending made safe.

1. `session_request` must await `sio.enter_room` (a coroutine since python-socketio 5.10;
   un-awaited, the browser never joins its session room and receives no replies, RasaHQ/rasa#13027).
2. Custom json (`{"assessment": ...}`) is emitted as the `bot_uttered` body instead of being spread
   into `sio.emit(**json_message)`, which raises TypeError.

Resending safely (README "Reliability"), the same protocol as the REST channel: a `user_uttered`
body may carry `message_id` (unique within the conversation, e.g. a UUID; a string of at most 128
printable characters, checked like REST's by `channels.resend.parse_message_id`). The widget sends
one with every message and sends the message again, with the same id, when the connection was lost
or no answer came in time (web/src/headease-widget.js). The message goes to Rasa through
`channels.resend.AtMostOnce`, under the conversation's lock (the Redis lock store in the cluster):

* an id already answered gets its stored answer again; nothing is processed or stored twice;
* an id whose turn is still running on another server waits for that turn (the conversation lock)
  and then gets its stored answer; when that server died, its lock runs out within seconds and
  the message is processed here, once (a turn is stored in one transaction at its end);
* when the lock or the stores cannot be had, the answer is the safety fallback that asks the user
  to send the message again (`channels.reply_guard`, `not_received`);
* a copy of a message still being answered by this server is dropped: its answer is emitted to
  the conversation's room, which the resending socket has joined (`session_request` comes first).

Every `bot_uttered` answering a message with an id carries `reply_to` (that id) and `answer_id`
(one per delivered answer: a client shows the first answer to an id and drops other copies), and
`replay: true` when it came from the store, `resend: true` when it is the safety fallback (the
turn failed: the message may be sent again), `retry_after` (seconds) when the sender was over its
rate. An invalid `message_id` is not refused (the socket has no status code and a patient's
message must not be dropped): it is ignored, with a warning, and the message handled as one
without an id. Nothing of the user's text is logged.
"""
from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.input_safety import TRUNCATION_NOTICE, clean_user_text
from channels.reply_guard import Outcome, guarded
from channels.resend import AtMostOnce, parse_message_id

logger = logging.getLogger(__name__)


class HeadEaseSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output; `tags` are added to every `bot_uttered` body it emits."""

    def __init__(self, sio: Any, bot_message_evt: Text, tags: Optional[Dict[Text, Any]] = None) -> None:
        super().__init__(sio, bot_message_evt)
        self.tags = dict(tags or {})

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        if self.tags and isinstance(response, dict):
            response = {**response, **self.tags}
        await self.sio.emit(self.bot_message_evt, response, room=socket_id)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.sio.emit(self.bot_message_evt, {**json_message, **self.tags}, room=recipient_id)


def reply_tags(message_id: Optional[str], replayed: bool, outcome: Outcome) -> Dict[str, Any]:
    """What the `bot_uttered` bodies answering one message carry (none without a message id)."""
    if not message_id:
        return {}
    tags: Dict[str, Any] = {"reply_to": message_id, "answer_id": uuid.uuid4().hex}
    if replayed:
        tags["replay"] = True
    if not outcome.answered:
        tags["resend"] = True
    if outcome.retry_after_s is not None:
        tags["retry_after"] = max(1, int(outcome.retry_after_s))
    return tags


class HeadEaseSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return HeadEaseSocketIOOutput(self.sio, self.bot_message_evt)

    def _app_ctx(self, sid: Text) -> Any:
        """The Sanic app's context (Rasa's `agent`), from the request that opened this socket."""
        environ = self.sio.get_environ(sid, namespace=self.namespace) or {}
        request = environ.get("sanic.request")
        return getattr(getattr(request, "app", None), "ctx", None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        # (conversation, message id) of the messages this server is answering now.
        in_flight: Set[Tuple[str, str]] = set()

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not session_id or len(session_id) > 128:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not isinstance(sender_id, str) or not sender_id:
                    logger.warning("socket.io message without session_id ignored")
                    return
            else:
                sender_id = sid
            valid, message_id = parse_message_id(data.get("message_id"))
            if not valid:
                logger.warning("socket.io message with an invalid message_id: handled as one without an id")
            key = (sender_id, message_id) if message_id else None
            if key is not None and key in in_flight:
                logger.info("a copy of a socket.io message this server is still answering was dropped")
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            clean = clean_user_text(data.get("message"))
            replies: List[Dict[str, Any]] = [{"text": TRUNCATION_NOTICE}] if clean.truncated else []

            async def collect(_output: Any, _recipient_id: str, turn_replies: List[Dict[str, Any]]) -> None:
                replies.extend(turn_replies)

            once = AtMostOnce(on_new_message, self._app_ctx(sid), message_id)
            if key is not None:
                in_flight.add(key)
            try:
                outcome = await guarded(once, collect)(
                    UserMessage(
                        clean.text,
                        HeadEaseSocketIOOutput(sio, self.bot_message_evt),
                        sender_id,
                        input_channel=self.name(),
                        metadata=metadata if isinstance(metadata, dict) else {},
                        message_id=message_id,
                    )
                )
                # Sent once the outcome is known, so that every part carries the same tags.
                output = HeadEaseSocketIOOutput(sio, self.bot_message_evt, reply_tags(message_id, once.replayed, outcome))
                for reply in replies:
                    reply = {k: v for k, v in reply.items() if k != "recipient_id" and v is not None}
                    await output.send_response(sender_id, reply)
            finally:
                if key is not None:
                    in_flight.discard(key)

        return webhook
