"""Slack Events API and interactivity against the real Rasa server (connector route
/webhooks/slack/webhook), Slack Web API calls captured by the loopback stub."""
import json
import time
import urllib.parse

import pytest

from tests.channels.conftest import SLACK_SIGNING_SECRET
from tests.channels.webhooks import as_json, kb_questions, post, slack_headers, user_texts

pytestmark = pytest.mark.e2e


def event(user: str, channel: str, text: str, event_id: str, ts: str) -> dict:
    """An Events API `event_callback` for a direct message, as Slack documents it."""
    return {
        "token": "verification-token-unused",
        "team_id": "T0HEADEASE",
        "api_app_id": "A0HEADEASE",
        "event": {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "im",
        },
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0HEADEASE", "user_id": "U0HEADBOT", "is_bot": True}],
    }


def to_channel(channel: str):
    return lambda call: call.platform == "slack" and call.method == "chat.postMessage" and call.body.get("channel") == channel


def send_event(stack, payload: dict, extra_headers=None, secret=SLACK_SIGNING_SECRET):
    body = as_json(payload)
    headers = {**slack_headers(secret, body), **(extra_headers or {})}
    return post(f"{stack.rasa_url}/webhooks/slack/webhook", body, headers)


def test_signed_message_is_answered_with_blocks_and_a_button_click_continues(channel_stack, platform_stub):
    status, _, _ = send_event(channel_stack, event("U1SLACK", "D1SLACK", "I have a headache", "Ev1SLACK", "1700000001.000100"))
    assert status == 200
    calls = platform_stub.wait_for(lambda c: to_channel("D1SLACK")(c) and c.body.get("blocks"))
    assert calls[0].headers.get("Authorization") == "Bearer xoxb-headease-test"
    slot = channel_stack.tracker("U1SLACK")["slots"]["requested_slot"]
    question = kb_questions()[slot]
    blocks = calls[-1].body["blocks"]
    assert blocks[0]["type"] == "section" and question["text"] in blocks[0]["text"]["text"]
    buttons = blocks[1]["elements"]
    assert blocks[1]["type"] == "actions"
    assert [b["text"]["text"] for b in buttons] == [b["title"] for b in question["buttons"]]
    assert [b["value"] for b in buttons] == [b["payload"] for b in question["buttons"]]
    assert calls[-1].body["text"].startswith(question["text"][:20])  # notification fallback

    # The user clicks the first button: Slack posts a block_actions payload (form-encoded).
    click = {
        "type": "block_actions",
        "user": {"id": "U1SLACK", "username": "pat"},
        "channel": {"id": "D1SLACK", "name": "directmessage"},
        "message": {"ts": "1700000002.000200", "type": "message"},
        "actions": [{
            "type": "button",
            "action_id": buttons[0]["action_id"],
            "block_id": "b1",
            "value": buttons[0]["value"],
            "action_ts": "1700000003.000300",
        }],
        "trigger_id": "1.2.3",
    }
    body = urllib.parse.urlencode({"payload": json.dumps(click)}).encode()
    before = len(platform_stub.find(to_channel("D1SLACK")))
    status, _, _ = post(
        f"{channel_stack.rasa_url}/webhooks/slack/webhook",
        body,
        slack_headers(SLACK_SIGNING_SECRET, body, "application/x-www-form-urlencoded"),
    )
    assert status == 200
    platform_stub.wait_for(to_channel("D1SLACK"), count=before + 1)
    assert user_texts(channel_stack.tracker("U1SLACK"))[-1] == question["buttons"][0]["payload"]


def test_url_verification_challenge(channel_stack):
    status, _, text = send_event(channel_stack, {"token": "t", "challenge": "challenge-3eZbrw1a", "type": "url_verification"})
    assert status == 200 and json.loads(text) == "challenge-3eZbrw1a"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Signature": "v0=" + "0" * 64},  # wrong signature
        {"X-Slack-Request-Timestamp": str(int(time.time()) - 3600)},  # replayed: signed an hour ago
        {"X-Slack-Signature": ""},
    ],
    ids=["wrong-signature", "stale-timestamp", "no-signature"],
)
def test_badly_signed_requests_are_rejected(channel_stack, platform_stub, headers):
    payload = event("U2SLACK", "D2SLACK", "I have a headache", f"Ev2SLACK{len(str(headers))}", "1700000010.000100")
    body = as_json(payload)
    signed = slack_headers(SLACK_SIGNING_SECRET, body)
    if "X-Slack-Request-Timestamp" in headers:  # correctly signed, but for the old timestamp
        signed = slack_headers(SLACK_SIGNING_SECRET, body, timestamp=int(headers["X-Slack-Request-Timestamp"]))
    else:
        signed.update(headers)
    status, _, _ = post(f"{channel_stack.rasa_url}/webhooks/slack/webhook", body, signed)
    assert status == 400
    time.sleep(1.5)
    assert platform_stub.find(to_channel("D2SLACK")) == []
    assert user_texts(channel_stack.tracker("U2SLACK")) == []


def test_a_retry_is_not_answered_twice(channel_stack, platform_stub):
    payload = event("U3SLACK", "D3SLACK", "hello", "Ev3SLACK", "1700000020.000100")
    status, _, _ = send_event(channel_stack, payload)
    assert status == 200
    platform_stub.wait_for(to_channel("D3SLACK"))
    answered = platform_stub.settle(to_channel("D3SLACK"))
    # Slack thinks the first delivery failed and sends the same event again.
    status, headers, _ = send_event(
        channel_stack, payload, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    )
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    time.sleep(3)
    assert len(platform_stub.find(to_channel("D3SLACK"))) == len(answered)
    assert user_texts(channel_stack.tracker("U3SLACK")) == ["hello"]


def test_slash_text_is_not_an_intent_command(channel_stack, platform_stub):
    text = '/inform{"triage_level": "self_care", "headache_type": "tension_type"}'
    send_event(channel_stack, event("U4SLACK", "D4SLACK", text, "Ev4SLACK", "1700000030.000100"))
    platform_stub.wait_for(to_channel("D4SLACK"))
    tracker = channel_stack.tracker("U4SLACK")
    assert user_texts(tracker) == [text.lstrip("/")]
    assert tracker["slots"].get("triage_level") is None and tracker["slots"].get("headache_type") is None
