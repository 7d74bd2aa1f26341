"""Facebook Messenger for HeadEase: Rasa 3.6's FacebookInput with a stricter webhook, public-input
cleaning and HeadEase's rendering.

Rasa's webhook route answers a badly signed request with 200 "not validated", checks only the
SHA-1 `X-Hub-Signature` (hash name taken from the header, compared non-constant-time), handles only
the first event of a batch, and sends through `fbmessenger`'s blocking `requests` client on the
server's event loop. The webhook here:

- verifies `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret) when present,
  otherwise `X-Hub-Signature` (SHA-1 only), with `hmac.compare_digest`; anything else gets 403;
- answers the GET subscription check with the challenge only for the right verify token (else 403);
- acknowledges at once and handles every messaging event of the batch, in order, in a background
  task; an event Meta re-delivers (same message id) is not answered twice (memory per process);
- cleans every text with `clean_user_text` in `_handle_user_message` (the point typed text, quick
  replies and postbacks all pass);
- sends with the Graph API in a worker thread, with a timeout.

Output: buttons become quick replies (up to 13, the Messenger limit, titles shortened to its 20
characters with the full options added to the text when one had to be shortened) rather than a
button template (max 3 buttons); texts are split at Messenger's 2000 characters; markdown is
removed; the assessment card becomes a short summary; the doctor summary is sent as text (unless it
was just sent word for word).

Test-only: `HEADEASE_FACEBOOK_API_URL` replaces the Graph API base URL (the tests' loopback stub).
Never set it in production.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Set, Text

from fbmessenger import MessengerClient
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import chat_render
from channels.input_safety import TRUNCATION_NOTICE, clean_user_text
from channels.reply_guard import guarded

logger = logging.getLogger(__name__)

API_URL_ENV = "HEADEASE_FACEBOOK_API_URL"
TEXT_LIMIT = 2000
QUICK_REPLY_LIMIT = 13
QUICK_REPLY_TITLE_LIMIT = 20
QUICK_REPLY_PAYLOAD_LIMIT = 1000
GRAPH_TIMEOUT_S = 15
SEEN_MESSAGES_MAX = 5000


def messenger_client(page_access_token: Text) -> MessengerClient:
    client = MessengerClient(page_access_token)
    base_url = os.environ.get(API_URL_ENV)
    if base_url:
        client.graph_url = base_url.rstrip("/")
    return client


def signature_valid(app_secret: Text, body: bytes, sha256_header: Optional[str], sha1_header: Optional[str]) -> bool:
    """Meta's webhook signature: `sha256=<hex>` (preferred) or `sha1=<hex>` HMAC of the raw body."""
    if not app_secret:
        return False
    if sha256_header:
        prefix, digest = "sha256=", hashlib.sha256
        header = sha256_header
    elif sha1_header:
        prefix, digest = "sha1=", hashlib.sha1
        header = sha1_header
    else:
        return False
    if not header.startswith(prefix):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, digest).hexdigest()
    return hmac.compare_digest(expected, header[len(prefix):].strip().lower())


