"""The connectors' output channels against a platform stand-in that answers with each platform's
errors (Telegram 429 + retry_after and bad-HTML 400, Slack `ratelimited` + Retry-After and
`invalid_blocks`, Graph API rate-limit and temporary codes): retried as the platform asks, on a
fake clock; nothing of a turn lost. No Rasa server."""
import asyncio

import pytest

from actions.clinic import load_knowledge
from channels import facebook, outbox, slack, telegram
from tests.channels.conftest import FACEBOOK_PAGE_TOKEN, FACEBOOK_SECRET, SLACK_TOKEN, TELEGRAM_TOKEN
from tests.channels.platform_stub import PlatformStub

ALERT = f"🚨 **{load_knowledge().messages['triage']['emergency']['title']}**\nCall 112 now."
QUESTION = {"text": "How old are you?", "buttons": [{"title": "18-50", "payload": "18-50"}, {"title": "Over 50", "payload": "over 50"}]}


class FakeClock:
    def __init__(self) -> None:
        self.now, self.sleeps = 0.0, []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def stub(platform_stub, monkeypatch):
    for name, value in platform_stub.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(facebook.VERSION_ENV, raising=False)
    return platform_stub


def telegram_bot(clock: FakeClock, token: str = TELEGRAM_TOKEN) -> telegram.HeadEaseTelegramOutput:
    return telegram.HeadEaseTelegramOutput(
        token, sender=outbox.Sender("telegram", telegram.classify_error, sleep=clock.sleep, clock=clock.clock)
    )


def run_telegram(clock, work, token: str = TELEGRAM_TOKEN):
    async def main():
        bot = telegram_bot(clock, token)
        try:
            return await work(bot)
        finally:
            await bot.close_session()

    return asyncio.run(main())


def to_chat(chat: int, method: str = "sendMessage"):
    return lambda c: c.platform == "telegram" and c.method == method and c.body.get("chat_id") == str(chat)


# --- Telegram ---------------------------------------------------------------------------------
def test_telegram_429_waits_retry_after_and_loses_nothing(stub):
    clock = FakeClock()
    stub.fail(to_chat(9101), PlatformStub.telegram_429(3), PlatformStub.telegram_429(2))
    undelivered = run_telegram(clock, lambda bot: outbox.send_turn(bot, "9101", [QUESTION, {"text": ALERT}]))
    assert undelivered == []
    assert clock.sleeps == [3.0, 2.0]
    tried = stub.tried(to_chat(9101))
    assert [c.status for c in tried] == [429, 429, 200, 200]
    delivered = [c.body["text"] for c in stub.find(to_chat(9101))]
    assert delivered[0].startswith("🚨 <b>") and delivered[1].startswith("How old are you?")


def test_telegram_html_refused_is_sent_as_plain_text(stub):
    clock = FakeClock()
    stub.fail(to_chat(9102), PlatformStub.telegram_error(400, "Bad Request: can't parse entities: unsupported start tag \"x\" at byte offset 3"))
    run_telegram(clock, lambda bot: bot.send_text_message("9102", "**Trigger points** & rest"))
    (call,) = stub.find(to_chat(9102))
    assert call.body["text"] == "Trigger points & rest" and "parse_mode" not in call.body
    assert clock.sleeps == []


def test_telegram_permanent_errors_are_not_retried(stub):
    clock = FakeClock()
    stub.fail(to_chat(9103), PlatformStub.telegram_error(403, "Forbidden: bot was blocked by the user"))
    with pytest.raises(outbox.SendFailed) as failed:
        run_telegram(clock, lambda bot: bot.send_text_message("9103", "hello"))
    assert failed.value.permanent and len(stub.tried(to_chat(9103))) == 1


def test_telegram_server_errors_back_off(stub):
    clock = FakeClock()
    stub.fail(to_chat(9104), PlatformStub.telegram_error(502, "Bad Gateway"), PlatformStub.telegram_error(500, "Internal Server Error"))
    run_telegram(clock, lambda bot: bot.send_text_message("9104", "hello"))
    assert len(clock.sleeps) == 2 and clock.sleeps[1] > clock.sleeps[0] / 2
    assert len(stub.find(to_chat(9104))) == 1


def test_telegram_button_press_is_answered(stub):
    run_telegram(FakeClock(), lambda bot: bot.answer_button("cbq-42"))
    assert stub.find(lambda c: c.method == "answerCallbackQuery" and c.body.get("callback_query_id") == "cbq-42")


def test_the_telegram_stand_in_refuses_what_telegram_refuses(stub):
    with pytest.raises(outbox.SendFailed) as failed:
        run_telegram(FakeClock(), lambda bot: bot.send_text_message("9105", "x"), token="123:not-the-token")
    assert failed.value.reason.startswith("401") and failed.value.permanent

    async def bad_html(bot):
        await bot.send_message("9105", "<b>unclosed & raw", parse_mode="HTML")

    from aiogram.utils.exceptions import CantParseEntities

    with pytest.raises(CantParseEntities):
        run_telegram(FakeClock(), bad_html)
    with pytest.raises(Exception, match="too long"):
        run_telegram(FakeClock(), lambda bot: bot.send_message("9105", "x" * 4097))
    assert stub.find(to_chat(9105)) == []


