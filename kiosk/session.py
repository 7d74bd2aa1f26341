"""One kiosk conversation turn: heard audio -> checked transcript -> Rasa `voice` channel -> reply audio.

Safety rules (kiosk/README.md "Privacy and safety"):
  * nothing unclear is sent on: an empty or off-topic transcript gets "Sorry, could you say that
    again?";
  * a transcript that raises a red flag (actions.clinic.reading + safety) is ALWAYS read back
    ("Did you say ...? Please say yes or no") and sent on when the visitor says yes;
  * each visitor gets a fresh sender id; goodbye or silence clears the screen and the session.
"""
from __future__ import annotations

import json
import re
import secrets
import time
import urllib.request
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

from actions.clinic.verdict import message_level
from actions.clinic.reading import load_lexicon, scan
from kiosk import speech_out
from kiosk.asr import Recognizer, Transcript

ROOT = Path(__file__).resolve().parents[1]
SAY_AGAIN = "Sorry, could you say that again?"
CONFIRM_YES_NO = "Please say yes or no."
IDLE_SECONDS = 60.0
YES = {"yes", "yeah", "yep", "correct", "right", "did"}
NO = {"no", "nope", "wrong", "didn't", "not"}
GOODBYE = re.compile(r"\b(?:good ?bye|bye)\b")
# Words that carry no domain meaning on their own: a transcript made only of these is off-topic.
FUNCTION_WORDS = frozenset(
    "a an the i i'm me my you your it it's is am are was be to of in on at for and or but so "
    "with that this what do does can could would please like just".split()
)
PRONOUNS = {"i": "you", "i'm": "you're", "my": "your", "me": "you", "myself": "yourself",
            "am": "are", "i've": "you've", "i'd": "you'd"}


class RasaError(RuntimeError):
    """The Rasa server could not be reached or answered with an error."""


def send_to_rasa(rasa_url: str, sender: str, text: str, timeout: float = 30.0) -> List[dict]:
    """POST the text on the `voice` channel; returns the bot messages."""
    request = urllib.request.Request(
        f"{rasa_url.rstrip('/')}/webhooks/voice/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"[]")
    except OSError as error:
        raise RasaError(f"cannot reach the HeadEase server at {rasa_url}: {error}") from error


@lru_cache(maxsize=1)
def question_texts() -> Dict[str, str]:
    """slot -> question text (data/kb/knowledge.yml) to tell which question the bot just asked."""
    data = yaml.safe_load((ROOT / "data" / "kb" / "knowledge.yml").read_text(encoding="utf-8"))
    return {slot: q["text"] for slot, q in (data.get("questions") or {}).items()}


def asked_question(messages: List[dict]) -> Optional[str]:
    """The consultation question in the bot's last messages, if any (sets the answer context)."""
    for message in reversed(messages):
        text = message.get("text") or ""
        for slot, question in question_texts().items():
            if question in text:
                return slot
    return None


@lru_cache(maxsize=1)
def domain_words() -> frozenset:
    return frozenset(load_lexicon().vocabulary)


def off_topic(text: str) -> bool:
    """True when nothing in the transcript is a domain word, a number or a yes/no answer."""
    words = [w for w in text.split() if w not in FUNCTION_WORDS]
    if not words:
        return True
    known = domain_words() | YES | NO | {"don't", "know", "sure", "none", "nothing", "goodbye", "bye"}
    return not any(w in known or w.endswith(("teen", "ty")) for w in words)


def red_flag(text: str) -> Optional[str]:
    return message_level(text)


def read_back(text: str) -> str:
    return " ".join(PRONOUNS.get(w, w) for w in text.split())


@dataclass
class Turn:
    heard: str
    sent: Optional[str]  # what went to the bot (None when the kiosk answered itself)
    said: List[speech_out.Utterance]
    audio: List[Path] = field(default_factory=list)
    latency: Optional[float] = None  # end of speech -> first reply audio ready, seconds
    context: str = "general"


class KioskSession:
    """A visitor's conversation. ``hear`` takes one utterance of audio and returns the reply turn."""

    def __init__(
        self,
        recognizer: Recognizer,
        rasa_url: str,
        out_dir: Path,
        on_screen: Callable[[str, str], None] = lambda who, text: None,
        sender_prefix: str = "kiosk",
    ):
        self.recognizer = recognizer
        self.rasa_url = rasa_url
        self.out_dir = Path(out_dir)
        self.on_screen = on_screen
        self.sender_prefix = sender_prefix
        self.reset()

    # --- visitor lifecycle --------------------------------------------------------------
    def reset(self) -> None:
        """Forget the visitor: new sender id, no pending confirmation, no context."""
        self.sender = f"{self.sender_prefix}-{secrets.token_hex(8)}"
        self.pending: Optional[str] = None
        self.context: Optional[str] = None
        self.last_heard = time.monotonic()
        self.turns = 0
        self.ended = False

    def idle(self, now: Optional[float] = None) -> bool:
        return (now or time.monotonic()) - self.last_heard > IDLE_SECONDS

    # --- one turn -----------------------------------------------------------------------
    def hear(self, pcm: bytes, end_of_speech: Optional[float] = None) -> Turn:
        end_of_speech = end_of_speech or time.monotonic()
        transcript = self.recognizer.transcribe(pcm, "general" if self.pending else self.context)
        self.last_heard = time.monotonic()
        return self.respond(transcript, end_of_speech)

    def respond(self, transcript: Transcript, end_of_speech: float) -> Turn:
        heard = transcript.text
        self.on_screen("you", heard or "…")
        if self.pending is not None:
            return self._answer_confirmation(heard, transcript, end_of_speech)
        if not heard or off_topic(heard):
            return self._say([SAY_AGAIN], heard, None, transcript, end_of_speech)
        if red_flag(heard):
            self.pending = heard
            question = f"Did you say: {read_back(heard)}? {CONFIRM_YES_NO}"
            return self._say([question], heard, None, transcript, end_of_speech)
        return self._send(heard, transcript, end_of_speech)

    def _answer_confirmation(self, heard: str, transcript: Transcript, end: float) -> Turn:
        words = set(heard.split())
        pending = self.pending
        if words & YES and not words & NO:
            self.pending = None
            return self._send(pending, transcript, end, heard=heard)
        if words & NO:
            self.pending = None
            return self._say(["Okay. Please tell me again."], heard, None, transcript, end)
        return self._say([f"Did you say: {read_back(pending)}? {CONFIRM_YES_NO}"], heard, None, transcript, end)

    def _send(self, text: str, transcript: Transcript, end: float, heard: Optional[str] = None) -> Turn:
        messages = send_to_rasa(self.rasa_url, self.sender, text)
        self.context = asked_question(messages)
        if GOODBYE.search(text):
            self.ended = True
        return self._say([m.get("text") or "" for m in messages], heard or text, text, transcript, end)

    def _say(self, texts: List[str], heard: str, sent: Optional[str], transcript: Transcript, end: float) -> Turn:
        utterances = speech_out.order_for_speech(texts)
        turn = Turn(heard=heard, sent=sent, said=utterances, context=transcript.context)
        self.turns += 1
        for index, item in enumerate(utterances):
            self.on_screen("bot", item.text)
            path = self.out_dir / f"{self.sender}-{self.turns:03d}-{index}.wav"
            speech_out.synthesize(item.text, path, speed=item.speed, repeats=item.repeats)
            if index == 0:
                turn.latency = time.monotonic() - end
            turn.audio.append(path)
        return turn
