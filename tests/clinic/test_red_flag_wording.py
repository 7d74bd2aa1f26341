"""The red-flag wording file (data/kb/recognition/red_flag_wording.yml): it validates, every rule and
suppression does what its examples say, the scan reports each rule's finding for its match
examples, and the validator rejects malformed files with a message naming the rule."""
import copy

import pytest
import yaml

from actions.clinic.reading import wording
from actions.clinic.reading.wording import WORDING_PATH, WordingError, compile_wording, load_wording

from actions.clinic.reading import load_lexicon, scan
# the scan's own flattening: lowercase, apostrophes dropped, punctuation as tokens, typos fixed
from actions.clinic.reading.text import FlatText as _Flat

WORDING = load_wording()
RAW = yaml.safe_load(WORDING_PATH.read_text(encoding="utf-8"))


def _cases(entries, field):
    return [pytest.param(e, text, id=f"{e.id}: {text}") for e in entries for text in getattr(e, field)]


def _rule_fires_on(rule, text):
    flat = _Flat.of(text)
    return rule.pattern.search(flat.flat), flat


def _suppression_applies(sup, text):
    flat = _Flat.of(text)
    if sup.gate and not (sup.gate & set(flat.words)):
        return False
    return any(True for _ in wording._suppression_spans(sup, flat.flat, flat.words, flat.starts))


# --- (a) the shipped file ------------------------------------------------------------------------


def test_shipped_file_validates_and_is_what_the_scan_runs():
    assert WORDING.rules and WORDING.suppressions
    assert [r.id for r in wording._rules()] == [r.id for r in WORDING.rules]
    assert [s.id for s in wording._suppressions()] == [s.id for s in WORDING.suppressions]
    ids = [r.id for r in WORDING.rules] + [s.id for s in WORDING.suppressions]
    assert len(ids) == len(set(ids))
    for entry in WORDING.rules + WORDING.suppressions:
        assert len(entry.match_examples) >= 2 and entry.no_match_examples, entry.id
        assert "\n" not in entry.means, entry.id


def test_word_classes_live_only_in_the_wording_file():
    lexicon = yaml.safe_load((WORDING_PATH.parents[1] / "lexicon.yml").read_text(encoding="utf-8"))
    assert "red_flag_patterns" not in lexicon
    assert {"arm", "leg", "face", "weak", "numb", "household"} <= set(WORDING.classes)


def test_proximity_rules_still_see_a_negator_inside_the_span():
    flat = _Flat.of("my left arm is not weak")
    hits = wording.find(flat.flat, flat.words, flat.starts)
    assert [(h.cid, h.denied) for h in hits] == [("weakness", True)]


# --- (b) rule examples ----------------------------------------------------------------------------


@pytest.mark.parametrize("rule, text", _cases(WORDING.rules, "match_examples"))
def test_rule_matches_its_match_examples(rule, text):
    found, flat = _rule_fires_on(rule, text)
    assert found, f"rule {rule.id} does not match {flat.flat!r}"
    assert not rule.gate or rule.gate & set(flat.words), f"rule {rule.id}: {flat.flat!r} has none of its gate words"


@pytest.mark.parametrize("rule, text", _cases(WORDING.rules, "no_match_examples"))
def test_rule_does_not_match_its_no_match_examples(rule, text):
    found, flat = _rule_fires_on(rule, text)
    assert not found, f"rule {rule.id} matches {found.group(0)!r} in {flat.flat!r}"


# --- (c) suppression examples ---------------------------------------------------------------------


@pytest.mark.parametrize("sup, text", _cases(WORDING.suppressions, "match_examples"))
def test_suppression_applies_to_its_match_examples(sup, text):
    assert _suppression_applies(sup, text), f"suppression {sup.id} does not apply to {_Flat.of(text).flat!r}"


@pytest.mark.parametrize("sup, text", _cases(WORDING.suppressions, "no_match_examples"))
def test_suppression_does_not_apply_to_its_no_match_examples(sup, text):
    assert not _suppression_applies(sup, text), f"suppression {sup.id} applies to {_Flat.of(text).flat!r}"


# --- (d) the whole scan reports each rule's finding -------------------------------------------------


@pytest.mark.parametrize("rule, text", _cases(WORDING.rules, "match_examples"))
def test_scan_reports_the_finding_of_each_match_example(rule, text):
    findings = scan(text)
    if rule.entity == "symptom":
        # everyday wording of a sign (lexicon confirm_first, "I feel out of it") is reported as a
        # sign to ask about directly (4.3); any other wording as present
        everyday = any(" ".join(p) in _Flat.of(text).flat for p in load_lexicon().confirm_first.get(rule.cid, ()))
        reported = findings.symptoms | (findings.to_confirm if everyday else set())
        assert rule.cid in reported, f"{rule.id}: {text!r} -> {findings.to_dict()}"
    elif rule.entity == "onset":
        assert findings.onset == rule.cid, f"{rule.id}: {text!r} -> {findings.to_dict()}"
    else:
        assert rule.cid in findings.locations, f"{rule.id}: {text!r} -> {findings.to_dict()}"


# --- (e) the validator ----------------------------------------------------------------------------


def _rule(data, rid):
    return next(r for r in data["sign_rules"] if r["id"] == rid)


def _unknown_placeholder(data):
    _rule(data, "limb_then_weakness")["any_of"][0] = r"\b(?:{{armm}})\b weak\b"


