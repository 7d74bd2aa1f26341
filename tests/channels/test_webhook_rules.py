"""What each connector makes of a platform's request, without a server: signatures (checked
against HMACs computed here, independently), which events start a turn, where a Slack message
belongs, and which platform errors are retried. Payloads follow each platform's documented shapes."""
import hashlib
import hmac
import time

import pytest
from aiogram.utils import exceptions as tg
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from channels import facebook, slack, telegram

NON_ASCII = "sha256=é" + "0" * 63


# --- Telegram ---------------------------------------------------------------------------------
def private(chat_id=7, **message):
    return {"message_id": 3, "date": 1700000000, "chat": {"id": chat_id, "type": "private", "first_name": "Pat"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Pat"}, **message}


@pytest.mark.parametrize(
    "update, expected",
    [
        ({"update_id": 1, "message": private(text="my head hurts")}, ("text", 7, "my head hurts", None)),
        ({"update_id": 2, "edited_message": {**private(text="no fever"), "edit_date": 1700000050}}, ("edited", 7, None, None)),
        # a live location: every update is an edit of the location message
        ({"update_id": 3, "edited_message": {**private(location={"latitude": 52.5, "longitude": 13.4, "live_period": 900}),
                                             "edit_date": 1700000060}}, ("ignore", None, None, None)),
        ({"update_id": 4, "message": private(location={"latitude": 52.5, "longitude": 13.4})}, ("unsupported", 7, None, None)),
        ({"update_id": 5, "message": private(photo=[{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}])},
         ("unsupported", 7, None, None)),
        ({"update_id": 6, "message": private(voice={"file_id": "v", "file_unique_id": "w", "duration": 2})}, ("unsupported", 7, None, None)),
        ({"update_id": 7, "message": {**private(text="@HeadEaseTestBot I have a migraine"),
                                      "chat": {"id": -100, "type": "supergroup", "title": "Clinic staff"}}}, ("group", -100, None, None)),
        ({"update_id": 8, "callback_query": {"id": "cb-1", "from": {"id": 7, "is_bot": False, "first_name": "Pat"},
                                             "chat_instance": "ci", "data": "mild", "message": private(text="How bad?")}},
         ("callback", 7, "mild", "cb-1")),
        # a button under an inline-mode message has no `message`: the press is only acknowledged
        ({"update_id": 9, "callback_query": {"id": "cb-2", "from": {"id": 7, "is_bot": False, "first_name": "Pat"},
                                             "chat_instance": "ci", "inline_message_id": "im", "data": "x"}},
         ("ignore", None, None, "cb-2")),
        ({"update_id": 10, "message": {**private(text="hi"), "from": {"id": 99, "is_bot": True, "first_name": "Other bot"}}},
         ("ignore", None, None, None)),
        ({"update_id": 11, "my_chat_member": {"chat": {"id": 7, "type": "private"}, "date": 0}}, ("ignore", None, None, None)),
        ({"update_id": 12, "message": private(pinned_message=private(text="old"))}, ("ignore", None, None, None)),
    ],
    ids=["text", "edit", "live-location", "location", "photo", "voice", "group", "callback", "inline-callback",
         "other-bot", "chat-member", "service"],
)
def test_telegram_updates(update, expected):
    incoming = telegram.read_update(update)
    assert (incoming.kind, incoming.chat_id, incoming.text, incoming.callback_id) == expected


def test_telegram_secret_header_compared_safely():
    secret = telegram.webhook_secret("123:abc")
    assert telegram.secret_matches(secret, secret)
    assert not telegram.secret_matches("é" * 64, secret)  # no exception on any characters
    assert not telegram.secret_matches(None, secret)
    assert secret == hmac.new(b"123:abc", b"headease-telegram-webhook", hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    "error, retry, wait",
    [
        (tg.RetryAfter(17), True, 17.0),
        (tg.NetworkError("aiohttp client throws an error"), True, None),
        (tg.RestartingTelegram(), True, None),
        (tg.TelegramAPIError("Internal Server Error"), True, None),
        (tg.CantParseEntities("can't parse entities"), False, None),
        (tg.BotBlocked("bot was blocked by the user"), False, None),
        (tg.ChatNotFound("chat not found"), False, None),
    ],
)
def test_telegram_errors_retried_only_when_it_can_work(error, retry, wait):
    failure = telegram.classify_error(error)
    assert (failure.retry, failure.wait_s) == (retry, wait)


def test_telegram_long_inline_payloads_become_tokens():
    memory = telegram.KeyboardMemory()
    memory.offer(7, [{"title": "Yes", "payload": "/affirm"}, {"title": "Long", "payload": "x" * 100}])
    assert memory.resolve(7, telegram.KeyboardMemory.token(1)) == "x" * 100
    assert memory.resolve(7, "yes") == "/affirm"
    assert memory.resolve(8, telegram.KeyboardMemory.token(1)) == "choice:1"


# --- Slack ------------------------------------------------------------------------------------
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def slack_signature(secret: str, timestamp: int, body: bytes) -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


def test_slack_signatures():
    body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070"
    now = int(time.time())
    good = slack_signature(SECRET, now, body)
    assert slack.signature_valid(SECRET, body, str(now), good)
    assert not slack.signature_valid(SECRET, body + b"&x=1", str(now), good)
    assert not slack.signature_valid("other-secret", body, str(now), good)
    stale = slack_signature(SECRET, now - 301, body)
    assert not slack.signature_valid(SECRET, body, str(now - 301), stale)  # replayed
    assert not slack.signature_valid(SECRET, body, "soon", good)
    assert not slack.signature_valid(SECRET, body, str(now), "v0=é" + good[4:])
    assert not slack.signature_valid(SECRET, body, str(now), None)
    assert not slack.signature_valid("", body, str(now), good)


def callback(event: dict, event_id: str = "Ev1") -> dict:
    return {"token": "unused", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": event_id,
            "event_time": 1700000000, "event": event,
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}]}


