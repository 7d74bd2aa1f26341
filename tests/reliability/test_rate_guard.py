"""The per-sender rate guard in the Rasa server (channels/rate_guard.py): a person is never refused,
a flood is, and a refused message is neither read nor stored."""
import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from actions.clinic import load_knowledge
from channels import rate_guard
from channels.rate_guard import SenderRateGuard
from channels.reply_guard import guarded

KB = load_knowledge()
LIMITED_START = KB.messages["rate_limited"].split(".")[0]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_person_typing_and_tapping_quick_replies_is_never_refused():
    clock = Clock()
    guard = SenderRateGuard(clock=clock)  # the defaults make run and the cluster use
    # A consultation tapped as fast as a person can: ten quick replies within two seconds ...
    for _ in range(10):
        assert guard.check("rest", "patient").allowed
        clock.now += 0.2
    # ... then typed answers, one every 3 seconds, for ten minutes.
    for _ in range(200):
        clock.now += 3.0
        assert guard.check("rest", "patient").allowed


def test_a_flood_is_refused_after_the_burst_and_told_how_long_to_wait():
    clock = Clock()
    guard = SenderRateGuard(per_minute=30, burst=10, clock=clock)
    decisions = []
    for _ in range(100):  # 25 a second for 4 s: 50 times a person's pace
        decisions.append(guard.check("rest", "flooder"))
        clock.now += 0.04
    allowed = sum(d.allowed for d in decisions)
    assert 10 <= allowed <= 13  # the burst, plus what 4 s refill at 30 a minute
    refused = [d for d in decisions if not d.allowed]
    assert all(d.retry_after_s >= 1 for d in refused)
    # One notice per pause: only the first refusal since the last allowed message says so.
    firsts = [i for i, d in enumerate(decisions) if not d.allowed and d.first_refusal]
    assert firsts and all(decisions[i - 1].allowed for i in firsts)
    # Another sender, and the same sender on another channel, are not affected.
    assert guard.check("rest", "someone else").allowed
    assert guard.check("socketio", "flooder").allowed


def test_waiting_as_told_is_enough():
    clock = Clock()
    guard = SenderRateGuard(per_minute=30, burst=1, clock=clock)
    assert guard.check("rest", "s").allowed
    refused = guard.check("rest", "s")
    assert not refused.allowed
    clock.now += refused.retry_after_s
    assert guard.check("rest", "s").allowed


def test_memory_is_bounded_and_forgetting_only_makes_it_more_permissive():
    clock = Clock()
    guard = SenderRateGuard(per_minute=1, burst=1, max_senders=3, clock=clock)
    assert guard.check("rest", "a").allowed and not guard.check("rest", "a").allowed
    for name in ("b", "c", "d"):
        guard.check("rest", name)
    assert len(guard._buckets) == 3
    assert guard.check("rest", "a").allowed  # forgotten: a full bucket again


def test_off_unless_configured():
    assert rate_guard.from_env({}) is None
    assert rate_guard.from_env({"HEADEASE_SENDER_RATE_PER_MIN": "0"}) is None
    configured = rate_guard.from_env({"HEADEASE_SENDER_RATE_PER_MIN": "12", "HEADEASE_SENDER_BURST": "3"})
    assert configured.rate_per_s == pytest.approx(0.2) and configured.capacity == 3


def _handle(guard, notify=True, times=3, channel="telegram"):
    seen = []

    async def rasa(message):
        seen.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "How bad is it?")

    async def run():
        outputs, outcomes = [], []
        for index in range(times):
            output = CollectingOutputChannel()
            handle = guarded(rasa, rate_guard=guard, notify_limited=notify)
            outcomes.append(await handle(UserMessage(f"message {index}", output, "s1", input_channel=channel)))
            outputs.append(output.messages)
        return outputs, outcomes

    outputs, outcomes = asyncio.run(run())
    return seen, outputs, outcomes


def test_a_refused_message_is_not_read_and_chat_apps_get_one_notice_per_pause():
    guard = SenderRateGuard(per_minute=1, burst=1)
    seen, outputs, outcomes = _handle(guard, times=3)
    assert seen == ["message 0"]  # the refused ones never reached Rasa (nothing read or stored)
    assert [m["text"] for m in outputs[0]] == ["How bad is it?"]
    notice = outputs[1][0]["text"]
    assert notice.startswith(LIMITED_START) and KB.emergency_number in notice
    assert outputs[2] == []  # no second notice while still refused
    assert [o.answered for o in outcomes] == [True, False, False]
    assert outcomes[0].retry_after_s is None and outcomes[1].retry_after_s >= 1


def test_rest_gets_no_notice_from_the_guard_it_answers_429_itself():
    seen, outputs, outcomes = _handle(SenderRateGuard(per_minute=1, burst=1), notify=False, times=2, channel="rest")
    assert seen == ["message 0"] and outputs[1] == [] and outcomes[1].retry_after_s >= 1


def test_no_guard_configured_means_no_limit():
    seen, _, outcomes = _handle(None, times=5)
    assert len(seen) == 5 and all(o.answered for o in outcomes)
