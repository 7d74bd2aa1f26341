"""The web widget's socket.io channel (channels/socketio.py) resends safely, like REST: a message id
is handled at most once per conversation, every answer says which message it answers, a copy of a
message still being answered is not answered twice, and a store outage asks for the message again.

In-process: the channel's own socket.io server with its emits recorded (no network), Rasa's
in-memory stores and a stand-in dialogue (tests/support/stand_in_agent.py), no model. The real
wire (browser, Rasa, the request behind the socket) is tested by tests/web/test_widget_browser.py.
"""
import asyncio
import logging

import pytest
import sqlalchemy.exc

from actions.clinic import load_knowledge
from channels import rate_guard
from channels.socketio import HeadEaseSocketIOInput
from tests.support.stand_in_agent import BUTTONS, Agent, Ctx, stored_message_ids

KB = load_knowledge()
NOT_RECEIVED_START = KB.messages["not_received"].split(",")[0]
EMERGENCY_TITLE = KB.messages["triage"]["emergency"]["title"]
SESSION = "session-1"


class Request:  # what engineio's Sanic driver keeps in a socket's environ
    def __init__(self, agent):
        self.app = type("App", (), {"ctx": Ctx(agent)})()


class Server:
    """One Rasa server's socket.io channel, with `agent` behind it; records what it emits."""

    def __init__(self, agent):
        self.agent = agent
        self.channel = HeadEaseSocketIOInput(session_persistence=True)
        self.channel.blueprint(agent.handle_message)
        sio = self.channel.sio
        self.emitted = []

        async def emit(event, data=None, room=None, **_):
            self.emitted.append((event, data, room))

        sio.emit = emit
        sio.get_environ = lambda sid, namespace=None: {"sanic.request": Request(agent)}
        self._user_uttered = sio.handlers["/"]["user_uttered"]

    async def receive(self, body, sid="sid-1"):
        await self._user_uttered(sid, body)

    def answers(self, reply_to=None):
        """The bot_uttered bodies (all, or those answering `reply_to`)."""
        return [data for event, data, _ in self.emitted
                if event == "bot_uttered" and (reply_to is None or data.get("reply_to") == reply_to)]


def message(text, message_id=None, session=SESSION):
    body = {"message": text, "session_id": session}
    if message_id is not None:
        body["message_id"] = message_id
    return body


def without(bodies, *keys):
    return [{k: v for k, v in body.items() if k not in keys} for body in bodies]


@pytest.fixture(autouse=True)
def no_rate_guard(monkeypatch):
    monkeypatch.setattr(rate_guard, "_shared", None)
    monkeypatch.setattr(rate_guard, "_shared_loaded", True)


def test_every_part_of_an_answer_says_which_message_it_answers():
    server = Server(Agent())
    asyncio.run(server.receive(message("hi", "m-1")))
    parts = server.answers()
    assert [room for _, _, room in server.emitted] == [SESSION, SESSION]  # to the conversation's room
    assert without(parts, "answer_id") == [
        {"text": "answer 1", "quick_replies": [dict(b, content_type="text") for b in BUTTONS], "reply_to": "m-1"},
        {"assessment": {"turn": 1}, "reply_to": "m-1"},
    ]
    assert len({p["answer_id"] for p in parts}) == 1  # one answer, one answer id
    assert server.agent.processor.seen_message_ids == ["m-1"]  # the client's id reaches Rasa
    assert asyncio.run(stored_message_ids(server.agent, SESSION)) == ["m-1"]


def test_a_message_sent_again_with_its_id_is_answered_from_the_store_not_processed_again():
    server = Server(Agent())

    async def run():
        await server.receive(message("hi", "m-1"))
        await server.receive(message("hi", "m-1"), sid="sid-2")  # after a reconnect
        await server.receive(message("it hurts", "m-2"), sid="sid-2")

    asyncio.run(run())
    first, again = server.answers()[:2], server.answers()[2:4]
    assert without(again, "answer_id", "replay") == without(first, "answer_id")  # the same answer
    assert all(p["replay"] is True for p in again) and not any("replay" in p for p in first)
    assert first[0]["answer_id"] != again[0]["answer_id"]  # a client shows one of the two
    assert server.agent.processor.turns == 2
    assert asyncio.run(stored_message_ids(server.agent, SESSION)) == ["m-1", "m-2"]


def test_a_copy_of_a_message_this_server_is_still_answering_is_not_answered_twice():
    server = Server(Agent())

    async def run():
        gate = server.agent.processor.gate = asyncio.Event()
        first = asyncio.ensure_future(server.receive(message("hi", "m-1")))
        await asyncio.sleep(0.05)  # the first copy is in its turn now
        copy = asyncio.ensure_future(server.receive(message("hi", "m-1"), sid="sid-2"))
        await asyncio.sleep(0.2)
        assert copy.done() and server.answers() == []  # dropped at once, not waiting to answer
        await copy
        gate.set()
        await first
        await server.receive(message("hi", "m-1"), sid="sid-2")  # later: replayed

    asyncio.run(run())
    assert server.agent.processor.turns == 1
    assert len(server.answers()) == 4 and [p.get("replay", False) for p in server.answers()] == [False, False, True, True]