def dm(text="I have a headache", **extra):
    return {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1", "text": text,
            "ts": "1700000001.000100", "event_ts": "1700000001.000100", **extra}


def test_slack_direct_message_is_its_own_conversation():
    route = slack.route_event(callback(dm()))
    assert (route.kind, route.channel, route.thread_ts, route.text) == ("dm", "D1", None, "I have a headache")
    assert route.conversation_id == "U1_D1"
    assert route.keys == ["id:Ev1", "msg:D1:1700000001.000100"]


def test_slack_thread_in_a_dm_is_its_own_conversation_answered_in_the_thread():
    route = slack.route_event(callback(dm(thread_ts="1700000000.000001", ts="1700000005.000100")))
    assert (route.kind, route.thread_ts) == ("dm", "1700000000.000001")
    assert route.conversation_id == "U1_D1_1700000000.000001"
    # the thread's parent message itself belongs to the DM
    parent = slack.route_event(callback(dm(thread_ts="1700000001.000100")))
    assert parent.thread_ts is None


def test_slack_channel_mention_moves_to_a_dm():
    mention = {"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> my head is pounding",
               "ts": "1700000010.000200", "event_ts": "1700000010.000200"}
    route = slack.route_event(callback(mention))
    assert (route.kind, route.channel, route.thread_ts, route.text) == ("move", "C1", "1700000010.000200", "my head is pounding")
    in_thread = slack.route_event(callback({**mention, "thread_ts": "1700000000.000009"}))
    assert (in_thread.kind, in_thread.thread_ts) == ("move", "1700000000.000009")


def test_slack_a_mention_inside_the_dm_is_a_dm_message():
    mention = {"type": "app_mention", "channel": "D1", "user": "U1", "text": "<@UBOT> my head is pounding",
               "ts": "1700000011.000200", "event_ts": "1700000011.000200"}
    route = slack.route_event(callback(mention))
    assert (route.kind, route.conversation_id, route.text) == ("dm", "U1_D1", "my head is pounding")


def test_slack_a_file_without_words_in_a_dm_gets_a_notice_not_a_turn():
    shared = dm(text="", subtype="file_share", upload=False,
                files=[{"id": "F1", "name": "mri.png", "mimetype": "image/png", "filetype": "png"}])
    route = slack.route_event(callback(shared))
    assert (route.kind, route.conversation_id) == ("unsupported", "U1_D1")
    no_text = {key: value for key, value in shared.items() if key != "text"}
    assert slack.route_event(callback(no_text)).kind == "unsupported"
    with_words = slack.route_event(callback({**shared, "text": "this is my headache diary"}))
    assert (with_words.kind, with_words.text) == ("dm", "this is my headache diary")
    in_channel = {**shared, "channel": "C1", "channel_type": "channel"}
    assert slack.route_event(callback(in_channel)).kind == "ignore"


def test_slack_channel_messages_only_from_the_watched_channel_and_never_answered_there():
    message = {"type": "message", "channel": "C2", "channel_type": "channel", "user": "U1", "text": "migraine again",
               "ts": "1700000020.000100"}
    assert slack.route_event(callback(message)).kind == "ignore"
    assert slack.route_event(callback(message), watched_channel="C2").kind == "move"


