"""Knowledge base: completeness, accessors and schema errors that name the bad entry."""
from __future__ import annotations

import copy

import pytest
import yaml

from actions.clinic.findings import CONTRAINDICATIONS, HEADACHE_TYPES, RED_FLAGS, TECHNIQUES
from actions.clinic.kb import DEFAULT_PATH, KnowledgeError, load_knowledge, read_knowledge


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_every_id_has_an_entry():
    kb = load_knowledge()
    for tid in TECHNIQUES:
        assert kb.technique(tid)["name"]
    for type_id in HEADACHE_TYPES:
        assert kb.headache_type_info(type_id)["description"]
    for rf_id in RED_FLAGS:
        assert kb.red_flag_info(rf_id)["level"]
    for ci_id in CONTRAINDICATIONS:
        assert kb.contraindication_info(ci_id)["action"]


def test_loaded_once_per_process():
    assert load_knowledge() is load_knowledge()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Traeger", "trager_approach"),
        ("trager approach", "trager_approach"),
        ("TPT", "trigger_point_therapy"),
        ("Trigger-Point Therapy", "trigger_point_therapy"),
        ("cranial sacral", "craniosacral_therapy"),
        ("Cranio-Sacral", "craniosacral_therapy"),
        ("myofascial", "myofascial_release"),
        ("self massage", "self_massage"),
        ("Self-Massage", "self_massage"),
        ("acupressure", "shiatsu"),
        ("Swedish", "swedish_massage"),
        ("suboccipital inhibition", "suboccipital_release"),
        ("reiki", None),
    ],
)
def test_find_technique_by_name_or_alias(name, expected):
    assert load_knowledge().find_technique(name) == expected


def test_messages_carry_required_wording():
    kb = load_knowledge()
    emergency = kb.triage_message("emergency")
    assert "112" in emergency and "emergency department" in emergency and "Do not drive" in emergency
    assert "today" in kb.triage_message("urgent") and "999" in kb.triage_message("urgent")
    assert kb.disclaimer("000").endswith("In an emergency call 000.")
    assert kb.pattern_phrase("migraine") == "Your answers fit a pattern often seen in migraine."


def test_self_massage_routines_have_ordered_steps_and_stop_conditions():
    sm = load_knowledge().self_massage
    for routine in ("temples", "suboccipitals", "upper_trapezius"):
        assert len(sm["routines"][routine]["steps"]) >= 5
    assert any("vision" in s for s in sm["stop_conditions"])


def test_question_texts_and_buttons():
    questions = load_knowledge().questions
    for slot, info in questions.items():
        assert 3 <= len(info["buttons"]) <= 6, slot
        assert not any(b["payload"].startswith("/") for b in info["buttons"])


def _broken(raw, edit):
    data = copy.deepcopy(raw)
    edit(data)
    return data


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d["techniques"]["shiatsu"].pop("evidence"), "techniques.shiatsu.evidence: missing"),
        (lambda d: d["techniques"]["shiatsu"]["evidence"].update(grade="great"), "techniques.shiatsu.evidence.grade"),
        (lambda d: d["techniques"].pop("trager_approach"), "techniques.trager_approach: missing"),
        (lambda d: d["techniques"]["swedish_massage"].update(aliases="swedish"), "techniques.swedish_massage.aliases"),
        (
            lambda d: d["techniques"]["self_massage"]["contraindications"]["removed_by"].append("ci_bogus"),
            "techniques.self_massage.contraindications.removed_by: unknown id 'ci_bogus'",
        ),
        (lambda d: d["red_flags"]["rf_gca"].update(level="soon"), "red_flags.rf_gca.level"),
        (lambda d: d["red_flags"].pop("rf_seizure"), "red_flags.rf_seizure: missing"),
        (lambda d: d["headache_types"]["migraine"].pop("name"), "headache_types.migraine.name: missing"),
        (lambda d: d["questions"]["age"]["buttons"][0].pop("payload"), "questions.age.buttons[0].payload: missing"),
        (lambda d: d["self_massage"]["routines"].pop("temples"), "self_massage.routines.temples"),
        (lambda d: d["messages"]["triage"].pop("urgent"), "messages.triage.urgent: missing"),
    ],
)
def test_schema_errors_name_entry_and_field(raw, tmp_path, edit, message):
    path = tmp_path / "knowledge.yml"
    path.write_text(yaml.safe_dump(_broken(raw, edit)), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        read_knowledge(path)
    assert message in str(error.value)


def test_valid_copy_loads_from_a_given_path(raw, tmp_path):
    path = tmp_path / "knowledge.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert read_knowledge(path).technique("shiatsu")["name"] == "Shiatsu"
