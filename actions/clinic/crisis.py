"""Deterministic detection of self-harm and suicide statements (pure Python, no Rasa).

The safety policy calls `is_crisis` on every user message, before the red-flag screen: someone
who says "I want to end it all" gets crisis guidance on that turn, whatever else is going on.
The wording lives in data/kb/crisis.yml. Matching is on whole words after `normalize`, so
"I'm going to kill myself", "im going to KILL MYSELF" and "i’m gonna kill  myself" all match,
while "my head is killing me" does not.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List, Optional, Pattern, Union

import yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "kb" / "crisis.yml"
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
_SPACE = re.compile(r"\s+")


def normalize(text: Optional[str], strip_accents: bool = False) -> str:
    """Lowercase, apostrophes dropped ("don't" -> "dont"), spaces collapsed; accents kept unless asked."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    if strip_accents:
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return _SPACE.sub(" ", text).strip()


def phrase_pattern(phrases: List[str]) -> Pattern[str]:
    """One regex matching any phrase as whole words (spaces and hyphens in a phrase are flexible)."""
    alternatives = sorted({normalize(p) for p in phrases if normalize(p)}, key=len, reverse=True)
    if not alternatives:
        raise ValueError("empty phrase list")
    parts = [r"[\s\-]*".join(re.escape(word) for word in re.split(r"[\s\-]+", p)) for p in alternatives]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def load_phrases(path: Union[str, Path] = DEFAULT_PATH) -> FrozenSet[str]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    phrases = (data.get("crisis") or {}).get("phrases")
    if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise ValueError(f"{path}: crisis.phrases must be a non-empty list of strings")
    for phrase in phrases:
        if phrase != phrase.lower():
            raise ValueError(f"{path}: crisis phrase {phrase!r} must be lowercase")
    return frozenset(phrases)


def load_condition_names(path: Union[str, Path] = DEFAULT_PATH) -> FrozenSet[str]:
    """Condition names that contain a crisis word ("suicide headache"): not statements."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    names = (data.get("crisis") or {}).get("condition_names") or []
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() == n.lower().strip() and n.strip() for n in names):
        raise ValueError(f"{path}: crisis.condition_names must be a list of lowercase strings")
    return frozenset(names)


@lru_cache(maxsize=4)
def _pattern(path: str) -> Pattern[str]:
    return phrase_pattern(sorted(load_phrases(path)))


@lru_cache(maxsize=4)
def _names(path: str) -> Optional[Pattern[str]]:
    names = load_condition_names(path)
    return phrase_pattern(sorted(names)) if names else None


def crisis_match(text: Optional[str], path: Union[str, Path] = DEFAULT_PATH) -> Optional[str]:
    """The crisis phrase the text contains (normalised), or None. A condition's name that holds a
    crisis word ("the usual suicide headache": cluster headache) is not a statement and is skipped."""
    if not text:
        return None
    said = normalize(text)
    names = _names(str(path))
    if names is not None:
        said = names.sub(" ", said)
    found = _pattern(str(path)).search(said)
    return found.group(0) if found else None


def is_crisis(text: Optional[str], path: Union[str, Path] = DEFAULT_PATH) -> bool:
    """True when the message states a wish to die, to end one's life, or to harm oneself."""
    return crisis_match(text, path) is not None
