"""The knowledge base (data/kb/knowledge.yml): loaded once, schema-checked, read through accessors.

Every clinical fact and every piece of lay wording the bot shows lives in that one file; this module
only checks its shape and ids, so a typo fails at load time with the path of the bad field.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional, Union

import yaml

from .findings import (
    CONSULTATION_SLOTS,
    CONTRAINDICATIONS,
    HEADACHE_TYPES,
    ORIGINS,
    RED_FLAGS,
    TECHNIQUES,
    TRIAGE_LEVELS,
)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "kb" / "knowledge.yml"
EVIDENCE_GRADES = frozenset({"moderate", "low_moderate", "low", "very_low_low", "very_low", "none"})
CI_KINDS = frozenset({"absolute", "absolute_area", "local", "caution", "note"})
ROUTINES = ("temples", "suboccipitals", "upper_trapezius")
ALL_CONTRAINDICATIONS = CONTRAINDICATIONS | {"ci_red_flag"}

# Shape of each section: a dict lists required keys, [x] is a list of x, str is a string.
_TECHNIQUE = {
    "name": str,
    "aliases": [str],
    "what_it_is": str,
    "suits_types": [str],
    "suits_origins": [str],
    "evidence": {"grade": str, "summary": str, "references": [str]},
    "dose": str,
    "cautions": [str],
    "contraindications": {"removed_by": [str], "restricted_by": [str]},
    "why": {"default": str},
}
_TYPE = {
    "name": str,
    "description": str,
    "what_helps": str,
    "techniques": {"recommend": [str], "mention": [str]},
}
_RED_FLAG = {"level": str, "finding": str, "action": str}
_CONTRAINDICATION = {"name": str, "kind": str, "action": str}
_QUESTION = {"text": str, "why": str, "buttons": [{"title": str, "payload": str}]}
_TRIAGE_MESSAGE = {"title": str, "message": str}
_TOP = {
    "emergency_number": str,
    "messages": {"disclaimer": str, "pattern": str, "outage": str, "not_received": str, "rate_limited": str,
                 "emergency_signs": str, "triage": dict, "notes": dict},
    "features": dict,
    "headache_types": dict,
    "techniques": dict,
    "self_massage": {
        "general_rules": [str],
        "stop_conditions": [str],
        "stop_message": str,
        "routines": dict,
        "not_enough": [str],
        "other_self_care": [str],
    },
    "red_flags": dict,
    "contraindications": dict,
    "questions": dict,
}


class KnowledgeError(ValueError):
    """The knowledge file is malformed; the message names the entry and field."""


def _check(value: Any, spec: Any, path: str) -> None:
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise KnowledgeError(f"{path}: expected a mapping")
        for key, sub in spec.items():
            if value.get(key) is None:
                raise KnowledgeError(f"{path}.{key}: missing")
            _check(value[key], sub, f"{path}.{key}")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise KnowledgeError(f"{path}: expected a list")
        for i, item in enumerate(value):
            _check(item, spec[0], f"{path}[{i}]")
    elif not isinstance(value, spec):
        raise KnowledgeError(f"{path}: expected {spec.__name__}, got {type(value).__name__}")


def _check_entries(data: Dict[str, Any], section: str, ids, spec: Any) -> None:
    entries = data[section]
    for entry_id in ids:
        if entry_id not in entries:
            raise KnowledgeError(f"{section}.{entry_id}: missing")
    for entry_id, entry in entries.items():
        if entry_id not in ids:
            raise KnowledgeError(f"{section}.{entry_id}: unknown id")
        _check(entry, spec, f"{section}.{entry_id}")


def _check_ids(values, allowed, path: str) -> None:
    for value in values:
        if value not in allowed:
            raise KnowledgeError(f"{path}: unknown id {value!r}")


def _check_techniques(data: Dict[str, Any]) -> None:
    for tid, tech in data["techniques"].items():
        path = f"techniques.{tid}"
        if tech["evidence"]["grade"] not in EVIDENCE_GRADES:
            raise KnowledgeError(f"{path}.evidence.grade: unknown grade {tech['evidence']['grade']!r}")
        _check_ids(tech["suits_types"], HEADACHE_TYPES, f"{path}.suits_types")
        _check_ids(tech["suits_origins"], ORIGINS, f"{path}.suits_origins")
        for key in ("removed_by", "restricted_by"):
            _check_ids(tech["contraindications"][key], ALL_CONTRAINDICATIONS, f"{path}.contraindications.{key}")
    for type_id, info in data["headache_types"].items():
        for key in ("recommend", "mention"):
            _check_ids(info["techniques"][key], TECHNIQUES, f"headache_types.{type_id}.techniques.{key}")


def _check_levels(data: Dict[str, Any]) -> None:
    for rf_id, info in data["red_flags"].items():
        if info["level"] not in TRIAGE_LEVELS:
            raise KnowledgeError(f"red_flags.{rf_id}.level: unknown level {info['level']!r}")
    for ci_id, info in data["contraindications"].items():
        if info["kind"] not in CI_KINDS:
            raise KnowledgeError(f"contraindications.{ci_id}.kind: unknown kind {info['kind']!r}")
    for level in TRIAGE_LEVELS:
        if level not in data["messages"]["triage"]:
            raise KnowledgeError(f"messages.triage.{level}: missing")
        _check(data["messages"]["triage"][level], _TRIAGE_MESSAGE, f"messages.triage.{level}")
    for routine in ROUTINES:
        _check(data["self_massage"]["routines"].get(routine), {"name": str, "steps": [str]},
               f"self_massage.routines.{routine}")


def validate(data: Any) -> None:
    """Raise KnowledgeError naming the first bad entry and field."""
    _check(data, _TOP, "knowledge")
    _check_entries(data, "techniques", TECHNIQUES, _TECHNIQUE)
    _check_entries(data, "headache_types", HEADACHE_TYPES, _TYPE)
    _check_entries(data, "red_flags", RED_FLAGS, _RED_FLAG)
    _check_entries(data, "contraindications", ALL_CONTRAINDICATIONS, _CONTRAINDICATION)
    _check_entries(data, "questions", CONSULTATION_SLOTS, _QUESTION)
    _check_techniques(data)
    _check_levels(data)
    _check_unclear_signs(data)


def _check_unclear_signs(data: Dict[str, Any]) -> None:
    """A question's ``unclear_sign`` names a sign the direct yes/no question can ask about."""
    signs = data["questions"]["flag_check"].get("signs") or {}
    for slot, info in data["questions"].items():
        sign = info.get("unclear_sign")
        if sign is not None and sign not in signs:
            raise KnowledgeError(f"questions.{slot}.unclear_sign: {sign!r} is not in questions.flag_check.signs")


