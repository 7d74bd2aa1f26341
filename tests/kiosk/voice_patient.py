"""A scripted patient who talks to the kiosk: espeak-ng speaks, the kiosk pipeline listens.

Answers whatever the bot asks next (the tracker's requested_slot), says yes to a read-back only when
it is what the patient said (and no otherwise), and, like a person, says it another way when the
kiosk did not catch it: an answer may be a tuple of wordings, tried in turn. The sentences are written
for these tests, not taken from the NLU training data.
"""
from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

from kiosk.asr import Recognizer, read_wav
from kiosk.session import SAY_AGAIN, KioskSession, Turn
from kiosk.speech_out import synthesize
from kiosk.textnorm import spoken

Answer = Union[str, Sequence[str]]

VOICES = {"us-male": ("en-us", 160), "us-female": ("en-us+f3", 150), "us-male-slow": ("en-us", 130)}


@dataclass
class VoiceConsultation:
    session: KioskSession
    turns: List[Turn] = field(default_factory=list)
    tracker: Optional[dict] = None

    @property
    def slots(self) -> Dict:
        return (self.tracker or {}).get("slots", {})

    def transcript(self) -> str:
        return "\n".join(f"heard: {t.heard!r} sent: {t.sent!r} said: {[u.text for u in t.said]}" for t in self.turns)


def speak(text: str, voice: str, path: Path) -> bytes:
    name, speed = VOICES[voice]
    synthesize(text, path, voice=name, speed=speed, rate=16000)
    return read_wav(path)


def wordings(answer: Answer) -> List[str]:
    return [answer] if isinstance(answer, str) else list(answer)


def consult_by_voice(stack, recognizer: Recognizer, workdir: Path, name: str, voice: str, opening: Answer,
                     answers: Dict[str, Answer], max_turns: int = 30, max_retries: int = 4) -> VoiceConsultation:
    wav_in, wav_out = workdir / name / "in", workdir / name / "out"
    wav_in.mkdir(parents=True), wav_out.mkdir(parents=True)
    session = KioskSession(recognizer, stack.rasa_url, wav_out, sender_prefix=f"kiosk-test-{name}")
    result = VoiceConsultation(session)
    options, attempt, retries = wordings(opening), 0, 0
    utterance = options[0]
    for index in range(max_turns):
        turn = session.hear(speak(utterance, voice, wav_in / f"{index:03d}.wav"))
        result.turns.append(turn)
        said = " ".join(u.text for u in turn.said)
        if turn.sent is None:  # the kiosk answered itself: a read-back or "say that again"
            if session.pending is not None:
                # "Did you say: ...?" -- yes only if that is what the patient said
                utterance = "yes" if session.pending == spoken(options[attempt]) else "no"
                continue
            retries += 1
            assert retries <= max_retries, result.transcript()
            if SAY_AGAIN in said or "tell me again" in said:
                attempt = (attempt + 1) % len(options)
                utterance = options[attempt]  # say it again, another way if there is one
                continue
        retries = 0
        result.tracker = stack.tracker(session.sender)
        slot = result.slots.get("requested_slot")
        if not slot or not (result.tracker.get("active_loop") or {}).get("name"):
            break
        options, attempt = wordings(answers.get(slot, "i don't know")), 0
        utterance = options[0]
    result.tracker = stack.tracker(session.sender)
    return result


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        assert handle.getnchannels() == 1 and handle.getsampwidth() == 2
        assert handle.getframerate() in (16000, 22050)
        return handle.getnframes() / handle.getframerate()


def wav_rms(path: Path) -> float:
    import numpy as np

    with wave.open(str(path), "rb") as handle:
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16).astype(float)
    return float(np.sqrt((data ** 2).mean())) if data.size else 0.0
