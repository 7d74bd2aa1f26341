"""Facebook Messenger webhooks against the real Rasa server (connector route
/webhooks/facebook/webhook), Graph API calls captured by the loopback stub."""
import time
import urllib.parse

import pytest

from tests.channels.conftest import FACEBOOK_SECRET, FACEBOOK_VERIFY
from tests.channels.webhooks import as_json, facebook_headers, get, kb_questions, post, user_texts

pytestmark = pytest.mark.e2e


def messaging(psid: str, message: dict) -> dict:
    """A page webhook with one `messages` event, as Meta documents it."""
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [{
            "id": "PAGE_ID",
            "time": now,
            "messaging": [{"sender": {"id": psid}, "recipient": {"id": "PAGE_ID"}, "timestamp": now, "message": message}],
        }],
    }


def sent_to(psid: str, with_message: bool = True):
    def match(call):
        return (
            call.platform == "facebook"
            and call.method == "me/messages"
            and (call.body.get("recipient") or {}).get("id") == psid
            and (not with_message or "message" in call.body)
        )
    return match


def webhook(stack, payload: dict, **signature):
    body = as_json(payload)
    return post(f"{stack.rasa_url}/webhooks/facebook/webhook", body, facebook_headers(FACEBOOK_SECRET, body, **signature))


def test_subscription_verification(channel_stack):
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": FACEBOOK_VERIFY, "hub.challenge": "1158201444"})
    assert get(f"{channel_stack.rasa_url}/webhooks/facebook/webhook?{query}") == (200, "1158201444")
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})
    status, text = get(f"{channel_stack.rasa_url}/webhooks/facebook/webhook?{query}")
    assert status == 403 and "1158201444" not in text


def test_signed_message_is_answered_with_quick_replies(channel_stack, platform_stub):
    status, _, text = webhook(channel_stack, messaging("PSID_FB_1", {"mid": "m_fb_1", "text": "I have a headache"}))
    assert status == 200 and text == "EVENT_RECEIVED"
    calls = platform_stub.wait_for(lambda c: sent_to("PSID_FB_1")(c) and "quick_replies" in c.body["message"])
    assert calls[0].query.get("access_token") == "facebook-page-token-for-tests"
    assert calls[0].body["messaging_type"] == "RESPONSE"
    slot = channel_stack.tracker("PSID_FB_1")["slots"]["requested_slot"]
    question = kb_questions()[slot]
    message = calls[-1].body["message"]
    replies = message["quick_replies"]
    assert message["text"].startswith(question["text"])
    assert [r["payload"] for r in replies] == [b["payload"] for b in question["buttons"]]
    assert all(r["content_type"] == "text" and 0 < len(r["title"]) <= 20 for r in replies)
    for button in question["buttons"]:  # every option stays readable in full
        assert button["title"] in message["text"] or button["title"] in [r["title"] for r in replies]
    # the typing indicator wraps the answer
    actions = [c.body.get("sender_action") for c in platform_stub.find(sent_to("PSID_FB_1", with_message=False))]
    assert actions[:2] == ["mark_seen", "typing_on"]

    # The user taps the first quick reply (signed with the legacy SHA-1 header only).
    before = len(platform_stub.find(sent_to("PSID_FB_1")))
    tap = {"mid": "m_fb_2", "text": replies[0]["title"], "quick_reply": {"payload": replies[0]["payload"]}}
    status, _, _ = webhook(channel_stack, messaging("PSID_FB_1", tap), sha256=False)
    assert status == 200
    platform_stub.wait_for(sent_to("PSID_FB_1"), count=before + 1)
    assert user_texts(channel_stack.tracker("PSID_FB_1"))[-1] == question["buttons"][0]["payload"]


@pytest.mark.parametrize("case", ["wrong-secret", "unsigned", "tampered-body"])
def test_badly_signed_messages_are_rejected(channel_stack, platform_stub, case):
    psid = f"PSID_FB_BAD_{case}"
    payload = messaging(psid, {"mid": f"m_{case}", "text": "I have a headache"})
    body = as_json(payload)
    if case == "wrong-secret":
        headers = facebook_headers("not-the-app-secret", body)
    elif case == "unsigned":
        headers = {"Content-Type": "application/json"}
    else:
        headers = facebook_headers(FACEBOOK_SECRET, as_json(messaging("PSID_OTHER", {"mid": "m", "text": "hi"})))
    status, _, _ = post(f"{channel_stack.rasa_url}/webhooks/facebook/webhook", body, headers)
    assert status == 403
    time.sleep(1.5)
    assert platform_stub.find(sent_to(psid, with_message=False)) == []
    assert user_texts(channel_stack.tracker(psid)) == []


def test_redelivered_message_is_answered_once(channel_stack, platform_stub):
    payload = messaging("PSID_FB_3", {"mid": "m_fb_3", "text": "hello"})
    assert webhook(channel_stack, payload)[0] == 200
    platform_stub.wait_for(sent_to("PSID_FB_3"))
    answered = platform_stub.settle(sent_to("PSID_FB_3"))
    assert webhook(channel_stack, payload)[0] == 200
    time.sleep(3)
    assert len(platform_stub.find(sent_to("PSID_FB_3"))) == len(answered)
    assert user_texts(channel_stack.tracker("PSID_FB_3")) == ["hello"]
