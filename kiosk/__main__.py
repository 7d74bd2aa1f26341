"""`python -m kiosk` (make kiosk): listen, transcribe offline, ask HeadEase, speak the reply.

    python -m kiosk [--rasa URL] [--push-to-talk] [--wav-in DIR] [--wav-out DIR] [--debug-audio]

Microphone and speaker need `sounddevice` and the PortAudio library; --wav-in/--wav-out replace
them (every *.wav in DIR, in name order, is one utterance; replies are written as WAV files).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Iterator, Optional, Tuple

from kiosk import speech_out
from kiosk.asr import SAMPLE_RATE, Recognizer, RecognizerError, read_wav, write_wav
from kiosk.session import IDLE_SECONDS, KioskSession, RasaError


class AudioUnavailable(RuntimeError):
    pass


def load_sounddevice():
    try:
        import sounddevice  # noqa: WPS433 - optional: only the live kiosk needs audio hardware
    except (ImportError, OSError) as error:
        raise AudioUnavailable(
            "no audio support on this machine (" + str(error).strip() + "). Install PortAudio "
            "(sudo apt-get install -y libportaudio2) and sounddevice, or run with "
            "--wav-in DIR --wav-out DIR."
        ) from None
    return sounddevice


class Screen:
    """Large-text transcript in the terminal (DEC double-height lines where supported)."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and sys.stdout.isatty()
        self.lines = []

    def clear(self) -> None:
        self.lines = []
        if self.enabled:
            sys.stdout.write("\033[2J\033[3J\033[H")
            sys.stdout.flush()

    def show(self, who: str, text: str) -> None:
        label = "You" if who == "you" else "HeadEase"
        line = f"{label}: {text}"
        self.lines = (self.lines + [line])[-8:]
        if not self.enabled:
            print(line, flush=True)
            return
        self.clear_screen_only()
        for entry in self.lines:
            for part in _wrap(entry, 38):
                sys.stdout.write(f"\033#3{part}\n\033#4{part}\n")
        sys.stdout.flush()

    def clear_screen_only(self) -> None:
        sys.stdout.write("\033[2J\033[H")


def _wrap(text: str, width: int):
    import textwrap

    return textwrap.wrap(text, width) or [""]


def wav_utterances(directory: Path) -> Iterator[Tuple[bytes, float]]:
    for path in sorted(Path(directory).glob("*.wav")):
        yield read_wav(path), time.monotonic()


def microphone_utterances(push_to_talk: bool) -> Iterator[Tuple[bytes, float]]:
    """Utterances from the microphone: voice-activity endpointing, or Enter to start/stop."""
    sd = load_sounddevice()
    from pocketsphinx import Endpointer

    if push_to_talk:
        while True:
            input("Press Enter and speak; press Enter again when done. ")
            chunks = []
            with sd.RawInputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                                   callback=lambda data, *_: chunks.append(bytes(data))):
                input()
            yield b"".join(chunks), time.monotonic()
    endpointer = Endpointer(vad_mode=3, sample_rate=SAMPLE_RATE)
    frame_bytes = endpointer.frame_bytes
    with sd.RawInputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                           blocksize=frame_bytes // 2) as stream:
        speech = []
        silent_since = time.monotonic()
        while True:
            frame, _ = stream.read(frame_bytes // 2)
            segment = endpointer.process(bytes(frame))
            if segment is not None:
                speech.append(segment)
            if speech and not endpointer.in_speech:
                yield b"".join(speech), time.monotonic()
                speech = []
                silent_since = time.monotonic()
            elif not speech and time.monotonic() - silent_since > IDLE_SECONDS:
                yield b"", time.monotonic()  # idle tick: lets the kiosk clear the session
                silent_since = time.monotonic()


def play(path: Path) -> None:
    sd = load_sounddevice()
    import numpy as np

    with wave.open(str(path), "rb") as handle:
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
        sd.play(data, handle.getframerate(), blocking=True)


def run(args: argparse.Namespace) -> int:
    speech_out.require_tools()
    recognizer = Recognizer(acoustic=Path(args.acoustic) if args.acoustic else None,
                            adapted=not args.base_acoustic)
    screen = Screen(enabled=not args.wav_in)
    keep_dir = Path(args.wav_out) if args.wav_out else None
    work_dir = keep_dir or Path(tempfile.mkdtemp(prefix="headease-kiosk-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    session = KioskSession(recognizer, args.rasa, work_dir, on_screen=screen.show)
    source = wav_utterances(Path(args.wav_in)) if args.wav_in else microphone_utterances(args.push_to_talk)
    speaker = None if args.wav_out else play
    if speaker is not None:
        load_sounddevice()  # fail now, with the clear message, not after the first question
    screen.clear()
    try:
        for pcm, end in source:
            if session.idle() or not pcm:
                if session.turns:
                    screen.clear()
                    session.reset()
                continue
            if args.debug_audio:
                debug = work_dir / f"{session.sender}-heard-{session.turns + 1:03d}.wav"
                write_wav(debug, pcm)
            turn = session.hear(pcm, end)
            for path in turn.audio:
                if speaker is not None:
                    speaker(path)
                    if not args.debug_audio:
                        path.unlink(missing_ok=True)
            if session.ended:
                screen.clear()
                session.reset()
    finally:
        if keep_dir is None and not args.debug_audio:
            shutil.rmtree(work_dir, ignore_errors=True)
    return 0


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rasa", default=os.environ.get("RASA_URL", "http://localhost:5005"),
                        help="HeadEase Rasa server (default: $RASA_URL or http://localhost:5005)")
    parser.add_argument("--push-to-talk", action="store_true", help="Enter starts/stops listening")
    parser.add_argument("--wav-in", metavar="DIR", help="read utterances from DIR/*.wav instead of the microphone")
    parser.add_argument("--wav-out", metavar="DIR", help="write reply WAVs to DIR instead of playing them")
    parser.add_argument("--debug-audio", action="store_true", help="keep heard and spoken audio (off by default)")
    parser.add_argument("--acoustic", metavar="DIR",
                        help="acoustic model directory (e.g. one adapted to real recordings with `python -m kiosk.adapt --data`)")
    parser.add_argument("--base-acoustic", action="store_true",
                        help="pocketsphinx's own acoustic model instead of the one adapted to espeak-ng")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except (AudioUnavailable, RecognizerError, RasaError, speech_out.SpeechOutputError) as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
