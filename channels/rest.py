"""REST channels for public use: the web/app REST webhook and the kiosk's `voice` channel.

Rasa's stock RestInput trusts the request body (any `input_channel`, a missing sender becomes the
shared "default" conversation, a non-object body raises a server error, "/intent" text bypasses
NLU). These inputs validate the body, answer bad requests with a clear 400, and clean the text.

Resending safely (README "Reliability"): a client may send `message_id` (a string unique within
the conversation, e.g. a UUID, at most 128 characters). Sending the same message again with the
same id never processes it twice (channels/resend.py): a message already answered gets its stored
answer again, with the header `X-HeadEase-Replay: 1`. A 200 whose header `X-HeadEase-Resend: 1`
is set carries the safety fallback (the turn failed): show it, and send the message again after
`Retry-After` seconds (longer on each further failure).
A sender over its rate (channels/rate_guard.py) gets HTTP 429 with `Retry-After` and
`{"error": <friendly text with the emergency signs>, "retry_after": seconds}`.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.input_safety import TRUNCATION_NOTICE, clean_user_text
from channels.reply_guard import guarded, rate_limited_replies
from channels.resend import MAX_MESSAGE_ID_CHARS, AtMostOnce, parse_message_id

MAX_SENDER_CHARS = 128
# A failed turn's answer (the safety fallback) asks an automatic client to wait this long first.
RESEND_AFTER_S = 2


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
            valid, message_id = parse_message_id(body.get("message_id"))
            if not valid:
                return response.json(
                    {"error": f"'message_id' must be a string (max {MAX_MESSAGE_ID_CHARS} characters)."}, status=400)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            clean = clean_user_text(body.get("message"))
            collector = CollectingOutputChannel()
            if clean.truncated:
                await collector.send_text_message(sender, TRUNCATION_NOTICE)
            once = AtMostOnce(on_new_message, request.app.ctx, message_id)
            # Failures answer with the safety fallback, never a 500; REST answers a refusal itself.
            outcome = await guarded(once, notify_limited=False)(
                UserMessage(clean.text, collector, sender, input_channel=self.name(), metadata=metadata,
                            message_id=message_id)
            )
            if outcome.retry_after_s is not None:
                wait = max(1, int(outcome.retry_after_s))
                return response.json({"error": rate_limited_replies()[0]["text"], "retry_after": wait},
                                     status=429, headers={"Retry-After": str(wait)})
            headers = {}
            if once.replayed:
                headers["X-HeadEase-Replay"] = "1"
            if not outcome.answered:
                headers["X-HeadEase-Resend"] = "1"
                headers["Retry-After"] = str(RESEND_AFTER_S)
            return response.json(collector.messages, headers=headers)

        return webhook


class VoiceInput(HeadEaseRestInput):
    """The kiosk's channel: same protocol, its own name so responses can have `channel: voice`."""

    @classmethod
    def name(cls) -> Text:
        return "voice"
