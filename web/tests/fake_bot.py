"""A scripted stand-in for the HeadEase bot, for developing and checking the web widget.

It is NOT the real bot and is never used by tests/web/test_widget_browser.py (that test
runs against the real Rasa bot). It mounts Rasa 3.6's own socket.io input channel
(rasa.core.channels.socketio.SocketIOInput, session_persistence on) on a Sanic app and
answers through Rasa's own output channel, so the wire format the widget sees is exactly
what a real Rasa server sends: texts split on blank lines, buttons as `quick_replies`,
and custom json dispatched by OutputChannel.send_response().

The bot's actions send custom json the ordinary way
(dispatcher.utter_message(json_message={"assessment": {...}})). Stock Rasa 3.6 socket.io
cannot deliver that with python-socketio 5.18 (the version in constraints.txt):
  1. SocketIOOutput.send_custom_json() calls `sio.emit("bot_uttered", **json_message)`,
     so {"assessment": ...} raises TypeError and nothing reaches the browser;
  2. with session_persistence, session_request calls `sio.enter_room()` without await
     (a coroutine since python-socketio 5.10), so the browser never joins its session
     room and receives no replies at all (RasaHQ/rasa#13027).
HeadEaseSocketIOInput below is the small subclass that fixes both; the real bot needs the
same (credentials.yml: `<module>.HeadEaseSocketIOInput:` instead of `socketio:`).
--stock-channel runs the unfixed Rasa channel to reproduce the failures.

Run:  .venv/bin/python web/tests/fake_bot.py --port 5055 --cors http://127.0.0.1:8080
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.core.channels.channel import OutputChannel, UserMessage  # noqa: E402
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput  # noqa: E402
from sanic import Blueprint, Sanic  # noqa: E402
from sanic_cors import CORS  # noqa: E402

logger = logging.getLogger("headease.fake_bot")

EMERGENCY_RE = re.compile(r"worst headache|thunderclap|numb|weak(ness)? (arm|leg|face)|can'?t speak", re.I)

GREETING = (
    "Hi, I'm **HeadEase**. I can help you understand your headache and find techniques that may help.\n\n"
    "This is general information, not a diagnosis. Shall we start?"
)

TECHNIQUE_INFO = {
    "trigger point therapy": "**Trigger point therapy** uses steady pressure on tight spots in the neck and "
    "shoulder muscles.\n- Press for 30 to 90 seconds\n- Stop if pain increases\n"
    "More: [About trigger points](https://en.wikipedia.org/wiki/Myofascial_trigger_point)",
    "self-massage": "**Self-massage**: small circles with your fingertips on your temples and the back of your neck.",
}


def tension_assessment() -> Dict[str, Any]:
    return {
        "headache_type": "tension_type",
        "confidence": 0.78,
        "triage_level": "self_care",
        "recommended_techniques": ["trigger_point_therapy", "self_massage", "suboccipital_release"],
        "technique_reasons": {
            "trigger_point_therapy": "Tight neck and shoulder muscles often go with this pattern.",
            "self_massage": "Something you can do yourself when a headache starts.",
            "suboccipital_release": "Eases tension at the base of the skull.",
        },
        "ruled_out": {"craniosacral_therapy": "Little evidence for this headache pattern."},
        "red_flags": [],
        "reasons": [
            "Pressing, band-like pain on both sides",
            "Headaches last hours, not days",
            "No warning signs in your answers",
        ],
        "doctor_advice": "See a doctor if headaches happen on more than 15 days a month or change.",
        "background_type": None,
        "notes": ["Keep a headache diary for two weeks."],
        "disclaimer": "HeadEase gives general information, not a diagnosis.",
    }


def emergency_assessment() -> Dict[str, Any]:
    return {
        "headache_type": "secondary",
        "confidence": 0.9,
        "triage_level": "emergency",
        "recommended_techniques": [],
        "technique_reasons": {},
        "ruled_out": {"swedish_massage": "Not until a doctor has checked you."},
        "red_flags": ["thunderclap_onset", "focal_neurological_deficit"],
        "reasons": ["Sudden, very severe headache", "Numbness in an arm"],
        "doctor_advice": "These signs need checking in an emergency department now.",
        "background_type": None,
        "notes": [],
        "disclaimer": "HeadEase gives general information, not a diagnosis.",
    }


def summary() -> Dict[str, Any]:
    return {
        "text": "HeadEase summary\nPattern: tension-type headache\nTriage: self-care\n",
        "filename": "headease-summary.txt",
    }


class FakeConsult:
    def __init__(self) -> None:
        self.step: Dict[str, int] = {}

    async def handle(self, msg: UserMessage) -> None:
        out = msg.output_channel
        sender = msg.sender_id
        text = (msg.text or "").strip()
        low = text.lower()
        await asyncio.sleep(0.3)  # let the typing indicator show

        async def say(message: Dict[str, Any]) -> None:
            await out.send_response(sender, dict(message))

        if EMERGENCY_RE.search(text):
            self.step[sender] = 0
            await say({"text": "Those symptoms can be serious."})
            await say({"custom": {"assessment": emergency_assessment()}})
            return
        if low in ("restart", "/restart"):
            self.step[sender] = 0
            await say({"text": "Okay, let's start over."})
            low = "hi"
        if low.startswith("tell me about "):
            name = low[len("tell me about "):]
            await say({"text": TECHNIQUE_INFO.get(name, f"**{text[14:]}** is a gentle hands-on technique.")})
            return
        step = self.step.get(sender, 0)
        if low in ("hi", "hello", "start") or step == 0:
            if low.startswith("yes") and step == 0:
                step = 1
            else:
                self.step[sender] = 0
                await say(
                    {
                        "text": GREETING,
                        "buttons": [
                            {"title": "Yes, let's start", "payload": "yes"},
                            {"title": "Not now", "payload": "no"},
                        ],
                    }
                )
                return
        if step == 1:
            self.step[sender] = 2
            await say(
                {
                    "text": "Where do you feel the pain?",
                    "buttons": [
                        {"title": "Both sides, like a band", "payload": "both sides"},
                        {"title": "One side", "payload": "one side"},
                        {"title": "Back of head and neck", "payload": "back of head"},
                    ],
                }
            )
        elif step == 2:
            self.step[sender] = 3
            await say({"text": "How long does a headache usually last?"})
        elif step == 3:
            self.step[sender] = 4
            await say(
                {
                    "text": "Do you have any of these: fever, loss of vision, weakness?",
                    "buttons": [
                        {"title": "No, none of these", "payload": "no"},
                        {"title": "Yes", "payload": "yes"},
                    ],
                }
            )
        else:
            self.step[sender] = 0
            if low.startswith("yes"):
                a = tension_assessment()
                a["triage_level"] = "urgent"
                await say({"text": "Thanks. Please read this carefully."})
                await say({"custom": {"assessment": a}})
                return
            await say({"text": "Thanks. Here is what your answers suggest."})
            await say({"custom": {"assessment": tension_assessment()}})
            await say({"custom": {"doctor_summary": summary()}})


class HeadEaseSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, but custom json is emitted as the bot_uttered body."""

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self.sio.emit(self.bot_message_evt, json_message, room=recipient_id)


