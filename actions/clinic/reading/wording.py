"""Generalising red-flag rules for free text (clinical reference 4.2), used by ``textscan``.

The lexicon lists exact phrases ("arm feels weak"); people write "since this morning my left arm
has gone weak". These rules match *shapes* instead of phrases:

- proximity: a body part within a few words of a deficit word, either order ("my left arm has
  gone weak", "can't lift my right arm", "numbness all down my left side", "half my face has
  dropped"), in one clause;
- co-occurrence: speech, vision, balance, consciousness, seizure, neck-stiffness, rash, eye,
  jaw/scalp, swelling, carbon-monoxide and thunderclap wording, each a few small regexes;
- suppressions: everyday idioms that look like red flags ("confused about the dose", "can't
  see the point", "fit of giggles", "numb bum", a rash "that fades when I press it") drop or deny
  the lexicon match, and a stated benign cause ("heavy arms after carrying the shopping") drops
  limb deficits in that clause.

The wording is data, not code: ``data/kb/recognition/red_flag_wording.yml`` holds the word classes
(body parts, deficit words, household members), shared regex fragments, every rule and
suppression in the order they run, and for each a plain-English ``means`` and ``match`` /
``no_match`` examples that ``tests/clinic/test_red_flag_wording.py`` runs. Its header explains the
format for a clinician. This module loads that file once, validates it (``WordingError`` names the
offending rule: unknown keys, missing fields, unknown placeholders or finding ids, duplicate ids,
too few examples, a regex that does not compile), expands the ``{{placeholders}}``, compiles every
pattern and runs them. What is logic rather than vocabulary stays here: the clause bounds, the
benign-cause check of ``benign_limb`` rules, the negators inside a proximity span and the
"habitual, not shared" test for other people's headaches.

Negation and hedges stay with ``negation.scope_indices`` (a "no"/"maybe" before or after the
span); a negator *inside* a proximity span ("my arm is not weak") denies it here, because cue
words inside a matched span are ignored by the scope rules.

The rules run on ``_Text.flat`` (lowercase words with apostrophes dropped and one-typo red-flag
words corrected, joined by single spaces, punctuation as separate tokens). Rules are gated by a
cheap word-set check and all patterns are compiled once, so a 500-character message costs well
under a millisecond here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import yaml

from ..findings import LOCATIONS, ONSETS, SYMPTOMS
from .clauses import CLAUSE_BREAKS, SENTENCE_BREAKS, WORD_IN_CLAUSE
from .negation import denies_between

WORDING_PATH = Path(__file__).resolve().parents[3] / "data" / "kb" / "recognition" / "red_flag_wording.yml"

# What a rule may find, and the ids each kind allows (``findings``).
FINDING_VOCABULARIES: Dict[str, FrozenSet[str]] = {"symptom": SYMPTOMS, "onset": ONSETS, "pain_location": LOCATIONS}
SCOPES = ("span", "clause", "sentence")
ACTIONS = ("drop", "deny")
# Fragments the Python below relies on: a word inside a clause (``{{gap N}}`` is built from it)
# and the benign causes that ``benign_limb`` rules skip.
REQUIRED_FRAGMENTS = ("benign_cause",)
# built in: one word of the same clause, from the one list of clause breaks (reading/clauses.py)
BUILT_IN_FRAGMENTS = {"word": WORD_IN_CLAUSE}

_TOP_KEYS = {"word_classes": True, "fragments": True, "finding_sets": False, "sign_rules": True, "suppressions": True}
_RULE_KEYS = {"id": True, "finding": True, "means": True, "any_of": True, "examples": True,
              "gate": False, "negation_gap": False, "benign_limb": False}
_SUPPRESSION_KEYS = {"id": True, "findings": True, "means": True, "any_of": True, "scope": True, "action": True,
                     "examples": True, "gate": False, "unless": False}
MIN_MATCH_EXAMPLES, MIN_NO_MATCH_EXAMPLES = 2, 1
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]*)(?:\s+([^{}\s]*))?\s*\}\}")
_GATE_CLASS = re.compile(r"^\{\{\s*([a-z][a-z0-9_]*)\s*\}\}$")


class WordingError(ValueError):
    """The red-flag wording file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Hit:
    """One rule match: a finding id over characters [start, end) of the flat text."""

    entity: str  # "symptom", "onset" or "pain_location"
    cid: str
    start: int
    end: int
    denied: bool = False