@pytest.mark.parametrize(
    "event",
    [
        dm(bot_id="B1", user="UBOT", text="a reply from the bot itself"),
        dm(user="UBOT"),
        dm(subtype="bot_message", bot_id="B9"),
        {"type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im", "hidden": True,
         "message": {"type": "message", "user": "U1", "text": "edited text", "ts": "1"}, "ts": "2"},
        {"type": "message", "subtype": "message_deleted", "channel": "D1", "channel_type": "im", "hidden": True, "ts": "3"},
        {"type": "message", "subtype": "channel_join", "channel": "C1", "user": "U1", "text": "<@U1> has joined", "ts": "4"},
        {"type": "reaction_added", "user": "U1", "reaction": "thumbsup", "item": {"type": "message", "channel": "D1", "ts": "1"}},
    ],
    ids=["bot-message", "own-user", "bot-subtype", "edit", "delete", "join", "reaction"],
)
def test_slack_events_that_are_not_a_persons_new_words_are_ignored(event):
    assert slack.route_event(callback(event)).kind == "ignore"


def test_slack_url_verification_and_other_bodies():
    assert slack.route_event({"type": "url_verification", "challenge": "3eZbrw1a", "token": "t"}).text == "3eZbrw1a"
    assert slack.route_event({"type": "event_callback", "event": "not-an-object"}).kind == "ignore"


def click(channel: str, thread_ts=None, value="mild") -> dict:
    message = {"type": "message", "ts": "1700000002.000200"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {"type": "block_actions", "user": {"id": "U1", "username": "pat"}, "channel": {"id": channel, "name": "directmessage"},
            "container": {"type": "message", "channel_id": channel, "message_ts": "1700000002.000200"},
            "message": message, "trigger_id": "1.2.3",
            "actions": [{"type": "button", "action_id": "headease_choice_0", "block_id": "b", "value": value, "action_ts": "1"}]}


def test_slack_button_clicks_belong_to_the_conversation_of_their_message():
    assert slack.route_interaction(click("D1")).conversation_id == "U1_D1"
    assert slack.route_interaction(click("D1", thread_ts="1700000000.000001")).conversation_id == "U1_D1_1700000000.000001"
    assert slack.route_interaction(click("C1")).kind == "ignore"  # the bot posts no buttons in channels
    assert slack.route_interaction({"type": "view_submission"}).kind == "ignore"


def slack_error(status: int, data: dict, headers: dict = None) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                             req_args={}, data=data, headers=headers or {}, status_code=status)
    return SlackApiError("The request to the Slack API failed.", response)


@pytest.mark.parametrize(
    "error, retry, wait",
    [
        (slack_error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}), True, 30.0),
        (slack_error(503, {"ok": False, "error": "service_unavailable"}), True, None),
        (slack_error(200, {"ok": False, "error": "invalid_blocks"}), False, None),
        (slack_error(200, {"ok": False, "error": "channel_not_found"}), False, None),
        (ConnectionResetError(), True, None),
    ],
)
def test_slack_errors_retried_only_when_it_can_work(error, retry, wait):
    failure = slack.classify_error(error)
    assert (failure.retry, failure.wait_s) == (retry, wait)


# --- Messenger --------------------------------------------------------------------------------
def test_messenger_signatures_are_sha256_only():
    body = b'{"object":"page","entry":[]}'
    sha256 = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert facebook.signature_valid("app-secret", body, sha256)
    assert facebook.signature_valid("app-secret", body, sha256.upper().replace("SHA256=", "sha256="))
    assert not facebook.signature_valid("app-secret", body + b" ", sha256)
    assert not facebook.signature_valid("app-secret", body, None)  # SHA-1 `X-Hub-Signature` alone: refused
    sha1 = "sha1=" + hmac.new(b"app-secret", body, hashlib.sha1).hexdigest()
    assert not facebook.signature_valid("app-secret", body, sha1)
    assert not facebook.signature_valid("app-secret", body, NON_ASCII)
    assert not facebook.signature_valid("", body, sha256)


def event(**kind) -> dict:
    return {"sender": {"id": "PSID1"}, "recipient": {"id": "PAGE"}, "timestamp": 1700000000000, **kind}


