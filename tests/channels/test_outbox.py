"""channels/outbox.py: retries with backoff (on a fake clock), a turn's replies in order with the
emergency lines first, and nothing dropped silently. No server, no network."""
import asyncio
import logging
from typing import Any, Dict, List

import pytest
from rasa.core.channels.channel import OutputChannel

from actions.clinic import load_knowledge
from channels import chat_render, outbox

EMERGENCY_TITLE = load_knowledge().messages["triage"]["emergency"]["title"]
URGENT_TITLE = load_knowledge().messages["triage"]["urgent"]["title"]
ALERT = f"🚨 **{EMERGENCY_TITLE}**\nCall 112 now or go to the nearest emergency department."
PRIVATE = "my secret migraine diary entry"  # must never reach a log line


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: List[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Flaky(Exception):
    def __init__(self, retry: bool, wait: float = None) -> None:
        super().__init__("flaky")
        self.retry, self.wait = retry, wait


def classify(error: BaseException) -> outbox.Failure:
    if isinstance(error, Flaky):
        return outbox.Failure(error.retry, "429" if error.wait is not None else ("503" if error.retry else "400"), error.wait)
    return outbox.Failure(False, type(error).__name__)


def sender(clock: FakeClock, **backoff: Any) -> outbox.Sender:
    return outbox.Sender("test", classify, outbox.Backoff(**backoff), clock.sleep, clock.clock, jitter=lambda: 1.0,
                         stats=outbox.SendStats())


def scripted(*outcomes):
    """A call that raises the given errors in turn, then returns "sent"."""
    remaining = list(outcomes)
    calls = []

    async def call():
        calls.append(1)
        if remaining:
            raise remaining.pop(0)
        return "sent"

    return call, calls


# --- Sender -----------------------------------------------------------------------------------
def test_retry_after_is_honoured_exactly_then_the_call_succeeds():
    clock = FakeClock()
    call, calls = scripted(Flaky(True, wait=7), Flaky(True, wait=3))
    assert asyncio.run(sender(clock).call(call)) == "sent"
    assert len(calls) == 3 and clock.sleeps == [7, 3]


def test_transient_errors_back_off_exponentially_up_to_the_cap():
    clock = FakeClock()
    call, calls = scripted(*[Flaky(True)] * 4)
    s = sender(clock, attempts=6, first_s=1, factor=2, max_s=5, budget_s=100)
    assert asyncio.run(s.call(call)) == "sent"
    assert clock.sleeps == [1, 2, 4, 5]  # jitter fixed at its top; never above max_s
    assert s.stats.get("test", "retried") == 4


def test_jitter_never_waits_less_than_half_the_step():
    clock = FakeClock()
    call, _ = scripted(Flaky(True), Flaky(True))
    s = outbox.Sender("test", classify, outbox.Backoff(first_s=2, factor=2), clock.sleep, clock.clock, jitter=lambda: 0.0)
    asyncio.run(s.call(call))
    assert clock.sleeps == [1.0, 2.0]


def test_a_permanent_error_is_not_retried():
    clock = FakeClock()
    call, calls = scripted(Flaky(False))
    with pytest.raises(outbox.SendFailed) as failed:
        asyncio.run(sender(clock).call(call))
    assert len(calls) == 1 and clock.sleeps == []
    assert failed.value.permanent and failed.value.reason == "400" and isinstance(failed.value.__cause__, Flaky)


def test_gives_up_when_the_wait_would_pass_the_budget():
    clock = FakeClock()
    call, calls = scripted(Flaky(True, wait=5), Flaky(True, wait=60))
    with pytest.raises(outbox.SendFailed) as failed:
        asyncio.run(sender(clock, budget_s=30).call(call))
    assert len(calls) == 2 and clock.sleeps == [5]  # 5 + 60 > 30: no pointless wait
    assert not failed.value.permanent and failed.value.attempts == 2


def test_gives_up_after_the_last_attempt():
    clock = FakeClock()
    call, calls = scripted(*[Flaky(True)] * 10)
    with pytest.raises(outbox.SendFailed):
        asyncio.run(sender(clock, attempts=3, budget_s=1000).call(call))
    assert len(calls) == 3 and len(clock.sleeps) == 2


# --- which replies are emergency lines ---------------------------------------------------------
@pytest.mark.parametrize(
    "message, expected",
    [
        ({"text": ALERT}, True),
        ({"text": f"⚠️ **{URGENT_TITLE}**\nSee a doctor today."}, True),
        ({"custom": {"assessment": {"triage_level": "emergency"}}}, True),
        ({"custom": {"assessment": {"triage_level": "self_care"}}}, False),
        ({"text": "Hello! If you think it's an emergency, call your local emergency number now."}, False),
        ({"text": "Why: you mentioned\n• a sudden, very severe headache"}, False),
        ({"text": "How old are you?", "buttons": [{"title": "18-50", "payload": "18-50"}]}, False),
    ],
)
def test_emergency_lines(message, expected):
    assert chat_render.is_emergency_reply(message) is expected


# --- send_turn --------------------------------------------------------------------------------
class Recording(OutputChannel):
    """An output channel that records what it sent and refuses what `refuse` says."""

    @classmethod
    def name(cls) -> str:
        return "recording"

    def __init__(self, refuse=None, delay: float = 0.0) -> None:
        super().__init__()
        self.sent: List[Dict[str, Any]] = []
        self.refuse = refuse or (lambda kind, text: None)
        self.delay = delay

    async def _record(self, kind: str, text: str, **extra: Any) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        error = self.refuse(kind, text)
        if error is not None:
            raise error
        self.sent.append({"kind": kind, "text": text, **extra})

    async def send_text_message(self, recipient_id, text, **kwargs):
        await self._record("text", text)

    async def send_text_with_buttons(self, recipient_id, text, buttons, **kwargs):
        await self._record("buttons", text, buttons=[b["title"] for b in buttons])


def turn() -> List[Dict[str, Any]]:
    return [
        {"recipient_id": "u1", "text": f"Thanks. {PRIVATE}"},
        {"recipient_id": "u1", "text": "Have you had any of these?", "buttons": [{"title": "None", "payload": "no"}]},
        {"recipient_id": "u1", "text": ALERT},
        {"recipient_id": "u1", "text": "Why: you mentioned a thunderclap headache"},
    ]


def test_emergency_lines_go_first_and_the_rest_keep_their_order():
    out = Recording()
    assert asyncio.run(outbox.send_turn(out, "u1", turn())) == []
    texts = [m["text"] for m in out.sent]
    assert texts[0] == ALERT
    assert texts[1:] == [f"Thanks. {PRIVATE}", "Have you had any of these?", "Why: you mentioned a thunderclap headache"]


def test_one_refused_reply_does_not_drop_the_rest_and_is_counted_without_its_text(caplog):
    before = outbox.STATS.get("recording", "failed")

    def refuse(kind, text):
        return outbox.SendFailed("recording", "503 server error", False, 6) if PRIVATE in text else None

    out = Recording(refuse)
    caplog.set_level(logging.DEBUG)
    undelivered = asyncio.run(outbox.send_turn(out, "u1", turn()))
    assert [m["text"] for m in undelivered] == [f"Thanks. {PRIVATE}"]
    assert len(out.sent) == 3 and out.sent[0]["text"] == ALERT
    assert outbox.STATS.get("recording", "failed") == before + 1
    assert "503 server error" in caplog.text
    assert PRIVATE not in caplog.text and "thunderclap" not in caplog.text


def test_a_refused_emergency_line_is_sent_again_as_plain_text(caplog):
    refused = []

    def refuse(kind, text):
        if text == ALERT and not refused:  # the rich (markdown) form is refused once
            refused.append(text)
            return outbox.SendFailed("recording", "400 CantParseEntities", True, 1)
        return None

    out = Recording(refuse)
    asyncio.run(outbox.send_turn(out, "u1", turn()))
    assert out.sent[0]["text"] == chat_render.to_plain(ALERT)
    assert outbox.STATS.get("recording", "plain_fallback") >= 1


def test_an_emergency_line_that_cannot_be_delivered_is_logged_as_an_error(caplog):
    before = outbox.STATS.get("recording", "emergency_failed")

    def refuse(kind, text):
        if EMERGENCY_TITLE in text:
            return outbox.SendFailed("recording", "429 retry_after", False, 6)
        return None

    out = Recording(refuse)
    caplog.set_level(logging.INFO)
    undelivered = asyncio.run(outbox.send_turn(out, "u1", turn()))
    assert [m["text"] for m in undelivered] == [ALERT]
    assert len(out.sent) == 3  # everything else still went out
    assert outbox.STATS.get("recording", "emergency_failed") == before + 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "EMERGENCY" in errors[0].getMessage() and EMERGENCY_TITLE not in caplog.text


def test_a_refused_message_with_buttons_is_sent_as_plain_text_with_the_choices():
    def refuse(kind, text):
        return outbox.SendFailed("recording", "200 invalid_blocks", True, 1) if kind == "buttons" else None

    out = Recording(refuse)
    asyncio.run(outbox.send_turn(out, "u1", [{"text": "**How** bad is it?", "buttons": [{"title": "Mild", "payload": "m"}, {"title": "Severe", "payload": "s"}]}]))
    assert out.sent == [{"kind": "text", "text": "How bad is it?\n\nYou can answer: Mild / Severe"}]


def test_turns_to_one_recipient_do_not_interleave():
    async def main():
        out = Recording(delay=0.01)
        first = [{"text": f"first {i}"} for i in range(3)]
        second = [{"text": f"second {i}"} for i in range(3)]
        other = Recording(delay=0.01)
        await asyncio.gather(
            outbox.send_turn(out, "u1", first),
            outbox.send_turn(out, "u1", second),
            outbox.send_turn(other, "u2", [{"text": "elsewhere"}]),
        )
        return out, other

    out, other = asyncio.run(main())
    assert [m["text"] for m in out.sent] == ["first 0", "first 1", "first 2", "second 0", "second 1", "second 2"]
    assert [m["text"] for m in other.sent] == ["elsewhere"]
    assert len(outbox._TURNS) == 0  # no lock left behind
