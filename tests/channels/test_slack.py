"""Slack Events API and interactivity against the real Rasa server (connector route
/webhooks/slack/webhook), Slack Web API calls captured by the loopback stand-in. Payloads are
shaped like Slack documents them (https://api.slack.com/apis/events-api,
https://api.slack.com/reference/interaction-payloads)."""
import json
import time
import urllib.parse

import pytest

from tests.channels.conftest import SLACK_SIGNING_SECRET
from tests.channels.platform_stub import PlatformStub
from tests.channels.webhooks import as_json, kb_questions, post, slack_headers, user_texts, wait_for_user_texts

pytestmark = pytest.mark.e2e
BOT_USER = "U0HEADBOT"


def envelope(event: dict, event_id: str) -> dict:
    return {
        "token": "verification-token-unused",
        "team_id": "T0HEADEASE",
        "api_app_id": "A0HEADEASE",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0HEADEASE", "user_id": BOT_USER, "is_bot": True}],
    }


def event(user: str, channel: str, text: str, event_id: str, ts: str, **extra) -> dict:
    """An Events API `event_callback` for a direct message (`message.im`)."""
    return envelope({"type": "message", "channel": channel, "user": user, "text": text, "ts": ts, "event_ts": ts,
                     "channel_type": "im", **extra}, event_id)


def mention(user: str, channel: str, text: str, event_id: str, ts: str, **extra) -> dict:
    """An `app_mention` in a channel."""
    return envelope({"type": "app_mention", "channel": channel, "user": user, "text": f"<@{BOT_USER}> {text}",
                     "ts": ts, "event_ts": ts, **extra}, event_id)


def to_channel(channel: str):
    return lambda call: call.platform == "slack" and call.method == "chat.postMessage" and call.body.get("channel") == channel


def send_event(stack, payload, extra_headers=None, secret=SLACK_SIGNING_SECRET, raw: bytes = None, content_type="application/json"):
    body = raw if raw is not None else as_json(payload)
    headers = {**slack_headers(secret, body, content_type), **(extra_headers or {})}
    return post(f"{stack.rasa_url}/webhooks/slack/webhook", body, headers)


def click(stack, user: str, channel: str, value: str, message: dict):
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "pat"},
        "channel": {"id": channel, "name": "directmessage"},
        "container": {"type": "message", "channel_id": channel, "message_ts": message["ts"]},
        "message": message,
        "actions": [{"type": "button", "action_id": "headease_choice_0", "block_id": "b1", "value": value,
                     "action_ts": "1700000003.000300"}],
        "trigger_id": "1.2.3",
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return send_event(stack, None, raw=body, content_type="application/x-www-form-urlencoded")


def test_signed_message_is_answered_with_blocks_and_a_button_click_continues(channel_stack, platform_stub):
    status, _, _ = send_event(channel_stack, event("U1SLACK", "D1SLACK", "I have a headache", "Ev1SLACK", "1700000001.000100"))
    assert status == 200
    calls = platform_stub.wait_for(lambda c: to_channel("D1SLACK")(c) and c.body.get("blocks"))
    assert calls[0].headers.get("Authorization") == "Bearer xoxb-headease-test"
    assert all("thread_ts" not in c.body for c in calls)  # a DM is answered in the DM itself
    slot = channel_stack.tracker("U1SLACK_D1SLACK")["slots"]["requested_slot"]
    question = kb_questions()[slot]
    blocks = calls[-1].body["blocks"]
    assert blocks[0]["type"] == "section" and question["text"] in blocks[0]["text"]["text"]
    buttons = blocks[1]["elements"]
    assert blocks[1]["type"] == "actions"
    assert [b["text"]["text"] for b in buttons] == [b["title"] for b in question["buttons"]]
    assert [b["value"] for b in buttons] == [b["payload"] for b in question["buttons"]]
    assert calls[-1].body["text"].startswith(question["text"][:20])  # notification fallback

    status, _, _ = click(channel_stack, "U1SLACK", "D1SLACK", buttons[0]["value"], {"ts": "1700000002.000200", "type": "message"})
    assert status == 200
    assert wait_for_user_texts(channel_stack, "U1SLACK_D1SLACK", 2)[-1] == question["buttons"][0]["payload"]
    assert user_texts(channel_stack.tracker("U1SLACK")) == []  # no conversation keyed on the user alone


