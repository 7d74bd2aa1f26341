"""How HeadEase's bot messages look on each platform: the output channels against the loopback
API stub (no Rasa server), and the shared rendering helpers."""
import asyncio
import json

import pytest

from channels import chat_render
from channels.facebook import GraphClient, HeadEaseMessengerBot
from channels.slack import HeadEaseSlackBot
from channels.telegram import HeadEaseTelegramOutput, KeyboardMemory, command_text
from tests.channels.conftest import FACEBOOK_PAGE_TOKEN, FACEBOOK_SECRET, SLACK_TOKEN, TELEGRAM_TOKEN
from tests.channels.webhooks import kb_questions

FIVE = kb_questions()["pain_location"]["buttons"]  # the longest button set the bot sends
ASSESSMENT = {
    "headache_type": "tension_type",
    "triage_level": "self_care",
    "recommended_techniques": ["trigger_point_therapy", "self_massage"],
    "disclaimer": "This is general information, not a diagnosis.",
}
SUMMARY = {"text": "HeadEase headache summary (2024-05-01)\nTriage: self_care", "filename": "headease-summary-2024-05-01.txt"}


@pytest.fixture
def stub(platform_stub, monkeypatch):
    for name, value in platform_stub.env().items():
        monkeypatch.setenv(name, value)
    return platform_stub


# --- Messenger --------------------------------------------------------------------------------
def messenger_messages(stub, psid):
    return [c.body["message"] for c in stub.calls
            if c.platform == "facebook" and c.body["recipient"]["id"] == psid and "message" in c.body]


def test_messenger_five_buttons_become_quick_replies_with_short_titles(stub):
    bot = HeadEaseMessengerBot(GraphClient(FACEBOOK_PAGE_TOKEN, FACEBOOK_SECRET))
    # as Rasa calls it: the rest of the bot message as keyword arguments
    message = {"text": "Where do you feel the headache?", "buttons": [dict(b) for b in FIVE], "quick_replies": None}
    asyncio.run(bot.send_response("P1", message))
    (message,) = messenger_messages(stub, "P1")
    assert "attachment" not in message  # not a button template (max 3 buttons)
    replies = message["quick_replies"]
    assert [r["payload"] for r in replies] == [b["payload"] for b in FIVE]
    assert all(len(r["title"]) <= 20 for r in replies)
    assert "Around or behind…" in [r["title"] for r in replies]
    # a title had to be shortened, so the full options are in the text
    assert message["text"].startswith("Where do you feel the headache?\n\n")
    assert all(f"• {b['title']}" in message["text"] for b in FIVE)


def test_messenger_short_titles_are_kept_and_quick_replies_capped_at_13(stub):
    bot = HeadEaseMessengerBot(GraphClient(FACEBOOK_PAGE_TOKEN, FACEBOOK_SECRET))
    buttons = [{"title": f"Option {i}", "payload": f"option {i}"} for i in range(15)]
    asyncio.run(bot.send_text_with_buttons("P2", "**Pick** one", buttons))
    (message,) = messenger_messages(stub, "P2")
    assert message["text"] == "Pick one"
    assert [r["title"] for r in message["quick_replies"]] == [f"Option {i}" for i in range(13)]


def test_messenger_long_text_split_and_custom_payloads_as_text(stub):
    bot = HeadEaseMessengerBot(GraphClient(FACEBOOK_PAGE_TOKEN, FACEBOOK_SECRET))
    long_text = "\n\n".join(["word " * 150] * 5)
    asyncio.run(bot.send_text_message("P3", long_text))
    asyncio.run(bot.send_custom_json("P3", {"assessment": dict(ASSESSMENT)}))
    asyncio.run(bot.send_custom_json("P3", {"doctor_summary": dict(SUMMARY)}))
    texts = [m["text"] for m in messenger_messages(stub, "P3")]
    assert len(texts) >= 5 and all(len(t) <= 2000 for t in texts[:-2])
    assert texts[-2].startswith("✅ In short: Self-care looks reasonable\nPattern: ")
    assert "Massage options: " in texts[-2] and "**" not in texts[-2]
    assert texts[-1].startswith("Summary for your doctor:\n\nHeadEase headache summary")


def test_messenger_doctor_summary_not_repeated_after_the_same_text(stub):
    bot = HeadEaseMessengerBot(GraphClient(FACEBOOK_PAGE_TOKEN, FACEBOOK_SECRET))
    asyncio.run(bot.send_text_message("P4", "Here is a summary you can show your doctor:\n\n" + SUMMARY["text"]))
    asyncio.run(bot.send_custom_json("P4", {"doctor_summary": dict(SUMMARY)}))
    assert len(messenger_messages(stub, "P4")) == 1


# --- Slack ------------------------------------------------------------------------------------
def slack_posts(stub, channel):
    return [c.body for c in stub.calls if c.platform == "slack" and c.body.get("channel") == channel]


