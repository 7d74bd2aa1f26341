"""Faults survived with the real servers: action server down, Rasa killed with -9, a bad model.

One private stack for this module (its servers are killed on purpose, so it cannot be the shared
`bot_stack`). Tests run in file order: outage first, then the hard restart of the Rasa server.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from actions.clinic import load_knowledge
from tests.support.stack import ROOT, Stack, free_port

KB = load_knowledge()
OUTAGE_START = KB.messages["outage"].split(":")[0]
EMERGENCY_TITLE = KB.messages["triage"]["emergency"]["title"]
RED_FLAG_QUESTION = KB.data["questions"]["red_flags"]["text"]


def texts(replies):
    return [r.get("text") or "" for r in replies]


def user_turns(tracker):
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("faults"))
    try:
        stack.start_action_server()
        stack.start_rasa()
    except Exception:
        print(stack.log("actions"), stack.log("rasa")[-4000:])
        stack.stop()
        raise
    yield stack
    stack.stop()


def test_action_server_outage_gives_safe_answers_and_the_consultation_resumes(stack):
    sender = "outage-patient"
    assert RED_FLAG_QUESTION in texts(stack.say(sender, "hi, I've got a headache"))
    after_screen = texts(stack.say(sender, "no, none of those"))
    assert after_screen and RED_FLAG_QUESTION not in after_screen

    stack.processes["actions"].kill()
    stack.processes["actions"].wait()

    during = texts(stack.say(sender, "I'm 34"))
    assert len(during) == 1 and during[0].startswith(OUTAGE_START)
    assert KB.emergency_number in during[0]
    emergency = texts(stack.say("outage-emergency", "worst headache of my life, it came on in seconds"))
    assert EMERGENCY_TITLE in emergency[0] and KB.emergency_number in emergency[0]
    assert emergency[-1].startswith(OUTAGE_START)

    stack.start_action_server()
    resumed = texts(stack.say(sender, "I'm 34"))
    assert resumed and not any(t.startswith(OUTAGE_START) for t in resumed)
    assert RED_FLAG_QUESTION not in resumed  # not started over
    tracker = stack.tracker(sender)
    assert tracker["slots"]["findings"]["age"] == 34
    # Nothing the user said was lost, the message sent during the outage included.
    assert user_turns(tracker)[-4:] == ["hi, I've got a headache", "no, none of those", "I'm 34", "I'm 34"]


def test_rasa_killed_with_sigkill_and_restarted_continues_the_conversation(stack):
    sender = "restart-patient"
    stack.say(sender, "hi, I've got a headache")
    stack.say(sender, "no, none of those")
    before = stack.say(sender, "I'm 41")
    tracker_before = stack.tracker(sender)

    stack.processes["rasa"].kill()  # SIGKILL: no shutdown hooks, no flush
    stack.processes["rasa"].wait()
    stack.start_rasa()

    tracker_after = stack.tracker(sender)
    assert tracker_after["events"] == tracker_before["events"]
    assert tracker_after["slots"]["findings"]["age"] == 41
    # (the next question after the age is the strength: answered, with more details beside it)
    answer = texts(stack.say(sender, "about a 4, it's a dull pressure on both sides"))
    assert answer and RED_FLAG_QUESTION not in answer
    assert answer != texts(before), "the bot should move on, not repeat its last question"
    assert stack.tracker(sender)["active_loop"].get("name") in ("consultation_form", None)


@pytest.mark.model  # damages a copy of the trained model
@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated"])
def test_a_bad_model_stops_startup_with_a_clear_error(tmp_path, damage):
    model = tmp_path / "headease.tar.gz"
    if damage == "garbage":
        model.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        model.write_bytes((ROOT / "models" / "headease.tar.gz").read_bytes()[:200_000])
    env = dict(
        os.environ,
        HEADEASE_MODEL=str(model),
        RASA_PORT=str(free_port()),
        ACTION_PORT=str(free_port()),
        HEADEASE_WEB_PORT=str(free_port()),
        TRACKER_DB=str(tmp_path / "tracker.db"),
        RASA_AUTH_TOKEN="test-token",
    )
    result = subprocess.run(
        ["scripts/run.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "HeadEase cannot start" in result.stderr and str(model) in result.stderr
    assert "make train" in result.stderr


def _load_script(name):
    import importlib.util
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return module


@pytest.mark.model
@pytest.mark.parametrize("damaged", [False, True])
def test_train_if_stale_retrains_a_damaged_model_even_when_inputs_match(tmp_path, monkeypatch, damaged):
    train = _load_script("train_if_stale")
    model, stamp = tmp_path / "headease.tar.gz", tmp_path / "headease.inputs.sha256"
    source = ROOT / "models" / "headease.tar.gz"
    model.write_bytes(source.read_bytes()[:100_000] if damaged else source.read_bytes())
    stamp.write_text(train.inputs_hash() + "\n")
    monkeypatch.setattr(train, "MODEL", model)
    monkeypatch.setattr(train, "STAMP", stamp)
    calls = []
    monkeypatch.setattr(train.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or subprocess.CompletedProcess(cmd, 0))
    assert train.main() == 0
    assert bool(calls) == damaged