@dataclass(frozen=True)
class Suppression:
    """Lexicon matches of ``cids`` to drop (idiom) or deny (stated absent) in [start, end)."""

    cids: FrozenSet[str]
    start: int
    end: int
    deny: bool


@dataclass(frozen=True)
class _Rule:
    entity: str
    cid: str
    pattern: re.Pattern
    gate: FrozenSet[str]  # the message must contain one of these words (empty: always run)
    gap_group: Optional[str] = None  # named group whose words are checked for negators
    benign_limb: bool = False  # skip when the clause states a benign cause (gym, sitting on it)
    id: str = ""
    means: str = ""
    match_examples: Tuple[str, ...] = ()
    no_match_examples: Tuple[str, ...] = ()


@dataclass(frozen=True)
class _Suppress:
    cids: FrozenSet[str]
    pattern: re.Pattern
    gate: FrozenSet[str]
    scope: str  # "span", "clause" or "sentence"
    deny: bool
    unless: Optional[re.Pattern] = None  # not when this is in the scope too
    id: str = ""
    means: str = ""
    match_examples: Tuple[str, ...] = ()
    no_match_examples: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Wording:
    """The compiled wording file: rules and suppressions in file order."""

    rules: Tuple[_Rule, ...]
    suppressions: Tuple[_Suppress, ...]
    benign_cause: re.Pattern
    classes: Dict[str, Tuple[str, ...]]


# --- loading and validating the wording file ------------------------------------------------------


def _alt(phrases: Iterable[str]) -> str:
    """A regex alternation of literal phrases, longest first."""
    items = sorted({p.strip().lower() for p in phrases if p and p.strip()}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in items)


def _words_of(phrases: Iterable[str]) -> FrozenSet[str]:
    return frozenset(w for p in phrases for w in p.split())


def _check_keys(entry: Mapping[str, Any], allowed: Mapping[str, bool], where: str) -> None:
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        raise WordingError(f"{where}: unknown key(s) {', '.join(map(str, unknown))} (allowed: {', '.join(allowed)})")
    missing = [k for k, required in allowed.items() if required and k not in entry]
    if missing:
        raise WordingError(f"{where}: missing {', '.join(missing)}")


