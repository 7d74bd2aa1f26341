"""Acoustic-model adaptation building blocks (kiosk/adapt.py): the sendump -> mixture_weights
conversion, the sphinxtrain lists, the choice of adaptation sentences and the content-hash cache."""
from __future__ import annotations

import shutil
import struct
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from kiosk import adapt, build_lm
from kiosk.textnorm import spoken


def write_sendump(path: Path, quantised: np.ndarray) -> None:
    """A pocketsphinx sendump (quantised: streams x densities x senones, uint8)."""
    streams, densities, senones = quantised.shape
    with open(path, "wb") as handle:
        for line in ("BEGIN FILE FORMAT DESCRIPTION", "END FILE FORMAT DESCRIPTION", "cluster_count 0",
                     f"feature_count {streams}"):
            data = line.encode() + b"\0"
            handle.write(struct.pack("<i", len(data)) + data)
        handle.write(struct.pack("<iii", 0, densities, senones))
        handle.write(quantised.astype(np.uint8).tobytes())


def test_sendump_is_read_back_as_normalised_mixture_weights(tmp_path):
    quantised = np.zeros((2, 3, 4), dtype=np.uint8)  # 2 streams, 3 densities, 4 senones
    quantised[:, 1, :] = 7       # 1.0001 ** -(7 * 1024): about half the weight of density 0
    quantised[:, 2, :] = 255     # practically zero
    quantised[1, 0, 3] = 50
    write_sendump(tmp_path / "sendump", quantised)
    weights = adapt.read_sendump(tmp_path / "sendump")
    assert weights.shape == (4, 2, 3)  # senones x streams x densities, as mixture_weights
    assert np.allclose(weights.sum(axis=2), 1.0)
    ratio = weights[0, 0, 1] / weights[0, 0, 0]
    assert ratio == pytest.approx(1.0001 ** (-7 * 1024), rel=1e-6)
    assert weights[0, 0, 2] < 1e-10
    assert weights[3, 1, 0] < weights[3, 1, 1]  # density 0 of senone 3, stream 1 was quantised to 50


def test_s3_file_round_trip(tmp_path):
    array = np.random.default_rng(1).random((5, 3, 8)).astype(np.float32)
    adapt.write_s3_3d(tmp_path / "mixture_weights", array)
    data = (tmp_path / "mixture_weights").read_bytes()
    assert data.startswith(b"s3\nversion 1.0\nendhdr\n")
    assert np.array_equal(adapt.read_s3_3d(tmp_path / "mixture_weights"), array)


def test_pocketsphinx_model_sendump_converts():
    weights = adapt.read_sendump(adapt.base_model() / "sendump")
    assert weights.shape == (5126, 3, 128)
    assert np.allclose(weights.sum(axis=2), 1.0)


@pytest.mark.skipif(not adapt.tools_available(), reason="sphinxtrain is installed by `make system-deps`")
def test_mixture_weights_requantise_to_the_original_sendump(tmp_path):
    """sphinxtrain's mk_s2sendump turns the converted weights back into the shipped sendump; it
    floors weights below about 1e-5 (8-bit value 113), so only those entries may differ."""
    model = adapt.base_model()
    adapt.sendump_to_mixture_weights(model / "sendump", tmp_path / "mixture_weights")
    subprocess.run([adapt.tool("pocketsphinx_mdef_convert"), "-text", str(model / "mdef"), str(tmp_path / "mdef.txt")],
                   check=True, capture_output=True)
    subprocess.run([adapt.tool("mk_s2sendump"), "-pocketsphinx", "yes", "-moddeffn", str(tmp_path / "mdef.txt"),
                    "-mixwfn", str(tmp_path / "mixture_weights"), "-sendumpfn", str(tmp_path / "sendump")],
                   check=True, capture_output=True)
    size = 5126 * 3 * 128
    original = np.frombuffer((model / "sendump").read_bytes()[-size:], np.uint8)
    again = np.frombuffer((tmp_path / "sendump").read_bytes()[-size:], np.uint8)
    kept = original <= 112
    assert kept.mean() > 0.8
    assert np.array_equal(original[kept], again[kept])
    assert (again[~kept] >= 112).all()