def test_url_verification_challenge(channel_stack):
    status, _, text = send_event(channel_stack, {"token": "t", "challenge": "challenge-3eZbrw1a", "type": "url_verification"})
    assert status == 200 and text == "challenge-3eZbrw1a"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Signature": "v0=" + "0" * 64},  # wrong signature
        {"X-Slack-Request-Timestamp": str(int(time.time()) - 3600)},  # replayed: signed an hour ago
        {"X-Slack-Signature": ""},
        {"X-Slack-Signature": "v0=é" + "0" * 63},
        {"X-Slack-Request-Timestamp": "yesterday"},
    ],
    ids=["wrong-signature", "stale-timestamp", "no-signature", "non-ascii-signature", "bad-timestamp"],
)
def test_badly_signed_requests_are_rejected(channel_stack, platform_stub, headers):
    payload = event("U2SLACK", "D2SLACK", "I have a headache", f"Ev2SLACK{len(str(headers))}", "1700000010.000100")
    body = as_json(payload)
    signed = slack_headers(SLACK_SIGNING_SECRET, body)
    if headers.get("X-Slack-Request-Timestamp", "").isdigit():  # correctly signed, but for the old timestamp
        signed = slack_headers(SLACK_SIGNING_SECRET, body, timestamp=int(headers["X-Slack-Request-Timestamp"]))
    else:
        signed.update(headers)
    status, _, _ = post(f"{channel_stack.rasa_url}/webhooks/slack/webhook", body, signed)
    assert status == 400
    time.sleep(1)
    assert platform_stub.find(to_channel("D2SLACK")) == []
    assert user_texts(channel_stack.tracker("U2SLACK_D2SLACK")) == []


@pytest.mark.parametrize(
    "raw, content_type",
    [
        (b'[{"type": "event_callback"}]', "application/json"),
        (b'"just a string"', "application/json"),
        (b"{not json", "application/json"),
        (b"token=abc&team_id=T1", "application/x-www-form-urlencoded"),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
    ],
    ids=["json-array", "json-string", "not-json", "form-without-payload", "payload-not-json", "payload-array"],
)
def test_signed_but_malformed_bodies_get_400(channel_stack, raw, content_type):
    status, _, _ = send_event(channel_stack, None, raw=raw, content_type=content_type)
    assert 400 <= status < 500


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
    assert user_texts(channel_stack.tracker("U3SLACK_D3SLACK")) == ["hello"]


def test_slash_text_is_not_an_intent_command(channel_stack, platform_stub):
    text = '/inform{"triage_level": "self_care", "headache_type": "tension_type"}'
    send_event(channel_stack, event("U4SLACK", "D4SLACK", text, "Ev4SLACK", "1700000030.000100"))
    platform_stub.wait_for(to_channel("D4SLACK"))
    tracker = channel_stack.tracker("U4SLACK_D4SLACK")
    assert user_texts(tracker) == [text.lstrip("/")]
    assert tracker["slots"].get("triage_level") is None and tracker["slots"].get("headache_type") is None


def test_a_channel_mention_moves_to_a_direct_message(channel_stack, platform_stub):
    text = "my head is pounding and my left arm went numb"
    status, _, _ = send_event(channel_stack, mention("U5SLACK", "C5GENERAL", text, "Ev5SLACK", "1700000040.000100"))
    assert status == 200
    platform_stub.wait_for(lambda c: c.method == "conversations.open" and c.body.get("users") == "U5SLACK")
    dm = "D5SLACKX"  # the stand-in's DM id for U5SLACK
    texts = wait_for_user_texts(channel_stack, f"U5SLACK_{dm}", 1)
    assert texts == [text]
    answers = platform_stub.settle(to_channel(dm))
    assert answers[0].body["text"].startswith("You mentioned me in a channel")
    assert any("112" in a.body.get("text", "") for a in answers[1:])  # the numbness is answered, privately
    in_channel = platform_stub.find(to_channel("C5GENERAL"))
    assert len(in_channel) == 1
    assert in_channel[0].body["thread_ts"] == "1700000040.000100"
    assert in_channel[0].body["text"] == "I'll continue in a direct message, so that what you tell me stays private."
    assert user_texts(channel_stack.tracker("U5SLACK")) == []
    assert user_texts(channel_stack.tracker("U5SLACK_C5GENERAL")) == []