def _text(value: Any, where: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WordingError(f"{where}: {field} must be a non-empty string")
    return value


def _texts(value: Any, where: str, field: str) -> List[str]:
    if not isinstance(value, list) or not value:
        raise WordingError(f"{where}: {field} must be a non-empty list")
    return [_text(v, where, f"each item of {field}") for v in value]


class _Expander:
    """Expands ``{{word_class}}``, ``{{fragment}}`` and ``{{gap N}}`` placeholders into regex text."""

    def __init__(self, classes: Dict[str, Tuple[str, ...]], fragments: Dict[str, str], source: str):
        self.classes, self.fragments, self.source = classes, fragments, source
        self._done: Dict[str, str] = {}

    def fragment(self, name: str, stack: Tuple[str, ...] = ()) -> str:
        if name not in self._done:
            if name in stack:
                raise WordingError(f"{self.source}: fragment {name!r} refers to itself ({' -> '.join(stack + (name,))})")
            self._done[name] = self.expand(self.fragments[name], f"fragment {name!r}", stack + (name,))
        return self._done[name]

    def expand(self, text: str, where: str, stack: Tuple[str, ...] = ()) -> str:
        def one(m: re.Match) -> str:
            name, arg = m.group(1), m.group(2)
            if name == "gap":
                if arg is None or not arg.isdigit():
                    raise WordingError(f"{self.source}: {where}: {m.group(0)} needs a number of words, like {{{{gap 5}}}}")
                return rf"(?: {self.fragment('word', stack)}){{0,{int(arg)}}}?"
            if arg is not None:
                raise WordingError(f"{self.source}: {where}: only gap takes a number ({m.group(0)})")
            if name in self.classes:
                return _alt(self.classes[name])
            if name in self.fragments:
                return self.fragment(name, stack)
            raise WordingError(
                f"{self.source}: {where}: unknown placeholder {m.group(0)} (not a word class, a fragment or gap N)")

        out = _PLACEHOLDER.sub(one, text)
        if "{{" in out:
            raise WordingError(f"{self.source}: {where}: malformed placeholder near {out[out.index('{{'):][:30]!r}")
        return out

    def compile(self, alternatives: Sequence[str], where: str) -> re.Pattern:
        pattern = "|".join(self.expand(a, where) for a in alternatives)
        try:
            return re.compile(pattern)
        except re.error as error:
            raise WordingError(f"{self.source}: {where}: the regex does not compile ({error})") from None

    def gate(self, value: Any, where: str) -> FrozenSet[str]:
        if value is None:
            return frozenset()
        words: set = set()
        for item in _texts(value, where, "gate"):
            m = _GATE_CLASS.match(item.strip())
            if m:
                if m.group(1) not in self.classes:
                    raise WordingError(f"{self.source}: {where}: gate names unknown word class {item}")
                words |= _words_of(self.classes[m.group(1)])
            elif " " in item.strip() or item != item.lower() or "{" in item:
                raise WordingError(
                    f"{self.source}: {where}: gate entry {item!r} must be one lowercase word or a {{{{word_class}}}}")
            else:
                words.add(item.strip())
        return frozenset(words)


def _examples(value: Any, where: str) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    if not isinstance(value, dict):
        raise WordingError(f"{where}: examples must be a mapping with match and no_match lists")
    _check_keys(value, {"match": True, "no_match": True}, f"{where} examples")
    match = value["match"] if isinstance(value["match"], list) else []
    no_match = value["no_match"] if isinstance(value["no_match"], list) else []
    if len(match) < MIN_MATCH_EXAMPLES or len(no_match) < MIN_NO_MATCH_EXAMPLES:
        raise WordingError(f"{where}: needs at least {MIN_MATCH_EXAMPLES} match and {MIN_NO_MATCH_EXAMPLES} "
                           f"no_match examples (has {len(match)} and {len(no_match)})")
    return (tuple(_texts(match, where, "examples.match")), tuple(_texts(no_match, where, "examples.no_match")))


def _flag(entry: Mapping[str, Any], key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise WordingError(f"{where}: {key} must be true or false")
    return value


def _classes_of(data: Any, source: str) -> Dict[str, Tuple[str, ...]]:
    if not isinstance(data, dict) or not data:
        raise WordingError(f"{source}: word_classes must be a mapping of class name to a list of words")
    out: Dict[str, Tuple[str, ...]] = {}
    for name, values in data.items():
        where = f"{source}: word class {name!r}"
        if not isinstance(name, str) or not _NAME.match(name) or name == "gap":
            raise WordingError(f"{where}: name must be lowercase letters, digits and _ (and not gap)")
        for phrase in _texts(values, where, "the list"):
            if phrase != phrase.lower() or "'" in phrase or "’" in phrase:
                raise WordingError(f"{where}: {phrase!r} must be lowercase without apostrophes (the scan drops them)")
        out[name] = tuple(str(v) for v in values)
    return out


def _fragments_of(data: Any, classes: Mapping[str, Any], source: str) -> Dict[str, str]:
    if not isinstance(data, dict):
        raise WordingError(f"{source}: fragments must be a mapping of name to a regex (or a list of alternatives)")
    out: Dict[str, str] = {}
    for name, value in data.items():
        where = f"{source}: fragment {name!r}"
        if not isinstance(name, str) or not _NAME.match(name) or name == "gap":
            raise WordingError(f"{where}: name must be lowercase letters, digits and _ (and not gap)")
        if name in classes:
            raise WordingError(f"{where}: the same name as a word class")
        if name in BUILT_IN_FRAGMENTS:
            raise WordingError(f"{where}: built in (one word of the same clause, from reading/clauses.py)")
        out[name] = "|".join(_texts(value, where, "the list")) if isinstance(value, list) else _text(value, where, "the value")
    for name in REQUIRED_FRAGMENTS:
        if name not in out:
            raise WordingError(f"{source}: fragments: missing {name} (the scan's code relies on it)")
    return {**BUILT_IN_FRAGMENTS, **out}


def _finding_sets_of(data: Any, source: str) -> Dict[str, FrozenSet[str]]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise WordingError(f"{source}: finding_sets must be a mapping of set name to a list of symptom ids")
    out: Dict[str, FrozenSet[str]] = {}
    for name, ids in data.items():
        where = f"{source}: finding set {name!r}"
        if not isinstance(name, str) or not _NAME.match(name) or name in SYMPTOMS:
            raise WordingError(f"{where}: name must be lowercase letters, digits and _ and not a symptom id")
        unknown = sorted(set(_texts(ids, where, "the list")) - SYMPTOMS)
        if unknown:
            raise WordingError(f"{where}: unknown symptom id(s) {', '.join(unknown)} (see actions/clinic/findings.py SYMPTOMS)")
        out[name] = frozenset(ids)
    return out


def _entry_id(entry: Any, kind: str, index: int, seen: Dict[str, str], source: str) -> str:
    if not isinstance(entry, dict):
        raise WordingError(f"{source}: {kind} #{index + 1} must be a mapping")
    rid = entry.get("id")
    if not isinstance(rid, str) or not _NAME.match(rid):
        raise WordingError(f"{source}: {kind} #{index + 1}: id must be lowercase letters, digits and _ (got {rid!r})")
    if rid in seen:
        raise WordingError(f"{source}: {kind} {rid!r}: duplicate id (also a {seen[rid]})")
    seen[rid] = kind
    return rid


def _rule_of(entry: Dict[str, Any], rid: str, x: _Expander) -> _Rule:
    where = f"rule {rid!r}"
    _check_keys(entry, _RULE_KEYS, f"{x.source}: {where}")
    finding = entry["finding"]
    if not isinstance(finding, dict) or len(finding) != 1:
        raise WordingError(f"{x.source}: {where}: finding must be one 'entity: id' pair, like {{symptom: weakness}}")
    (entity, cid), = finding.items()
    if entity not in FINDING_VOCABULARIES:
        raise WordingError(f"{x.source}: {where}: finding entity {entity!r} is not one of {', '.join(FINDING_VOCABULARIES)}")
    if cid not in FINDING_VOCABULARIES[entity]:
        raise WordingError(f"{x.source}: {where}: finding id {cid!r} is not a known {entity} id (see actions/clinic/findings.py)")
    means = _text(entry["means"], f"{x.source}: {where}", "means")
    pattern = x.compile(_texts(entry["any_of"], f"{x.source}: {where}", "any_of"), where)
    gap = _flag(entry, "negation_gap", f"{x.source}: {where}")
    if gap and "gap" not in pattern.groupindex:
        raise WordingError(f"{x.source}: {where}: negation_gap needs a (?P<gap>...) group in the pattern")
    match, no_match = _examples(entry["examples"], f"{x.source}: {where}")
    return _Rule(entity, cid, pattern, x.gate(entry.get("gate"), where), "gap" if gap else None,
                 _flag(entry, "benign_limb", f"{x.source}: {where}"), rid, means.strip(), match, no_match)


def _suppression_of(entry: Dict[str, Any], rid: str, x: _Expander, sets: Mapping[str, FrozenSet[str]]) -> _Suppress:
    where = f"suppression {rid!r}"
    _check_keys(entry, _SUPPRESSION_KEYS, f"{x.source}: {where}")
    names = entry["findings"]
    names = [names] if isinstance(names, str) else names
    cids: set = set()
    for name in _texts(names, f"{x.source}: {where}", "findings"):
        if name in sets:
            cids |= sets[name]
        elif name in SYMPTOMS:
            cids.add(name)
        else:
            raise WordingError(f"{x.source}: {where}: finding id {name!r} is not a symptom id or a finding set")
    means = _text(entry["means"], f"{x.source}: {where}", "means")
    pattern = x.compile(_texts(entry["any_of"], f"{x.source}: {where}", "any_of"), where)
    if entry["scope"] not in SCOPES:
        raise WordingError(f"{x.source}: {where}: scope must be one of {', '.join(SCOPES)}")
    if entry["action"] not in ACTIONS:
        raise WordingError(f"{x.source}: {where}: action must be one of {', '.join(ACTIONS)}")
    unless = None
    if entry.get("unless") is not None:
        unless = x.compile([_text(entry["unless"], f"{x.source}: {where}", "unless")], f"{where} unless")
    match, no_match = _examples(entry["examples"], f"{x.source}: {where}")
    return _Suppress(frozenset(cids), pattern, x.gate(entry.get("gate"), where), entry["scope"],
                     entry["action"] == "deny", unless, rid, means.strip(), match, no_match)


def compile_wording(data: Any, source: str = "red_flag_wording.yml") -> Wording:
    """Validate the parsed wording file and compile it; ``WordingError`` names what is wrong."""
    if not isinstance(data, dict):
        raise WordingError(f"{source}: the file must be a mapping with {', '.join(_TOP_KEYS)}")
    _check_keys(data, _TOP_KEYS, source)
    classes = _classes_of(data["word_classes"], source)
    x = _Expander(classes, _fragments_of(data["fragments"], classes, source), source)
    for name in x.fragments:
        x.fragment(name)
    sets = _finding_sets_of(data.get("finding_sets"), source)
    seen: Dict[str, str] = {}
    rules = tuple(_rule_of(e, _entry_id(e, "rule", i, seen, source), x)
                  for i, e in enumerate(_list(data["sign_rules"], source, "sign_rules")))
    sups = tuple(_suppression_of(e, _entry_id(e, "suppression", i, seen, source), x, sets)
                 for i, e in enumerate(_list(data["suppressions"], source, "suppressions")))
    return Wording(rules, sups, x.compile([x.fragment("benign_cause")], "fragment 'benign_cause'"), classes)


def _list(value: Any, source: str, field: str) -> List[Any]:
    if not isinstance(value, list) or not value:
        raise WordingError(f"{source}: {field} must be a non-empty list")
    return value


def load_wording(path: Union[str, Path, None] = None) -> Wording:
    """Read, validate and compile a wording file (default: the shipped one). Not cached."""
    path = Path(path) if path is not None else WORDING_PATH
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=loader)
    except (OSError, yaml.YAMLError) as error:
        raise WordingError(f"{path.name}: cannot read the file ({error})") from None
    return compile_wording(data, path.name)


@lru_cache(maxsize=1)
def _wording() -> Wording:
    return load_wording(WORDING_PATH)


def _rules() -> Tuple[_Rule, ...]:
    return _wording().rules


def _suppressions() -> Tuple[_Suppress, ...]:
    return _wording().suppressions


# --- running the rules ----------------------------------------------------------------------------------


def _clause_bounds(words: Sequence[str], starts: Sequence[int], pos: int, breaks: FrozenSet[str]) -> Tuple[int, int]:
    """Character bounds in the flat text of the clause/sentence around character ``pos``."""
    idx = 0  # the word containing pos
    for i, s in enumerate(starts):
        if s <= pos:
            idx = i
        else:
            break
    i = idx
    while i > 0 and words[i - 1] not in breaks:
        i -= 1
    lo_i = i
    j = idx
    while j < len(words) and words[j] not in breaks:
        j += 1
    hi_i = j
    lo = starts[lo_i] if lo_i < len(starts) else 0
    hi = (starts[hi_i - 1] + len(words[hi_i - 1])) if hi_i > 0 else 0
    return lo, hi


def _denied(match: re.Match, gap_group: Optional[str]) -> bool:
    if not gap_group:
        return False
    gap = match.group(gap_group) or ""
    return denies_between(gap.split())


def find(flat: str, words: Sequence[str], starts: Sequence[int]) -> List[Hit]:
    """All rule hits in ``flat`` (``words``/``starts``: its tokens and their offsets)."""
    wording = _wording()
    present = frozenset(words)
    hits: List[Hit] = []
    benign_clauses: Optional[List[Tuple[int, int]]] = None
    for rule in wording.rules:
        if rule.gate and not (rule.gate & present):
            continue
        for match in rule.pattern.finditer(flat):
            if rule.benign_limb:
                if benign_clauses is None:
                    benign_clauses = [
                        _clause_bounds(words, starts, m.start(), CLAUSE_BREAKS) for m in wording.benign_cause.finditer(flat)
                    ]
                if any(lo <= match.start() < hi for lo, hi in benign_clauses):
                    continue
            if rule.cid == "others_in_building_affected" and (
                _habitual_other(match, flat, words, starts) or _told_of_myself(match.group(0))
                or _written_for(match.group(0), flat)
            ):
                continue
            hits.append(Hit(rule.entity, rule.cid, match.start(), match.end(), _denied(match, rule.gap_group)))
    return hits


# "all" only as "all of us", "we all", "they all have": "driving all day" is not a shared cause
# "since" alone is not a shared cause ("my mum has had a headache since she came home from
# hospital" is the person asked about); a fuel-burning appliance is
_HOME_CUE = re.compile(r"\b(?:at home|in the house|in the flat|indoors|this week|lately|at the moment|right now|too|as well|also|all of (?:us|them|the family)|(?:we|they|you) all|all (?:have|had|got|get|feel|felt)|both|same|everyone|everybody|whole"
                       r"|boiler|heater|gas|fire|stove|cooker|generator|fumes|appliance|furnace|chimney|wood ?burner)\b")
_HABITUAL = re.compile(r"\b(?:gets?|getting|suffers?|always had|has always|keeps? (?:getting|having)|often|usually|regularly)\b")


_OWN_SUBJECT = re.compile(r"\b(?:and|but|so|then) (?:i|ive|im|id)\b")


def _told_of_myself(matched: str) -> bool:
    """ "I had my baby eight days ago and I've had a headache since": the headache is the writer's,
    a new subject after the person named; "my husband and I both have headaches" names them
    together (the first-person word right after them)."""
    for own in _OWN_SUBJECT.finditer(matched):
        if len(matched[:own.start()].split()) > 3:
            return True
    return False


# One person of the household named with the headache, and no word of the writer's own: the message
# is written for that person ("my flatmate has a stiff neck and a headache ... we're both freaking
# out"), the patient, not a second person at home with headaches (4.2 rf_carbon_monoxide: others).
_ONE_PERSON = re.compile(
    r"^(?:my |our |the )?(?:flatmate|housemate|roommate|room mate|husband|wife|partner|boyfriend|girlfriend|sister"
    r"|brother|mum|mom|dad|son|daughter|baby|lodger|grandma|grandad|nan|neighbou?r|neighbor)\b"
)
_OWN_HEADACHE = re.compile(
    r"\b(?:i|ive|im|id|i ve|i m)\b(?: \w+){0,4}? (?:headaches?|head ?aches?|migraines?)\b"
    r"|\bmy (?:head|headaches?|migraines?)\b|\b(?:me|myself) (?:too|as well|also)\b"
)


_MORE_PEOPLE = re.compile(r"\b(?:and (?:her|his|my|our|the|their|me|i)|both|all|too|as well|also|same)\b")


def _written_for(matched: str, flat: str) -> bool:
    one = bool(_ONE_PERSON.match(matched)) and not _MORE_PEOPLE.search(matched)
    return one and not _OWN_HEADACHE.search(flat)


def _habitual_other(match: re.Match, flat: str, words: Sequence[str], starts: Sequence[int]) -> bool:
    """ "my husband gets headaches too when he's stressed" is family history, not a shared cause."""
    lo, hi = _clause_bounds(words, starts, match.start(), CLAUSE_BREAKS)
    clause = flat[lo:hi]
    if re.search(r"\b(?:nobody|no one|noone|none of)\b", clause):
        return True
    habitual = _HABITUAL.search(match.group(0)) and re.search(r"\bwhen (?:he|she|they|hes|shes|theyre|we)\b", clause)
    home = re.search(r"\b(?:at home|in the house|in the flat|indoors|since|this week|lately|at the moment|right now)\b", clause)
    return bool(habitual and not home) or not _HOME_CUE.search(clause)


def _suppression_spans(rule: _Suppress, flat: str, words: Sequence[str], starts: Sequence[int]) -> Iterator[Suppression]:
    """Where one suppression applies (its gate is assumed checked)."""
    for match in rule.pattern.finditer(flat):
        if rule.scope == "span":
            lo, hi = match.start(), match.end()
        else:
            breaks = CLAUSE_BREAKS if rule.scope == "clause" else SENTENCE_BREAKS
            lo, hi = _clause_bounds(words, starts, match.start(), breaks)
        if rule.unless is not None and rule.unless.search(flat[lo:hi]):
            continue
        yield Suppression(rule.cids, lo, hi, rule.deny)


def suppressions(flat: str, words: Sequence[str], starts: Sequence[int]) -> List[Suppression]:
    """Spans where lexicon matches of some ids are idioms (drop) or stated absent (deny)."""
    present = frozenset(words)
    out: List[Suppression] = []
    for rule in _suppressions():
        if rule.gate and not (rule.gate & present):
            continue
        out.extend(_suppression_spans(rule, flat, words, starts))
    return out


def warm_up() -> None:
    """Load, validate and compile the wording file now (the first message should not pay for it)."""
    _wording()
