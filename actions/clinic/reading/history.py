"""History and contraindication cues (data/kb/recognition/history_rules.yml): loaded once,
schema-checked, compiled.

Each rule turns wording in the flattened message text (see ``text.FlatText``) into a history
finding ("I take warfarin" -> ``anticoagulant``) or a contraindication cue ("cellulitis" ->
``ci_skin``). The file lists each rule's wordings (``any_of``, regular expressions joined with
``|``) so a clinician can review drug names and phrasing without reading Python; every rule
carries examples that the tests run. Whether a match counts (negation, hedges, other people,
how long ago) is decided by the scan's handlers, not here.

Public API:

- ``Rule``: ``kind`` ("history" or "contra"), ``cid``, ``pattern`` (compiled ``\\b(?:...)\\b``);
- ``history_rules()`` / ``contra_rules()`` (also ``HISTORY_RULES`` / ``CONTRA_RULES``, loaded
  on first use): the rules in file order;
- ``history_pattern(cid)``: the compiled pattern of one history rule;
- ``load(path)`` -> ``RuleBook`` (rules plus each rule's ``Entry`` with its examples) and
  ``validate(data)`` for tests and tools; errors are ``HistoryRulesError`` naming the rule.

Pure Python (no Rasa).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Pattern, Tuple, Union

import yaml

from ..findings import CONTRAINDICATIONS, HISTORY

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "data" / "kb" / "recognition" / "history_rules.yml"

# File section -> ``Rule.kind``, in the order the scan tries them.
SECTIONS: Tuple[Tuple[str, str], ...] = (("history", "history"), ("contraindications", "contra"))
TOP_LEVEL_KEYS = frozenset({"history", "contraindications", "fragments"})
RULE_KEYS = ("id", "means", "any_of", "examples")
EXAMPLE_KEYS = ("match", "no_match")
MIN_MATCH_EXAMPLES = 2
MIN_NO_MATCH_EXAMPLES = 1
# History rules whose id is not itself a history finding: the scan's handlers turn them into
# others (neck_injury -> neck_injury_recent / neck_injury_past, neck_manipulation ->
# ci_neck_manipulation and a recent neck injury).
EVENT_IDS = frozenset({"neck_injury", "neck_manipulation"})

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")


class HistoryRulesError(ValueError):
    """The rules file is malformed; the message names the offending rule and field."""


@dataclass(frozen=True)
class Rule:
    """A regex over the flat text that yields a history or contraindication fact."""

    kind: str
    cid: str
    pattern: Pattern[str]


@dataclass(frozen=True)
class Entry:
    """One rule as written in the file (fragments filled in), with its examples."""

    kind: str
    cid: str
    means: str
    any_of: Tuple[str, ...]
    match: Tuple[str, ...]
    no_match: Tuple[str, ...]

    @property
    def source(self) -> str:
        """The regex as compiled: the wordings joined with ``|``, wrapped as whole words."""
        return wrap(self.any_of)


@dataclass(frozen=True)
class RuleBook:
    """The compiled rules of one file, in file order."""

    history: Tuple[Rule, ...]
    contra: Tuple[Rule, ...]
    entries: Tuple[Entry, ...]

    def pattern(self, cid: str) -> Pattern[str]:
        for rule in self.history:
            if rule.cid == cid:
                return rule.pattern
        raise KeyError(f"no history rule {cid!r}")


def wrap(alternatives: Iterable[str]) -> str:
    """``a``, ``b`` -> ``\\b(?:a|b)\\b``: any one wording, as whole words."""
    return rf"\b(?:{'|'.join(alternatives)})\b"


# --- reading ------------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (YAML would keep the last)."""


