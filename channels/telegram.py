"""Telegram for HeadEase: Rasa 3.6's TelegramInput with an authenticated webhook, public-input
cleaning and HeadEase's rendering.

- Webhook secret: Rasa's Telegram route accepts any POST (anyone who knows the URL could write to
  any chat's conversation through the bot). We register the webhook with Telegram's
  `secret_token` (derived from the bot token, so there is nothing more to configure) and answer
  403 to updates without the matching `X-Telegram-Bot-Api-Secret-Token` header. Updates that are
  not a message, an edited message or a button press are acknowledged and ignored (Rasa's handler
  would raise on them, and Telegram would re-send them).
- The webhook is registered when the server has started (Rasa does it at import time in a
  throw-away event loop, and stops the whole server when Telegram cannot be reached); a failure is
  logged and `/webhooks/telegram/set_webhook` retries it.
- Commands: `/start` (also with a deep-link parameter or `@botname`) is a greeting, `/restart` is
  "restart", `/help` is "help"; any other text goes through `clean_user_text`, so "/intent{...}"
  is never parsed as an intent, and long messages are cut (with a notice). This happens in the
  `on_new_message` callback that Rasa's route calls, the one point every text passes.
- Buttons are a one-time reply keyboard (one choice per row). A tap sends the button's title as a
  message, so the input maps a title the bot just offered in that chat back to its payload (kept
  per process; without it the title itself goes to NLU, which understands it as well).
- Texts use `parse_mode=HTML` (bold, links), split at 4096 characters; the assessment card becomes
  a short summary; the doctor summary is sent as a .txt document the user can forward.
- `getMe` (Rasa checks the bot's username on every update) is asked once and cached.

Test-only: `HEADEASE_TELEGRAM_API_URL` replaces `https://api.telegram.org` (the tests' loopback
stub). Never set it in production.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import os
import re
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import InputFile, KeyboardButton, ReplyKeyboardMarkup
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request

from channels import chat_render
from channels.input_safety import TRUNCATION_NOTICE, clean_user_text
from channels.reply_guard import guarded

logger = logging.getLogger(__name__)

API_URL_ENV = "HEADEASE_TELEGRAM_API_URL"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TEXT_LIMIT = 4096
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
COMMANDS = {"start": "hi", "restart": "restart", "help": "help"}
_COMMAND = re.compile(r"^\s*/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.S)
KEYBOARD_CHATS_MAX = 10000


def webhook_secret(access_token: Text) -> str:
    """The `secret_token` for setWebhook: derived from the bot token ([A-Za-z0-9_-], 64 chars)."""
    return hmac.new(str(access_token).encode(), b"headease-telegram-webhook", hashlib.sha256).hexdigest()


def api_server() -> TelegramAPIServer:
    base_url = os.environ.get(API_URL_ENV)
    return TelegramAPIServer.from_base(base_url) if base_url else TELEGRAM_PRODUCTION


def command_text(text: Text) -> Text:
    """Telegram bot commands as the plain text HeadEase understands."""
    match = _COMMAND.match(text or "")
    if match and match.group(1).lower() in COMMANDS:
        return COMMANDS[match.group(1).lower()]
    return text


class KeyboardMemory:
    """The reply-keyboard choices last offered in each chat: title (case-insensitive) → payload."""

    def __init__(self, chats: int = KEYBOARD_CHATS_MAX) -> None:
        self._chats: "OrderedDict[str, Dict[str, str]]" = OrderedDict()
        self._max = chats

    def offer(self, chat_id: Any, buttons: List[Dict[Text, Any]]) -> None:
        key = str(chat_id)
        self._chats.pop(key, None)
        self._chats[key] = {
            " ".join(str(b.get("title")).split()).casefold(): str(b.get("payload") or b.get("title"))
            for b in buttons
            if b.get("title")
        }
        while len(self._chats) > self._max:
            self._chats.popitem(last=False)

    def resolve(self, chat_id: Any, text: Text) -> Text:
        choices = self._chats.get(str(chat_id)) or {}
        return choices.get(" ".join(str(text).split()).casefold(), text)


class HeadEaseTelegramOutput(TelegramOutput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self, access_token: Optional[Text], keyboards: Optional[KeyboardMemory] = None) -> None:
        Bot.__init__(self, access_token, server=api_server())
        self.keyboards = keyboards if keyboards is not None else KeyboardMemory()
        self._me = None

    async def close_session(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def get_me(self):  # type: ignore[override]
        if self._me is None:
            self._me = await super().get_me()
        return self._me

    async def _send_html(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        parts = chat_render.split_text(text, TEXT_LIMIT) or [" "]
        for index, part in enumerate(parts):
            extra = kwargs if index == len(parts) - 1 else {}
            await self.send_message(
                recipient_id, chat_render.to_telegram_html(part), parse_mode="HTML",
                disable_web_page_preview=True, **extra,
            )

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_html(recipient_id, text)

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        button_type: Optional[Text] = "reply",
        **kwargs: Any,
    ) -> None:
        if button_type in ("inline", "vertical"):  # asked for explicitly in a response
            await super().send_text_with_buttons(recipient_id, text, buttons, button_type, **kwargs)
            return
        buttons = [b for b in buttons if isinstance(b, dict) and b.get("title")]
        keyboard = ReplyKeyboardMarkup(resize_keyboard=True, one_time_keyboard=True)
        for button in buttons:
            keyboard.row(KeyboardButton(str(button["title"])))
        self.keyboards.offer(recipient_id, buttons)
        await self._send_html(recipient_id, text, reply_markup=keyboard)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        kind = chat_render.known_payload(json_message)
        if kind == "assessment":
            await self._send_html(recipient_id, chat_render.assessment_summary(json_message["assessment"]))
        elif kind == "doctor_summary":
            summary = chat_render.doctor_summary(json_message["doctor_summary"])
            if summary:
                document = InputFile(io.BytesIO(summary["text"].encode("utf-8")), filename=summary["filename"])
                await self.send_document(recipient_id, document, caption="Summary for your doctor (text file)")
        else:
            await super().send_custom_json(recipient_id, json_message, **kwargs)


class HeadEaseTelegramInput(TelegramInput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            debug_mode=False,
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keyboards = KeyboardMemory()
        self.secret_token = webhook_secret(self.access_token)
        self._output: Optional[HeadEaseTelegramOutput] = None

    def get_output_channel(self) -> HeadEaseTelegramOutput:
        # Rasa's version also registers the webhook here, in a throw-away event loop; we do that
        # once the server runs (see `blueprint`).
        if self._output is None:
            self._output = HeadEaseTelegramOutput(self.access_token, self.keyboards)
        return self._output

    async def register_webhook(self) -> bool:
        if not self.webhook_url:
            logger.warning("TELEGRAM_WEBHOOK_URL is not set: Telegram will not send updates")
            return False
        try:
            result = await self.get_output_channel().request(
                "setWebhook",
                {
                    "url": self.webhook_url,
                    "secret_token": self.secret_token,
                    "allowed_updates": json.dumps(ALLOWED_UPDATES),
                },
            )
        except Exception as error:  # a Telegram outage must not take the other channels down
            logger.error("Telegram webhook registration failed: %s", error)
            return False
        logger.info("Telegram webhook registered")
        return bool(result)

    def _clean_messages(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[Any]]:
        on_new_message = guarded(on_new_message)

        async def handle(message: UserMessage) -> Any:
            text = self.keyboards.resolve(message.sender_id, command_text(message.text or ""))
            clean = clean_user_text(text)
            if clean.truncated:
                await message.output_channel.send_text_message(message.sender_id, TRUNCATION_NOTICE)
            message.text = clean.text
            return await on_new_message(message)

        return handle

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = super().blueprint(self._clean_messages(on_new_message))
        webhook_path = f"/webhooks/{self.name()}/webhook"
        set_webhook_path = f"/webhooks/{self.name()}/set_webhook"

        @telegram_webhook.middleware("request")
        async def guard(request: Request) -> Optional[Any]:
            path = request.path.rstrip("/")
            if path == set_webhook_path:
                ok = await self.register_webhook()
                return response.text("Webhook setup successful" if ok else "Invalid webhook", status=200 if ok else 502)
            if path != webhook_path or request.method != "POST":
                return None
            given = request.headers.get(SECRET_HEADER) or ""
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                logger.warning("Telegram update without the right secret token rejected")
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body)
            except ValueError:
                return response.text("invalid JSON", status=400)
            if not isinstance(update, dict):
                return response.text("invalid update", status=400)
            message = update.get("message") or update.get("edited_message")
            if isinstance(message, dict) and ("text" in message or "location" in message):
                return None
            if isinstance(update.get("callback_query"), dict) and update["callback_query"].get("message"):
                return None
            return response.text("success")  # other update kinds: acknowledged, not for the bot

        @telegram_webhook.listener("after_server_start")
        async def set_webhook(app: Any, loop: Any) -> None:
            await self.register_webhook()

        @telegram_webhook.listener("before_server_stop")
        async def close_session(app: Any, loop: Any) -> None:
            if self._output is not None:
                await self._output.close_session()

        return telegram_webhook