def test_slack_buttons_as_section_and_actions_blocks(stub):
    bot = HeadEaseSlackBot(SLACK_TOKEN, "D9")
    asyncio.run(bot.send_text_with_buttons("U9", "**Where** do you feel it? A & B <x>", [dict(b) for b in FIVE]))
    (post,) = slack_posts(stub, "D9")
    assert "as_user" not in post
    section, actions = post["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "*Where* do you feel it? A &amp; B &lt;x&gt;"}}
    assert [e["text"]["text"] for e in actions["elements"]] == [b["title"] for b in FIVE]
    assert [e["value"] for e in actions["elements"]] == [b["payload"] for b in FIVE]
    assert len({e["action_id"] for e in actions["elements"]}) == len(FIVE)
    assert post["text"] == "Where do you feel it? A & B <x>"


def test_slack_custom_payloads_as_messages(stub):
    bot = HeadEaseSlackBot(SLACK_TOKEN, "D8")
    asyncio.run(bot.send_custom_json("U8", {"assessment": dict(ASSESSMENT, triage_level="see_doctor")}))
    asyncio.run(bot.send_custom_json("U8", {"doctor_summary": dict(SUMMARY)}))
    texts = [p["text"] for p in slack_posts(stub, "D8")]
    assert texts[0].startswith("🩺 *In short: Book a doctor's appointment*")
    assert texts[1].startswith("Summary for your doctor:") and "HeadEase headache summary" in texts[1]


# --- Telegram ---------------------------------------------------------------------------------
def telegram_calls(stub, chat, method):
    return [c for c in stub.calls if c.platform == "telegram" and c.method == method and c.body.get("chat_id") == str(chat)]


def run_telegram(coroutine_factory):
    async def run():
        bot = HeadEaseTelegramOutput(TELEGRAM_TOKEN, memory)
        try:
            await coroutine_factory(bot)
        finally:
            await bot.close_session()

    memory = KeyboardMemory()
    asyncio.run(run())
    return memory


def test_telegram_reply_keyboard_and_title_to_payload(stub):
    memory = run_telegram(lambda bot: bot.send_text_with_buttons("77", "Where? **now** <b>", [dict(b) for b in FIVE]))
    (call,) = telegram_calls(stub, 77, "sendMessage")
    assert call.body["text"] == "Where? <b>now</b> &lt;b&gt;" and call.body["parse_mode"] == "HTML"
    markup = json.loads(call.body["reply_markup"])
    assert markup["keyboard"] == [[{"text": b["title"]}] for b in FIVE]
    assert markup["one_time_keyboard"] and markup["resize_keyboard"]
    assert memory.resolve("77", "around OR behind an eye ") == "around one eye"
    assert memory.resolve("77", "something I typed") == "something I typed"
    assert memory.resolve("78", "Both sides") == "Both sides"


def test_telegram_assessment_text_and_summary_document(stub):
    async def send(bot):
        await bot.send_custom_json("79", {"assessment": dict(ASSESSMENT, triage_level="urgent", emergency_number="999")})
        await bot.send_custom_json("79", {"doctor_summary": dict(SUMMARY)})

    run_telegram(send)
    (text,) = telegram_calls(stub, 79, "sendMessage")
    assert text.body["text"].startswith("⚠️ <b>In short: Get seen today</b>")
    assert "Emergency number: 999" in text.body["text"] and "Massage options" not in text.body["text"]
    (document,) = telegram_calls(stub, 79, "sendDocument")
    assert document.files["document"] == {"filename": SUMMARY["filename"], "content": SUMMARY["text"]}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("/start", "hi"),
        ("/start@HeadEaseTestBot", "hi"),
        ("/start clinic-42", "hi"),
        ("/restart", "restart"),
        ("/HELP", "help"),
        ('/inform{"triage_level": "self_care"}', '/inform{"triage_level": "self_care"}'),  # cleaned later
        ("my head hurts", "my head hurts"),
    ],
)
def test_telegram_commands(text, expected):
    assert command_text(text) == expected


# --- shared helpers ---------------------------------------------------------------------------
def test_markup_conversions():
    text = "**Trigger points**: see [the guide](https://example.org/a_b) & rest <3"
    assert chat_render.to_plain(text) == "Trigger points: see the guide (https://example.org/a_b) & rest <3"
    assert chat_render.to_slack_mrkdwn(text) == "*Trigger points*: see <https://example.org/a_b|the guide> &amp; rest &lt;3"
    assert chat_render.to_telegram_html(text) == (
        '<b>Trigger points</b>: see <a href="https://example.org/a_b">the guide</a> &amp; rest &lt;3'
    )


def test_split_and_short_title():
    pieces = chat_render.split_text("para one\n\n" + "x" * 30 + " " + "y" * 30, 40)
    assert pieces == ["para one", "x" * 30, "y" * 30]
    assert chat_render.split_text("z" * 95, 40) == ["z" * 40, "z" * 40, "z" * 15]
    assert chat_render.short_title("Watering eye or runny nose", 20) == "Watering eye or…"
    assert chat_render.short_title("Both sides", 20) == "Both sides"
    assert len(chat_render.short_title("Supercalifragilisticexpialidocious", 20)) == 20