def _mapping_without_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: let the normal constructor report it
            break
        if duplicate:
            raise HistoryRulesError(f"line {key_node.start_mark.line + 1}: key {key!r} is given twice")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def read(path: Union[str, Path] = DEFAULT_PATH) -> Any:
    """The file's data, unvalidated (duplicate keys are already an error)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except HistoryRulesError as error:
        raise HistoryRulesError(f"{path}: {error}") from None
    except yaml.YAMLError as error:
        raise HistoryRulesError(f"{path}: not valid YAML: {error}") from None


# --- validation ---------------------------------------------------------------------------------


def _label(section: str, index: int, rule: Any) -> str:
    cid = rule.get("id") if isinstance(rule, Mapping) else None
    return f"{section} rule {cid!r}" if isinstance(cid, str) and cid else f"{section} rule #{index + 1}"


def _strings(value: Any, where: str, minimum: int) -> List[str]:
    if not isinstance(value, list) or len(value) < minimum:
        raise HistoryRulesError(f"{where}: needs a list of at least {minimum}")
    for k, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise HistoryRulesError(f"{where}[{k + 1}]: {item!r} is not a non-empty string (quote it)")
    return value


def _fragments(data: Mapping[str, Any]) -> Dict[str, str]:
    fragments = data.get("fragments")
    if fragments is None:
        return {}
    if not isinstance(fragments, Mapping):
        raise HistoryRulesError("fragments: needs a mapping of name -> pattern")
    for name, pattern in fragments.items():
        if not isinstance(name, str) or not _ID.match(name):
            raise HistoryRulesError(f"fragments: {name!r} is not a valid name (lowercase letters, digits, _)")
        if not isinstance(pattern, str) or not pattern.strip():
            raise HistoryRulesError(f"fragments.{name}: needs a non-empty pattern (quote it)")
        if "{{" in pattern:
            raise HistoryRulesError(f"fragments.{name}: a fragment cannot use another fragment")
        try:
            re.compile(pattern)
        except re.error as error:
            raise HistoryRulesError(f"fragments.{name}: not a valid pattern: {error}") from None
    return dict(fragments)


def _fill(item: str, fragments: Mapping[str, str], where: str) -> str:
    def replace(found: "re.Match[str]") -> str:
        name = found.group(1)
        if name not in fragments:
            known = ", ".join(sorted(fragments)) or "none defined"
            raise HistoryRulesError(f"{where}: unknown fragment {{{{{name}}}}} (known: {known})")
        return fragments[name]

    filled = _PLACEHOLDER.sub(replace, item)
    if "{{" in filled or "}}" in filled:
        raise HistoryRulesError(f"{where}: unbalanced fragment braces in {item!r}")
    return filled


def _check_id(section: str, cid: Any, label: str) -> None:
    if not isinstance(cid, str) or not _ID.match(cid):
        raise HistoryRulesError(f"{label}: id must be a lowercase name (letters, digits, _), got {cid!r}")
    if section == "history" and cid not in HISTORY and cid not in EVENT_IDS:
        raise HistoryRulesError(f"{label}: {cid!r} is not a known history finding (actions/clinic/findings.py HISTORY)")
    if section == "contraindications" and cid not in CONTRAINDICATIONS:
        raise HistoryRulesError(f"{label}: {cid!r} is not a known contraindication (actions/clinic/findings.py CONTRAINDICATIONS)")


def _check_any_of(value: Any, fragments: Mapping[str, str], label: str, used: set) -> Tuple[str, ...]:
    items = _strings(value, f"{label}: any_of", 1)
    out: List[str] = []
    for k, item in enumerate(items):
        where = f"{label}: any_of[{k + 1}]"
        if item != item.strip():
            raise HistoryRulesError(f"{where}: {item!r} starts or ends with a space")
        used.update(_PLACEHOLDER.findall(item))
        filled = _fill(item, fragments, where)
        try:
            compiled = re.compile(filled)
        except re.error as error:
            raise HistoryRulesError(f"{where}: {item!r} is not a valid pattern: {error}") from None
        if compiled.fullmatch(""):
            raise HistoryRulesError(f"{where}: {item!r} matches an empty text (it would match everywhere)")
        if filled in out:
            raise HistoryRulesError(f"{where}: {item!r} is listed twice")
        out.append(filled)
    try:
        re.compile(wrap(out))
    except re.error as error:  # pragma: no cover - each item compiled on its own
        raise HistoryRulesError(f"{label}: the joined pattern does not compile: {error}") from None
    return tuple(out)


def _check_examples(value: Any, label: str) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise HistoryRulesError(f"{label}: examples needs match: and no_match: lists")
    unknown = sorted(map(str, set(value) - set(EXAMPLE_KEYS)))
    if unknown:
        raise HistoryRulesError(f"{label}: examples has unknown key(s) {', '.join(unknown)} (allowed: match, no_match)")
    match = _strings(value.get("match"), f"{label}: examples.match", MIN_MATCH_EXAMPLES)
    no_match = _strings(value.get("no_match"), f"{label}: examples.no_match", MIN_NO_MATCH_EXAMPLES)
    both = sorted(set(match) & set(no_match))
    if both:
        raise HistoryRulesError(f"{label}: {both[0]!r} is both a match and a no_match example")
    return tuple(match), tuple(no_match)


def _entries(data: Any) -> Tuple[Entry, ...]:
    """Validate ``data`` and return its rules as entries (raises ``HistoryRulesError``)."""
    if not isinstance(data, Mapping):
        raise HistoryRulesError("the file needs top-level keys: history, contraindications")
    unknown = sorted(map(str, set(data) - TOP_LEVEL_KEYS))
    if unknown:
        raise HistoryRulesError(
            f"unknown top-level key(s) {', '.join(unknown)} (allowed: history, contraindications, fragments)"
        )
    fragments = _fragments(data)
    used: set = set()
    seen: Dict[str, str] = {}
    entries: List[Entry] = []
    for section, kind in SECTIONS:
        rules = data.get(section)
        if not isinstance(rules, list) or not rules:
            raise HistoryRulesError(f"{section}: needs a non-empty list of rules")
        for index, rule in enumerate(rules):
            label = _label(section, index, rule)
            if not isinstance(rule, Mapping):
                raise HistoryRulesError(f"{label}: needs id, means, any_of and examples")
            extra = sorted(map(str, set(rule) - set(RULE_KEYS)))
            if extra:
                raise HistoryRulesError(f"{label}: unknown key(s) {', '.join(extra)} (allowed: {', '.join(RULE_KEYS)})")
            missing = [key for key in RULE_KEYS if key not in rule]
            if missing:
                raise HistoryRulesError(f"{label}: missing {', '.join(missing)}")
            cid = rule["id"]
            _check_id(section, cid, label)
            if cid in seen:
                raise HistoryRulesError(f"{label}: duplicate id {cid!r} (also in {seen[cid]})")
            seen[cid] = section
            means = rule["means"]
            if not isinstance(means, str) or not means.strip() or "\n" in means.strip():
                raise HistoryRulesError(f"{label}: means needs one line of plain English")
            any_of = _check_any_of(rule["any_of"], fragments, label, used)
            match, no_match = _check_examples(rule["examples"], label)
            entries.append(Entry(kind, cid, means.strip(), any_of, match, no_match))
    unused = sorted(set(fragments) - used)
    if unused:
        raise HistoryRulesError(f"fragments: {', '.join(unused)} not used by any rule")
    return tuple(entries)


def validate(data: Any) -> None:
    """Raise ``HistoryRulesError`` naming the first bad rule (and field) in ``data``."""
    _entries(data)


def build(data: Any) -> RuleBook:
    """Validate ``data`` (the parsed file) and compile its rules, in file order."""
    entries = _entries(data)
    rules = [Rule(entry.kind, entry.cid, re.compile(entry.source)) for entry in entries]
    return RuleBook(
        history=tuple(rule for rule in rules if rule.kind == "history"),
        contra=tuple(rule for rule in rules if rule.kind == "contra"),
        entries=entries,
    )


def load(path: Union[str, Path] = DEFAULT_PATH) -> RuleBook:
    """Read, validate and compile a rules file (not cached: see ``rule_book``)."""
    data = read(path)
    try:
        return build(data)
    except HistoryRulesError as error:
        raise HistoryRulesError(f"{path}: {error}") from None


@lru_cache(maxsize=4)
def _cached(path: str) -> RuleBook:
    return load(path)


def rule_book(path: Union[str, Path] = DEFAULT_PATH) -> RuleBook:
    """The rules of ``path`` (the shipped file by default), loaded once per process."""
    return _cached(str(path))


def history_rules() -> Tuple[Rule, ...]:
    """The history rules, in the order the scan tries them."""
    return rule_book().history


def contra_rules() -> Tuple[Rule, ...]:
    """The contraindication cues, in the order the scan tries them."""
    return rule_book().contra


def history_pattern(cid: str) -> Pattern[str]:
    """The compiled rule for one history finding (the NLU reuses the blood-pressure reading)."""
    return rule_book().pattern(cid)


def __getattr__(name: str) -> Any:
    """``HISTORY_RULES`` / ``CONTRA_RULES``: the shipped rules, loaded on first use."""
    if name == "HISTORY_RULES":
        return history_rules()
    if name == "CONTRA_RULES":
        return contra_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
