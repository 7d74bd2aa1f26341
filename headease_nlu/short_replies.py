"""ShortReplyClassifier: closed-class short replies ("ta", "negative", "halt") get a fixed intent.

DIET learns intents from examples; a one-word reply it never saw ("ta", "negatory", "g'day") has
only its character n-grams to go on, and short words share few of them with anything. These
replies are a closed class any English speaker reads one way, so they are listed as data
(`headease_nlu/short_replies.yml`) and looked up as a whole message, after normalising case,
quotes, surrounding punctuation and emoji, stretched letters ("noooo"), a leading filler ("oh",
"um") and a trailing address ("bot", "mate"). A hit sets the intent at confidence 1.0; anything
else (every message that says more than the marker: "no fever", "yes on the left") keeps DIET's
intent. Runs after DIET and before the entity extractor, which may still turn a bare answer that
names something into an `inform`, and before the FallbackClassifier.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.clinic.clarify import load_options
from headease_nlu.components import set_rule_intent

LEXICON_PATH = Path(__file__).with_name("short_replies.yml")
_FILLERS = ("oh", "um", "umm", "uh", "erm", "er", "well", "hmm", "ah", "aw", "ooh", "oh well", "ok so")
_ADDRESSES = ("bot", "headease", "mate", "doc", "buddy", "pal", "love", "friend", "dear", "again", "then", "now")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
_EDGE = re.compile(r"^[^\w']+|[^\w']+$")


class ShortReplyLexiconError(ValueError):
    """short_replies.yml lists a phrase twice or under two intents."""


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Dict[str, str]:
    """Normalised phrase -> intent."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    table: Dict[str, str] = {}
    for intent, phrases in data.items():
        for phrase in phrases or []:
            key = normalise(str(phrase)) or str(phrase).strip()
            if key in table:
                raise ShortReplyLexiconError(f"{path.name}: {phrase!r} is listed twice ({table[key]}, {intent})")
            table[key] = intent
    return table


def normalise(text: Text) -> str:
    """Lower case, straight quotes, single spaces, no punctuation or emoji at either end."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return _EDGE.sub("", text).strip()


def with_button_replies(table: Dict[str, str]) -> Dict[str, str]:
    """The table plus the replies of the bot's own "did you mean…?" buttons
    (data/kb/clarify_options.yml): a press does what its title says, not what a classifier guesses."""
    out = dict(table)
    for reply, intent in load_options().replies().items():
        key = normalise(reply)
        if out.get(key, intent) != intent:
            raise ShortReplyLexiconError(f"button reply {reply!r} is also listed as {out[key]}")
        out[key] = intent
    return out


@lru_cache(maxsize=1)
def default_table() -> Dict[str, str]:
    return with_button_replies(load_lexicon())


def _variants(key: str) -> Iterator[str]:
    """The message as written, with stretched letters shortened, and without a leading filler or
    a trailing address ("oh thanks", "bye bot")."""
    seen = set()
    bases = [key, re.sub(r"(\w)\1{2,}", r"\1", key), re.sub(r"(\w)\1{2,}", r"\1\1", key)]
    for base in bases:
        candidates = [base]
        for filler in _FILLERS:
            if base.startswith(filler + " "):
                candidates.append(normalise(base[len(filler) + 1:]))
        for candidate in list(candidates):
            for address in _ADDRESSES:
                if candidate.endswith(" " + address):
                    candidates.append(normalise(candidate[: -len(address) - 1]))
        for candidate in candidates:
            if candidate and candidate not in seen:
                seen.add(candidate)
                yield candidate


def classify(text: Optional[Text], lexicon: Optional[Dict[str, str]] = None) -> Optional[str]:
    """The fixed intent of a whole-message short reply, or None."""
    if not text or len(text) > 60:
        return None
    table = default_table() if lexicon is None else lexicon
    key = normalise(text)
    if not key:  # only punctuation or an emoji: look it up as written ("👍")
        return table.get(text.strip())
    for candidate in _variants(key):
        if candidate in table:
            return table[candidate]
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ShortReplyClassifier(GraphComponent):
    """Whole-message closed-class replies (short_replies.yml) override the learned intent."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"lexicon": str(LEXICON_PATH)}

    def __init__(self, config: Dict[Text, Any]) -> None:
        path = Path(config.get("lexicon") or LEXICON_PATH)
        self._lexicon = default_table() if path == LEXICON_PATH else with_button_replies(load_lexicon(path))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ShortReplyClassifier":
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = classify(message.get(TEXT), self._lexicon)
            if intent is not None:
                set_rule_intent(message, intent)
        return messages
