"""Clean what a public channel receives before Rasa sees it.

Rasa parses a message that starts with "/" as an intent with entities
(`/describe_headache{"triage_level": "self_care"}`), which would let anyone set slots or skip the
red-flag screen. Public channels therefore pass every message through `clean_user_text`: it
removes the leading slashes so the text goes through NLU like any other, and cuts very long
messages (with a notice for the user).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

MAX_MESSAGE_CHARS = 2000
TRUNCATION_NOTICE = (
    "Your message was very long, so I read only the first part of it. "
    "If I missed something important, please send it again in a shorter message."
)


@dataclass(frozen=True)
class CleanText:
    text: str
    truncated: bool = False


def clean_user_text(raw: Optional[Any]) -> CleanText:
    """Plain text safe to hand to Rasa: never an intent command, never unbounded."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    text = text.replace("\x00", "")
    stripped = text.lstrip()
    if stripped.startswith("/"):
        text = stripped.lstrip("/").lstrip()
    truncated = len(text) > MAX_MESSAGE_CHARS
    if truncated:
        text = text[:MAX_MESSAGE_CHARS]
    return CleanText(text=text, truncated=truncated)