def test_a_thread_in_a_dm_is_its_own_conversation_answered_in_the_thread(channel_stack, platform_stub):
    send_event(channel_stack, event("U6SLACK", "D6SLACK", "I have a headache", "Ev6aSLACK", "1700000050.000100"))
    wait_for_user_texts(channel_stack, "U6SLACK_D6SLACK", 1)
    platform_stub.settle(to_channel("D6SLACK"))
    send_event(channel_stack, event("U6SLACK", "D6SLACK", "what is trigger point therapy?", "Ev6bSLACK",
                                    "1700000060.000100", thread_ts="1700000050.000100"))
    thread = "U6SLACK_D6SLACK_1700000050.000100"
    assert wait_for_user_texts(channel_stack, thread, 1) == ["what is trigger point therapy?"]
    replies = platform_stub.settle(lambda c: to_channel("D6SLACK")(c) and c.body.get("thread_ts"))
    assert replies and all(r.body["thread_ts"] == "1700000050.000100" for r in replies)
    assert user_texts(channel_stack.tracker("U6SLACK_D6SLACK")) == ["I have a headache"]


def test_bot_messages_edits_and_joins_are_ignored(channel_stack, platform_stub):
    bot_post = event(BOT_USER, "D7SLACK", "How old are you?", "Ev7aSLACK", "1700000070.000100", bot_id="B0HEADBOT")
    edit = envelope({"type": "message", "subtype": "message_changed", "channel": "D7SLACK", "channel_type": "im",
                     "hidden": True, "ts": "1700000071.000100",
                     "message": {"type": "message", "user": "U7SLACK", "text": "worst headache of my life", "ts": "1"}},
                    "Ev7bSLACK")
    for payload in (bot_post, edit):
        assert send_event(channel_stack, payload)[0] == 200
    time.sleep(2)
    assert platform_stub.find(to_channel("D7SLACK")) == []
    assert user_texts(channel_stack.tracker("U7SLACK_D7SLACK")) == []


def test_ratelimited_posts_are_retried_and_nothing_is_lost(channel_stack, platform_stub):
    platform_stub.fail(to_channel("D8SLACK"), PlatformStub.slack_ratelimited(1))
    send_event(channel_stack, event("U8SLACK", "D8SLACK", "I have a headache", "Ev8SLACK", "1700000080.000100"))
    wait_for_user_texts(channel_stack, "U8SLACK_D8SLACK", 1)
    delivered = platform_stub.settle(to_channel("D8SLACK"))
    tried = platform_stub.tried(to_channel("D8SLACK"))
    assert tried[0].status == 429 and tried[1].at - tried[0].at >= 0.9
    assert len(tried) == len(delivered) + 1 and delivered[-1].body.get("blocks")


def test_a_file_without_words_in_a_dm_gets_a_notice_not_a_turn(channel_stack, platform_stub):
    shared = event("U9SLACK", "D9SLACK", "", "Ev9SLACK", "1700000090.000100", subtype="file_share", upload=False,
                   files=[{"id": "F9", "name": "scan.png", "mimetype": "image/png", "filetype": "png"}])
    assert send_event(channel_stack, shared)[0] == 200
    (notice,) = platform_stub.wait_for(to_channel("D9SLACK"))
    assert "typed text" in notice.body["text"] and "112" in notice.body["text"]
    time.sleep(1)
    assert user_texts(channel_stack.tracker("U9SLACK_D9SLACK")) == []


def test_a_channel_mention_when_no_dm_can_be_opened_points_to_the_messages_tab(channel_stack, platform_stub):
    """Without the `im:write` scope Slack refuses `conversations.open`: the line in the channel
    must not promise a DM, and nothing of the message is answered anywhere."""
    opening = lambda c: c.method == "conversations.open" and c.body.get("users") == "U10SLACK"
    platform_stub.fail(opening, PlatformStub.slack_error("missing_scope"))
    text = "the worst headache of my life, since this morning"
    assert send_event(channel_stack, mention("U10SLACK", "C10GENERAL", text, "Ev10SLACK", "1700000100.000100"))[0] == 200
    (line,) = platform_stub.wait_for(to_channel("C10GENERAL"))
    assert line.body["thread_ts"] == "1700000100.000100"
    assert line.body["text"].startswith("I only help in a direct message") and "Messages tab" in line.body["text"]
    time.sleep(2)
    assert len(platform_stub.tried(opening)) == 1 and not platform_stub.find(opening)
    assert len(platform_stub.find(to_channel("C10GENERAL"))) == 1
    assert not platform_stub.find(lambda c: c.method == "chat.postMessage" and str(c.body.get("channel", "")).startswith("D10"))
    assert user_texts(channel_stack.tracker("U10SLACK")) == []
    assert user_texts(channel_stack.tracker("U10SLACK_C10GENERAL")) == []