# --- Slack ------------------------------------------------------------------------------------
def slack_bot(clock: FakeClock, channel: str, token: str = SLACK_TOKEN) -> slack.HeadEaseSlackBot:
    return slack.HeadEaseSlackBot(
        token, channel, sender=outbox.Sender("slack", slack.classify_error, sleep=clock.sleep, clock=clock.clock)
    )


def in_channel(channel: str):
    return lambda c: c.platform == "slack" and c.method == "chat.postMessage" and c.body.get("channel") == channel


def test_slack_ratelimited_waits_retry_after(stub):
    clock = FakeClock()
    stub.fail(in_channel("D9201"), PlatformStub.slack_ratelimited(4))
    undelivered = asyncio.run(outbox.send_turn(slack_bot(clock, "D9201"), "U1_D9201", [QUESTION, {"text": ALERT}]))
    assert undelivered == [] and clock.sleeps == [4.0]
    posts = stub.find(in_channel("D9201"))
    assert posts[0].body["text"].startswith("🚨 *") and posts[1].body["blocks"][1]["type"] == "actions"


def test_slack_refused_blocks_are_sent_as_plain_text(stub):
    clock = FakeClock()
    stub.fail(in_channel("D9202"), PlatformStub.slack_error("invalid_blocks"))
    asyncio.run(outbox.send_turn(slack_bot(clock, "D9202"), "U1_D9202", [QUESTION]))
    (post,) = stub.find(in_channel("D9202"))
    assert post.body["text"] == "How old are you?\n\nYou can answer: 18-50 / Over 50" and "blocks" not in post.body


def test_slack_posts_in_its_thread_and_never_where_a_payload_says(stub):
    bot = slack.HeadEaseSlackBot(SLACK_TOKEN, "D9203", thread_id="1700000000.000001")
    asyncio.run(bot.send_text_message("U1_D9203", "hello"))
    asyncio.run(bot.send_custom_json("U1_D9203", {"channel": "C-GENERAL", "text": "custom payload"}))
    posts = stub.find(in_channel("D9203"))
    assert [p.body.get("thread_ts") for p in posts] == ["1700000000.000001"] * 2
    assert stub.find(in_channel("C-GENERAL")) == []


def test_slack_output_without_a_channel_posts_to_the_dm_its_conversation_names(stub):
    """Rasa's HTTP API (`trigger_intent?output_channel=slack`) builds the output with no channel
    and sends to the conversation id: that names a DM (and thread); nothing else is a channel."""
    bot = slack_bot(FakeClock(), None)
    asyncio.run(outbox.send_turn(bot, "U1_D9205", [QUESTION, {"text": ALERT}]))
    asyncio.run(outbox.send_turn(bot, "U1_D9205_1700000000.000007", [{"text": "in the thread"}]))
    posts = stub.find(in_channel("D9205"))
    assert [p.body.get("thread_ts") for p in posts] == [None, None, "1700000000.000007"]
    assert posts[0].body["text"].startswith("🚨 *") and posts[1].body["blocks"][1]["type"] == "actions"
    asyncio.run(bot.send_text_message("U9205", "a user id alone: the app's DM with them"))
    assert stub.find(in_channel("U9205"))
    before = len(stub.attempts)
    for conversation in ("U1_C9205GENERAL", "C9205GENERAL", "U1_G9205PRIVATE_1700000000.000001", "", "default"):
        undelivered = asyncio.run(outbox.send_turn(bot, conversation, [{"text": "I have a headache"}, QUESTION]))
        assert len(undelivered) == 2, conversation
    assert len(stub.attempts) == before  # refused before any call: nothing posted anywhere


def test_the_slack_stand_in_refuses_what_slack_refuses(stub):
    with pytest.raises(outbox.SendFailed) as failed:
        asyncio.run(slack_bot(FakeClock(), "D9204", token="xoxb-wrong").send_text_message("U", "hi"))
    assert "invalid_auth" in failed.value.reason
    bot = slack_bot(FakeClock(), "D9204")
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(outbox.SendFailed, match="invalid_blocks"):
        asyncio.run(bot._post_message("U1_D9204", text="x", blocks=too_long))
    assert stub.find(in_channel("D9204")) == []


# --- Messenger --------------------------------------------------------------------------------
def messenger_bot(clock: FakeClock, token: str = FACEBOOK_PAGE_TOKEN) -> facebook.HeadEaseMessengerBot:
    return facebook.HeadEaseMessengerBot(
        facebook.GraphClient(token, FACEBOOK_SECRET),
        sender=outbox.Sender("facebook", facebook.classify_error, sleep=clock.sleep, clock=clock.clock),
    )


def to_psid(psid: str):
    return lambda c: c.platform == "facebook" and (c.body.get("recipient") or {}).get("id") == psid and "message" in c.body


