"""Slack for HeadEase: a signed Events API / interactivity webhook that keeps health talk in direct
messages, with public-input cleaning, retried sends and HeadEase's rendering (on Rasa 3.6's
SlackInput/SlackBot).

Privacy. Rasa's Slack connector keys a conversation on the user alone (no
`conversation_granularity`), so a direct message and a channel share one conversation, and the
reply to a mention in a channel, doctor summary included, is posted in the channel. Here:

- a conversation is one direct message (DM) between the bot and one person
  (`<user>_<DM channel>`), or one thread inside that DM (`<user>_<DM channel>_<thread ts>`, the
  bot answering in the thread); never a channel;
- a mention in a channel (`app_mention`), or a message in the optional watched channel
  (`SLACK_CHANNEL`), gets one line in that message's thread, "I'll continue in a direct message",
  with nothing about health in it; the bot opens a DM with the person (`conversations.open`) and
  the message is answered there (when the DM cannot be opened, e.g. without the `im:write` scope,
  the one line says to write to the bot's Messages tab instead, and nothing else is sent);
- button clicks count only in a DM (the bot never posts buttons anywhere else);
- an output made without a channel (Rasa's HTTP API, e.g. `trigger_intent?output_channel=slack`)
  posts to the DM, and thread, that the conversation id names, and refuses any other id: a
  conversation id is never used as a channel.

Webhook. Every request is checked against the signing secret (HMAC-SHA256 of
`v0:<timestamp>:<body>`, constant time, at most five minutes old); unsigned or badly signed
requests, and signed bodies that are not what Slack sends (a JSON array, form data without a JSON
`payload`), get 400. Slack re-sends an event it thinks was not delivered (`X-Slack-Retry-Num`):
recent event ids (and channel+ts, which also catches the same message arriving as `message` and
`app_mention`) are remembered, and a repeat is answered with 200 and `X-Slack-No-Retry: 1`
(memory per process: with several Rasa instances, route Slack to one of them). Edits, deletions,
joins and the bot's own messages are acknowledged and ignored; a file shared in a DM without any
text gets a short "typed text only" notice and starts no turn. Events are handled after the 200,
so Slack's three-second limit is never at risk.

Output: one Slack message per bot message (mrkdwn), buttons as a `section` + `actions` block, the
assessment card as a short summary, the doctor summary as a message (unless it was just sent word
for word). Every Web API call goes through `channels.outbox.Sender` (`ratelimited`/429 waits
Slack's `Retry-After`, 5xx and network errors back off), a turn's replies through
`outbox.send_turn` (emergency lines first; one failed reply never drops the rest).

Test-only: `HEADEASE_SLACK_API_URL` points the Slack Web API client at another base URL (the
tests' loopback stub). Never set it in production.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import time
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from channels import background, chat_render, outbox
from channels.input_safety import TRUNCATION_NOTICE, clean_user_text
from channels.reply_guard import guarded

logger = logging.getLogger(__name__)

API_URL_ENV = "HEADEASE_SLACK_API_URL"
TEXT_LIMIT = 3000  # a section block's text; also keeps plain messages readable
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
SEEN_EVENTS_MAX = 5000
SEEN_EVENTS_TTL_S = 3600
SIGNATURE_MAX_AGE_S = 300
# Message subtypes that carry a person's new words; edits, deletions, joins, bot posts do not.
USER_SUBTYPES = (None, "file_share", "thread_broadcast")
# A HeadEase Slack conversation id: `<user>_<DM channel>[_<thread ts>]` (see `Route`), or a user
# id alone (Rasa's own ids, from before).
CONVERSATION_ID = re.compile(r"(?P<user>[UW][A-Z0-9]+)(?:_(?P<channel>D[A-Z0-9]+)(?:_(?P<thread>\d+\.\d+))?)?")
TRANSIENT_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}


def signature_valid(secret: Text, body: bytes, timestamp: Optional[str], signature: Optional[str], now: Optional[float] = None) -> bool:
    """Slack's v0 request signature, checked in constant time; at most five minutes old."""
    if not secret or not timestamp or not signature:
        return False
    try:
        sent = int(timestamp.strip())
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > SIGNATURE_MAX_AGE_S:
        return False
    expected = "v0=" + hmac.new(secret.encode("utf-8"), f"v0:{sent}:".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "surrogateescape"))


