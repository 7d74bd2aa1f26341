"""Facebook Messenger for HeadEase: a strict webhook, public-input cleaning, retried sends and
HeadEase's rendering (on Rasa 3.6's FacebookInput/MessengerBot).

Rasa's webhook route answers a badly signed request with 200 "not validated", checks only the
SHA-1 `X-Hub-Signature` (hash name taken from the header, compared non-constant-time), handles only
the first event of a batch, turns echoes of the page's own attachments into user messages, logs
every event it cannot handle in full at the default level (health text in the logs), and sends
through `fbmessenger`'s blocking client on Graph API v2.12. The webhook here:

- verifies `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret, constant time);
  a request without it (the SHA-1 `X-Hub-Signature` alone is not accepted) or with a wrong or
  malformed one (any characters) gets 403; a signed body that is not a page webhook gets 400;
- answers the GET subscription check with the challenge only for the right verify token (else 403);
- acknowledges at once and handles every messaging event of the batch, in order, in a background
  task; an event Meta re-delivers (same message id) is not answered twice (memory per process);
- starts a turn only for what a person wrote or tapped: a text, a quick reply (its payload), a
  postback (its payload). Echoes of the page's own messages (`is_echo`, attachments included) are
  ignored; an attachment, sticker or location gets a short "typed text only" notice; every other
  event kind (deliveries, reads, reactions, edits, referrals, ...) is ignored and logged, at DEBUG,
  by its kind only, never its content;
- cleans every text with `clean_user_text` (a leading "/" is never an intent command).

Output: the Graph API (`graph_api_version`, default `GRAPH_API_VERSION`; set
`FACEBOOK_GRAPH_API_VERSION` or the credentials key to change it) with `appsecret_proof`, in a
worker thread with a timeout. Every call goes through `channels.outbox.Sender` (rate-limit codes
4/17/32/613 and 429, temporary failures 1/2/1200 and 5xx back off and retry), a turn's replies
through `outbox.send_turn` (emergency lines first; one failed reply never drops the rest).
Buttons become quick replies (up to 13, the Messenger limit, titles shortened to its 20
characters with the full options added to the text when one had to be shortened) rather than a
button template (max 3 buttons); texts are split at Messenger's 2000 characters; markdown is
removed; the assessment card becomes a short summary; the doctor summary is sent as text (unless it
was just sent word for word).

Test-only: `HEADEASE_FACEBOOK_API_URL` replaces `https://graph.facebook.com` (the tests' loopback
stub). Never set it in production.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Set, Text

import requests
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import chat_render, outbox
from channels.input_safety import TRUNCATION_NOTICE, clean_user_text
from channels.reply_guard import guarded

logger = logging.getLogger(__name__)

API_URL_ENV = "HEADEASE_FACEBOOK_API_URL"
VERSION_ENV = "FACEBOOK_GRAPH_API_VERSION"
GRAPH_URL = "https://graph.facebook.com"
# The newest Graph API version when this was written (v26.0, July 2026; each version is
# available for about two years: https://developers.facebook.com/docs/graph-api/changelog).
GRAPH_API_VERSION = "v26.0"
_VERSION = re.compile(r"^v\d{1,3}\.\d{1,2}$")
TEXT_LIMIT = 2000
QUICK_REPLY_LIMIT = 13
QUICK_REPLY_TITLE_LIMIT = 20
QUICK_REPLY_PAYLOAD_LIMIT = 1000
GRAPH_TIMEOUT_S = 15
SEEN_MESSAGES_MAX = 5000
RATE_LIMIT_CODES = {4, 17, 32, 613}
TRANSIENT_CODES = {1, 2, 1200}


def signature_valid(app_secret: Text, body: bytes, sha256_header: Optional[str]) -> bool:
    """Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`."""
    if not app_secret or not sha256_header:
        return False
    given = sha256_header.strip().encode("utf-8", "surrogateescape")
    if not given.startswith(b"sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest().encode()
    return hmac.compare_digest(expected, given[len(b"sha256="):].lower())


def graph_api_version(configured: Optional[str] = None) -> str:
    """The Graph API version to call: the credentials key, else FACEBOOK_GRAPH_API_VERSION, else
    GRAPH_API_VERSION ("v26.0" and "26.0" both accepted)."""
    version = (configured or os.environ.get(VERSION_ENV) or GRAPH_API_VERSION).strip()
    version = version if version.startswith("v") else f"v{version}"
    if not _VERSION.match(version):
        raise ValueError(f"not a Graph API version: {version!r} (expected e.g. {GRAPH_API_VERSION})")
    return version


class GraphError(Exception):
    """A Graph API error response; carries only codes, never the request."""

    def __init__(self, status: int, error: Dict[str, Any], retry_after: Optional[str] = None) -> None:
        self.status = status
        self.code = error.get("code") if isinstance(error.get("code"), int) else None
        self.subcode = error.get("error_subcode") if isinstance(error.get("error_subcode"), int) else None
        self.transient = bool(error.get("is_transient"))
        self.retry_after = retry_after
        super().__init__(f"Graph API error: HTTP {status}, code {self.code}, subcode {self.subcode}")


def classify_error(error: BaseException) -> outbox.Failure:
    """Graph API errors for `outbox.Sender`."""
    if isinstance(error, GraphError):
        reason = f"{error.status} code {error.code}" + (f"/{error.subcode}" if error.subcode else "")
        if error.status == 429 or error.code in RATE_LIMIT_CODES:
            try:
                wait = float(error.retry_after) if error.retry_after else None
            except ValueError:
                wait = None
            return outbox.Failure(True, reason + " (rate limit)", wait_s=wait)
        if error.transient or error.code in TRANSIENT_CODES or error.status >= 500:
            return outbox.Failure(True, reason)
        return outbox.Failure(False, reason)
    if isinstance(error, (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)):
        return outbox.Failure(True, f"network ({type(error).__name__})")
    return outbox.Failure(False, type(error).__name__)


class GraphClient:
    """The Send API (POST /{version}/me/messages) with the page token and `appsecret_proof`."""

    def __init__(self, page_access_token: Text, app_secret: Optional[Text] = None, version: Optional[str] = None) -> None:
        self.page_access_token = page_access_token
        self.app_secret = app_secret
        self.version = graph_api_version(version)
        base = (os.environ.get(API_URL_ENV) or GRAPH_URL).rstrip("/")
        self.url = f"{base}/{self.version}/me/messages"
        self.session = requests.Session()

    def params(self) -> Dict[str, str]:
        params = {"access_token": self.page_access_token}
        if self.app_secret:
            params["appsecret_proof"] = hmac.new(
                self.app_secret.encode("utf-8"), self.page_access_token.encode("utf-8"), hashlib.sha256
            ).hexdigest()
        return params

    def _post(self, body: Dict[str, Any]) -> Dict[str, Any]:
        reply = self.session.post(self.url, params=self.params(), json=body, timeout=GRAPH_TIMEOUT_S)
        try:
            data = reply.json()
        except ValueError:
            data = {}
        if reply.status_code >= 400 or (isinstance(data, dict) and isinstance(data.get("error"), dict)):
            error = data.get("error") if isinstance(data, dict) and isinstance(data.get("error"), dict) else {}
            raise GraphError(reply.status_code, error, reply.headers.get("Retry-After"))
        return data if isinstance(data, dict) else {}

    async def post(self, body: Dict[str, Any]) -> Dict[str, Any]:
        return await asyncio.to_thread(self._post, body)


# --- output -----------------------------------------------------------------------------------
class HeadEaseMessengerBot(MessengerBot):
    @classmethod
    def name(cls) -> Text:
        return "facebook"

    def __init__(self, client: GraphClient, sender: Optional[outbox.Sender] = None) -> None:
        super().__init__(client)  # Rasa's attribute name: `messenger_client`
        self.client = client
        self.sender = sender or outbox.Sender("facebook", classify_error)
        self.recent = chat_render.RecentTexts()

    async def _send(self, recipient_id: Text, message: Any) -> None:
        body = {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": message}
        await self.sender.call(lambda: self.client.post(body), "send")

    async def send_action(self, recipient_id: Text, sender_action: Text) -> None:
        try:  # typing indicators are cosmetic: one try, never lose the answer over them
            await self.client.post({"recipient": {"id": recipient_id}, "sender_action": sender_action})
        except Exception as error:
            logger.debug("Messenger sender action %s failed: %s", sender_action, type(error).__name__)

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
        elif isinstance(json_message, dict):  # a Messenger-specific payload from the domain
            message = {k: v for k, v in json_message.items() if k != "sender"}
            await self._send(recipient_id, message)


# --- input ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    """A messaging event: kind "text" (a turn), "unsupported" (a notice) or "ignore"."""

    kind: str
    sender_id: Optional[str] = None
    text: Optional[str] = None
    mid: Optional[str] = None
    what: str = ""  # the event kind, for DEBUG logs (never its content)


def read_event(event: Dict[str, Any]) -> Event:
    """Classify one `entry[].messaging[]` event (https://developers.facebook.com/docs/messenger-platform/webhooks)."""
    sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
    sender_id = str(sender.get("id")) if sender.get("id") else None
    message = event.get("message")
    if isinstance(message, dict):
        mid = message.get("mid") if isinstance(message.get("mid"), str) else None
        if message.get("is_echo"):
            return Event("ignore", mid=mid, what="message echo")
        if not sender_id:
            return Event("ignore", mid=mid, what="message without sender")
        quick_reply = message.get("quick_reply") if isinstance(message.get("quick_reply"), dict) else {}
        if isinstance(quick_reply.get("payload"), str) and quick_reply["payload"]:
            return Event("text", sender_id, quick_reply["payload"], mid, "quick reply")
        if isinstance(message.get("text"), str) and message["text"].strip():
            return Event("text", sender_id, message["text"], mid, "text")
        if message.get("attachments") or message.get("sticker_id"):
            return Event("unsupported", sender_id, mid=mid, what="attachment")
        return Event("ignore", mid=mid, what="empty message")
    postback = event.get("postback")
    if isinstance(postback, dict):
        mid = postback.get("mid") if isinstance(postback.get("mid"), str) else None
        text = postback.get("payload") or postback.get("title")
        if sender_id and isinstance(text, str) and text:
            return Event("text", sender_id, text, mid, "postback")
        return Event("ignore", mid=mid, what="postback without payload")
    kinds = sorted(k for k in event if k not in ("sender", "recipient", "timestamp"))
    return Event("ignore", what=",".join(kinds)[:80] or "empty event")


def read_webhook(payload: Any) -> Optional[List[Dict[str, Any]]]:
    """The messaging events of a page webhook body, or None when the body is not one."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        return None
    events = []
    for entry in payload["entry"]:
        if not isinstance(entry, dict):
            return None
        messaging = entry.get("messaging", [])  # `standby` (handover protocol) is not for the bot
        if not isinstance(messaging, list) or not all(isinstance(event, dict) for event in messaging):
            return None
        events.extend(messaging)
    return events


class HeadEaseFacebookInput(FacebookInput):
    @classmethod
    def name(cls) -> Text:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("verify"),
            credentials.get("secret"),
            credentials.get("page-access-token"),
            credentials.get("graph_api_version"),
        )

    def __init__(self, fb_verify: Text, fb_secret: Text, fb_access_token: Text, graph_version: Optional[str] = None) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.graph_version = graph_api_version(graph_version)  # a bad setting stops start-up here
        self._seen: "OrderedDict[str, None]" = OrderedDict()
        self._background_tasks: Set[asyncio.Task] = set()
        self._client: Optional[GraphClient] = None

    def client(self) -> GraphClient:
        if self._client is None:
            self._client = GraphClient(self.fb_access_token, self.fb_secret, self.graph_version)
        return self._client

    def get_output_channel(self) -> OutputChannel:
        return HeadEaseMessengerBot(self.client())

    def _first_time(self, mid: Optional[str]) -> bool:
        if not mid:
            return True
        if mid in self._seen:
            return False
        self._seen[mid] = None
        while len(self._seen) > SEEN_MESSAGES_MAX:
            self._seen.popitem(last=False)
        return True

    @staticmethod
    async def _notice(out: HeadEaseMessengerBot, sender_id: str, text: str) -> None:
        """A notice that does not start a turn; its failure is counted and never stops the turn."""
        try:
            await out.send_text_message(sender_id, text)
        except outbox.SendFailed as failed:
            outbox.STATS.add("facebook", "failed")
            logger.warning("facebook: a notice could not be delivered (%s)", failed.reason)

    async def _handle(self, event: Event, on_new_message: Callable[[UserMessage], Awaitable[Any]], metadata: Any) -> None:
        out = HeadEaseMessengerBot(self.client())
        sender_id = event.sender_id or ""
        await out.send_action(sender_id, "mark_seen")
        if event.kind == "unsupported":
            await self._notice(out, sender_id, chat_render.notice("unsupported"))
            return
        await out.send_action(sender_id, "typing_on")
        try:
            clean = clean_user_text(event.text)
            if clean.truncated:
                await self._notice(out, sender_id, TRUNCATION_NOTICE)
            message = UserMessage(clean.text, out, sender_id, input_channel=self.name(), metadata=metadata)
            await guarded(on_new_message, deliver=outbox.send_turn)(message)
        finally:
            await out.send_action(sender_id, "typing_off")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = Blueprint("headease_fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "sends": outbox.STATS.snapshot("facebook")})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if self.fb_verify and hmac.compare_digest(
                token.encode("utf-8", "surrogateescape"), str(self.fb_verify).encode("utf-8")
            ):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("Messenger webhook verification with a wrong verify token")
            return response.text("invalid verify token", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not signature_valid(self.fb_secret, request.body, request.headers.get("X-Hub-Signature-256")):
                logger.warning("Messenger webhook request with a missing or wrong signature rejected")
                return response.text("invalid signature", status=403)
            try:
                payload = json.loads(request.body)
            except ValueError:
                return response.text("invalid JSON", status=400)
            events = read_webhook(payload)
            if events is None:
                return response.text("invalid payload", status=400)
            if payload.get("object") != "page":
                return response.text("EVENT_RECEIVED")  # another product's webhook: not for the bot
            work: List[Event] = []
            for raw in events:
                event = read_event(raw)
                if not self._first_time(event.mid):
                    continue
                if event.kind == "ignore":
                    logger.debug("Messenger event ignored: %s", event.what)
                    continue
                work.append(event)
            if work:
                metadata = self.get_metadata(request)

                async def handle_all() -> None:
                    for event in work:
                        try:
                            await self._handle(event, on_new_message, metadata)
                        except Exception as error:
                            logger.error("Messenger event handling failed: %s", type(error).__name__)

                task = asyncio.create_task(handle_all())
                self._background_tasks.add(task)
                task.add_done_callback(self._background_tasks.discard)
            return response.text("EVENT_RECEIVED")

        return fb_webhook