def test_messenger_rate_limit_and_temporary_failures_are_retried(stub):
    clock = FakeClock()
    stub.fail(to_psid("P9301"), PlatformStub.graph_error(613, message="Calls to this api have exceeded the rate limit."),
              PlatformStub.graph_error(1200, 500, "Temporary send message failure. Please try again later"))
    undelivered = asyncio.run(outbox.send_turn(messenger_bot(clock), "P9301", [QUESTION, {"text": ALERT}]))
    assert undelivered == [] and len(clock.sleeps) == 2
    calls = stub.find(to_psid("P9301"))
    assert calls[0].body["message"]["text"].startswith("🚨 Get emergency help now")
    assert calls[1].body["message"]["quick_replies"][0]["payload"] == "18-50"
    assert all(c.path.startswith(f"/facebook/{facebook.GRAPH_API_VERSION}/") for c in calls)


def test_messenger_invalid_requests_are_not_retried(stub):
    clock = FakeClock()
    stub.fail(to_psid("P9302"), PlatformStub.graph_error(100, message="(#100) Invalid parameter"))
    with pytest.raises(outbox.SendFailed) as failed:
        asyncio.run(messenger_bot(clock).send_text_message("P9302", "hello"))
    assert failed.value.permanent and clock.sleeps == [] and len(stub.tried(to_psid("P9302"))) == 1


def test_the_graph_stand_in_refuses_what_the_graph_api_refuses(stub):
    with pytest.raises(outbox.SendFailed, match="190"):
        asyncio.run(messenger_bot(FakeClock(), token="wrong-token").send_text_message("P9303", "hi"))
    client = facebook.GraphClient(FACEBOOK_PAGE_TOKEN, "not-the-app-secret")
    with pytest.raises(facebook.GraphError):  # appsecret_proof made with another secret
        asyncio.run(client.post({"recipient": {"id": "P9303"}, "messaging_type": "RESPONSE", "message": {"text": "hi"}}))
    client = facebook.GraphClient(FACEBOOK_PAGE_TOKEN, FACEBOOK_SECRET)
    with pytest.raises(facebook.GraphError):
        asyncio.run(client.post({"recipient": {"id": "P9303"}, "messaging_type": "RESPONSE", "message": {"text": "x" * 2001}}))
    assert stub.find(to_psid("P9303")) == []


# --- every platform: a notice the platform refuses never drops the turn ----------------------
LONG_MESSAGE = "my head hurts " * 200  # over the 2000 characters a message is cut to


async def answer_with_the_alert(message):
    """The bot's turn: an emergency line (what a refused notice must not take down with it)."""
    assert len(message.text) == 2000  # cut, so a truncation notice went first
    await message.output_channel.send_text_message(message.sender_id, ALERT)


def telegram_turn():
    async def run():
        channel = telegram.HeadEaseTelegramInput(TELEGRAM_TOKEN, "HeadEaseTestBot", None, debug_mode=False)
        try:
            await channel.handle(telegram.Incoming("text", 9401, LONG_MESSAGE), answer_with_the_alert)
        finally:
            await channel.get_output_channel().close_session()

    return run()


def slack_turn():
    channel = slack.HeadEaseSlackInput(SLACK_TOKEN, slack_signing_secret="secret")
    return channel.handle(slack.Route("dm", "U9402", "D9402", None, LONG_MESSAGE), answer_with_the_alert)


def messenger_turn():
    channel = facebook.HeadEaseFacebookInput("verify", FACEBOOK_SECRET, FACEBOOK_PAGE_TOKEN)
    return channel._handle(facebook.Event("text", "P9403", LONG_MESSAGE), answer_with_the_alert, None)


def sent_text(call) -> str:
    if call.platform == "facebook":
        return (call.body.get("message") or {}).get("text") or ""
    return call.body.get("text") or ""


@pytest.mark.parametrize(
    "platform, turn, to_user, refusal",
    [
        ("telegram", telegram_turn, to_chat(9401), PlatformStub.telegram_error(400, "Bad Request: chat not found")),
        ("slack", slack_turn, in_channel("D9402"), PlatformStub.slack_error("channel_not_found")),
        ("facebook", messenger_turn, to_psid("P9403"),
         PlatformStub.graph_error(551, message="This person isn't available right now.")),
    ],
)
def test_a_refused_notice_never_drops_the_turn(stub, platform, turn, to_user, refusal):
    stub.fail(lambda c: to_user(c) and "very long" in sent_text(c), refusal)
    failed_before = outbox.STATS.get(platform, "failed")
    asyncio.run(turn())
    accepted = {id(c) for c in stub.find(to_user)}
    (refused,) = [c for c in stub.tried(to_user) if id(c) not in accepted]
    assert "very long" in sent_text(refused)
    delivered = [sent_text(c) for c in stub.find(to_user)]
    assert len(delivered) == 1 and "112" in delivered[0]  # the turn's emergency line went out
    assert outbox.STATS.get(platform, "failed") == failed_before + 1
