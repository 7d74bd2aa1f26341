"""Facebook Messenger webhooks against the real Rasa server (connector route
/webhooks/facebook/webhook), Graph API calls captured by the loopback stand-in. Events are shaped
like Meta documents them (https://developers.facebook.com/docs/messenger-platform/reference/webhook-events)."""
import time
import urllib.parse

import pytest

from tests.channels.conftest import FACEBOOK_SECRET, FACEBOOK_VERIFY, GRAPH_VERSION
from tests.channels.platform_stub import PlatformStub
from tests.channels.webhooks import as_json, facebook_headers, get, kb_questions, post, user_texts, wait_for_user_texts

pytestmark = pytest.mark.e2e


def page(*events: dict) -> dict:
    now = int(time.time() * 1000)
    return {"object": "page", "entry": [{"id": "PAGE_ID", "time": now, "messaging": list(events)}]}


def from_user(psid: str, **kind) -> dict:
    return {"sender": {"id": psid}, "recipient": {"id": "PAGE_ID"}, "timestamp": int(time.time() * 1000), **kind}


def messaging(psid: str, message: dict) -> dict:
    """A page webhook with one `messages` event."""
    return page(from_user(psid, message=message))


def sent_to(psid: str, with_message: bool = True):
    def match(call):
        return (
            call.platform == "facebook"
            and call.method == "me/messages"
            and (call.body.get("recipient") or {}).get("id") == psid
            and (not with_message or "message" in call.body)
        )
    return match


def webhook(stack, payload, raw: bytes = None, **signature):
    body = raw if raw is not None else as_json(payload)
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
    assert calls[0].path == f"/facebook/{GRAPH_VERSION}/me/messages"  # the configured Graph API version
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
    actions = [c.body.get("sender_action") for c in platform_stub.find(sent_to("PSID_FB_1", with_message=False))]
    assert actions[:2] == ["mark_seen", "typing_on"]

    # The user taps the first quick reply.
    tap = {"mid": "m_fb_2", "text": replies[0]["title"], "quick_reply": {"payload": replies[0]["payload"]}}
    assert webhook(channel_stack, messaging("PSID_FB_1", tap))[0] == 200
    assert wait_for_user_texts(channel_stack, "PSID_FB_1", 2)[-1] == question["buttons"][0]["payload"]


@pytest.mark.parametrize("case", ["wrong-secret", "unsigned", "tampered-body", "sha1-only", "non-ascii", "sha1-as-sha256"])
def test_badly_signed_messages_are_rejected(channel_stack, platform_stub, case):
    psid = f"PSID_FB_BAD_{case}"
    body = as_json(messaging(psid, {"mid": f"m_{case}", "text": "I have a headache"}))
    headers = {
        "wrong-secret": lambda: facebook_headers("not-the-app-secret", body),
        "unsigned": lambda: {"Content-Type": "application/json"},
        "tampered-body": lambda: facebook_headers(FACEBOOK_SECRET, as_json(messaging("PSID_OTHER", {"mid": "m", "text": "hi"}))),
        "sha1-only": lambda: facebook_headers(FACEBOOK_SECRET, body, sha256=False),
        "non-ascii": lambda: {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=é" + "0" * 63},
        "sha1-as-sha256": lambda: {"Content-Type": "application/json",
                                   "X-Hub-Signature-256": facebook_headers(FACEBOOK_SECRET, body)["X-Hub-Signature"]},
    }[case]()
    status, _, _ = post(f"{channel_stack.rasa_url}/webhooks/facebook/webhook", body, headers)
    assert status == 403
    time.sleep(1)
    assert platform_stub.find(sent_to(psid, with_message=False)) == []
    assert user_texts(channel_stack.tracker(psid)) == []


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'[{"object": "page"}]', b'{"object": "page", "entry": {"messaging": []}}',
     b'{"object": "page", "entry": [{"messaging": "text"}]}'],
    ids=["not-json", "array", "entry-object", "messaging-string"],
)
def test_signed_but_malformed_bodies_get_400(channel_stack, raw):
    assert webhook(channel_stack, None, raw=raw)[0] == 400


