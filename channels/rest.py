"""REST channels for public use: the web/app REST webhook and the kiosk's `voice` channel.

Rasa's stock RestInput trusts the request body (any `input_channel`, a missing sender becomes the
shared "default" conversation, a non-object body raises a server error, "/intent" text bypasses
NLU). These inputs validate the body, answer bad requests with a clear 400, and clean the text.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.input_safety import TRUNCATION_NOTICE, clean_user_text
from channels.reply_guard import guarded

MAX_SENDER_CHARS = 128


def _body(request: Request) -> Optional[Dict[str, Any]]:
    try:
        body = request.json
    except Exception:  # sanic raises on malformed JSON
        return None
    return body if isinstance(body, dict) else None


class HeadEaseRestInput(InputChannel):
    """POST /webhooks/rest/webhook {"sender": "...", "message": "...", "metadata": {...}}."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"headease_{self.name()}_webhook", __name__)
        handle = guarded(on_new_message)  # failures answer with the safety fallback, never a 500

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = _body(request)
            if body is None:
                return response.json({"error": "Send a JSON object with 'sender' and 'message'."}, status=400)
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
                return response.json({"error": "'sender' must be a non-empty string (max 128 characters)."}, status=400)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            clean = clean_user_text(body.get("message"))
            collector = CollectingOutputChannel()
            if clean.truncated:
                await collector.send_text_message(sender, TRUNCATION_NOTICE)
            await handle(UserMessage(clean.text, collector, sender, input_channel=self.name(), metadata=metadata))
            return response.json(collector.messages)

        return webhook


class VoiceInput(HeadEaseRestInput):
    """The kiosk's channel: same protocol, its own name so responses can have `channel: voice`."""

    @classmethod
    def name(cls) -> Text:
        return "voice"