def _missing_examples(data):
    _rule(data, "double_vision")["examples"]["match"] = ["I'm seeing double"]


def _no_examples(data):
    del _rule(data, "double_vision")["examples"]


def _duplicate_id(data):
    _rule(data, "went_blind")["id"] = "lost_sight"


def _bad_regex(data):
    _rule(data, "slurring")["any_of"].append(r"\b(?:slur")


def _unknown_finding(data):
    _rule(data, "floppy")["finding"] = {"symptom": "floppiness"}


def _unknown_entity(data):
    _rule(data, "floppy")["finding"] = {"mood": "very_unwell"}


def _unknown_key(data):
    _rule(data, "chest_hurts")["gates"] = ["chest"]


def _unknown_word_class_in_gate(data):
    _rule(data, "arm_then_tingling")["gate"] = ["{{arms}}"]


def _negation_gap_without_group(data):
    _rule(data, "keeps_dropping_things")["negation_gap"] = True


def _suppression_unknown_finding(data):
    data["suppressions"][0]["findings"] = ["confusion", "muddledness"]


def _suppression_bad_scope(data):
    data["suppressions"][0]["scope"] = "paragraph"


def _suppression_missing_action(data):
    del data["suppressions"][0]["action"]


BROKEN = [
    pytest.param(_unknown_placeholder, "limb_then_weakness", "unknown placeholder {{armm}}", id="unknown placeholder"),
    pytest.param(_missing_examples, "double_vision", "at least 2 match", id="too few match examples"),
    pytest.param(_no_examples, "double_vision", "missing examples", id="no examples"),
    pytest.param(_duplicate_id, "lost_sight", "duplicate id", id="duplicate id"),
    pytest.param(_bad_regex, "slurring", "does not compile", id="bad regex"),
    pytest.param(_unknown_finding, "floppy", "floppiness", id="unknown finding id"),
    pytest.param(_unknown_entity, "floppy", "mood", id="unknown finding entity"),
    pytest.param(_unknown_key, "chest_hurts", "unknown key(s) gates", id="unknown key"),
    pytest.param(_unknown_word_class_in_gate, "arm_then_tingling", "unknown word class", id="unknown gate class"),
    pytest.param(_negation_gap_without_group, "keeps_dropping_things", "(?P<gap>", id="negation_gap without group"),
    pytest.param(_suppression_unknown_finding, "confused_about_something", "muddledness", id="suppression unknown finding"),
    pytest.param(_suppression_bad_scope, "confused_about_something", "scope", id="suppression bad scope"),
    pytest.param(_suppression_missing_action, "confused_about_something", "missing action", id="suppression missing action"),
]


@pytest.mark.parametrize("break_it, names, says", BROKEN)
def test_validator_rejects_a_malformed_file_naming_the_rule(break_it, names, says):
    data = copy.deepcopy(RAW)
    break_it(data)
    with pytest.raises(WordingError) as raised:
        compile_wording(data)
    message = str(raised.value)
    assert repr(names) in message, message
    assert says in message, message


def test_validator_rejects_an_unknown_top_level_section_and_a_bad_word_class():
    data = copy.deepcopy(RAW)
    data["red_flag_patterns"] = {}
    with pytest.raises(WordingError, match="unknown key"):
        compile_wording(data)
    data = copy.deepcopy(RAW)
    data["word_classes"]["arm"].append("arm's")
    with pytest.raises(WordingError, match="word class 'arm'.*apostrophes"):
        compile_wording(data)


def test_validator_rejects_a_fragment_that_refers_to_itself():
    data = copy.deepcopy(RAW)
    data["fragments"]["pain"] = "(?:{{pain}}|ache)"
    with pytest.raises(WordingError, match="fragment 'pain' refers to itself"):
        compile_wording(data)


def test_a_file_that_cannot_be_read_is_a_wording_error(tmp_path):
    broken = tmp_path / "red_flag_wording.yml"
    broken.write_text("sign_rules: [unclosed\n", encoding="utf-8")
    with pytest.raises(WordingError, match="cannot read"):
        load_wording(broken)


def test_one_word_of_a_clause_is_the_clause_list_s_and_cannot_be_redefined():
    """{{word}} comes from reading/clauses.py (the one list of clause breaks), not from the file."""
    from actions.clinic.reading.clauses import CONTRAST_WORDS, WORD_IN_CLAUSE

    assert wording.BUILT_IN_FRAGMENTS["word"] == WORD_IN_CLAUSE
    assert all(word in WORD_IN_CLAUSE for word in CONTRAST_WORDS)
    data = copy.deepcopy(RAW)
    data["fragments"]["word"] = r"\w+"
    with pytest.raises(WordingError) as raised:
        compile_wording(data)
    assert "'word'" in str(raised.value) and "built in" in str(raised.value)


def test_recognition_files_are_not_read_as_rasa_training_data():
    """`rasa train` reads every YAML under data/: a top-level key it knows (rules, stories, nlu...)
    would make it validate a recognition file as training data and fail."""
    rasa_keys = {"version", "nlu", "rules", "stories", "responses", "intents", "entities", "slots", "forms",
                 "actions", "session_config", "e2e_actions"}
    for path in sorted(WORDING_PATH.parent.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert not rasa_keys & set(data), (path.name, rasa_keys & set(data))
