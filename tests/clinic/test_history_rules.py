"""History and contraindication cues as reviewed data (data/kb/recognition/history_rules.yml,
actions/clinic/reading/history.py): the shipped file validates, every example behaves as written,
the scan records each match example, and malformed files are refused naming the rule."""
import copy
import re

import pytest

from actions.clinic.reading import history as history_rules
from actions.clinic.reading import scan
from actions.clinic.reading.text import FlatText
from actions.clinic.findings import Findings
from actions.clinic.reading.history import HistoryRulesError

BOOK = history_rules.rule_book()
PATTERNS = {rule.cid: rule.pattern for rule in BOOK.history + BOOK.contra}


def flat(text: str) -> str:
    """The text as the scan's rules see it (the scan's own flattening, typo corrections included)."""
    return FlatText.of(text).flat


def _examples(field: str):
    return [
        pytest.param(entry.cid, text, id=f"{entry.cid}-{n}")
        for entry in BOOK.entries
        for n, text in enumerate(getattr(entry, field), 1)
    ]


# --- the shipped file ---------------------------------------------------------------------------


def test_shipped_file_validates_and_loads_once():
    history_rules.validate(history_rules.read())
    assert history_rules.rule_book() is BOOK  # cached
    assert len(BOOK.history) >= 27 and len(BOOK.contra) >= 6
    assert all(rule.kind == "history" for rule in BOOK.history)
    assert all(rule.kind == "contra" for rule in BOOK.contra)
    assert [e.cid for e in BOOK.entries] == [r.cid for r in BOOK.history + BOOK.contra]
    assert all(len(e.match) >= 2 and len(e.no_match) >= 1 and e.means for e in BOOK.entries)


def test_module_level_constants_are_the_cached_rules():
    assert history_rules.HISTORY_RULES == BOOK.history == history_rules.history_rules()
    assert history_rules.CONTRA_RULES == BOOK.contra == history_rules.contra_rules()
    with pytest.raises(AttributeError):
        history_rules.NO_SUCH_RULES  # noqa: B018


@pytest.mark.parametrize("cid, text", _examples("match"))
def test_match_examples_match(cid, text):
    assert PATTERNS[cid].search(flat(text)), f"{cid} should match {text!r} (flattened: {flat(text)!r})"


@pytest.mark.parametrize("cid, text", _examples("no_match"))
def test_no_match_examples_do_not_match(cid, text):
    found = PATTERNS[cid].search(flat(text))
    assert not found, f"{cid} should not match {text!r}, but found {found.group()!r}"


def _recorded(cid: str, findings: Findings) -> bool:
    """Whether the scan recorded the finding of rule ``cid`` (where its handler puts it)."""
    if cid == "neck_injury":  # dated into a recent or a past neck injury, and a trigger
        return "neck_injury" in findings.triggers and bool({"neck_injury_recent", "neck_injury_past"} & findings.history)
    if cid == "neck_manipulation":
        return "ci_neck_manipulation" in findings.contraindications
    if cid == "pregnant":
        return findings.pregnant is True and "pregnant" in findings.history
    if cid.startswith("ci_"):
        return cid in findings.contraindications
    return cid in findings.history


@pytest.mark.parametrize("cid, text", _examples("match"))
def test_scan_records_each_match_example(cid, text):
    # a worsening said with no time is dated by the progression question (scan._worsening_undated):
    # the wording is recognised where that question frames the last three months
    findings = scan(text, answer_slot="progression" if cid == "progressive" else None)
    assert _recorded(cid, findings), f"scan({text!r}) did not record {cid}: {findings.to_dict()}"


def test_history_pattern_reads_a_blood_pressure_reading():
    pattern = history_rules.history_pattern("high_blood_pressure")
    assert pattern.search("bp was 190/110")
    assert pattern.search(flat("My BP was 190/110 at the pharmacy"))
    assert not pattern.search("bp was 120/80")
    with pytest.raises(KeyError, match="no_such_finding"):
        history_rules.history_pattern("no_such_finding")


# --- the validator ------------------------------------------------------------------------------


def _valid():
    return {
        "history": [
            {
                "id": "anticoagulant",
                "means": "taking a blood thinner (4.2)",
                "any_of": ["blood thinners?", "warfarin"],
                "examples": {"match": ["i take warfarin", "on blood thinners"], "no_match": ["an aspirin"]},
            },
            {
                "id": "fuel_appliance",
                "means": "a gas fire at home (4.2: rf_carbon_monoxide)",
                "any_of": ["gas fire", "boiler"],
                "examples": {"match": ["a gas fire", "the boiler"], "no_match": ["a hot room"]},
            },
        ],
        "contraindications": [
            {
                "id": "ci_dvt",
                "means": "a blood clot (5.2)",
                "any_of": ["dvt", "blood clots?"],
                "examples": {"match": ["i had a dvt", "a blood clot"], "no_match": ["clotting test"]},
            }
        ],
    }


def _rule(data, cid="anticoagulant"):
    return next(r for section in ("history", "contraindications") for r in data[section] if r["id"] == cid)


def test_minimal_data_validates_and_builds():
    book = history_rules.build(_valid())
    assert [r.cid for r in book.history] == ["anticoagulant", "fuel_appliance"]
    assert book.history[0].pattern.pattern == r"\b(?:blood thinners?|warfarin)\b"
    assert [r.kind for r in book.contra] == ["contra"]


def test_fragments_are_filled_in():
    data = _valid()
    data["fragments"] = {"drug": "(?:warfarin|apixaban)"}
    _rule(data)["any_of"] = ["blood thinners?", "on {{drug}}"]
    book = history_rules.build(data)
    assert book.history[0].pattern.pattern == r"\b(?:blood thinners?|on (?:warfarin|apixaban))\b"
    assert book.entries[0].any_of[1] == "on (?:warfarin|apixaban)"


