"""Deterministic checks on what a user typed, for messages the NLU cannot be trusted with.

`check_input(text)` names the kind of message that gets a fixed, polite answer instead of the
usual dialogue (the safety policy predicts `action_input_guard` for it):

- ``empty``: nothing but whitespace;
- ``no_words``: no letter or digit at all (emoji, punctuation);
- ``drug_dose``: a question about how much or how often to take a medicine (declined, with
  advice to ask a pharmacist or doctor);
- ``code``: web markup or SQL rather than a message (`<script>…`, `'; DROP TABLE …`);
- ``non_english``: another language (HeadEase only understands English for now).

Pure Python; word lists in data/kb/input_checks.yml.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Pattern, Union

import yaml

from .crisis import normalize, phrase_pattern

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "kb" / "input_checks.yml"
KINDS = ("empty", "no_words", "drug_dose", "code", "non_english")
FOREIGN_LANGUAGES = ("es", "fr", "de", "it", "pt", "nl")

_HTML_TAG = re.compile(r"<\s*/?\s*[a-z][a-z0-9\-]*(?:\s[^<>]*)?/?\s*>", re.IGNORECASE)
_CODE_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"javascript\s*:",
        r"\bon(?:error|load|click|mouseover)\s*=",
        r"\b(?:drop|truncate|alter)\s+(?:table|database|schema)\b",
        r"\bunion\s+(?:all\s+)?select\b",
        r"\bselect\s+\*\s+from\b",
        r"\binsert\s+into\s+\w+",
        r"\bdelete\s+from\s+\w+\s*(?:;|--|\bwhere\b|$)",
        r"'\s*or\s+'?\d+'?\s*=\s*'?\d+",
        r";\s*--",
        r"\b(?:sleep|benchmark|pg_sleep)\s*\(\s*\d+",
        # a JSON object, e.g. the entities of a "/intent{...}" command whose slash was stripped
        r"\{\s*\"[\w-]+\"\s*:",
    )
]
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Lists:
    medicines: Pattern[str]
    questions: Pattern[str]
    dose_questions: Pattern[str]
    dose_words: Pattern[str]
    deletion_request: Pattern[str]
    restart_request: Pattern[str]
    leave_request: Pattern[str]
    emergency_request: Pattern[str]
    emergency_request_alone: FrozenSet[str]
    emergency_worry: Pattern[str]
    language: Dict[str, FrozenSet[str]]


def _words(value: object, where: str) -> List[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where} must be a non-empty list of strings")
    for word in value:
        if word != word.lower():
            raise ValueError(f"{where}: {word!r} must be lowercase")
    return value


def load_lists(path: Union[str, Path] = DEFAULT_PATH) -> Lists:
    data = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("input_checks") or {}
    dose = data.get("drug_dose") or {}
    language = data.get("language") or {}
    missing = [code for code in FOREIGN_LANGUAGES + ("en",) if code not in language]
    if missing:
        raise ValueError(f"{path}: input_checks.language lacks {missing}")
    return Lists(
        medicines=phrase_pattern(_words(dose.get("medicines"), f"{path}: drug_dose.medicines")),
        questions=phrase_pattern(_words(dose.get("questions"), f"{path}: drug_dose.questions")),
        dose_questions=phrase_pattern(_words(dose.get("dose_questions"), f"{path}: drug_dose.dose_questions")),
        dose_words=phrase_pattern(_words(dose.get("dose_words"), f"{path}: drug_dose.dose_words")),
        deletion_request=phrase_pattern(_words(data.get("deletion_request"), f"{path}: deletion_request")),
        restart_request=phrase_pattern(_words(data.get("restart_request"), f"{path}: restart_request")),
        leave_request=phrase_pattern(_words(data.get("leave_request"), f"{path}: leave_request")),
        emergency_request=phrase_pattern(_words(data.get("emergency_request"), f"{path}: emergency_request")),
        emergency_request_alone=frozenset(_words(data.get("emergency_request_alone"), f"{path}: emergency_request_alone")),
        emergency_worry=phrase_pattern(_words(data.get("emergency_worry"), f"{path}: emergency_worry")),
        language={
            code: frozenset(normalize(w, strip_accents=True) for w in _words(words, f"{path}: language.{code}"))
            for code, words in language.items()
        },
    )


@lru_cache(maxsize=4)
def _lists(path: str) -> Lists:
    return load_lists(path)


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit (in any script)."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def looks_like_code(text: str) -> bool:
    """Web markup or SQL injection attempts rather than a message."""
    return bool(_HTML_TAG.search(text)) or any(p.search(text) for p in _CODE_PATTERNS)


_AMOUNT = re.compile(r"\b\d+\s*(?:mg|milligrams?|tablets?|pills?|capsules?)?\b")
_QUESTION_START = re.compile(r"(?:is|are|can|could|should|would|will|am i|do i|does|whats|what|how|when)\b")


def is_drug_dose_question(text: str, path: Union[str, Path] = DEFAULT_PATH) -> bool:
    lists = _lists(str(path))
    norm = normalize(text)
    if lists.dose_questions.search(norm):
        return True
    if not lists.medicines.search(norm):
        return False
    asks = bool(lists.questions.search(norm))
    # "is 1000mg paracetamol ok", "500mg or 1000mg paracetamol?": an amount put as a question
    amount = bool(lists.dose_words.search(norm) or _AMOUNT.search(norm))
    return asks or (amount and (norm.endswith("?") or bool(_QUESTION_START.match(norm))))


def is_deletion_request(text: str, path: Union[str, Path] = DEFAULT_PATH) -> bool:
    """The message says, in words, that what the user told us should be deleted."""
    return bool(_lists(str(path)).deletion_request.search(normalize(text)))


def is_restart_request(text: str, path: Union[str, Path] = DEFAULT_PATH) -> bool:
    """The message says, in words, to start the consultation over."""
    return bool(_lists(str(path)).restart_request.search(normalize(text)))


def is_control_request(intent: Optional[str], text: str, path: Union[str, Path] = DEFAULT_PATH) -> bool:
    """A restart, deletion, goodbye or stop the words themselves ask for (a learned label alone is
    not enough)."""
    if intent == "delete_my_data":
        return is_deletion_request(text, path)
    if intent == "restart":
        return is_restart_request(text, path)
    if intent in ("goodbye", "stop"):
        return bool(_lists(str(path)).leave_request.search(normalize(text)))
    return False


_FILLERS = frozenset({"please", "pls", "plz", "now", "help", "quick", "quickly", "urgently", "asap", "an", "a", "the", "me", "need"})


def is_emergency_request(text: str, path: Union[str, Path] = DEFAULT_PATH) -> bool:
    """The message asks for emergency help itself ("call an ambulance please", "AMBULANCE!"); an
    ambulance named as a place or a job ("in the back of the ambulance") is not a request."""
    lists = _lists(str(path))
    flat = normalize(text)
    if lists.emergency_request.search(flat):
        return True
    words = [w for w in re.findall(r"[a-z0-9]+", flat) if w not in _FILLERS]
    return bool(words) and all(w in lists.emergency_request_alone for w in words)


def worries_about_emergency(text: str, path: Union[str, Path] = DEFAULT_PATH) -> bool:
    """The message wonders whether this is an emergency ("is this an emergency?", "might be urgent"),
    not denying it ("it's not an emergency"): the emergency screen answers that, not a guess."""
    flat = normalize(text)
    spans = [m.span() for m in _lists(str(path)).emergency_worry.finditer(flat)]
    if not spans:
        return False
    from .reading.negation import negated_char_spans

    return len(negated_char_spans(flat, spans)) < len(spans)


def detect_language(text: str, path: Union[str, Path] = DEFAULT_PATH) -> Optional[str]:
    """A language code when the text is clearly not English ("es", "fr", …, or "other" for
    non-Latin scripts); None for English or when unsure. Deliberately conservative."""
    letters = [c for c in text if c.isalpha()]
    non_latin = [c for c in letters if not unicodedata.name(c, "").startswith("LATIN")]
    if len(non_latin) >= 2 and len(non_latin) * 2 >= len(letters):
        return "other"
    lists = _lists(str(path))
    # each word counted once: a pronoun said four times ("mi" in Jamaican English) is one clue
    tokens = set(_WORD.findall(normalize(text, strip_accents=True)))
    if not tokens:
        return None
    english = sum(token in lists.language["en"] for token in tokens)
    counts = {code: sum(token in lists.language[code] for token in tokens) for code in FOREIGN_LANGUAGES}
    best = max(FOREIGN_LANGUAGES, key=lambda code: counts[code])
    hits = counts[best]
    if hits == 0 or hits <= english:
        return None
    accented = any(c in text.lower() for c in "áéíóúñçàèìòùâêîôûäëïöüßãõ¿¡")
    # A lone foreign greeting ("hola", "bonjour") is left to the NLU, which knows it as a greeting.
    if hits >= 2 or (accented and english == 0):
        return best
    return None


def check_input(text: Optional[str], path: Union[str, Path] = DEFAULT_PATH) -> Optional[str]:
    """The kind of message that gets a fixed answer (see KINDS), or None for a normal message."""
    text = text or ""
    if not text.strip():
        return "empty"
    if not has_words(text):
        return "no_words"
    if is_drug_dose_question(text, path):
        return "drug_dose"
    if looks_like_code(text):
        return "code"
    if detect_language(text, path) is not None:
        return "non_english"
    return None
