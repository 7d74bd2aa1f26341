"""Sending a message again is safe (channels/resend.py, channels/rest.py): a message id is handled at
most once per conversation, the REST answer says what happened, and a store outage gets the
`not_received` answer. In-process: Rasa's own in-memory stores and a stand-in dialogue, no model."""
import asyncio
import itertools
import json
import logging
import socket
import threading
import urllib.error
import urllib.request
import uuid

import pytest
import sqlalchemy.exc
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from redis.exceptions import ConnectionError as RedisConnectionError
from sanic import Sanic

from actions.clinic import load_knowledge
from channels import rate_guard
from channels.reply_guard import guarded
from channels.resend import AtMostOnce, stored_replies
from channels.rest import HeadEaseRestInput
from headease_store.errors import ConcurrentTurnError, is_store_outage
from tests.support.stand_in_agent import BUTTONS, Agent, Ctx, stored_message_ids

KB = load_knowledge()
NOT_RECEIVED_START = KB.messages["not_received"].split(",")[0]
EMERGENCY_TITLE = KB.messages["triage"]["emergency"]["title"]


def user(text, message_id):
    return UserUttered(text, message_id=message_id)


def test_stored_replies_finds_the_answer_of_an_answered_message_only():
    events = [
        ActionExecuted("action_listen"),
        user("hi", "m1"), BotUttered("Hello", data={"buttons": BUTTONS}), BotUttered(None, data={"custom": {"c": 1}}),
        ActionExecuted("action_listen"),
        user("I'm 34", "m2"), ActionExecuted("action_listen"),  # an action failed: no answer stored
        user("I'm 34", "m2"), BotUttered("How bad is it?"), ActionExecuted("action_listen"),
        user("ouch", "m3"),
    ]
    assert stored_replies(events, "m1") == [{"text": "Hello", "buttons": BUTTONS}, {"custom": {"c": 1}}]
    assert stored_replies(events, "m2") == [{"text": "How bad is it?"}]  # the answered attempt
    assert stored_replies(events, "m3") is None  # stored, not answered: process it
    assert stored_replies(events, "m4") is None  # never stored
    assert stored_replies(events[:8], "m2") is None  # only the failed attempt so far


def _turn(agent, text, message_id, sender="patient"):
    async def run():
        output = CollectingOutputChannel()
        once = AtMostOnce(agent.handle_message, Ctx(agent), message_id)
        outcome = await guarded(once, rate_guard=None)(UserMessage(text, output, sender, message_id=message_id))
        return output.messages, once.replayed, outcome

    return asyncio.run(run())


def user_ids(agent, sender="patient"):
    return asyncio.run(stored_message_ids(agent, sender))


def test_a_message_sent_again_with_its_id_is_answered_from_the_store_not_processed_again():
    agent = Agent()
    first, replayed, _ = _turn(agent, "hi", "id-1")
    again, replayed_again, outcome = _turn(agent, "hi", "id-1")
    assert not replayed and replayed_again and outcome.answered
    assert again == first  # the same answer, buttons and card included
    assert agent.processor.turns == 1 and user_ids(agent) == ["id-1"]
    _turn(agent, "it hurts", "id-2")
    assert agent.processor.turns == 2 and user_ids(agent) == ["id-1", "id-2"]


def test_without_a_message_id_every_message_is_processed():
    agent = Agent()
    _turn(agent, "yes", None)
    _turn(agent, "yes", None)
    assert agent.processor.turns == 2  # a person may well say "yes" twice


def test_two_copies_of_one_message_at_the_same_moment_are_processed_once():
    agent = Agent()

    async def both():
        return await asyncio.gather(*(
            guarded(AtMostOnce(agent.handle_message, Ctx(agent), "dup"), rate_guard=None)(
                UserMessage("hi", CollectingOutputChannel(), "patient", message_id="dup"))
            for _ in range(2)
        ))

    asyncio.run(both())
    assert agent.processor.turns == 1 and user_ids(agent) == ["dup"]


@pytest.mark.parametrize("error", [
    sqlalchemy.exc.OperationalError("INSERT INTO events (data) VALUES (?)", ["my face has gone numb"], Exception("down")),
    RedisConnectionError("Connection refused"),
    ConcurrentTurnError("another turn was stored first"),
    LockError("no lock in time"),
])
def test_a_store_outage_gets_the_not_received_answer_with_the_red_flag_screen(error, caplog):
    assert is_store_outage(error)
    agent = Agent()
    agent.processor.fail_with = error
    caplog.set_level(logging.INFO)
    replies, _, outcome = _turn(agent, "my face has gone numb and my words come out wrong", "id-9")
    texts = [r["text"] for r in replies]
    assert not outcome.answered
    assert EMERGENCY_TITLE in texts[0]  # the red flag of this very message, first
    assert texts[-1].startswith(NOT_RECEIVED_START) and KB.emergency_number in texts[-1]
    logged = [r for r in caplog.records if r.name == "channels.reply_guard"]
    assert len(logged) == 1 and logged[0].exc_info is None  # one line, no traceback
    assert "numb" not in caplog.text  # neither the message nor the SQL parameters are logged
    agent.processor.fail_with = None  # the store is back: the same message, the same id
    again, replayed, outcome = _turn(agent, "my face has gone numb and my words come out wrong", "id-9")
    assert outcome.answered and not replayed and agent.processor.turns == 1


