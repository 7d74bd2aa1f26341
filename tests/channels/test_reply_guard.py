"""The reply guard: a failed turn answers with the safety fallback, a good turn passes unchanged."""
import asyncio
import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa.core.actions.action import RemoteAction
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from actions.clinic import load_knowledge
from channels.reply_guard import guarded
from headease_rasa import action_failures


@pytest.fixture(autouse=True)
def failures_patch():
    """The launcher applies the patch in the server; here the test does."""
    was_installed = action_failures.installed()
    action_failures.install()
    yield
    if not was_installed:
        action_failures.uninstall()


OUTAGE_START = load_knowledge().messages["outage"].split(":")[0]


def run(handler, text, channel="rest"):
    output = CollectingOutputChannel()
    asyncio.run(guarded(handler)(UserMessage(text, output, "tester", input_channel=channel)))
    return output.messages


async def answers_normally(message):
    await message.output_channel.send_text_with_buttons(message.sender_id, "How bad is it?", [{"title": "Mild", "payload": "mild"}])
    await message.output_channel.send_custom_json(message.sender_id, {"summary": True})


async def action_server_down(message):
    # Rasa's own RemoteAction against an action server that is not there; Rasa's MessageProcessor
    # swallows the exception (logs it, drops the action's events) and the turn goes on.
    action = RemoteAction("action_red_flag_alert", EndpointConfig("http://127.0.0.1:9/webhook"))
    tracker = DialogueStateTracker("tester", [])
    try:
        await action.run(message.output_channel, TemplatedNaturalLanguageGenerator({}), tracker, Domain.empty())
    except Exception:
        pass
    await message.output_channel.send_text_message(message.sender_id, "Sorry, I didn't understand.")


async def raises(message):
    raise RuntimeError("boom")


async def says_nothing(message):
    return None


def test_good_turn_passes_through_in_order():
    replies = run(answers_normally, "tight band round my head")
    assert [r.get("text") for r in replies] == ["How bad is it?", None]
    assert replies[0]["buttons"] == [{"title": "Mild", "payload": "mild"}]
    assert replies[1]["custom"] == {"summary": True}


@pytest.mark.parametrize("handler", [action_server_down, raises, says_nothing])
def test_failed_turn_gets_outage_message_with_emergency_number(handler):
    replies = run(handler, "it started three days ago")
    texts = [r["text"] for r in replies]
    assert "Sorry, I didn't understand." not in texts  # Rasa's misleading output is dropped
    assert len(texts) == 1 and texts[0].startswith(OUTAGE_START)
    assert load_knowledge().emergency_number in texts[0]


@pytest.mark.parametrize(
    "text",
    ["worst headache of my life, came on in seconds", "my left arm went numb and my speech is slurred"],
)
def test_red_flag_during_outage_still_gets_the_emergency_alert_first(text):
    texts = [r["text"] for r in run(action_server_down, text)]
    assert load_knowledge().messages["triage"]["emergency"]["title"] in texts[0]
    assert texts[-1].startswith(OUTAGE_START)


def test_voice_fallback_has_no_markdown_or_emoji():
    texts = [r["text"] for r in run(action_server_down, "sudden worst ever headache", channel="voice")]
    assert all("*" not in t and "🚨" not in t and "•" not in t for t in texts)


def test_failures_of_other_tasks_do_not_leak_into_this_turn():
    action_failures.note("some_action")  # outside any message: not recorded anywhere
    assert run(answers_normally, "hello")[0]["text"] == "How bad is it?"


def test_a_form_declining_a_message_is_not_a_failure(monkeypatch):
    from rasa.core.actions.action import ActionExecutionRejection

    async def rejected(self, *args):
        raise ActionExecutionRejection(self.name())

    action_failures.uninstall()
    monkeypatch.setattr(RemoteAction, "run", rejected)
    action_failures.install()  # now wrapping `rejected`

    async def declines(message):
        with pytest.raises(ActionExecutionRejection):
            await RemoteAction("validate_consultation_form", None).run(None, None, None, None)
        await message.output_channel.send_text_message(message.sender_id, "Where is the pain?")

    try:
        assert [r["text"] for r in run(declines, "hmm")] == ["Where is the pain?"]
    finally:
        action_failures.uninstall()  # back to `rejected`; monkeypatch then restores Rasa's method


def test_fallback_log_names_actions_not_user_text(caplog):
    with caplog.at_level(logging.INFO, logger="channels.reply_guard"):
        run(action_server_down, "my private symptom text")
    guard_lines = [r.getMessage() for r in caplog.records if r.name == "channels.reply_guard"]
    assert guard_lines and all("private symptom" not in line for line in guard_lines)
    assert any("action_red_flag_alert" in line for line in guard_lines)
