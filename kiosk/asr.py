"""Offline speech recognition with pocketsphinx and the kiosk's domain language models.

``Recognizer.transcribe`` decodes 16 kHz mono 16-bit PCM with the model for the current answer
context (the question the bot just asked) or the general domain model. A domain model maps
off-topic speech onto domain words, so the kiosk (kiosk.session) never trusts a transcript alone:
empty or off-domain transcripts are asked again and red-flag transcripts are confirmed aloud.
"""
from __future__ import annotations

import subprocess
import sys
import wave
from fractions import Fraction
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import numpy as np

from kiosk import build_lm

SAMPLE_RATE = 16000
# Audio preparation before decoding (kiosk/README.md "How the numbers were reached"; every value
# chosen on a dev set of our own sentences, not the benchmark's held-out set):
#  * PAD_SECONDS of silence around the utterance: enough for the silence model to settle, little
#    enough that batch cepstral mean normalisation still sees mostly speech (1 s of padding
#    doubled the word error);
#  * a NOISE_FLOOR (Gaussian, standard deviation in 16-bit sample units, about -58 dBFS) under the
#    whole utterance: synthetic or digitally gated audio contains exact zeros and empty spectral
#    bands whose log energies are far outside anything the acoustic model was trained on; a
#    microphone always has such a floor. This alone took word error from 35 % to 21 %;
#  * voices with a high median pitch (over HIGH_PITCH_HZ, most women's and children's voices) are
#    slowed by resampling, which lowers pitch and formants together towards the range the US
#    acoustic model knows best (a crude vocal-tract-length normalisation): 30 % -> 17 % word error
#    for espeak's female voice, no change for male voices, which are left alone.
#  * narrowband audio (telephone-band: nothing above 4 kHz, as from an 8 kHz source such as flite's
#    `kal` voice or a phone line) gets an upper band made by spectral folding: the 0-4 kHz band
#    mirrored into 4-8 kHz at FOLD_GAIN_DB. The acoustic model was trained on wideband speech, whose
#    fricatives and bursts carry energy up there; an empty upper band leaves the top mel filters at
#    the noise floor. Chosen on the study half's dev cases (200 utterances, flite kal, never the
#    sealed half): 20.4 % word error without, 17.5 / 16.7 / 17.2 % at -10 / -5 / -3 dB. Wideband
#    audio (every microphone the kiosk is built for) is left alone: NARROWBAND_SHARE of the energy
#    above NARROWBAND_HZ tells them apart (about 1e-8 for 8 kHz sources, 4e-4 and more for speech
#    recorded at 16 kHz).
PAD_SECONDS = 0.1
NOISE_FLOOR = 60.0
NARROWBAND_HZ = 4300.0
NARROWBAND_SHARE = 1e-6
FOLD_GAIN_DB = -5.0
HIGH_PITCH_HZ = 150.0
HIGH_PITCH_WARP = Fraction(8, 7)  # resampling ratio: 14 % slower, 2.3 semitones lower
# Decoder weights: language-model weight for all three passes (pocketsphinx's defaults are 6.5,
# 8.5 and 9.5 for the tree, flat and best-path passes; setting only ``lw`` leaves the final pass
# at 9.5) and the word insertion penalty (default).
LANGUAGE_WEIGHT = 10.0
WORD_INSERTION_PENALTY = 0.65
# Search beams, wider than pocketsphinx's defaults (1e-48 / 7e-29 / 1e-48) since the language
# models grew from 1,900 to 3,700 words with the study half (issue 22). Chosen on the study half's
# dev cases: word error 8.8 -> 8.2 % (unseen espeak voices) and 15.8 -> 13.8 % (flite), decoding
# time p95 0.68 -> 0.75 s on long openings. Wider still (no cap on active HMMs) gave 7.6 / 13.7 %
# but 1.2-1.3 s p95, too slow for the reply-latency budget.
BEAMS = {"beam": 1e-60, "wbeam": 1e-40, "pbeam": 1e-60}


class RecognizerError(RuntimeError):
    """pocketsphinx is missing or its model could not be loaded."""


@dataclass
class Transcript:
    text: str
    context: str
    seconds: float  # audio length
    words: List[str] = field(default_factory=list)


def write_wav(path: Path, pcm: bytes) -> None:
    """16 kHz mono 16-bit PCM as a WAV file."""
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(pcm)


def read_wav(path: Path) -> bytes:
    """16 kHz mono 16-bit PCM of a WAV file (other formats are converted with sox)."""
    with wave.open(str(path), "rb") as handle:
        if (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) == (SAMPLE_RATE, 1, 2):
            return handle.readframes(handle.getnframes())
    result = subprocess.run(
        ["sox", str(path), "-t", "raw", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", "-e", "signed", "-"],
        capture_output=True,
    )
    if result.returncode != 0:
        raise RecognizerError(f"cannot read {path}: {result.stderr.decode(errors='replace')[-200:]}")
    return result.stdout


def median_pitch(samples: np.ndarray, rate: int = SAMPLE_RATE) -> Optional[float]:
    """Median fundamental frequency (Hz) of the voiced 40 ms frames, by autocorrelation; None
    when nothing sounds voiced."""
    size, hop = int(0.04 * rate), int(0.01 * rate)
    shortest, longest = int(rate / 400), int(rate / 60)
    if samples.size < size:
        return None
    frames = np.lib.stride_tricks.sliding_window_view(samples, size)[::hop]
    energy = (frames ** 2).mean(axis=1)
    frames = frames[energy > 0.025 * energy.max()] if energy.max() > 0 else frames[:0]
    if not len(frames):
        return None
    frames = frames - frames.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(frames, 2 * size, axis=1)
    autocorrelation = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :longest + 1]
    zero_lag = autocorrelation[:, :1]
    autocorrelation = autocorrelation / np.where(zero_lag > 0, zero_lag, 1.0)
    lags = shortest + np.argmax(autocorrelation[:, shortest:], axis=1)
    peaks = autocorrelation[np.arange(len(lags)), lags]
    voiced = lags[peaks > 0.6]
    return float(np.median(rate / voiced)) if voiced.size else None