def test_a_copy_sent_to_another_server_waits_for_the_turn_there_and_gets_its_answer():
    first_server = Server(Agent())
    second_server = Server(Agent(sharing=first_server.agent))  # same tracker store and lock store

    async def run():
        gate = first_server.agent.processor.gate = asyncio.Event()
        running = asyncio.ensure_future(first_server.receive(message("my arm is numb", "m-1")))
        await asyncio.sleep(0.05)
        resent = asyncio.ensure_future(second_server.receive(message("my arm is numb", "m-1"), sid="sid-2"))
        await asyncio.sleep(0.2)
        assert not resent.done()  # waiting for the conversation's lock, not answering
        gate.set()
        await asyncio.gather(running, resent)

    asyncio.run(run())
    assert first_server.agent.processor.turns == 1 and second_server.agent.processor.turns == 0
    replayed = second_server.answers("m-1")
    assert replayed and all(p["replay"] is True for p in replayed)
    assert without(replayed, "answer_id", "replay") == without(first_server.answers("m-1"), "answer_id")
    assert asyncio.run(stored_message_ids(first_server.agent, SESSION)) == ["m-1"]


def test_a_store_outage_answers_with_the_red_flag_screen_and_asks_for_the_message_again(caplog):
    server = Server(Agent())
    server.agent.processor.fail_with = sqlalchemy.exc.OperationalError(
        "INSERT INTO events (data) VALUES (?)", ["my face has gone numb"], Exception("down"))
    caplog.set_level(logging.INFO)
    text = "my face has gone numb and my words come out wrong"
    asyncio.run(server.receive(message(text, "m-9")))
    parts = server.answers("m-9")
    assert all(p["resend"] is True for p in parts)
    assert EMERGENCY_TITLE in parts[0]["text"]  # this message's red flag, first
    assert parts[-1]["text"].startswith(NOT_RECEIVED_START) and KB.emergency_number in parts[-1]["text"]
    assert "numb" not in caplog.text  # neither the message nor the SQL parameters are logged
    server.agent.processor.fail_with = None  # the store is back: the same message, the same id
    server.emitted.clear()
    asyncio.run(server.receive(message(text, "m-9")))
    assert server.agent.processor.turns == 1
    assert not any("resend" in p or "replay" in p for p in server.answers("m-9"))


def test_message_ids_are_checked_like_rest_and_a_bad_one_is_ignored_not_the_message(caplog):
    server = Server(Agent())
    caplog.set_level(logging.INFO)
    bad_ids = [{"no": 1}, "x" * 129, "", "   ", True, "two\nlines", ["m"]]
    for index, bad in enumerate(bad_ids):
        asyncio.run(server.receive(message(f"headache {index}", bad)))
    assert server.agent.processor.turns == len(bad_ids)  # every message answered...
    assert not any("reply_to" in p for p in server.answers())  # ...as one without an id
    assert "x" * 129 not in server.agent.processor.seen_message_ids
    assert sum("invalid message_id" in r.getMessage() for r in caplog.records) == len(bad_ids)
    assert "headache" not in caplog.text
    asyncio.run(server.receive(message("hi", 123)))  # an integer id is an id like any other
    asyncio.run(server.receive(message("hi", "x" * 128)))
    assert {p["reply_to"] for p in server.answers() if "reply_to" in p} == {"123", "x" * 128}


def test_without_a_message_id_every_message_is_processed_and_answers_are_untagged():
    server = Server(Agent())
    for _ in range(2):
        asyncio.run(server.receive(message("yes")))
    assert server.agent.processor.turns == 2  # a person may well say "yes" twice
    assert all(set(p) <= {"text", "quick_replies", "assessment"} for p in server.answers())


def test_a_sender_over_its_rate_gets_one_tagged_notice(monkeypatch):
    monkeypatch.setattr(rate_guard, "_shared", rate_guard.SenderRateGuard(per_minute=1, burst=1))
    server = Server(Agent())
    for index in range(3):
        asyncio.run(server.receive(message(f"m{index}", f"id-{index}")))
    assert server.agent.processor.turns == 1
    notice = server.answers("id-1")
    assert len(notice) == 1 and notice[0]["resend"] is True and notice[0]["retry_after"] >= 1
    assert KB.emergency_number in notice[0]["text"]
    assert server.answers("id-2") == []  # one notice per pause