def test_training_lists_have_sphinxtrain_format(tmp_path):
    utterances = [adapt.Utterance("syn0000", "my head hurts", voice="en-us", speed=150),
                  adapt.Utterance("rec0000", "yes")]
    adapt.write_training_lists(utterances, tmp_path / "a.fileids", tmp_path / "a.transcription")
    assert (tmp_path / "a.fileids").read_text() == "syn0000\nrec0000\n"
    assert (tmp_path / "a.transcription").read_text() == "<s> my head hurts </s> (syn0000)\n<s> yes </s> (rec0000)\n"


def test_synthetic_utterances_are_deterministic_exclude_and_cycle_voices(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(f"sentence number {i}" for i in range(30)) + "\nsentence  number 3\n")
    voices = (("en-us", 150), ("en-us+f2", 140))
    first = adapt.synthetic_utterances(corpus, 10, voices, exclude=["sentence number 4"])
    assert first == adapt.synthetic_utterances(corpus, 10, voices, exclude=["sentence number 4"])
    texts = [u.text for u in first]
    assert len(set(texts)) == 10 and "sentence number 4" not in texts
    assert [u.voice for u in first[:4]] == ["en-us", "en-us+f2", "en-us", "en-us+f2"]


def test_measurement_sentences_are_never_adaptation_data():
    protected = adapt.protected_sentences()
    from bench.voice_bench import HELD_OUT

    assert {spoken(s) for _, s in HELD_OUT} <= protected
    assert "i have a headache" in protected and "none of these" in protected  # the voice test's patient
    assert {spoken(s) for _, s in adapt.dev_sentences()} <= protected
    lm_dir = build_lm.ensure_built(build_lm.DEFAULT_OUT)
    texts = {u.text for u in adapt.default_utterances(lm_dir)}
    assert texts and not texts & protected


def test_dev_set_is_not_the_held_out_set():
    from bench.voice_bench import HELD_OUT

    dev = adapt.dev_sentences()
    assert len(dev) >= 90
    assert not {spoken(s) for _, s in dev} & {spoken(s) for _, s in HELD_OUT}
    assert {context for context, _ in dev} <= {context for context, _ in HELD_OUT}


def test_recordings_directory_pairs_wav_and_transcript(tmp_path):
    for name, text in (("a", "My head hurts!"), ("b", "flibbertigibbet"), ("c", None)):
        with wave.open(str(tmp_path / f"{name}.wav"), "wb") as handle:
            handle.setnchannels(1), handle.setsampwidth(2), handle.setframerate(16000)
            handle.writeframes(b"\0\0" * 1600)
        if text is not None:
            (tmp_path / f"{name}.txt").write_text(text)
    utterances, skipped = adapt.recorded_utterances(tmp_path, {"my", "head", "hurts"})
    assert [(u.text, u.wav.name) for u in utterances] == [("my head hurts", "a.wav")]
    assert len(skipped) == 2 and any("flibbertigibbet" in line for line in skipped)


def test_cache_key_follows_the_inputs(tmp_path):
    corpus, dictionary = tmp_path / build_lm.CORPUS_NAME, tmp_path / build_lm.DICT_NAME
    corpus.write_text("my head hurts\n")
    dictionary.write_text("my M AY\n")
    one = [adapt.Utterance("syn0000", "my head hurts", voice="en-us", speed=150)]
    key = adapt.digest(one, dictionary)
    assert key == adapt.digest(one, dictionary)
    assert key != adapt.digest([adapt.Utterance("syn0000", "my head hurts", voice="en-us", speed=160)], dictionary)
    dictionary.write_text("my M AY\nhead HH EH D\n")
    assert key != adapt.digest(one, dictionary)
    # current_model: only a finished build for the present inputs counts.
    assert adapt.current_model(tmp_path) is None
    target = tmp_path / adapt.ACOUSTIC_DIR / adapt.digest(adapt.default_utterances(tmp_path), dictionary)
    target.mkdir(parents=True)
    assert adapt.current_model(tmp_path) is None
    (target / adapt.DONE).write_text("{}")
    assert adapt.current_model(tmp_path) == target
    corpus.write_text("my head hurts a lot\n")
    assert adapt.current_model(tmp_path) is None