def test_other_errors_are_not_store_outages():
    assert not is_store_outage(RuntimeError("boom"))
    assert not is_store_outage(sqlalchemy.exc.IntegrityError("x", [], Exception("dup")))


# --- the REST webhook, in-process -------------------------------------------------------------

def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def rest_app():
    """The REST channel on a Sanic app in a background thread (one app per process: Sanic 21.12
    cannot prepare a second one); each test puts its own agent on `app.ctx.agent`."""
    app = Sanic(f"resend_{uuid.uuid4().hex[:8]}")

    async def on_new_message(message):
        await app.ctx.agent.handle_message(message)

    app.blueprint(HeadEaseRestInput().blueprint(on_new_message), url_prefix="/webhooks/rest")
    port, loop, started = _free_port(), asyncio.new_event_loop(), threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False))
        loop.run_until_complete(server.startup())
        loop.run_until_complete(server.start_serving())
        started.set()
        loop.run_forever()
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(30)
    app.ctx.url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    yield app
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def _post(app, body):
    request = urllib.request.Request(app.ctx.url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_rest_replays_an_answered_message_and_says_so(rest_app):
    agent = rest_app.ctx.agent = Agent()
    body = {"sender": "p", "message": "hi", "message_id": "a1"}
    first, again = _post(rest_app, body), _post(rest_app, body)
    assert first[0] == 200 and "X-HeadEase-Replay" not in first[1]
    assert again[0] == 200 and again[1].get("X-HeadEase-Replay") == "1" and again[2] == first[2]
    numeric = _post(rest_app, dict(body, message_id=123))
    assert numeric[0] == 200 and agent.processor.turns == 2  # 123 is an id like any other
    for bad in ({"no": 1}, "x" * 129, "", True):
        status, _, answer = _post(rest_app, dict(body, message_id=bad))
        assert status == 400 and "message_id" in answer["error"]
    assert agent.processor.turns == 2


def test_rest_marks_a_failed_turn_for_resending(rest_app):
    agent = rest_app.ctx.agent = Agent()
    agent.processor.fail_with = sqlalchemy.exc.OperationalError("SELECT 1", [], Exception("down"))
    status, headers, body = _post(rest_app, {"sender": "p", "message": "hello", "message_id": "b1"})
    assert status == 200  # never a 5xx: the answer is the safety fallback
    assert headers.get("X-HeadEase-Resend") == "1" and int(headers["Retry-After"]) >= 1
    assert body[-1]["text"].startswith(NOT_RECEIVED_START)


def test_rest_answers_429_with_a_friendly_body_when_the_sender_floods(rest_app, monkeypatch):
    monkeypatch.setattr(rate_guard, "_shared", rate_guard.SenderRateGuard(per_minute=1, burst=2))
    monkeypatch.setattr(rate_guard, "_shared_loaded", True)
    agent = rest_app.ctx.agent = Agent()
    answers = [_post(rest_app, {"sender": "flood", "message": f"m{i}"}) for i in range(4)]
    answers.append(_post(rest_app, {"sender": "calm", "message": "hello"}))
    assert [a[0] for a in answers] == [200, 200, 429, 429, 200]
    status, headers, body = answers[2]
    assert int(headers["Retry-After"]) >= 1 and body["retry_after"] >= 1
    assert KB.emergency_number in body["error"] and body["error"].startswith("You are sending messages")
    assert agent.processor.turns == 3  # the refused messages were never handled


def test_message_ids_are_per_conversation():
    agent = Agent()
    for sender in ("a", "b"):
        _turn(agent, "hi", "same-id", sender=sender)
    assert agent.processor.turns == 2


def test_only_the_latest_answer_is_replayed_when_ids_repeat_across_failures():
    agent = Agent()
    agent.processor.fail_with = ConcurrentTurnError("x")
    for _ in itertools.repeat(None, 2):
        _turn(agent, "I'm 34", "r1")
    agent.processor.fail_with = None
    replies, replayed, _ = _turn(agent, "I'm 34", "r1")
    assert not replayed and replies[0]["text"] == "answer 1"
    assert _turn(agent, "I'm 34", "r1")[1]  # and from now on replayed
