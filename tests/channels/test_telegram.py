"""Telegram webhook updates against the real Rasa server (connector route
/webhooks/telegram/webhook), Bot API calls captured by the loopback stand-in. Updates are shaped
like the Bot API documents them (https://core.telegram.org/bots/api#update)."""
import json
import time

import pytest

from channels.telegram import SECRET_HEADER, webhook_secret
from tests.channels.conftest import TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_URL
from tests.channels.platform_stub import PlatformStub
from tests.channels.webhooks import as_json, kb_questions, post, user_texts, wait_for_user_texts

pytestmark = pytest.mark.e2e
_ids = iter(range(1000, 100000))


def message(chat_id: int, text=None, chat_type: str = "private", **extra) -> dict:
    message = {
        "message_id": next(_ids),
        "from": {"id": chat_id, "is_bot": False, "first_name": "Pat", "language_code": "en"},
        "chat": {"id": chat_id, "first_name": "Pat", "type": chat_type},
        "date": int(time.time()),
        **extra,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return message


def update(chat_id: int, text: str) -> dict:
    """A webhook Update with a private-chat text message."""
    return {"update_id": next(_ids), "message": message(chat_id, text)}


def send(stack, payload, secret: str = None, raw: bytes = None):
    headers = {"Content-Type": "application/json", SECRET_HEADER: webhook_secret(TELEGRAM_TOKEN) if secret is None else secret}
    return post(f"{stack.rasa_url}/webhooks/telegram/webhook", raw if raw is not None else as_json(payload), headers)


def to_chat(chat_id: int, method: str = "sendMessage"):
    return lambda c: c.platform == "telegram" and c.method == method and str(c.body.get("chat_id")) == str(chat_id)


def keyboard(call) -> list:
    markup = json.loads(call.body["reply_markup"])
    assert markup["one_time_keyboard"] is True and markup["resize_keyboard"] is True
    return [row[0]["text"] for row in markup["keyboard"]]


def say(stack, stub, chat: int, text: str) -> list:
    """Send a text, wait until the bot has finished answering; the new sendMessage calls."""
    before = len(stub.find(to_chat(chat)))
    count = len(user_texts(stack.tracker(str(chat))))
    status, _, answer = send(stack, update(chat, text))
    assert status == 200 and answer == "success"
    wait_for_user_texts(stack, str(chat), count + 1)
    stub.wait_for(to_chat(chat), count=before + 1)
    return stub.settle(to_chat(chat))[before:]


def test_webhook_is_registered_with_a_secret_token(channel_stack, platform_stub):
    call = platform_stub.wait_for(lambda c: c.platform == "telegram" and c.method == "setWebhook", timeout=10)[-1]
    assert call.body["url"] == TELEGRAM_WEBHOOK_URL
    assert call.body["secret_token"] == webhook_secret(TELEGRAM_TOKEN)
    assert json.loads(call.body["allowed_updates"]) == ["message", "edited_message", "callback_query"]


def test_start_greets_and_a_keyboard_tap_sends_the_button_payload(channel_stack, platform_stub):
    chat = 5001
    greeting = say(channel_stack, platform_stub, chat, "/start")
    assert "HeadEase" in greeting[0].body["text"] and greeting[0].body["parse_mode"] == "HTML"
    tracker = channel_stack.tracker(str(chat))
    assert user_texts(tracker) == ["hi"]
    assert tracker["latest_message"]["intent"]["name"] == "greet"
    assert "Start a headache check" in keyboard(greeting[-1])

    # Tapping a reply-keyboard button sends its title as text; the bot receives the payload.
    answer = say(channel_stack, platform_stub, chat, "Start a headache check")
    tracker = channel_stack.tracker(str(chat))
    assert user_texts(tracker)[-1] == "I have a headache"
    question = kb_questions()[tracker["slots"]["requested_slot"]]
    assert answer[-1].body["text"].startswith(question["text"][:20])
    assert keyboard(answer[-1]) == [b["title"] for b in question["buttons"]]
    say(channel_stack, platform_stub, chat, question["buttons"][0]["title"])
    assert user_texts(channel_stack.tracker(str(chat)))[-1] == question["buttons"][0]["payload"]


def test_emergency_assessment_and_doctor_summary_render_as_chat_messages(channel_stack, platform_stub):
    chat = 5002
    texts = [c.body["text"] for c in say(channel_stack, platform_stub, chat,
                                         "suddenly the worst headache of my life, like a thunderclap, and I feel confused")]
    assert texts[0].startswith("🚨 <b>"), texts  # the emergency line goes first
    assert any("112" in t for t in texts), texts
    assert any(t.startswith("🚨 <b>In short: Get emergency help now</b>") for t in texts), texts
    say(channel_stack, platform_stub, chat, "Can I get a summary for my doctor?")
    documents = platform_stub.wait_for(to_chat(chat, "sendDocument"))
    assert len(documents) == 1
    document = documents[0].files["document"]
    assert document["filename"].startswith("headease-summary-") and document["filename"].endswith(".txt")
    assert document["content"].startswith("HeadEase headache summary (")
    assert "Triage: emergency" in document["content"]


@pytest.mark.parametrize("secret", ["", "not-the-secret", "é" * 64], ids=["empty", "wrong", "non-ascii"])
def test_updates_without_the_secret_token_are_rejected(channel_stack, platform_stub, secret):
    status, _, _ = send(channel_stack, update(5003, "I have a headache"), secret=secret)
    assert status == 403
    time.sleep(1)
    assert platform_stub.find(to_chat(5003)) == []
    assert user_texts(channel_stack.tracker("5003")) == []


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'[{"update_id": 1}]', b'{"message": {"text": "hi"}}', b'{"update_id": "7", "message": {}}'],
    ids=["not-json", "array", "no-update-id", "string-update-id"],
)
def test_malformed_updates_get_400(channel_stack, raw):
    assert send(channel_stack, None, raw=raw)[0] == 400


