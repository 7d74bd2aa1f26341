"""Closed loop, no microphone: espeak-ng patient -> kiosk pipeline (WAV in) -> real bot -> reply WAVs."""
from __future__ import annotations

import pytest

from kiosk.asr import Recognizer
from kiosk.speech_out import EMERGENCY_SPEED, NORMAL_SPEED
from tests.kiosk.voice_patient import consult_by_voice, wav_rms, wav_seconds

pytestmark = pytest.mark.e2e

# A tuple is one answer in several wordings: the scripted patient says the next one when the kiosk
# asks "Sorry, could you say that again?" or when its read-back was wrong. Written for this test,
# not taken from data/nlu.
TENSION = {
    "pain_location": ("all around my head like a band", "like a band around my head", "on both sides"),
    "pain_quality": ("it is a pressing tight pain", "pressing and tight", "tight"),
    "severity": ("four out of ten", "about a four", "four"),
    "duration": ("about three hours", "three hours", "a few hours"),
    "frequency": ("about four days a month", "four days a month", "four days every month"),
    "onset": ("it builds up slowly", "gradually", "slowly"),
    "associated_symptoms": ("nothing else", "just the pain", "i don't get anything else"),
    "triggers": ("stress at work", "stress", "i think it is stress"),
    "origin": ("it comes from tight neck muscles", "my neck muscles", "tight muscles in my neck"),
    "red_flags": ("none of these", "no", "no i haven't"),
    "medication_use": ("i don't take any", "i take nothing", "never"),
    "age": ("i am thirty eight", "thirty eight", "i'm thirty eight years old"),
}
FREQUENT_TENSION = dict(
    TENSION,
    frequency=("about twenty days a month", "twenty days a month", "twenty days every month"),
    severity=("five out of ten", "about a five", "five"),
)
MIGRAINE = {
    "pain_location": ("on one side of my head", "one side", "just the left side"),
    "pain_quality": ("throbbing", "it throbs", "a throbbing pain"),
    "severity": ("eight out of ten", "about an eight", "eight"),
    "duration": ("about twelve hours", "twelve hours", "half a day"),
    "frequency": ("two days a month", "about two days a month", "twice a month"),
    "onset": ("it built up gradually", "gradually", "slowly"),
    "associated_symptoms": ("i feel sick and noise bothers me", "i feel sick", "feeling sick"),
    "triggers": ("poor sleep", "bad sleep", "not sleeping well"),
    "origin": ("it is just in my head", "just my head", "only my head"),
    "red_flags": ("none of these", "no", "no i haven't"),
    "medication_use": ("rarely", "hardly ever", "i rarely take anything"),
    "age": ("i'm twenty six years old", "twenty six", "i am twenty six"),
}

CASES = [
    # name, voice, opening, answers, expected headache_type, expected triage_level
    ("tension", "us-male", "i have a headache", TENSION, "tension_type", "self_care"),
    ("migraine", "us-female", "i get a bad headache", MIGRAINE, "migraine", "see_doctor"),
    ("frequent", "us-male-slow", "i keep getting headaches", FREQUENT_TENSION, "tension_type", "see_doctor"),
    ("tension-female", "us-female", "i have a headache", TENSION, "tension_type", "self_care"),
]


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


def check_reply_audio(result) -> None:
    spoken = [(u, path) for turn in result.turns for u, path in zip(turn.said, turn.audio)]
    assert spoken, result.transcript()
    for utterance, path in spoken:
        seconds = wav_seconds(path)
        words = len(utterance.text.split())
        expected = words / (utterance.speed / 60.0) * utterance.repeats
        assert 0.4 * expected <= seconds <= 2.5 * expected + 1.5, (utterance.text, seconds, expected)
        assert wav_rms(path) > 300, f"{path} is (nearly) silent"


@pytest.mark.parametrize("name,voice,opening,answers,headache_type,triage", CASES, ids=[c[0] for c in CASES])
def test_consultation_by_voice(bot_stack, recognizer, tmp_path, name, voice, opening, answers, headache_type, triage):
    result = consult_by_voice(bot_stack, recognizer, tmp_path, name, voice, opening, answers)
    assert result.slots.get("headache_type") == headache_type, result.transcript()
    assert result.slots.get("triage_level") == triage, result.transcript()
    check_reply_audio(result)
    assert all(turn.latency is not None for turn in result.turns)


def test_emergency_is_confirmed_then_sent_and_spoken_first_slowly_twice(bot_stack, recognizer, tmp_path):
    result = consult_by_voice(
        bot_stack, recognizer, tmp_path, "emergency", "us-female",
        ("my left arm suddenly feels weak and numb", "my left arm suddenly feels weak", "my arm is suddenly weak"), {},
    )
    first = result.turns[0]
    assert first.sent is None and first.said[0].text.startswith("Did you say"), result.transcript()
    assert result.slots.get("triage_level") == "emergency", result.transcript()
    alert_turn = next(t for t in result.turns if t.sent)
    lead = alert_turn.said[0]
    assert lead.emergency and lead.speed == EMERGENCY_SPEED and lead.repeats == 2, result.transcript()
    assert all(u.speed == NORMAL_SPEED for u in alert_turn.said[1:] if not u.emergency)
    check_reply_audio(result)
