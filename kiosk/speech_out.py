"""Speech output: make bot text safe to speak, and synthesise it with espeak-ng (+ sox).

``speakable`` strips what must never be read aloud (markdown, URLs, emoji, bullets) and spells out
emergency phone numbers digit by digit. ``order_for_speech`` puts emergency messages first and
marks them to be spoken slower and twice.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "data" / "kb" / "knowledge.yml"

NORMAL_SPEED = 165  # words per minute
EMERGENCY_SPEED = 125
VOICE = "en-us"

_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)")  # [text](url)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_BULLET = re.compile(r"^\s*(?:[-*•‣◦▪·]|\d+[.)])\s+", re.MULTILINE)
_MARKUP = re.compile(r"(\*\*|__|\*|`+|~~|^#+\s*|^>\s*)", re.MULTILINE)
_PHONE_RUN = re.compile(r"\b(\d{3})\b")


class SpeechOutputError(RuntimeError):
    """espeak-ng or sox is missing or failed."""


def _is_emoji(char: str) -> bool:
    if char in "\u200d\ufe0f\ufe0e\u20e3":
        return True
    category = unicodedata.category(char)
    return category in ("So", "Sk", "Cs", "Co") or 0x1F000 <= ord(char) <= 0x1FAFF


def speakable(text: str) -> str:
    """Plain sentences for a speech synthesiser: no markdown, links, emoji or list markers."""
    out = _LINK.sub(r"\1", text or "")
    out = _URL.sub("", out)
    out = _EMAIL.sub("", out)
    out = "".join(" " if _is_emoji(c) else c for c in out)
    out = _BULLET.sub("", out)
    out = _MARKUP.sub("", out)
    out = out.replace(" / ", " or ").replace("/", " or ")
    out = re.sub(r"\s*\(([^)]*)\)", r", \1,", out)  # "(EU)" -> ", EU,"
    out = _PHONE_RUN.sub(lambda m: " ".join(m.group(1)), out)  # 112 -> "1 1 2"
    out = out.replace("_", " ")
    lines = [line.strip(" ,;") for line in out.splitlines()]
    sentences = []
    for line in lines:
        if not line:
            continue
        sentences.append(line if line[-1] in ".?!:" else line + ".")
    out = " ".join(sentences)
    out = re.sub(r"\s+([,.?!])", r"\1", out)
    out = re.sub(r",+", ",", out)
    return re.sub(r"\s{2,}", " ", out).strip()


@lru_cache(maxsize=1)
def alert_titles() -> Sequence[str]:
    """How the bot opens an emergency message (data/kb/knowledge.yml triage titles)."""
    data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))
    triage = data["messages"]["triage"]
    return (triage["emergency"]["title"].lower(),)


def is_emergency(text: str) -> bool:
    low = (text or "").lower().lstrip()
    return any(low.startswith(title) for title in alert_titles()) or bool(
        re.search(r"\bcall\b[^.]*\bnow\b", low) and "emergency" in low and "if this might be" not in low
    )


@dataclass
class Utterance:
    """One thing to say: sanitised text, speaking rate, and how often to say it."""

    text: str
    emergency: bool = False

    @property
    def speed(self) -> int:
        return EMERGENCY_SPEED if self.emergency else NORMAL_SPEED

    @property
    def repeats(self) -> int:
        return 2 if self.emergency else 1


def order_for_speech(texts: Sequence[str]) -> List[Utterance]:
    """Emergency messages first (slow, said twice), then the rest in the bot's order."""
    items = [Utterance(speakable(t), is_emergency(t)) for t in texts]
    items = [item for item in items if item.text]
    return [i for i in items if i.emergency] + [i for i in items if not i.emergency]


def require_tools() -> None:
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        raise SpeechOutputError(
            f"missing {' and '.join(missing)}: run `make system-deps` "
            f"(or: sudo apt-get install -y {' '.join(missing)})"
        )


def synthesize(
    text: str,
    path: Path,
    voice: str = VOICE,
    speed: int = NORMAL_SPEED,
    pitch: Optional[int] = None,
    rate: Optional[int] = None,
    repeats: int = 1,
    gap_ms: int = 600,
) -> Path:
    """Write ``text`` spoken by espeak-ng to the WAV ``path`` (16-bit mono).

    ``rate`` resamples with sox (the recogniser wants 16000 Hz); ``repeats`` > 1 says it again
    after a pause of ``gap_ms``.
    """
    require_tools()
    path = Path(path)
    args = ["espeak-ng", "-v", voice, "-s", str(speed)]
    if pitch is not None:
        args += ["-p", str(pitch)]
    post_process = bool(rate) or repeats > 1
    raw = path.with_name(path.stem + ".espeak.wav") if post_process else path
    args += ["-w", str(raw), "--stdin"]
    result = subprocess.run(args, input=text.encode("utf-8"), capture_output=True)
    if result.returncode != 0:
        raise SpeechOutputError(f"espeak-ng failed: {result.stderr.decode(errors='replace')[-300:]}")
    if post_process:
        effects = ["rate", str(rate)] if rate else []
        if repeats > 1:
            effects += ["pad", "0", f"{gap_ms / 1000:.2f}", "repeat", str(repeats - 1)]
        result = subprocess.run(
            ["sox", str(raw), "-c", "1", "-b", "16", str(path)] + effects, capture_output=True
        )
        raw.unlink(missing_ok=True)
        if result.returncode != 0:
            raise SpeechOutputError(f"sox failed: {result.stderr.decode(errors='replace')[-300:]}")
    return path


def speak(text: str, path: Path, voice: str = VOICE, speed: int = NORMAL_SPEED) -> Path:
    """16 kHz speech of ``text`` for recogniser tests: espeak-ng, or ``flite:<voice>`` (Debian
    flite, a second synthesiser the kiosk's acoustic adaptation never uses) at its own speed."""
    if not voice.startswith("flite:"):
        return synthesize(text, path, voice=voice, speed=speed, rate=16000)
    result = subprocess.run(["flite", "-voice", voice.split(":", 1)[1], "-t", text, "-o", str(path)],
                            capture_output=True)
    if result.returncode != 0:
        raise SpeechOutputError(f"flite failed: {result.stderr.decode(errors='replace')[-300:]}")
    return Path(path)
