"""Kiosk building blocks without the bot: text normalisation, language models, audio preparation,
speech output clean-up and the session's safety rules (say again / red-flag read-back)."""
from __future__ import annotations

import io
import math
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from kiosk import asr, build_lm, ngram, session, speech_out
from actions.clinic.questions import question
from kiosk.textnorm import spoken, spoken_words

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("sox") is None,
                                  reason="espeak-ng and sox are installed by `make system-deps`")


# --- text normalisation and training text --------------------------------------------------------
def test_spoken_form_spells_numbers_and_strips_markup():
    assert spoken("[7/10](severity) pain, for [3 hours](duration)!") == "seven out of ten pain for three hours"
    assert spoken_words("I'm 34") == ["i'm", "thirty", "four"]


def test_entity_segments_and_swaps_keep_the_markup():
    raw = 'a [dull](pain_quality) ache, no [fever]{"entity": "symptom", "role": "negated"}'
    assert build_lm.segments(raw) == [("", "a "), ("pain_quality", "dull"), ("", " ache, no "), ("symptom", "fever")]
    assert build_lm.entities_of(raw) == {"pain_quality", "symptom"}
    assert build_lm.plain(raw) == "a dull ache, no fever"
    import random

    copies = list(build_lm.swapped(raw, {"pain_quality": ["throbbing"], "symptom": ["a rash"]}, random.Random(1), 2))
    assert copies == ["a [throbbing](pain_quality) ache, no [a rash](symptom)"] * 2


def test_typos_and_typed_chat_never_reach_the_model():
    lexicon = {w: ["X"] for w in "my head hurts though don't know you".split()}
    missing = {}
    lines = build_lm.corpus_lines(lexicon, ["my head hurts", "my head hurts tho lol", "my hed hurts", "dont know u"],
                                  missing)
    assert lines == [["my", "head", "hurts"], ["my", "head", "hurts", "though"], ["don't", "know", "you"]]
    assert missing == {"hed": 1}


def test_typed_text_is_brought_to_what_a_person_says():
    from kiosk.textnorm import say_text

    assert spoken("2-3hrs, ~20 mins, 4x/month") == "two to three hours about twenty minutes four times a month"
    assert spoken("up till 2am, since 2019, in 1998, 2005") == (
        "up till two am since twenty nineteen in nineteen ninety eight two thousand and five")
    assert spoken("36.9, 3rd, 40th, 20s, 5ish, 52-year-old") == (
        "thirty six point nine third fortieth twenties five ish fifty two year old")
    assert spoken("idk tbh haha, b4 work w/o meds, A&E, neck/shoulder") == (
        "i don't know to be honest before work without meds a and e neck or shoulder")
    assert say_text("Around a 5. Not 7/10!") == "around a five. not seven out of ten!"


# --- n-gram models -----------------------------------------------------------------------------------
SENTENCES = [s.split() for s in ("my head hurts", "my neck hurts", "it hurts a lot", "no", "yes it does")]


@pytest.mark.parametrize("context", [(), ("my",), ("<s>", "my"), ("head",), ("it", "hurts"), ("never", "seen")])
def test_kneser_ney_is_a_distribution_in_every_context(context):
    model = ngram.KneserNey(SENTENCES)
    total = sum(model.prob(w, context) for w in model.vocab if w != ngram.BOS)
    assert math.isclose(total, 1.0, rel_tol=1e-9, abs_tol=1e-9)


def test_mixture_and_arpa_file_load_in_pocketsphinx(tmp_path):
    pocketsphinx = pytest.importorskip("pocketsphinx")
    model = ngram.Mixture([(0.7, ngram.KneserNey(SENTENCES)), (0.3, ngram.KneserNey([["none", "of", "these"]]))])
    assert math.isclose(sum(model.prob(w, ("my",)) for w in model.vocab if w != ngram.BOS), 1.0, rel_tol=1e-9)
    buffer = io.StringIO()
    counts = ngram.write_arpa(model, buffer, header="test")
    assert counts["1-grams"] == len(model.vocab)
    path = tmp_path / "t.lm"
    path.write_text(buffer.getvalue())
    config = pocketsphinx.Config(lm=None, loglevel="FATAL")
    lm = pocketsphinx.NGramModel(config, pocketsphinx.LogMath(), str(path))
    assert lm is not None


