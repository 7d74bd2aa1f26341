"""Offline speech recognition with pocketsphinx and the kiosk's domain language models.

``Recognizer.transcribe`` decodes 16 kHz mono 16-bit PCM with the model for the current answer
context (the question the bot just asked) or the general domain model. A domain model maps
off-topic speech onto domain words, so the kiosk (kiosk.session) never trusts a transcript alone:
empty or off-domain transcripts are asked again and red-flag transcripts are confirmed aloud.
"""
from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from kiosk import build_lm

SAMPLE_RATE = 16000
PAD_SECONDS = 0.3  # silence added around each utterance (CMN settles, first word is kept)
# Decoder weights, tuned on a dev set of our own sentences (not the benchmark's held-out set):
# language-model weight (pocketsphinx default 6.5; 10 beat 6.5, 8 and 13) and word insertion
# penalty (default 0.65; 0.2 and 3 made no difference).
LANGUAGE_WEIGHT = 10.0
WORD_INSERTION_PENALTY = 0.65


class RecognizerError(RuntimeError):
    """pocketsphinx is missing or its model could not be loaded."""


@dataclass
class Transcript:
    text: str
    context: str
    seconds: float  # audio length
    words: List[str] = field(default_factory=list)


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


class Recognizer:
    def __init__(self, model_dir: Path = build_lm.DEFAULT_OUT, build: bool = True,
                 lw: float = LANGUAGE_WEIGHT, wip: float = WORD_INSERTION_PENALTY):
        try:
            from pocketsphinx import Decoder, NGramModel, get_model_path
        except ImportError as error:  # pragma: no cover - depends on the install
            raise RecognizerError("pocketsphinx is not installed: run `make kiosk-deps`") from error
        if build:
            build_lm.ensure_built(model_dir)
        lm_path = model_dir / build_lm.LM_NAME
        if not lm_path.exists():
            raise RecognizerError(f"no language model in {model_dir}: run `python -m kiosk.build_lm`")
        self.decoder = Decoder(
            hmm=get_model_path("en-us/en-us"),
            lm=str(lm_path),
            dict=str(model_dir / build_lm.DICT_NAME),
            lw=lw,
            wip=wip,
            loglevel="FATAL",
        )
        config, logmath = self.decoder.config, self.decoder.get_logmath()
        self.contexts = {build_lm.GENERAL: build_lm.GENERAL}
        self.decoder.add_lm(build_lm.GENERAL, NGramModel(config, logmath, str(lm_path)))
        for path in sorted((model_dir / build_lm.CONTEXT_DIR).glob("*.lm")):
            self.decoder.add_lm(path.stem, NGramModel(config, logmath, str(path)))
            self.contexts[path.stem] = path.stem
        self.vocabulary = {line.split()[0].split("(")[0] for line in
                           (model_dir / build_lm.DICT_NAME).read_text().splitlines() if line.strip()}
        self._silence = b"\x00\x00" * int(SAMPLE_RATE * PAD_SECONDS)

    def _decode(self, search: str, pcm: bytes):
        self.decoder.activate_search(search)
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        return self.decoder.hyp()

    def transcribe(self, pcm: bytes, context: Optional[str] = None) -> Transcript:
        search = self.contexts.get(context or build_lm.GENERAL, build_lm.GENERAL)
        audio = self._silence + pcm + self._silence
        self._decode(search, audio)
        words = [s.word.split("(")[0] for s in self.decoder.seg() if not s.word.startswith(("<", "["))]
        text = " ".join(words)
        return Transcript(text, search, len(pcm) / (2 * SAMPLE_RATE), words)

    def transcribe_file(self, path: Path, context: Optional[str] = None) -> Transcript:
        return self.transcribe(read_wav(path), context)