@pytest.mark.parametrize(
    "raw, expected",
    [
        (event(message={"mid": "m1", "text": "I have a headache"}), ("text", "I have a headache", "m1")),
        (event(message={"mid": "m2", "text": "Mild", "quick_reply": {"payload": "mild"}}), ("text", "mild", "m2")),
        (event(postback={"mid": "m3", "title": "Get Started", "payload": "hi"}), ("text", "hi", "m3")),
        (event(message={"mid": "m4", "attachments": [{"type": "image", "payload": {"url": "https://x/img.png"}}]}),
         ("unsupported", None, "m4")),
        (event(message={"mid": "m5", "attachments": [{"type": "audio", "payload": {"url": "https://x/a.mp4"}}]}),
         ("unsupported", None, "m5")),
        # echoes of the page's own messages, text or attachment, are never a user turn
        ({"sender": {"id": "PAGE"}, "recipient": {"id": "PSID1"}, "timestamp": 1,
          "message": {"is_echo": True, "app_id": 1517776481860111, "mid": "m6", "text": "Have you had any of these?"}},
         ("ignore", None, "m6")),
        ({"sender": {"id": "PAGE"}, "recipient": {"id": "PSID1"}, "timestamp": 1,
          "message": {"is_echo": True, "app_id": 1517776481860111, "mid": "m7",
                      "attachments": [{"type": "file", "payload": {"url": "https://x/summary.txt"}}]}},
         ("ignore", None, "m7")),
        (event(delivery={"mids": ["m1"], "watermark": 1700000000000}), ("ignore", None, None)),
        (event(read={"watermark": 1700000000000}), ("ignore", None, None)),
        (event(reaction={"reaction": "love", "emoji": "❤", "action": "react", "mid": "m1"}), ("ignore", None, None)),
        (event(message_edit={"mid": "m1", "text": "worst headache of my life", "num_edit": 1}), ("ignore", None, None)),
    ],
    ids=["text", "quick-reply", "postback", "image", "audio", "echo-text", "echo-attachment", "delivery", "read",
         "reaction", "edit"],
)
def test_messenger_events(raw, expected):
    incoming = facebook.read_event(raw)
    assert (incoming.kind, incoming.text, incoming.mid) == expected
    if incoming.kind == "ignore":
        assert "headache" not in incoming.what and "Have you" not in incoming.what  # only the kind, for logs


@pytest.mark.parametrize(
    "payload, valid",
    [
        ({"object": "page", "entry": [{"id": "P", "time": 1, "messaging": [event(read={"watermark": 1})]}]}, True),
        ({"object": "page", "entry": [{"id": "P", "time": 1, "standby": [event(read={"watermark": 1})]}]}, True),
        ({"object": "page", "entry": {"messaging": []}}, False),
        ({"object": "page", "entry": ["x"]}, False),
        ({"object": "page", "entry": [{"messaging": {"sender": {}}}]}, False),
        ({"object": "page", "entry": [{"messaging": ["text"]}]}, False),
        ([{"object": "page"}], False),
        ("page", False),
    ],
)
def test_messenger_webhook_shapes(payload, valid):
    assert (facebook.read_webhook(payload) is not None) is valid


def test_graph_api_version_is_current_and_configurable(monkeypatch):
    monkeypatch.delenv(facebook.VERSION_ENV, raising=False)
    assert facebook.graph_api_version() == facebook.GRAPH_API_VERSION
    assert int(facebook.GRAPH_API_VERSION[1:].split(".")[0]) >= 25  # not the v2.12 of fbmessenger
    assert facebook.graph_api_version("24.0") == "v24.0"
    monkeypatch.setenv(facebook.VERSION_ENV, "v25.0")
    assert facebook.graph_api_version() == "v25.0"
    client = facebook.GraphClient("token", "secret")
    assert client.url.endswith("/v25.0/me/messages")
    assert client.params()["appsecret_proof"] == hmac.new(b"secret", b"token", hashlib.sha256).hexdigest()
    with pytest.raises(ValueError):
        facebook.graph_api_version("latest")


@pytest.mark.parametrize(
    "error, retry",
    [
        (facebook.GraphError(400, {"code": 613, "message": "Calls to this api have exceeded the rate limit."}), True),
        (facebook.GraphError(400, {"code": 4}), True),
        (facebook.GraphError(500, {"code": 1200, "message": "Temporary send message failure"}), True),
        (facebook.GraphError(400, {"code": 2, "is_transient": True}), True),
        (facebook.GraphError(400, {"code": 100, "message": "(#100) Invalid parameter"}), False),
        (facebook.GraphError(400, {"code": 551, "message": "This person isn't available right now."}), False),
        (facebook.GraphError(401, {"code": 190, "message": "Invalid OAuth access token."}), False),
    ],
)
def test_messenger_errors_retried_only_when_it_can_work(error, retry):
    assert facebook.classify_error(error).retry is retry