def test_redelivered_message_is_answered_once(channel_stack, platform_stub):
    payload = messaging("PSID_FB_3", {"mid": "m_fb_3", "text": "hello"})
    assert webhook(channel_stack, payload)[0] == 200
    platform_stub.wait_for(sent_to("PSID_FB_3"))
    answered = platform_stub.settle(sent_to("PSID_FB_3"))
    assert webhook(channel_stack, payload)[0] == 200
    time.sleep(3)
    assert len(platform_stub.find(sent_to("PSID_FB_3"))) == len(answered)
    assert user_texts(channel_stack.tracker("PSID_FB_3")) == ["hello"]


def test_echoes_and_other_event_kinds_are_ignored_without_logging_their_content(channel_stack, platform_stub):
    psid = "PSID_FB_4"
    secret_words = "zebra-striped aura behind my left eye"
    echo_from_page = {"sender": {"id": "PAGE_ID"}, "recipient": {"id": psid}, "timestamp": 1}
    payload = page(
        {**echo_from_page, "message": {"is_echo": True, "app_id": 1517776481860111, "mid": "m_echo_1", "text": secret_words}},
        {**echo_from_page, "message": {"is_echo": True, "app_id": 1517776481860111, "mid": "m_echo_2",
                                       "attachments": [{"type": "file", "payload": {"url": "https://cdn.example/summary.txt"}}]}},
        from_user(psid, delivery={"mids": ["m_echo_1"], "watermark": 1700000000000}),
        from_user(psid, read={"watermark": 1700000000000}),
        from_user(psid, reaction={"reaction": "sad", "emoji": "😢", "action": "react", "mid": "m_echo_1"}),
        from_user(psid, message_edit={"mid": "m_x", "text": secret_words, "num_edit": 1}),
        from_user(psid, optin={"type": "notification_messages", "payload": secret_words}),
    )
    assert webhook(channel_stack, payload)[0] == 200
    time.sleep(2)
    assert platform_stub.find(sent_to(psid, with_message=False)) == []
    assert user_texts(channel_stack.tracker(psid)) == []
    assert secret_words not in channel_stack.log("rasa")


def test_an_attachment_from_the_user_gets_a_notice_not_a_turn(channel_stack, platform_stub):
    psid = "PSID_FB_5"
    photo = {"mid": "m_fb_5", "attachments": [{"type": "image", "payload": {"url": "https://cdn.example/forehead.jpg"}}]}
    assert webhook(channel_stack, messaging(psid, photo))[0] == 200
    (notice,) = platform_stub.wait_for(sent_to(psid))
    assert "typed text" in notice.body["message"]["text"]
    time.sleep(1)
    assert user_texts(channel_stack.tracker(psid)) == []


def test_a_postback_is_a_turn_with_its_payload(channel_stack, platform_stub):
    psid = "PSID_FB_6"
    payload = page(from_user(psid, postback={"mid": "m_fb_6", "title": "Get Started", "payload": "hi"}))
    assert webhook(channel_stack, payload)[0] == 200
    assert wait_for_user_texts(channel_stack, psid, 1) == ["hi"]
    platform_stub.wait_for(sent_to(psid))


def test_graph_rate_limits_are_retried_and_nothing_is_lost(channel_stack, platform_stub):
    psid = "PSID_FB_7"
    platform_stub.fail(sent_to(psid), PlatformStub.graph_error(613, message="Calls to this api have exceeded the rate limit."))
    assert webhook(channel_stack, messaging(psid, {"mid": "m_fb_7", "text": "I have a headache"}))[0] == 200
    wait_for_user_texts(channel_stack, psid, 1)
    delivered = platform_stub.settle(sent_to(psid), quiet=3)
    tried = platform_stub.tried(sent_to(psid))
    assert tried[0].status == 400 and len(tried) == len(delivered) + 1
    assert "quick_replies" in delivered[-1].body["message"]