def _set(cid, key, value):
    """Set ``key`` of rule ``cid`` (or of the whole file when ``cid`` is None)."""
    def mutate(data):
        (data if cid is None else _rule(data, cid))[key] = value
    return mutate


def _delete(cid, key):
    def mutate(data):
        del _rule(data, cid)[key]
    return mutate


def _duplicate_id(data):
    data["history"][1]["id"] = "anticoagulant"


def _unused_fragment(data):
    data["fragments"] = {"weekday": "(?:monday|tuesday)"}


BAD_DATA = [
    pytest.param(_set("anticoagulant", "exmples", {}), ["'anticoagulant'", "unknown key", "exmples"], id="unknown-rule-key"),
    pytest.param(_set(None, "surprise", 1), ["unknown top-level key", "surprise"], id="unknown-top-level-key"),
    pytest.param(_delete("anticoagulant", "means"), ["'anticoagulant'", "missing means"], id="missing-means"),
    pytest.param(_delete("ci_dvt", "examples"), ["'ci_dvt'", "missing examples"], id="missing-examples"),
    pytest.param(_duplicate_id, ["'anticoagulant'", "duplicate id"], id="duplicate-id"),
    pytest.param(_set("anticoagulant", "id", "anticoagulants"), ["'anticoagulants'", "not a known history finding"], id="unknown-history-id"),
    pytest.param(_set("ci_dvt", "id", "ci_clot"), ["'ci_clot'", "not a known contraindication"], id="unknown-contra-id"),
    pytest.param(_set("anticoagulant", "any_of", ["on {{drug}}"]), ["'anticoagulant'", "unknown fragment", "{{drug}}"], id="unknown-placeholder"),
    pytest.param(_set("anticoagulant", "any_of", ["warfarin("]), ["'anticoagulant'", "any_of[1]", "not a valid pattern"], id="regex-does-not-compile"),
    pytest.param(_set("anticoagulant", "any_of", ["warfarin", "(?:heparin)?"]), ["'anticoagulant'", "any_of[2]", "empty text"], id="matches-empty-text"),
    pytest.param(_set("anticoagulant", "any_of", ["warfarin", "warfarin"]), ["'anticoagulant'", "listed twice"], id="duplicate-wording"),
    pytest.param(_set("anticoagulant", "any_of", ["warfarin "]), ["'anticoagulant'", "space"], id="wording-with-trailing-space"),
    pytest.param(_set("anticoagulant", "any_of", ["warfarin", True]), ["'anticoagulant'", "any_of[2]", "quote it"], id="unquoted-yes"),
    pytest.param(_set("anticoagulant", "any_of", []), ["'anticoagulant'", "any_of", "at least 1"], id="empty-any-of"),
    pytest.param(_set("anticoagulant", "means", "line one\nline two"), ["'anticoagulant'", "means", "one line"], id="means-two-lines"),
    pytest.param(_set("anticoagulant", "examples", {"match": ["i take warfarin"], "no_match": ["x"]}), ["'anticoagulant'", "examples.match", "at least 2"], id="too-few-match-examples"),
    pytest.param(_set("ci_dvt", "examples", {"match": ["a dvt", "a clot"], "no_match": []}), ["'ci_dvt'", "examples.no_match", "at least 1"], id="no-no-match-example"),
    pytest.param(_set("ci_dvt", "examples", {"match": ["a dvt", "a clot"], "no_match": ["x"], "maybe": ["y"]}), ["'ci_dvt'", "unknown key", "maybe"], id="unknown-example-key"),
    pytest.param(_set("ci_dvt", "examples", {"match": ["a dvt", "a clot"], "no_match": ["a dvt"]}), ["'ci_dvt'", "both a match and a no_match"], id="example-in-both-lists"),
    pytest.param(_unused_fragment, ["fragments", "weekday", "not used"], id="unused-fragment"),
    pytest.param(_set(None, "fragments", {"Bad Name": "x"}), ["fragments", "not a valid name"], id="bad-fragment-name"),
    pytest.param(_set(None, "history", []), ["history", "non-empty list"], id="empty-section"),
]


@pytest.mark.parametrize("mutate, expected", BAD_DATA)
def test_validator_rejects_malformed_data(mutate, expected):
    data = copy.deepcopy(_valid())
    mutate(data)
    with pytest.raises(HistoryRulesError) as raised:
        history_rules.validate(data)
    for part in expected:
        assert part in str(raised.value), f"{part!r} not in {str(raised.value)!r}"


def test_validator_rejects_a_non_mapping_file():
    with pytest.raises(HistoryRulesError, match="top-level keys"):
        history_rules.validate(["history"])


def test_load_refuses_a_key_given_twice_and_names_the_file(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(
        "history:\n"
        "  - id: anticoagulant\n"
        "    means: blood thinners\n"
        "    means: again\n"
        "    any_of: ['warfarin']\n"
        "    examples: {match: ['warfarin', 'on warfarin'], no_match: ['aspirin']}\n",
        encoding="utf-8",
    )
    with pytest.raises(HistoryRulesError, match=re.escape(f"{path}: line 4: key 'means' is given twice")):
        history_rules.load(path)


def test_load_names_the_file_and_rule_on_a_bad_regex(tmp_path):
    text = history_rules.DEFAULT_PATH.read_text(encoding="utf-8").replace("- 'warfarin'", "- 'warfarin('", 1)
    path = tmp_path / "history_rules.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HistoryRulesError, match=r"history_rules\.yml: history rule 'anticoagulant': any_of\[\d+\]"):
        history_rules.load(path)
