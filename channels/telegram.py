"""Telegram for HeadEase: an authenticated Bot API webhook, public-input cleaning, retried sends
and HeadEase's rendering (on Rasa 3.6's TelegramInput/TelegramOutput).

- Webhook secret: Rasa's Telegram route accepts any POST (anyone who knows the URL could write to
  any chat's conversation through the bot). We register the webhook with Telegram's
  `secret_token` (derived from the bot token, so there is nothing more to configure) and answer
  403 to updates without the matching `X-Telegram-Bot-Api-Secret-Token` header; a body that is not
  a JSON Update gets 400.
- The webhook answers at once and handles the update in the background, one update at a time per
  chat, in order (a send waiting for Telegram's `retry_after` must not hold the webhook open, or
  Telegram delivers the update again). An update Telegram delivers twice (same `update_id`) is
  handled once (memory per process).
- What starts a turn: a text message in a private chat, and an inline-button press (its data),
  which is acknowledged with `answerCallbackQuery` first so the button stops spinning. What does
  NOT: an edited message (Telegram sends it as `edited_message`; the bot says plainly that the
  edit changed nothing and asks for a new message), a live-location update (edits of a location
  message: ignored), a location, photo, voice or sticker (a short "typed text only" notice), and
  anything in a group (a pointer to a private chat: in a group, everyone would read the answers).
- Commands: `/start` (also with a deep-link parameter or `@botname`) is a greeting, `/restart` is
  "restart", `/help` is "help"; any other text goes through `clean_user_text`, so "/intent{...}"
  is never parsed as an intent, and long messages are cut (with a notice).
- Buttons are a one-time reply keyboard (one choice per row). A tap sends the button's title as a
  message, so the input maps a title the bot just offered in that chat back to its payload (kept
  per process; without it the title itself goes to NLU, which understands it as well).
- Texts use `parse_mode=HTML` (bold, links), split at 4096 characters; a part Telegram refuses
  as bad HTML is sent again as plain text. The assessment card becomes a short summary; the
  doctor summary is sent as a .txt document the user can forward.
- Every Bot API call goes through `channels.outbox.Sender`: a 429 waits Telegram's `retry_after`,
  network and 5xx errors back off and retry; a turn's replies go through `outbox.send_turn`
  (emergency lines first; one failed reply never drops the rest).
- The webhook is registered when the server has started (Rasa does it at import time in a
  throw-away event loop, and stops the whole server when Telegram cannot be reached); a failure is
  logged and `/webhooks/telegram/set_webhook` retries it.

Test-only: `HEADEASE_TELEGRAM_API_URL` replaces `https://api.telegram.org` (the tests' loopback
stub). Never set it in production.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import logging
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

import aiohttp
from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils import exceptions as tg_errors
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import background, chat_render, outbox
from channels.input_safety import TRUNCATION_NOTICE, clean_user_text
from channels.reply_guard import guarded

logger = logging.getLogger(__name__)

API_URL_ENV = "HEADEASE_TELEGRAM_API_URL"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64  # bytes, Bot API limit for InlineKeyboardButton.callback_data
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
COMMANDS = {"start": "hi", "restart": "restart", "help": "help"}
_COMMAND = re.compile(r"^\s*/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.S)
KEYBOARD_CHATS_MAX = 10000
# Service messages a private chat can carry (no user text, nothing to answer).
SERVICE_MESSAGE_KEYS = (
    "pinned_message", "message_auto_delete_timer_changed", "successful_payment", "refunded_payment",
    "write_access_allowed", "users_shared", "chat_shared", "connected_website", "passport_data",
    "proximity_alert_triggered", "gift", "unique_gift", "chat_background_set",
)
SEEN_UPDATES_MAX = 5000
# Answering a button press is only useful while the user looks at the spinner: retry briefly.
CALLBACK_BACKOFF = outbox.Backoff(attempts=2, first_s=0.5, max_s=1.0, budget_s=5.0)


def webhook_secret(access_token: Text) -> str:
    """The `secret_token` for setWebhook: derived from the bot token ([A-Za-z0-9_-], 64 chars)."""
    return hmac.new(str(access_token).encode(), b"headease-telegram-webhook", hashlib.sha256).hexdigest()


def secret_matches(given: Optional[str], expected: str) -> bool:
    """Constant-time comparison of the header (any characters: compared as UTF-8 bytes)."""
    return hmac.compare_digest((given or "").encode("utf-8", "surrogateescape"), expected.encode())


def api_server() -> TelegramAPIServer:
    base_url = os.environ.get(API_URL_ENV)
    return TelegramAPIServer.from_base(base_url) if base_url else TELEGRAM_PRODUCTION


def command_text(text: Text) -> Text:
    """Telegram bot commands as the plain text HeadEase understands."""
    match = _COMMAND.match(text or "")
    if match and match.group(1).lower() in COMMANDS:
        return COMMANDS[match.group(1).lower()]
    return text


def classify_error(error: BaseException) -> outbox.Failure:
    """Bot API errors (aiogram's exceptions) for `outbox.Sender`: retry or not, and when."""
    if isinstance(error, tg_errors.RetryAfter):
        return outbox.Failure(True, "429 retry_after", wait_s=float(error.timeout))
    if isinstance(error, (tg_errors.NetworkError, tg_errors.RestartingTelegram, aiohttp.ClientError, asyncio.TimeoutError)):
        return outbox.Failure(True, f"network ({type(error).__name__})")
    if isinstance(error, tg_errors.BadRequest):
        return outbox.Failure(False, f"400 {type(error).__name__}")
    if isinstance(error, tg_errors.Unauthorized):
        return outbox.Failure(False, f"401/403 {type(error).__name__}")
    if isinstance(error, (tg_errors.NotFound, tg_errors.ConflictError, tg_errors.MigrateToChat, tg_errors.ValidationError)):
        return outbox.Failure(False, type(error).__name__)
    if type(error) is tg_errors.TelegramAPIError:  # a 5xx (or a status aiogram does not know)
        return outbox.Failure(True, "server error")
    return outbox.Failure(False, type(error).__name__)


def _is_markup_error(error: Optional[BaseException]) -> bool:
    if isinstance(error, tg_errors.CantParseEntities):
        return True
    return isinstance(error, tg_errors.BadRequest) and "parse entities" in str(error).lower()


# --- incoming updates -------------------------------------------------------------------------
@dataclass(frozen=True)
class Incoming:
    """What an Update asks of the bot. kind: "text" and "callback" start a turn; "edited",
    "unsupported" and "group" get a notice; "ignore" gets nothing."""

    kind: str
    chat_id: Optional[int] = None
    text: Optional[str] = None
    callback_id: Optional[str] = None


def read_update(update: Dict[str, Any]) -> Incoming:
    """Classify a webhook Update (https://core.telegram.org/bots/api#update)."""
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        message = callback.get("message") if isinstance(callback.get("message"), dict) else {}
        chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
        callback_id = str(callback.get("id") or "") or None
        if not chat.get("id") or not isinstance(callback.get("data"), str):
            # a button under an inline-mode message, or a game button: just stop the spinner
            return Incoming("ignore", callback_id=callback_id)
        if chat.get("type") != "private":
            return Incoming("group", chat["id"], callback_id=callback_id)
        return Incoming("callback", chat["id"], callback["data"], callback_id)
    edited = update.get("edited_message")
    if isinstance(edited, dict):
        chat = edited.get("chat") if isinstance(edited.get("chat"), dict) else {}
        if "location" in edited or not chat.get("id") or chat.get("type") != "private":
            return Incoming("ignore")  # live-location updates arrive as edits, every few seconds
        return Incoming("edited", chat["id"])
    message = update.get("message")
    if not isinstance(message, dict):
        return Incoming("ignore")  # other update kinds (my_chat_member, ...): not for the bot
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    if not chat.get("id") or sender.get("is_bot"):
        return Incoming("ignore")
    if chat.get("type") != "private":
        return Incoming("group", chat["id"])
    if isinstance(message.get("text"), str) and message["text"].strip():
        return Incoming("text", chat["id"], message["text"])
    if any(key in message for key in SERVICE_MESSAGE_KEYS):
        return Incoming("ignore")
    return Incoming("unsupported", chat["id"])


class KeyboardMemory:
    """The answer choices last offered in each chat: reply-keyboard title (case-insensitive) →
    payload, and the short tokens used as inline-button data when a payload is too long."""

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
        self._chats[key].update({f"\x00{index}": str(b.get("payload") or b.get("title")) for index, b in enumerate(buttons)})
        while len(self._chats) > self._max:
            self._chats.popitem(last=False)

    @staticmethod
    def token(index: int) -> str:
        return f"choice:{index}"

    def resolve(self, chat_id: Any, text: Text) -> Text:
        choices = self._chats.get(str(chat_id)) or {}
        match = re.fullmatch(r"choice:(\d+)", str(text))
        if match and f"\x00{match.group(1)}" in choices:
            return choices[f"\x00{match.group(1)}"]
        return choices.get(" ".join(str(text).split()).casefold(), text)


# --- output -----------------------------------------------------------------------------------
class HeadEaseTelegramOutput(TelegramOutput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(
        self,
        access_token: Optional[Text],
        keyboards: Optional[KeyboardMemory] = None,
        sender: Optional[outbox.Sender] = None,
    ) -> None:
        Bot.__init__(self, access_token, server=api_server())
        self.keyboards = keyboards if keyboards is not None else KeyboardMemory()
        self.sender = sender or outbox.Sender("telegram", classify_error)
        self.quick_sender = outbox.Sender(
            "telegram", classify_error, CALLBACK_BACKOFF, self.sender._sleep, self.sender._clock
        )

    async def close_session(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def _send_part(self, recipient_id: Text, part: Text, reply_markup: Any) -> None:
        async def as_html() -> Any:
            return await self.send_message(
                recipient_id, chat_render.to_telegram_html(part), parse_mode="HTML",
                disable_web_page_preview=True, reply_markup=reply_markup,
            )

        async def as_plain() -> Any:
            return await self.send_message(
                recipient_id, chat_render.to_plain(part), disable_web_page_preview=True, reply_markup=reply_markup
            )

        try:
            await self.sender.call(as_html, "sendMessage")
        except outbox.SendFailed as failed:
            if not (failed.permanent and _is_markup_error(failed.__cause__)):
                raise
            logger.warning("telegram: HTML refused (%s); sending the part as plain text", failed.reason)
            outbox.STATS.add("telegram", "plain_fallback")
            await self.sender.call(as_plain, "sendMessage")

    async def _send_html(self, recipient_id: Text, text: Text, reply_markup: Any = None) -> None:
        parts = chat_render.split_text(text, TEXT_LIMIT) or [" "]
        for index, part in enumerate(parts):
            await self._send_part(recipient_id, part, reply_markup if index == len(parts) - 1 else None)

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
        buttons = [b for b in buttons if isinstance(b, dict) and b.get("title")]
        self.keyboards.offer(recipient_id, buttons)
        if button_type in ("inline", "vertical"):  # asked for explicitly in a response
            keyboard = InlineKeyboardMarkup()
            row = []
            for index, button in enumerate(buttons):
                data = str(button.get("payload") or button["title"])
                if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
                    data = KeyboardMemory.token(index)
                row.append(InlineKeyboardButton(str(button["title"]), callback_data=data))
            if button_type == "vertical":
                for item in row:
                    keyboard.row(item)
            else:
                keyboard.row(*row)
        else:
            keyboard = ReplyKeyboardMarkup(resize_keyboard=True, one_time_keyboard=True)
            for button in buttons:
                keyboard.row(KeyboardButton(str(button["title"])))
        await self._send_html(recipient_id, text, reply_markup=keyboard)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.sender.call(lambda: self.send_photo(recipient_id, image), "sendPhoto")

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        kind = chat_render.known_payload(json_message)
        if kind == "assessment":
            await self._send_html(recipient_id, chat_render.assessment_summary(json_message["assessment"]))
        elif kind == "doctor_summary":
            summary = chat_render.doctor_summary(json_message["doctor_summary"])
            if summary:
                async def send_document() -> Any:  # a fresh file object for every attempt
                    document = InputFile(io.BytesIO(summary["text"].encode("utf-8")), filename=summary["filename"])
                    return await self.send_document(recipient_id, document, caption="Summary for your doctor (text file)")

                await self.sender.call(send_document, "sendDocument")
        else:
            await self.sender.call(lambda: super(HeadEaseTelegramOutput, self).send_custom_json(recipient_id, json_message, **kwargs))

    async def answer_button(self, callback_id: str) -> None:
        """`answerCallbackQuery`: stops the button's progress indicator (no notification)."""
        try:
            await self.quick_sender.call(lambda: self.answer_callback_query(callback_id), "answerCallbackQuery")
        except outbox.SendFailed as failed:  # cosmetic: the turn goes on
            logger.warning("telegram: could not answer a button press (%s)", failed.reason)

    async def send_notice(self, recipient_id: Text, text: Text) -> None:
        try:
            await self._send_html(recipient_id, text)
        except outbox.SendFailed as failed:
            outbox.STATS.add("telegram", "failed")
            logger.warning("telegram: a notice could not be delivered (%s)", failed.reason)


# --- input ------------------------------------------------------------------------------------
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
        self._seen: "OrderedDict[int, None]" = OrderedDict()
        self._chats = outbox.InOrder()
        self._background_tasks: Set[asyncio.Task] = set()

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
            logger.error("Telegram webhook registration failed: %s", type(error).__name__)
            return False
        logger.info("Telegram webhook registered")
        return bool(result)

    def _first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        while len(self._seen) > SEEN_UPDATES_MAX:
            self._seen.popitem(last=False)
        return True

    def notice_for(self, kind: str) -> str:
        return chat_render.notice(kind, telegram_bot=self.verify)

    async def handle(self, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """One update, after the webhook has answered Telegram (in order, per chat)."""
        out = self.get_output_channel()
        if incoming.callback_id:
            await out.answer_button(incoming.callback_id)
        if incoming.chat_id is None or incoming.kind == "ignore":
            return
        async with self._chats.hold(incoming.chat_id):
            if incoming.kind in ("edited", "unsupported", "group"):
                await out.send_notice(str(incoming.chat_id), self.notice_for(incoming.kind))
                return
            sender_id = str(incoming.chat_id)
            text = self.keyboards.resolve(sender_id, command_text(incoming.text or ""))
            clean = clean_user_text(text)
            if clean.truncated:
                await out.send_notice(sender_id, TRUNCATION_NOTICE)
            message = UserMessage(clean.text, out, sender_id, input_channel=self.name())
            await guarded(on_new_message, deliver=outbox.send_turn)(message)

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        background.spawn(self._background_tasks, coroutine, "Telegram")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("headease_telegram_webhook", __name__)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "sends": outbox.STATS.snapshot("telegram")})

        @telegram_webhook.route("/set_webhook", methods=["GET", "POST"])
        async def set_webhook(_: Request) -> HTTPResponse:
            ok = await self.register_webhook()
            return response.text("Webhook setup successful" if ok else "Invalid webhook", status=200 if ok else 502)

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not secret_matches(request.headers.get(SECRET_HEADER), self.secret_token):
                logger.warning("Telegram update without the right secret token rejected")
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body)
            except ValueError:
                return response.text("invalid JSON", status=400)
            if not isinstance(update, dict) or type(update.get("update_id")) is not int:
                return response.text("invalid update", status=400)
            if not self._first_time(update["update_id"]):
                return response.text("success")  # Telegram delivered it again: handled already
            incoming = read_update(update)
            if incoming.kind != "ignore" or incoming.callback_id:
                self._spawn(self.handle(incoming, on_new_message))
            return response.text("success")

        @telegram_webhook.listener("after_server_start")
        async def register(app: Any, loop: Any) -> None:
            await self.register_webhook()

        @telegram_webhook.listener("before_server_stop")
        async def close_session(app: Any, loop: Any) -> None:
            if self._output is not None:
                await self._output.close_session()

        return telegram_webhook