# --- audio preparation -------------------------------------------------------------------------------
def tone(hz: float, seconds: float = 1.0, rate: int = asr.SAMPLE_RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    # a buzz with harmonics, like a voiced sound
    return sum(3000 / k * np.sin(2 * np.pi * hz * k * t) for k in range(1, 6))


@pytest.mark.parametrize("hz", [100.0, 210.0])
def test_median_pitch(hz):
    assert asr.median_pitch(tone(hz)) == pytest.approx(hz, rel=0.05)
    assert asr.median_pitch(np.zeros(16000)) is None


def test_prepare_pads_adds_a_noise_floor_and_lowers_only_high_voices():
    for hz, warped in ((100.0, False), (220.0, True)):
        pcm = tone(hz).astype(np.int16).tobytes()
        out = np.frombuffer(asr.prepare(pcm), dtype=np.int16)
        pad = int(asr.SAMPLE_RATE * asr.PAD_SECONDS)
        expected = 16000 * (asr.HIGH_PITCH_WARP if warped else 1)
        assert len(out) == pytest.approx(expected + 2 * pad, abs=2)
        assert 0.5 * asr.NOISE_FLOOR < out[:pad].std() < 2 * asr.NOISE_FLOOR  # no digital silence
    silence = np.frombuffer(asr.prepare(b"\x00\x00" * 8000), dtype=np.int16)
    assert np.count_nonzero(silence == 0) < 0.05 * silence.size


def _upper_band_share(samples: np.ndarray) -> float:
    power = np.abs(np.fft.rfft(samples)) ** 2
    return power[np.fft.rfftfreq(samples.size, 1 / asr.SAMPLE_RATE) > 4300].sum() / power.sum()


def test_narrowband_audio_gets_an_upper_band_and_wideband_audio_is_left_alone():
    noise = np.random.default_rng(1).normal(0, 2000, 16000)
    spectrum = np.fft.rfft(noise)
    spectrum[np.fft.rfftfreq(16000, 1 / 16000) > 3900] = 0  # as from an 8 kHz source
    narrow = np.fft.irfft(spectrum, 16000)
    assert asr.is_narrowband(narrow) and not asr.is_narrowband(noise)
    folded = asr.fold_upper_band(narrow)
    assert _upper_band_share(narrow) < 1e-6 < 0.05 < _upper_band_share(folded)
    # the band the source had is kept as it was
    low = np.fft.rfftfreq(16000, 1 / 16000) < 3800
    assert np.allclose(np.fft.rfft(folded)[low], np.fft.rfft(narrow)[low])


# --- speech output -----------------------------------------------------------------------------------
def test_speakable_drops_markdown_links_and_emoji():
    text = "**Get emergency help now** 🚑\n- Call 112 now\nSee [the NHS](https://www.nhs.uk) or www.example.org"
    out = speech_out.speakable(text)
    assert "*" not in out and "http" not in out and "www" not in out and "🚑" not in out
    assert "1 1 2" in out and "the NHS" in out


def test_emergency_is_spoken_first_slowly_twice():
    items = speech_out.order_for_speech(["Thanks.", "Get emergency help now. Call 112 now."])
    assert items[0].emergency and items[0].speed == speech_out.EMERGENCY_SPEED and items[0].repeats == 2
    assert not items[1].emergency and items[1].speed == speech_out.NORMAL_SPEED


# --- session safety rules ----------------------------------------------------------------------------
class FakeRecognizer:
    def __init__(self):
        self.heard = []

    def transcribe(self, pcm, context=None):
        text = self.heard.pop(0)
        return asr.Transcript(text, context or "general", 1.0, text.split())


@pytest.fixture
def kiosk(tmp_path, monkeypatch):
    sent = []

    def fake_send(url, sender, text, timeout=30.0):
        sent.append(text)
        return [{"text": "Thanks. " + question("pain_location")["text"]}]

    monkeypatch.setattr(session, "send_to_rasa", fake_send)
    monkeypatch.setattr(speech_out, "synthesize", lambda text, path, **kw: Path(path))
    recognizer = FakeRecognizer()
    kiosk = session.KioskSession(recognizer, "http://unused", tmp_path)
    return kiosk, recognizer, sent


def hear(kiosk, recognizer, text):
    recognizer.heard.append(text)
    return kiosk.hear(b"\x00\x00" * 160)


def test_empty_or_off_topic_speech_is_asked_again(kiosk):
    kiosk, recognizer, sent = kiosk
    for heard in ("", "the of and", "a it is"):
        turn = hear(kiosk, recognizer, heard)
        assert turn.sent is None and turn.said[0].text == session.SAY_AGAIN
    assert sent == []


def test_red_flag_is_read_back_and_only_sent_after_yes(kiosk):
    kiosk, recognizer, sent = kiosk
    turn = hear(kiosk, recognizer, "my arm suddenly feels weak")
    assert turn.sent is None and turn.said[0].text.startswith("Did you say: your arm suddenly feels weak?")
    turn = hear(kiosk, recognizer, "the")  # neither yes nor no: asked again, nothing sent
    assert turn.sent is None and "Did you say" in turn.said[0].text and sent == []
    turn = hear(kiosk, recognizer, "yes")
    assert sent == ["my arm suddenly feels weak"] and turn.sent == "my arm suddenly feels weak"


def test_red_flag_denied_is_asked_again_not_dropped_silently(kiosk):
    kiosk, recognizer, sent = kiosk
    hear(kiosk, recognizer, "i have a fever and a stiff neck")
    turn = hear(kiosk, recognizer, "no")
    assert turn.sent is None and "tell me again" in turn.said[0].text and sent == []


def test_ordinary_answer_is_sent_and_sets_the_answer_context(kiosk):
    kiosk, recognizer, sent = kiosk
    turn = hear(kiosk, recognizer, "i have a headache")
    assert sent == ["i have a headache"] and turn.latency is not None
    assert kiosk.context == "pain_location"


@needs_espeak
def test_synthesised_reply_is_a_valid_wav(tmp_path):
    path = speech_out.synthesize("Where do you feel the headache?", tmp_path / "r.wav", rate=16000)
    with wave.open(str(path), "rb") as handle:
        assert (handle.getnchannels(), handle.getsampwidth(), handle.getframerate()) == (1, 2, 16000)
        assert 1.0 < handle.getnframes() / 16000 < 4.0


def test_edit_distance_counts_word_errors():
    from kiosk.textnorm import edit_distance

    assert edit_distance("my head hurts".split(), "my head hurts".split()) == 0
    assert edit_distance("my head hurts".split(), "my bed hurts a lot".split()) == 3
    assert edit_distance([], "extra words".split()) == 2
    assert edit_distance("dropped words".split(), []) == 2