def test_other_update_kinds_are_acknowledged_and_ignored(channel_stack, platform_stub):
    chat_member = {"update_id": next(_ids), "my_chat_member": {"chat": {"id": 5004, "type": "private"}, "date": 0}}
    status, _, _ = send(channel_stack, chat_member)
    assert status == 200
    time.sleep(1)
    assert platform_stub.find(to_chat(5004)) == []


def test_an_edit_does_not_start_a_turn_and_the_bot_says_so(channel_stack, platform_stub):
    chat = 5005
    say(channel_stack, platform_stub, chat, "I have a headache")
    texts_before = user_texts(channel_stack.tracker(str(chat)))
    before = len(platform_stub.find(to_chat(chat)))
    original = message(chat, "I have a headache")
    edited = {**original, "text": "I have a headache and my arm is numb", "edit_date": int(time.time())}
    assert send(channel_stack, {"update_id": next(_ids), "edited_message": edited})[0] == 200
    (notice,) = platform_stub.wait_for(to_chat(chat), count=before + 1)[before:]
    assert "send it as a new message" in notice.body["text"] and "112" in notice.body["text"]
    time.sleep(1)
    assert user_texts(channel_stack.tracker(str(chat))) == texts_before


def test_live_location_updates_and_locations_do_not_start_turns(channel_stack, platform_stub):
    chat = 5006
    location = {"latitude": 52.52, "longitude": 13.40, "live_period": 900}
    status, _, _ = send(channel_stack, {"update_id": next(_ids), "message": message(chat, location=location)})
    assert status == 200
    (notice,) = platform_stub.wait_for(to_chat(chat))
    assert "typed text" in notice.body["text"]
    for step in range(3):  # the live location moves: each update is an edit of that message
        moved = {**message(chat, location={**location, "latitude": 52.52 + step / 1000}), "edit_date": int(time.time())}
        assert send(channel_stack, {"update_id": next(_ids), "edited_message": moved})[0] == 200
    time.sleep(2)
    assert len(platform_stub.find(to_chat(chat))) == 1
    assert user_texts(channel_stack.tracker(str(chat))) == []


def test_an_inline_button_press_is_acknowledged_and_answered(channel_stack, platform_stub):
    chat = 5007
    say(channel_stack, platform_stub, chat, "I have a headache")
    question = kb_questions()[channel_stack.tracker(str(chat))["slots"]["requested_slot"]]
    payload = question["buttons"][0]["payload"]
    press = {
        "update_id": next(_ids),
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": {"id": chat, "is_bot": False, "first_name": "Pat"},
            "message": message(chat, question["text"]),
            "chat_instance": "-87654321",
            "data": payload,
        },
    }
    count = len(user_texts(channel_stack.tracker(str(chat))))
    assert send(channel_stack, press)[0] == 200
    platform_stub.wait_for(lambda c: c.method == "answerCallbackQuery" and c.body.get("callback_query_id") == "4382bfdwdsb323b2d9")
    assert wait_for_user_texts(channel_stack, str(chat), count + 1)[-1] == payload


def test_group_chats_are_pointed_to_a_private_chat(channel_stack, platform_stub):
    group = -100123
    payload = {"update_id": next(_ids), "message": message(group, "@HeadEaseTestBot my migraine is back", chat_type="supergroup")}
    payload["message"]["from"]["id"] = 5008
    assert send(channel_stack, payload)[0] == 200
    (notice,) = platform_stub.wait_for(to_chat(group))
    assert "private chat" in notice.body["text"] and "https://t.me/HeadEaseTestBot" in notice.body["text"]
    assert "migraine" not in notice.body["text"]
    assert user_texts(channel_stack.tracker(str(group))) == []


def test_a_redelivered_update_is_handled_once(channel_stack, platform_stub):
    chat = 5009
    payload = update(chat, "hello")
    assert send(channel_stack, payload)[0] == 200
    wait_for_user_texts(channel_stack, str(chat), 1)
    answered = platform_stub.settle(to_chat(chat))
    assert send(channel_stack, payload)[0] == 200  # Telegram thought the first delivery failed
    time.sleep(2)
    assert len(platform_stub.find(to_chat(chat))) == len(answered)
    assert user_texts(channel_stack.tracker(str(chat))) == ["hello"]


def test_flood_control_429_is_waited_out_and_nothing_is_lost(channel_stack, platform_stub):
    chat = 5010
    platform_stub.fail(to_chat(chat), PlatformStub.telegram_429(1), PlatformStub.telegram_429(1))
    answer = say(channel_stack, platform_stub, chat, "I have a headache")
    question = kb_questions()[channel_stack.tracker(str(chat))["slots"]["requested_slot"]]
    assert answer[-1].body["text"].startswith(question["text"][:20])
    tried = platform_stub.tried(to_chat(chat))
    assert [c.status for c in tried[:3]] == [429, 429, 200]
    assert tried[2].at - tried[1].at >= 0.9  # retry_after honoured
    assert len(tried) == len(answer) + 2