def classify_error(error: BaseException) -> outbox.Failure:
    """Slack Web API errors for `outbox.Sender`."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", None)
        data = getattr(error.response, "data", None)
        code = data.get("error") if isinstance(data, dict) else None
        if status == 429 or code == "ratelimited":
            headers = getattr(error.response, "headers", None) or {}
            retry_after = {str(k).lower(): v for k, v in dict(headers).items()}.get("retry-after")
            try:
                wait = float(retry_after) if retry_after is not None else None
            except (TypeError, ValueError):
                wait = None
            return outbox.Failure(True, "429 ratelimited", wait_s=wait)
        if (status or 0) >= 500 or code in TRANSIENT_ERRORS:
            return outbox.Failure(True, f"{status} {code or 'server error'}")
        return outbox.Failure(False, f"{status} {code or 'error'}")
    if isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError, SlackClientError, ConnectionError)):
        return outbox.Failure(True, f"network ({type(error).__name__})")
    return outbox.Failure(False, type(error).__name__)


# --- where a request belongs ------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    """What a Slack request asks of the bot.

    kind: "dm" (a turn in a DM conversation), "move" (a channel mention: answer in a DM instead),
    "unsupported" (a file without text in a DM: a notice, no turn), "challenge", or "ignore"."""

    kind: str
    user: Optional[str] = None
    channel: Optional[str] = None  # where the person wrote (a DM, or the channel of a mention)
    thread_ts: Optional[str] = None  # the thread to answer in (None: the DM itself)
    text: Optional[str] = None
    keys: List[str] = field(default_factory=list)  # for retry de-duplication

    @property
    def conversation_id(self) -> str:
        parts = [self.user or "", self.channel or ""] + ([self.thread_ts] if self.thread_ts else [])
        return "_".join(parts)


def is_dm_channel(channel_id: Optional[str], channel_type: Optional[str] = None) -> bool:
    """A direct message between the bot and one person (Slack's `im`; its ids start with D)."""
    if channel_type is not None:
        return channel_type == "im"
    return bool(channel_id) and str(channel_id).startswith("D")


def bot_user_ids(body: Dict[str, Any]) -> List[str]:
    users = [a.get("user_id") for a in body.get("authorizations") or [] if isinstance(a, dict) and a.get("is_bot")]
    return [u for u in users if u] + [u for u in body.get("authed_users") or [] if isinstance(u, str)]


def route_event(body: Dict[str, Any], watched_channel: Optional[str] = None) -> Route:
    """An Events API body (https://api.slack.com/apis/events-api) → where it belongs."""
    if body.get("type") == "url_verification":
        return Route("challenge", text=str(body.get("challenge") or ""))
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return Route("ignore")
    keys = [f"id:{body['event_id']}"] if body.get("event_id") else []
    if event.get("channel") and event.get("ts"):
        keys.append(f"msg:{event['channel']}:{event['ts']}")
    user, channel, text = event.get("user"), event.get("channel"), event.get("text")
    bots = bot_user_ids(body)
    if (
        event.get("type") not in ("message", "app_mention")
        or event.get("subtype") not in USER_SUBTYPES
        or event.get("bot_id")
        or not isinstance(user, str)
        or not user
        or user in bots
        or not isinstance(channel, str)
        or not isinstance(text, (str, type(None)))
    ):
        return Route("ignore", keys=keys)
    text = SlackInput._sanitize_user_message(text or "", bots)
    thread = event.get("thread_ts") if event.get("thread_ts") != event.get("ts") else None
    if is_dm_channel(channel, event.get("channel_type")):
        # a DM (an @-mention there is a message like any other); a file without words gets the
        # "typed text only" notice, as on the other platforms, and starts no turn
        return Route("dm" if text.strip() else "unsupported", user, channel, thread, text, keys)
    if event["type"] == "app_mention" or (watched_channel and channel == watched_channel):
        # answered in a DM; the one line in the channel goes in the message's thread
        return Route("move", user, channel, event.get("thread_ts") or event.get("ts"), text, keys)
    return Route("ignore", keys=keys)


def route_interaction(payload: Dict[str, Any]) -> Route:
    """An interactivity payload (a button click, https://api.slack.com/reference/interaction-payloads)."""
    if payload.get("type") != "block_actions" or not isinstance(payload.get("actions"), list) or not payload["actions"]:
        return Route("ignore")
    action = payload["actions"][0]
    if not isinstance(action, dict) or not SlackInput._is_interactive_message(payload):
        return Route("ignore")
    user = (payload.get("user") or {}).get("id") if isinstance(payload.get("user"), dict) else None
    container = payload.get("container") if isinstance(payload.get("container"), dict) else {}
    channel = (payload.get("channel") or {}).get("id") if isinstance(payload.get("channel"), dict) else None
    channel = channel or container.get("channel_id")
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    value = SlackInput._get_interactive_response(action)
    if not user or not channel or not isinstance(value, str) or not is_dm_channel(channel):
        return Route("ignore")  # the bot only posts buttons in DMs
    return Route("dm", user, channel, message.get("thread_ts") or container.get("thread_ts"), value)


# --- output -----------------------------------------------------------------------------------
class HeadEaseSlackBot(SlackBot):
    """Posts to the channel it was made for (a DM, and when set one thread in it; or a mention's
    thread, for the one line that moves to a DM), else to the DM and thread its conversation id
    names (`_target`); never to a channel taken from a recipient id or a response payload."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        sender: Optional[outbox.Sender] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        base_url = os.environ.get(API_URL_ENV)
        kwargs: Dict[str, Any] = {"proxy": proxy, "retry_handlers": []}  # retries: outbox.Sender
        if base_url:
            kwargs["base_url"] = base_url.rstrip("/") + "/"
        self.client = AsyncWebClient(token, **kwargs)
        self.sender = sender or outbox.Sender("slack", classify_error)
        self.recent = chat_render.RecentTexts()

    def _target(self, recipient_id: Text) -> Tuple[Text, Optional[Text]]:
        """Where a message goes, (channel, thread): the channel this output was made for (a DM,
        or for the one "I'll continue in a DM" line, a mention's thread); without one (Rasa's
        HTTP API, e.g. `trigger_intent?output_channel=slack`, builds the output with no channel),
        the DM and thread named by the conversation id. Never the recipient id as a channel: a
        conversation id that names no DM is refused (`SendFailed`), nothing is posted."""
        if self.slack_channel:
            return self.slack_channel, self.thread_id
        match = CONVERSATION_ID.fullmatch(str(recipient_id or ""))
        if match and match.group("channel"):
            return match.group("channel"), match.group("thread") or self.thread_id
        if match:  # a user id alone (a conversation from before HeadEase's own ids): the app's DM
            return match.group("user"), self.thread_id
        raise outbox.SendFailed("slack", "no direct message for this conversation id", True, 0)

    async def _post_message(self, recipient_id: Text, **kwargs: Any) -> None:
        channel, thread = self._target(recipient_id)
        # `as_user` is a legacy (classic app) argument; HeadEase posts with a bot token.
        kwargs.pop("as_user", None)
        kwargs.pop("channel", None)
        if thread:
            kwargs["thread_ts"] = thread
        await self.sender.call(lambda: self.client.chat_postMessage(channel=channel, **kwargs), "chat.postMessage")

    async def open_dm(self, user: Text) -> Text:
        """The DM channel id with this person (`conversations.open`, scope `im:write`)."""
        result = await self.sender.call(lambda: self.client.conversations_open(users=user), "conversations.open")
        return result["channel"]["id"]

    def _remember(self, recipient_id: Text, text: Text) -> None:
        self.recent.add(self.slack_channel or recipient_id, text)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self._target(recipient_id)  # refused before anything is remembered as sent
        self._remember(recipient_id, text)
        for part in chat_render.split_text(chat_render.to_slack_mrkdwn(text), TEXT_LIMIT):
            await self._post_message(recipient_id, text=part, mrkdwn=True)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        self._target(recipient_id)
        self._remember(recipient_id, text)
        parts = chat_render.split_text(chat_render.to_slack_mrkdwn(text), TEXT_LIMIT) or [" "]
        for part in parts[:-1]:
            await self._post_message(recipient_id, text=part, mrkdwn=True)
        blocks: List[Dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": parts[-1]}}]
        elements = [
            {
                "type": "button",
                "action_id": f"headease_choice_{index}",
                "text": {
                    "type": "plain_text",
                    "text": chat_render.short_title(title, BUTTON_TEXT_LIMIT),
                    "emoji": True,
                },
                "value": str(button.get("payload") or title)[:BUTTON_VALUE_LIMIT],
            }
            for index, (button, title) in enumerate(zip(buttons, chat_render.button_titles(buttons)))
        ]
        for start in range(0, len(elements), BUTTONS_PER_BLOCK):
            blocks.append({"type": "actions", "elements": elements[start : start + BUTTONS_PER_BLOCK]})
        # `text` is the notification / accessibility fallback for the blocks.
        await self._post_message(recipient_id, text=chat_render.to_plain(text)[:TEXT_LIMIT], blocks=blocks)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        block = {"type": "image", "image_url": image, "alt_text": "image"}
        await self._post_message(recipient_id, text=image, blocks=[block])

    async def send_attachment(self, recipient_id: Text, attachment: Dict[Text, Any], **kwargs: Any) -> None:  # type: ignore[override]
        await self._post_message(recipient_id, attachments=[attachment])

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        kind = chat_render.known_payload(json_message)
        if kind == "assessment":
            await self.send_text_message(recipient_id, chat_render.assessment_summary(json_message["assessment"]))
        elif kind == "doctor_summary":
            summary = chat_render.doctor_summary(json_message["doctor_summary"])
            if summary and not self.recent.already_sent(self.slack_channel or recipient_id, summary["text"]):
                await self.send_text_message(recipient_id, "Summary for your doctor:\n\n" + summary["text"])
        elif isinstance(json_message, dict):
            # A Slack-specific payload from the domain: posted in this conversation only (its own
            # `channel` key is ignored, so a response can never post into a shared channel).
            message = {k: v for k, v in json_message.items() if k not in ("channel", "as_user", "thread_ts")}
            await self._post_message(recipient_id, **message)


# --- input ------------------------------------------------------------------------------------
class HeadEaseSlackInput(SlackInput):
    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return HeadEaseSlackBot(self.slack_token, channel, thread_id, self.proxy)

    # --- retries ----------------------------------------------------------------------------
    def _already_handled(self, keys: List[str]) -> bool:
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values())) < now - SEEN_EVENTS_TTL_S:
            self._seen.popitem(last=False)
        seen = any(key in self._seen for key in keys)
        for key in keys:
            self._seen[key] = now
            self._seen.move_to_end(key)
        while len(self._seen) > SEEN_EVENTS_MAX:
            self._seen.popitem(last=False)
        return seen

    # --- handling ---------------------------------------------------------------------------
    async def _turn(
        self, route: Route, out: HeadEaseSlackBot, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        clean = clean_user_text(route.text)
        if clean.truncated:
            await self._notice(out, TRUNCATION_NOTICE)
        metadata = {"out_channel": route.channel, "thread_id": route.thread_ts, "users": [route.user]}
        message = UserMessage(
            clean.text, out, route.conversation_id, input_channel=self.name(), metadata=metadata
        )
        await guarded(on_new_message, deliver=outbox.send_turn)(message)

    @staticmethod
    async def _notice(out: HeadEaseSlackBot, text: str) -> bool:
        try:
            await out.send_text_message(out.slack_channel or "", text)
            return True
        except outbox.SendFailed as failed:
            outbox.STATS.add("slack", "failed")
            logger.warning("slack: a notice could not be delivered (%s)", failed.reason)
            return False

    async def handle(self, route: Route, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """One event or click, after the webhook has answered Slack."""
        if route.kind == "dm":
            await self._turn(route, self.get_output_channel(route.channel, route.thread_ts), on_new_message)
            return
        if route.kind == "unsupported":
            await self._notice(self.get_output_channel(route.channel, route.thread_ts), chat_render.notice("unsupported"))
            return
        if route.kind != "move":
            return
        # A mention in a shared channel: one line in its thread, the answer in a DM. The DM is
        # opened first, so that the line in the channel says what really happens.
        in_thread = self.get_output_channel(route.channel, route.thread_ts)
        dm: Optional[str] = None
        try:
            dm = await self.get_output_channel().open_dm(route.user or "")
        except (outbox.SendFailed, KeyError, TypeError) as failed:
            logger.warning("slack: could not open a DM (%s)", getattr(failed, "reason", type(failed).__name__))
        if dm is not None and not is_dm_channel(dm):
            logger.warning("slack: conversations.open did not return a DM; nothing sent there")
            dm = None
        if dm is None:  # e.g. no `im:write` scope: say where to write instead; nothing else
            await self._notice(in_thread, chat_render.notice("dm_unavailable"))
            return
        await self._notice(in_thread, chat_render.notice("moved_to_dm"))
        out = self.get_output_channel(dm)
        await self._notice(out, chat_render.notice("dm_intro"))
        moved = Route("dm", route.user, dm, None, route.text or "hi", route.keys)
        await self._turn(moved, out, on_new_message)

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        background.spawn(self._background_tasks, coroutine, "Slack")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("headease_slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "sends": outbox.STATS.snapshot("slack")})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not signature_valid(
                self.slack_signing_secret,
                request.body,
                request.headers.get("X-Slack-Request-Timestamp"),
                request.headers.get("X-Slack-Signature"),
            ):
                logger.warning("Slack request not properly signed with a valid X-Slack-Signature: rejected")
                return response.text("Message is not properly signed with a valid X-Slack-Signature header", status=400)
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if content_type == "application/json":
                try:
                    body = json.loads(request.body)
                except ValueError:
                    return response.text("invalid JSON", status=400)
                if not isinstance(body, dict):
                    return response.text("invalid event", status=400)
                route = route_event(body, self.slack_channel)
                if route.kind == "challenge":
                    return response.text(route.text or "")
            elif content_type == "application/x-www-form-urlencoded":
                try:
                    form = urllib.parse.parse_qs(request.body.decode("utf-8"), strict_parsing=False)
                    payload = json.loads(form["payload"][0])
                except (UnicodeDecodeError, KeyError, IndexError, ValueError):
                    return response.text("invalid interaction payload", status=400)
                if not isinstance(payload, dict):
                    return response.text("invalid interaction payload", status=400)
                route = route_interaction(payload)
            else:
                return response.text("unsupported content type", status=415)
            if route.keys and self._already_handled(route.keys):
                logger.info(
                    "Slack event already handled; retry #%s ignored",
                    request.headers.get(self.retry_num_header) or "-",
                )
                return response.text("", status=200, headers={"X-Slack-No-Retry": "1"})
            if route.kind in ("dm", "move", "unsupported"):
                self._spawn(self.handle(route, on_new_message))
            return response.text("")

        return slack_webhook
