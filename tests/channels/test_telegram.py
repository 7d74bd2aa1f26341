"""Telegram webhook updates against the real Rasa server (connector route
/webhooks/telegram/webhook), Bot API calls captured by the loopback stub."""
import json
import time

import pytest

from channels.telegram import SECRET_HEADER, webhook_secret
from tests.channels.conftest import TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_URL
from tests.channels.webhooks import as_json, kb_questions, post, user_texts

pytestmark = pytest.mark.e2e
_update_ids = iter(range(1000, 100000))


def update(chat_id: int, text: str) -> dict:
    """A webhook Update with a private-chat text message, as the Bot API documents it."""
    message = {
        "message_id": next(_update_ids),
        "from": {"id": chat_id, "is_bot": False, "first_name": "Pat", "language_code": "en"},
        "chat": {"id": chat_id, "first_name": "Pat", "type": "private"},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_update_ids), "message": message}


def send(stack, payload: dict, secret: str = None):
    headers = {"Content-Type": "application/json", SECRET_HEADER: webhook_secret(TELEGRAM_TOKEN) if secret is None else secret}
    return post(f"{stack.rasa_url}/webhooks/telegram/webhook", as_json(payload), headers)


def to_chat(chat_id: int, method: str = "sendMessage"):
    return lambda c: c.platform == "telegram" and c.method == method and str(c.body.get("chat_id")) == str(chat_id)


def keyboard(call) -> list:
    markup = json.loads(call.body["reply_markup"])
    assert markup["one_time_keyboard"] is True and markup["resize_keyboard"] is True
    return [row[0]["text"] for row in markup["keyboard"]]


def test_webhook_is_registered_with_a_secret_token(channel_stack, platform_stub):
    call = platform_stub.wait_for(lambda c: c.platform == "telegram" and c.method == "setWebhook", timeout=10)[-1]
    assert call.body["url"] == TELEGRAM_WEBHOOK_URL
    assert call.body["secret_token"] == webhook_secret(TELEGRAM_TOKEN)
    assert json.loads(call.body["allowed_updates"]) == ["message", "edited_message", "callback_query"]


def test_start_greets_and_a_keyboard_tap_sends_the_button_payload(channel_stack, platform_stub):
    chat = 5001
    status, _, text = send(channel_stack, update(chat, "/start"))
    assert status == 200 and text == "success"
    greeting = platform_stub.find(to_chat(chat))  # Telegram's route answers before returning
    assert greeting and "HeadEase" in greeting[0].body["text"]
    assert greeting[0].body["parse_mode"] == "HTML"
    tracker = channel_stack.tracker(str(chat))
    assert user_texts(tracker) == ["hi"]
    assert tracker["latest_message"]["intent"]["name"] == "greet"
    offered = keyboard(greeting[-1])
    assert "Start a headache check" in offered

    # Tapping a reply-keyboard button sends its title as text; the bot receives the payload.
    send(channel_stack, update(chat, "Start a headache check"))
    tracker = channel_stack.tracker(str(chat))
    assert user_texts(tracker)[-1] == "I have a headache"
    question = kb_questions()[tracker["slots"]["requested_slot"]]
    last = platform_stub.find(to_chat(chat))[-1]
    assert last.body["text"].startswith(question["text"][:20])
    assert keyboard(last) == [b["title"] for b in question["buttons"]]
    send(channel_stack, update(chat, question["buttons"][0]["title"]))
    assert user_texts(channel_stack.tracker(str(chat)))[-1] == question["buttons"][0]["payload"]


def test_emergency_assessment_and_doctor_summary_render_as_chat_messages(channel_stack, platform_stub):
    chat = 5002
    send(channel_stack, update(chat, "suddenly the worst headache of my life, like a thunderclap, and I feel confused"))
    texts = [c.body["text"] for c in platform_stub.find(to_chat(chat))]
    assert any("112" in t for t in texts), texts
    assert any(t.startswith("🚨 <b>In short: Get emergency help now</b>") for t in texts), texts
    send(channel_stack, update(chat, "Can I get a summary for my doctor?"))
    documents = platform_stub.find(to_chat(chat, "sendDocument"))
    assert len(documents) == 1, [c.body.get("text") for c in platform_stub.find(to_chat(chat))]
    document = documents[0].files["document"]
    assert document["filename"].startswith("headease-summary-") and document["filename"].endswith(".txt")
    assert document["content"].startswith("HeadEase headache summary (")
    assert "Triage: emergency" in document["content"]


def test_updates_without_the_secret_token_are_rejected(channel_stack, platform_stub):
    for secret in ("", "not-the-secret"):
        status, _, _ = send(channel_stack, update(5003, "I have a headache"), secret=secret)
        assert status == 403
    assert platform_stub.find(to_chat(5003)) == []
    assert user_texts(channel_stack.tracker("5003")) == []


def test_other_update_kinds_are_acknowledged_and_ignored(channel_stack, platform_stub):
    chat_member = {"update_id": 77, "my_chat_member": {"chat": {"id": 5004, "type": "private"}, "date": 0}}
    status, _, _ = send(channel_stack, chat_member)
    assert status == 200
    assert platform_stub.find(to_chat(5004)) == []
