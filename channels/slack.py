"""Slack for HeadEase: Rasa 3.6's SlackInput with public-input cleaning, retry de-duplication and
HeadEase's rendering.

- Every user text (typed messages and button values) goes through `clean_user_text` in
  `process_message`, the one place both paths pass: "/intent{...}" is plain text, long messages
  are cut (with a notice).
- Slack re-sends an event it thinks was not delivered (`X-Slack-Retry-Num`). Rasa only ignores
  retries whose reason is `http_timeout`; we remember recent event ids (and channel+ts, which also
  catches the same message arriving as `message` and `app_mention`) and answer a repeat with 200
  and `X-Slack-No-Retry: 1` without passing it to the bot again. The memory is per process: with
  several Rasa instances behind a load balancer, route Slack to one of them.
- Output: one Slack message per bot message (mrkdwn), buttons as a `section` + `actions` block,
  the assessment card as a short summary, the doctor summary as a message (unless it was just
  sent word for word).

Test-only: `HEADEASE_SLACK_API_URL` points the Slack Web API client at another base URL (the
tests' loopback stub). Never set it in production.
"""
from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import response
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from channels import chat_render
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


class HeadEaseSlackBot(SlackBot):
    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        base_url = os.environ.get(API_URL_ENV)
        if base_url:
            self.client = AsyncWebClient(token, base_url=base_url.rstrip("/") + "/", proxy=proxy)
        self.recent = chat_render.RecentTexts()

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        # `as_user` is a legacy (classic app) argument; HeadEase posts with a bot token.
        kwargs.pop("as_user", None)
        await super()._post_message(channel=channel, **kwargs)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        self.recent.add(recipient, text)
        for part in chat_render.split_text(chat_render.to_slack_mrkdwn(text), TEXT_LIMIT):
            await self._post_message(channel=recipient, text=part, mrkdwn=True)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        recipient = self.slack_channel or recipient_id
        self.recent.add(recipient, text)
        parts = chat_render.split_text(chat_render.to_slack_mrkdwn(text), TEXT_LIMIT) or [" "]
        for part in parts[:-1]:
            await self._post_message(channel=recipient, text=part, mrkdwn=True)
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
        await self._post_message(channel=recipient, text=chat_render.to_plain(text)[:TEXT_LIMIT], blocks=blocks)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        kind = chat_render.known_payload(json_message)
        recipient = self.slack_channel or recipient_id
        if kind == "assessment":
            await self.send_text_message(recipient, chat_render.assessment_summary(json_message["assessment"]))
        elif kind == "doctor_summary":
            summary = chat_render.doctor_summary(json_message["doctor_summary"])
            if summary and not self.recent.already_sent(recipient, summary["text"]):
                await self.send_text_message(recipient, "Summary for your doctor:\n\n" + summary["text"])
        else:
            await super().send_custom_json(recipient_id, json_message, **kwargs)


class HeadEaseSlackInput(SlackInput):
    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        return HeadEaseSlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)

    # --- retries ----------------------------------------------------------------------------
    @staticmethod
    def _event_keys(request: Request) -> List[str]:
        if request.headers.get("content-type") != "application/json":
            return []  # interactive payloads are not retried by Slack; each click counts
        body = request.json if isinstance(request.json, dict) else {}
        event = body.get("event") if isinstance(body.get("event"), dict) else {}
        keys = []
        if body.get("event_id"):
            keys.append(f"id:{body['event_id']}")
        if event.get("channel") and event.get("ts"):
            keys.append(f"msg:{event['channel']}:{event['ts']}")
        return keys

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

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        sender_id: Optional[Text],
        metadata: Optional[Dict],
    ) -> Any:
        if self._already_handled(self._event_keys(request)):
            logger.info(
                "Slack event already handled; retry #%s ignored",
                request.headers.get(self.retry_num_header) or "-",
            )
            return response.text("", status=200, headers={"X-Slack-No-Retry": "1"})
        clean = clean_user_text(text)
        if clean.truncated:
            metadata = metadata or {}
            thread_id = metadata.get("thread_id") if self.use_threads else None
            await self.get_output_channel(metadata.get("out_channel"), thread_id).send_text_message(
                sender_id or "", TRUNCATION_NOTICE
            )
        return await super().process_message(request, guarded(on_new_message), clean.text, sender_id, metadata)
