"""The choices offered when a message was not understood (data/kb/clarify_options.yml).

One table, read by the clarifying action (which buttons to show for the classifier's guesses) and
by the NLU's ShortReplyClassifier (a button's reply is read as its intent, not guessed).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

import yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "kb" / "clarify_options.yml"


@dataclass(frozen=True)
class Option:
    intent: str
    title: str
    reply: str
    offered_for: Tuple[str, ...]


@dataclass(frozen=True)
class ClarifyOptions:
    options: Tuple[Option, ...]
    defaults: Tuple[str, ...]

    def for_guess(self, intent: Optional[str]) -> Optional[Option]:
        return next((o for o in self.options if intent in o.offered_for), None)

    def by_intent(self, intent: str) -> Option:
        return next(o for o in self.options if o.intent == intent)

    def replies(self) -> Dict[str, str]:
        """Button reply -> intent."""
        return {o.reply: o.intent for o in self.options}


def read_options(path: Union[str, Path]) -> ClarifyOptions:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    options = []
    for index, entry in enumerate(data.get("options") or []):
        missing = [k for k in ("intent", "title", "reply", "for") if not entry.get(k)]
        if missing:
            raise ValueError(f"{path}: option {index + 1} lacks {', '.join(missing)}")
        options.append(Option(str(entry["intent"]), str(entry["title"]), str(entry["reply"]),
                              tuple(str(i) for i in entry["for"])))
    intents = [o.intent for o in options]
    if len(set(intents)) != len(intents) or len({o.reply for o in options}) != len(options):
        raise ValueError(f"{path}: an intent or a reply is listed twice")
    guesses = [g for o in options for g in o.offered_for]
    if len(set(guesses)) != len(guesses):
        raise ValueError(f"{path}: a guessed intent offers two options")
    defaults = tuple(str(d) for d in data.get("defaults") or [])
    unknown = [d for d in defaults if d not in intents]
    if unknown:
        raise ValueError(f"{path}: defaults name no option: {', '.join(unknown)}")
    return ClarifyOptions(tuple(options), defaults)


@lru_cache(maxsize=4)
def load_options(path: Optional[str] = None) -> ClarifyOptions:
    return read_options(Path(path) if path else DEFAULT_PATH)