def _normalise(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lower())


class Knowledge:
    """Read-only view of the validated knowledge file."""

    def __init__(self, data: Dict[str, Any]):
        self.data = data
        self._names = {
            _normalise(label): tid
            for tid, tech in data["techniques"].items()
            for label in [tid, tech["name"], *tech["aliases"]]
        }

    @property
    def emergency_number(self) -> str:
        return self.data["emergency_number"]

    @property
    def messages(self) -> Dict[str, Any]:
        return self.data["messages"]

    @property
    def self_massage(self) -> Dict[str, Any]:
        return self.data["self_massage"]

    @property
    def questions(self) -> Dict[str, Any]:
        return self.data["questions"]

    def unclear_sign(self, slot: str) -> Optional[str]:
        """The warning sign asked as a plain yes/no when ``slot``'s answer stays unreadable."""
        return self.data["questions"].get(slot, {}).get("unclear_sign")

    def technique(self, technique_id: str) -> Dict[str, Any]:
        return self.data["techniques"][technique_id]

    def find_technique(self, name_or_alias: str) -> Optional[str]:
        """Technique id for a name or alias, ignoring case, spaces and hyphens; None if unknown."""
        return self._names.get(_normalise(name_or_alias))

    def headache_type_info(self, type_id: str) -> Dict[str, Any]:
        return self.data["headache_types"][type_id]

    def red_flag_info(self, rf_id: str) -> Dict[str, Any]:
        return self.data["red_flags"][rf_id]

    def contraindication_info(self, ci_id: str) -> Dict[str, Any]:
        return self.data["contraindications"][ci_id]

    def routine(self, routine_id: str) -> Dict[str, Any]:
        return self.data["self_massage"]["routines"][routine_id]

    def feature(self, feature_id: str) -> str:
        return self.data["features"][feature_id]

    def note(self, note_id: str) -> str:
        return self.render(self.messages["notes"][note_id])

    def render(self, template: str, emergency_number: Optional[str] = None, **values: str) -> str:
        """Fill a template's {emergency_number} (the app may pass a localised one) and other fields."""
        return template.format(emergency_number=emergency_number or self.emergency_number, **values)

    def disclaimer(self, emergency_number: Optional[str] = None) -> str:
        return self.render(self.messages["disclaimer"], emergency_number)

    def triage_message(self, level: str, emergency_number: Optional[str] = None) -> str:
        return self.render(self.messages["triage"][level]["message"], emergency_number)

    def pattern_phrase(self, type_id: str) -> str:
        """ "Your answers fit a pattern often seen in ...", or the type's own wording if it has one."""
        info = self.headache_type_info(type_id)
        return info.get("pattern") or self.render(self.messages["pattern"], type_name=info["name"])


def read_knowledge(path: Union[str, Path]) -> Knowledge:
    """Load and validate a knowledge file (uncached; for tests and tools)."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    validate(data)
    return Knowledge(data)


@lru_cache(maxsize=None)
def load_knowledge(path: Optional[str] = None) -> Knowledge:
    """The process-wide knowledge base (data/kb/knowledge.yml unless a path is given)."""
    return read_knowledge(path or DEFAULT_PATH)