class HeadEaseMessengerBot(MessengerBot):
    @classmethod
    def name(cls) -> Text:
        return "facebook"

    def __init__(self, messenger_client: MessengerClient) -> None:
        super().__init__(messenger_client)
        self.recent = chat_render.RecentTexts()

    async def _send(self, recipient_id: Text, message: Any) -> None:
        result = await asyncio.to_thread(
            self.messenger_client.send, message, recipient_id, "RESPONSE", timeout=GRAPH_TIMEOUT_S
        )
        if isinstance(result, dict) and result.get("error"):
            error = result["error"] if isinstance(result["error"], dict) else {}
            logger.warning("Messenger send failed: code=%s type=%s", error.get("code"), error.get("type"))

    async def send_action(self, recipient_id: Text, sender_action: Text) -> None:
        try:
            await asyncio.to_thread(
                self.messenger_client.send_action, sender_action, recipient_id, timeout=GRAPH_TIMEOUT_S
            )
        except Exception:  # typing indicators are cosmetic: never lose the answer over them
            logger.warning("Messenger sender action %s failed", sender_action, exc_info=True)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.recent.add(recipient_id, text)
        for part in chat_render.split_text(chat_render.to_plain(text), TEXT_LIMIT):
            await self._send(recipient_id, {"text": part})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._send_choices(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._send_choices(recipient_id, text, quick_replies)

    async def _send_choices(self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]]) -> None:
        self.recent.add(recipient_id, text)
        choices = [q for q in quick_replies if isinstance(q, dict)][:QUICK_REPLY_LIMIT]
        titles = chat_render.button_titles(choices)
        shortened = [chat_render.short_title(t, QUICK_REPLY_TITLE_LIMIT) for t in titles]
        body = chat_render.to_plain(text)
        if shortened != titles:
            body += "\n\n" + "\n".join(f"• {t}" for t in titles)
        replies = [
            {
                "content_type": "text",
                "title": short,
                "payload": str(choice.get("payload") or title)[:QUICK_REPLY_PAYLOAD_LIMIT],
            }
            for choice, title, short in zip(choices, titles, shortened)
        ]
        parts = chat_render.split_text(body, TEXT_LIMIT) or [" "]
        for part in parts[:-1]:
            await self._send(recipient_id, {"text": part})
        await self._send(recipient_id, {"text": parts[-1], "quick_replies": replies})

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._send(recipient_id, {"attachment": {"type": "image", "payload": {"url": image}}})

    async def send_elements(self, recipient_id: Text, elements: Iterable[Dict[Text, Any]], **kwargs: Any) -> None:
        elements = list(elements)
        for element in elements:
            if "buttons" in element:
                self._add_postback_info(element["buttons"])
        payload = {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": elements}}}
        await self._send(recipient_id, payload)

    async def send_custom_json(self, recipient_id: Text, json_message: Any, **kwargs: Any) -> None:
        kind = chat_render.known_payload(json_message)
        if kind == "assessment":
            await self.send_text_message(recipient_id, chat_render.assessment_summary(json_message["assessment"]))
        elif kind == "doctor_summary":
            summary = chat_render.doctor_summary(json_message["doctor_summary"])
            if summary and not self.recent.already_sent(recipient_id, summary["text"]):
                await self.send_text_message(recipient_id, "Summary for your doctor:\n\n" + summary["text"])
        else:  # a Messenger-specific payload from the domain: passed on as Rasa does
            if isinstance(json_message, dict) and "sender" in json_message:
                recipient_id = json_message.pop("sender", {}).pop("id", recipient_id)
            await self._send(recipient_id, json_message)


class HeadEaseMessenger(Messenger):
    """Parses Messenger webhook events (Rasa's), with cleaning and HeadEase's output channel."""

    def __init__(self, page_access_token: Text, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        super().__init__(page_access_token, guarded(on_new_message))
        self.client = messenger_client(page_access_token)

    async def handle_event(self, event: Dict[Text, Any], metadata: Optional[Dict[Text, Any]]) -> None:
        self.last_message = event
        if event.get("message"):
            await self.message(event, metadata)
        elif event.get("postback"):
            await self.postback(event, metadata)

    async def _handle_user_message(self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]) -> None:
        if not sender_id:
            return
        out_channel = HeadEaseMessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        clean = clean_user_text(text)
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            if clean.truncated:
                await out_channel.send_text_message(sender_id, TRUNCATION_NOTICE)
            await self.on_new_message(
                UserMessage(clean.text, out_channel, sender_id, input_channel=self.name(), metadata=metadata)
            )
        except Exception:
            logger.exception("Exception when handling a Messenger message")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class HeadEaseFacebookInput(FacebookInput):
    @classmethod
    def name(cls) -> Text:
        return "facebook"

    def __init__(self, fb_verify: Text, fb_secret: Text, fb_access_token: Text) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self._seen: "OrderedDict[str, None]" = OrderedDict()
        self._background_tasks: Set[asyncio.Task] = set()

    def get_output_channel(self) -> OutputChannel:
        return HeadEaseMessengerBot(messenger_client(self.fb_access_token))

    def _first_time(self, event: Dict[Text, Any]) -> bool:
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        mid = message.get("mid")
        if not mid:
            return True
        if mid in self._seen:
            return False
        self._seen[mid] = None
        while len(self._seen) > SEEN_MESSAGES_MAX:
            self._seen.popitem(last=False)
        return True

    def _events(self, payload: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        events = []
        for entry in payload.get("entry") or []:
            if not isinstance(entry, dict):
                continue
            for event in entry.get("messaging") or []:
                if isinstance(event, dict) and self._first_time(event):
                    events.append(event)
        return events

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = Blueprint("headease_fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if self.fb_verify and hmac.compare_digest(token.encode(), str(self.fb_verify).encode()):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("Messenger webhook verification with a wrong verify token")
            return response.text("invalid verify token", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not signature_valid(
                self.fb_secret,
                request.body,
                request.headers.get("X-Hub-Signature-256"),
                request.headers.get("X-Hub-Signature"),
            ):
                logger.warning("Messenger webhook request with a missing or wrong signature rejected")
                return response.text("invalid signature", status=403)
            try:
                payload = json.loads(request.body)
            except ValueError:
                return response.text("invalid JSON", status=400)
            if not isinstance(payload, dict):
                return response.text("invalid payload", status=400)
            events = self._events(payload)
            if events:
                metadata = self.get_metadata(request)
                messenger = HeadEaseMessenger(self.fb_access_token, on_new_message)

                async def handle_all() -> None:
                    for event in events:
                        try:
                            await messenger.handle_event(event, metadata)
                        except Exception:
                            logger.exception("Exception when handling a Messenger event")

                task = asyncio.create_task(handle_all())
                self._background_tasks.add(task)
                task.add_done_callback(self._background_tasks.discard)
            return response.text("EVENT_RECEIVED")

        return fb_webhook