def is_narrowband(samples: np.ndarray, rate: int = SAMPLE_RATE) -> bool:
    """True when (almost) no energy lies above NARROWBAND_HZ: audio from an 8 kHz source."""
    if samples.size < rate // 10:
        return False
    power = np.abs(np.fft.rfft(samples)) ** 2
    total = power.sum()
    if total <= 0:
        return False
    return power[np.fft.rfftfreq(samples.size, 1 / rate) > NARROWBAND_HZ].sum() / total < NARROWBAND_SHARE


def fold_upper_band(samples: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Narrowband audio with its 0 to rate/4 band mirrored into rate/4 to rate/2 (spectral
    folding: multiplying by (-1)^n mirrors the spectrum around rate/4), FOLD_GAIN_DB down."""
    mirrored = np.fft.rfft(samples * np.where(np.arange(samples.size) % 2, -1.0, 1.0))
    mirrored[np.fft.rfftfreq(samples.size, 1 / rate) < rate / 4] = 0
    return samples + 10 ** (FOLD_GAIN_DB / 20) * np.fft.irfft(mirrored, samples.size)


def prepare(pcm: bytes) -> bytes:
    """The audio as the decoder gets it: a narrowband upper band filled in, high voices lowered,
    padded, over a noise floor."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    if is_narrowband(samples):
        samples = fold_upper_band(samples)
    pitch = median_pitch(samples)
    if pitch and pitch > HIGH_PITCH_HZ:
        from scipy.signal import resample_poly

        samples = resample_poly(samples, HIGH_PITCH_WARP.numerator, HIGH_PITCH_WARP.denominator)
    pad = np.zeros(int(SAMPLE_RATE * PAD_SECONDS))
    samples = np.concatenate([pad, samples, pad])
    samples = samples + np.random.default_rng(0).normal(0.0, NOISE_FLOOR, samples.size)
    return np.clip(samples, -32768, 32767).astype(np.int16).tobytes()


class Recognizer:
    def __init__(self, model_dir: Path = build_lm.DEFAULT_OUT, build: bool = True,
                 lw: float = LANGUAGE_WEIGHT, wip: float = WORD_INSERTION_PENALTY,
                 acoustic: Optional[Path] = None, mllr: Optional[Path] = None, adapted: bool = True):
        """``acoustic``: an acoustic model directory; by default the model adapted by kiosk.adapt
        (built on first use when sphinxtrain is installed, else pocketsphinx's own model;
        ``adapted=False`` forces pocketsphinx's own). ``mllr``: an MLLR transform to apply."""
        try:
            from pocketsphinx import Decoder, NGramModel, get_model_path
        except ImportError as error:  # pragma: no cover - depends on the install
            raise RecognizerError("pocketsphinx is not installed: run `make kiosk-model`") from error
        if build:
            build_lm.ensure_built(model_dir)
        if acoustic is None and adapted:
            from kiosk import adapt

            try:
                acoustic = adapt.ensure_adapted(model_dir) if build else adapt.current_model(model_dir)
            except adapt.AdaptError as error:  # pragma: no cover - depends on the install
                print(f"kiosk: acoustic model adaptation failed, using pocketsphinx's own model: {error}",
                      file=sys.stderr)
                acoustic = None
        self.acoustic = Path(acoustic) if acoustic else Path(get_model_path("en-us/en-us"))
        options = {"mllr": str(mllr)} if mllr else {}
        lm_path = model_dir / build_lm.LM_NAME
        if not lm_path.exists():
            raise RecognizerError(f"no language model in {model_dir}: run `python -m kiosk.build_lm`")
        self.decoder = Decoder(
            hmm=str(self.acoustic),
            lm=str(lm_path),
            dict=str(model_dir / build_lm.DICT_NAME),
            lw=lw,
            fwdflatlw=lw,
            bestpathlw=lw,
            wip=wip,
            loglevel="FATAL",
            **BEAMS,
            **options,
        )
        config, logmath = self.decoder.config, self.decoder.get_logmath()
        self.contexts = {build_lm.GENERAL: build_lm.GENERAL}
        self.decoder.add_lm(build_lm.GENERAL, NGramModel(config, logmath, str(lm_path)))
        for path in sorted((model_dir / build_lm.CONTEXT_DIR).glob("*.lm")):
            self.decoder.add_lm(path.stem, NGramModel(config, logmath, str(path)))
            self.contexts[path.stem] = path.stem
        self.vocabulary = {line.split()[0].split("(")[0] for line in
                           (model_dir / build_lm.DICT_NAME).read_text().splitlines() if line.strip()}

    def _decode(self, search: str, pcm: bytes):
        self.decoder.activate_search(search)
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        return self.decoder.hyp()

    def transcribe(self, pcm: bytes, context: Optional[str] = None) -> Transcript:
        search = self.contexts.get(context or build_lm.GENERAL, build_lm.GENERAL)
        self._decode(search, prepare(pcm))
        words = [s.word.split("(")[0] for s in self.decoder.seg() if not s.word.startswith(("<", "["))]
        text = " ".join(words)
        return Transcript(text, search, len(pcm) / (2 * SAMPLE_RATE), words)

    def transcribe_file(self, path: Path, context: Optional[str] = None) -> Transcript:
        return self.transcribe(read_wav(path), context)