class HeadEaseSocketIOInput(SocketIOInput):
    """Rasa 3.6's socket.io input with its two python-socketio 5.x bugs fixed.

    1. session_request awaits `sio.enter_room` (a coroutine since python-socketio 5.10;
       un-awaited, the browser never joins its session room: RasaHQ/rasa#13027).
    2. custom json ({"assessment": ...}) reaches the browser as the bot_uttered body
       instead of raising TypeError in `sio.emit(evt, **json_message)`.
    """

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return HeadEaseSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"], namespace=self.namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            output_channel = HeadEaseSocketIOOutput(sio, self.bot_message_evt)
            if self.session_persistence:
                if not data.get("session_id"):
                    logger.warning("socket.io message without session_id ignored")
                    return
                sender_id = data["session_id"]
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key, {})
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            await on_new_message(
                UserMessage(
                    data.get("message", ""),
                    output_channel,
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )

        return socketio_webhook


class StockSocketIOInput(SocketIOInput):
    """Unchanged Rasa 3.6 channel (to reproduce the failures with --stock-channel)."""


def build_app(cors: str, stock_channel: bool = False) -> Sanic:
    app = Sanic("headease_fake_bot")
    CORS(app, resources={r"/*": {"origins": cors or ""}}, automatic_options=True)
    channel_class = StockSocketIOInput if stock_channel else HeadEaseSocketIOInput
    channel = channel_class(session_persistence=True)
    consult = FakeConsult()
    app.blueprint(channel.blueprint(consult.handle), url_prefix=channel.url_prefix())
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--cors", default="*", help="allowed web origin(s), like rasa --cors")
    parser.add_argument("--stock-channel", action="store_true", help="use Rasa 3.6's unfixed channel")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    app = build_app(args.cors, stock_channel=args.stock_channel)
    app.run(host=args.host, port=args.port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
