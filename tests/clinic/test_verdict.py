"""The one safety verdict per message: what interrupts, what asks the emergency screen, what goes on.

The NLU extractor, the dialogue policy, the alert action, the reply guard and the kiosk all take
their decision from ``actions.clinic.verdict``; the last test checks that no other module decides
a level.
"""
import ast
from pathlib import Path

import pytest

from actions.clinic.findings import Findings
from actions.clinic.verdict import (
    ALERT,
    ASK_EMERGENCY_SCREEN,
    CONTINUE,
    Context,
    emergency_flags,
    learned_intent,
    message_level,
    verdict,
)
from tests.support.nlu_data import ROOT, held_out_files, labelled_examples, training_files


# --- each flag: stated, denied, hedged, historical -------------------------------------------------
FLAG_WORDING = [
    # (message, the flag it shows or None, the level it alerts at or None)
    ("it hit me like a thunderbolt, the worst headache of my life, at its worst within a minute", "rf_thunderclap", "emergency"),
    ("no sudden onset, it crept up over the afternoon like they always do", None, None),
    ("my left arm went weak and my speech is slurred since this morning", "rf_neuro_deficit", "emergency"),
    ("no weakness, no numbness, no trouble talking", None, None),
    ("i've got a high temperature and i can't bend my neck forward", "rf_fever_meningism", "emergency"),
    ("no fever and my neck moves fine", None, None),
    ("i had a fit this morning, never had one before", "rf_seizure", "emergency"),
    ("i fell off a ladder and banged my head, been sick twice since", "rf_head_injury_severe", "emergency"),
    ("i'm 34 weeks pregnant, my face and hands are puffy and i see flashing spots", "rf_preeclampsia", "emergency"),
]


@pytest.mark.parametrize("text,flag,level", FLAG_WORDING)
def test_each_flag_alerts_when_stated_and_not_when_denied(text, flag, level):
    found = verdict(text)
    assert (flag in {f.id for f in found.flags}) if flag else not found.flags
    assert found.level == level
    assert found.next == (ALERT if level else CONTINUE)
    if flag:
        assert found.evidence and all(part in text for part in found.evidence)


@pytest.mark.parametrize("text", [
    "i get zigzag lights before my migraines, have done for years, same every time",
    "i've had these one-sided eye-watering attacks every spring for years",
    "i'm 63 and i've had tension headaches since my twenties, same as always",
    "i keep googling brain tumours",
])
def test_historical_and_everyday_wording_does_not_alert(text):
    assert verdict(text).next == CONTINUE


def test_hedged_sign_is_confirmed_not_alerted():
    # everyday words that may mean a red flag are confirmed with one direct question (4.3)
    found = verdict("i can't remember the last time i slept properly")
    assert found.next == CONTINUE


def test_not_sure_to_an_asked_sign_counts_as_yes():
    assert message_level(None) is None
    known = Findings(uncertain={"weakness"}).to_dict()
    assert verdict("ok", context=Context(findings=known)).level == "emergency"  # not announced yet
    assert verdict("ok", context=Context(findings=known, alerted_level="emergency")).next == CONTINUE
    assert verdict("ok", context=Context(findings=None)).next == CONTINUE
    found = verdict("not sure", context=Context(findings=Findings(to_confirm={"weakness"}).to_dict(), pending="flag_check"))
    assert found.next == ALERT and found.level == "emergency"


# --- context: once announced, not again; a new flag alerts again --------------------------------
def test_a_new_flag_alerts_again_but_repetition_does_not():
    known = Findings(symptoms={"weakness"}).to_dict()
    assert verdict("ok thanks", intent="thank", context=Context(findings=known, alerted_level="emergency")).next == CONTINUE
    again = verdict("and i had a fit", intent="inform", context=Context(findings=known, alerted_level="emergency"))
    assert again.next == ALERT and again.new_flags == ("rf_seizure",)


def test_a_rising_level_alerts():
    known = Findings(symptoms={"jaw_pain_chewing"}, new_headache=True, age=70).to_dict()
    found = verdict("and my arm has gone numb", context=Context(findings=known, alerted_level="urgent"))
    assert found.next == ALERT and found.level == "emergency"


def test_entities_alone_can_raise_an_alert():
    entities = [{"entity": "symptom", "value": "numbness"}]
    assert verdict(None, entities).level == "emergency"
    negated = [{"entity": "symptom", "value": "numbness", "role": "negated"}]
    assert verdict(None, negated).level is None


# --- the classifier's `emergency` is a guess, not a finding ---------------------------------------
def test_classifier_only_emergency_asks_the_screen():
    found = verdict("i don't feel right at all", intent="emergency")
    assert found.next == ASK_EMERGENCY_SCREEN and found.classifier_only and found.level is None


def test_a_request_for_emergency_help_alerts():
    found = verdict("please call an ambulance", intent="emergency")
    assert found.next == ALERT and found.level == "emergency" and found.reason == "emergency_request"


def test_the_screen_answer_and_a_third_guess_are_answers():
    assert verdict("hmm i'm not really sure what you mean", intent="emergency",
                   context=Context(pending="red_flags")).next == CONTINUE
    assert verdict("i don't feel right at all", intent="emergency", context=Context(screen_asks=2)).next == CONTINUE


def test_an_urgent_flag_with_the_classifiers_emergency_is_announced_and_the_screen_goes_on():
    found = verdict("I'm 67, this headache is new, my scalp is tender and it hurts to chew", intent="emergency")
    assert found.next == ALERT and found.level == "urgent" and found.classifier_only


def test_after_an_urgent_alert_a_repeated_guess_answers_the_pending_question():
    known = verdict("I'm 67, this headache is new, my scalp is tender and it hurts to chew").findings.to_dict()
    found = verdict("it's a dull ache", intent="emergency",
                    context=Context(findings=known, pending="pain_quality", alerted_level="urgent"))
    assert found.next == CONTINUE


def test_after_a_negative_screen_a_guess_does_not_override_a_readable_answer():
    """The screen was answered "none"; a learned emergency guess on a message that answers the
    question asked ("looking up at shelves, reversing the car" to "what brings it on?") is read
    as that answer, and the same screen is not asked again (4.3: a learned guess is not a finding)."""
    known = verdict("none of those", context=Context(pending="red_flags")).findings.to_dict()
    assert known.get("red_flag_screen_negative") is True
    found = verdict("craning my neck up at the top shelves, and reversing out of the drive", intent="emergency",
                    context=Context(findings=known, pending="triggers"))
    assert found.next == CONTINUE and found.level is None
    # words that do not answer the question asked still get the screen (the guess is checked)
    unsure = verdict("i don't feel right at all", intent="emergency", context=Context(findings=known, pending="triggers"))
    assert unsure.next != CONTINUE or unsure.level is not None


def test_dose_questions_and_code_taken_for_emergencies_get_their_fixed_answer():
    assert verdict("can i take 6 nurofen at once?", intent="emergency").next == CONTINUE
    assert verdict("'; DROP TABLE events; --", intent="emergency").next == CONTINUE


def test_a_label_the_nlu_rules_set_is_read_again_in_context():
    parse = {"headease_red_flags": {"found": ["rf_thunderclap"], "classified_as": "inform"}}
    assert learned_intent("emergency", parse) == "inform"
    assert learned_intent("emergency", {}) == "emergency"


# The intent classifier labels these "emergency": lists of ordinary attack symptoms. The message
# itself explains them completely, so they are read as details, not asked about.
ORDINARY_LISTS = [
    "i feel sick and light bothers me",
    "i feel sick and lights bother me",
    "i feel sick and sound bothers me",
    "i feel sick and cant stand the light",
    "i feel sick and i throw up",
    "i throw up and light hurts",
    "light and noise bother me and i feel sick",
    "i feel sick and light and sound bother me",
    "it pounds and i feel sick and light bothers me",
    "throbbing on one side and i feel sick",
    "no weakness or numbness, i just feel sick",
]


@pytest.mark.parametrize("text", ORDINARY_LISTS)
def test_emergency_guess_on_ordinary_symptoms_is_set_aside(text):
    found = verdict(text, intent="emergency")
    assert found.next == CONTINUE and found.reason == "answer"


@pytest.mark.parametrize(
    "text",
    [
        "help me please",
        "i think i'm dying",
        "i feel sick and something is really wrong",
        "i feel sick and my neck is stiff",  # a red-flag sign, even without the fever yet
        "i feel sick and dizzy",
        "my face hurts and i feel sick",
        "my neck hurts and i feel sick",
        "i feel terrible and sick",
        "the pain is unbearable and i feel sick",
        "i feel sick and maybe a bit numb",
        "i feel sick and it came on suddenly",
        "i feel sick and i'm pregnant",
        "i feel sick and light bothers me, i banged my head yesterday",
        "",
    ],
)
def test_emergency_guess_stands_when_the_message_is_not_fully_ordinary(text):
    assert verdict(text, intent="emergency").next in (ALERT, ASK_EMERGENCY_SCREEN)


def test_emergency_guess_stands_when_what_is_known_already_alerts():
    assert verdict("i feel sick", intent="emergency").next == CONTINUE
    known = Findings(uncertain={"weakness"}).to_dict()
    assert verdict("i feel sick", intent="emergency", context=Context(findings=known)).next != CONTINUE


def _emergency_examples():
    dev = sorted((ROOT / "tests" / "nlu" / "dev").glob("*.yml"))
    return [t for i, t in labelled_examples(training_files() + dev + held_out_files()) if i == "emergency"]


def test_no_emergency_example_is_ever_set_aside():
    """Every message labelled `emergency` in the NLU data gets the advice or the screen question."""
    texts = _emergency_examples()
    assert len(texts) > 100
    assert [t for t in texts if verdict(t, intent="emergency").next == CONTINUE] == []


def test_nlu_emergency_label_is_the_verdicts():
    assert emergency_flags("the worst headache of my life came on in seconds") == ["rf_thunderclap"]
    assert emergency_flags("my usual migraine, no weakness") == []


# --- one place ------------------------------------------------------------------------------------
DECIDERS = {"screen", "alert_hits", "alert_level", "unsettled"}
# The clinical core's own modules that compute levels: the screen, the verdict, the final
# assessment (engine) and the question planner (which asks what would settle a flag).
ALLOWED = {"actions/clinic/redflags.py", "actions/clinic/safety.py", "actions/clinic/verdict.py",
           "actions/clinic/engine.py", "actions/clinic/questions.py"}
PRODUCT_DIRS = ("actions", "headease_nlu", "headease_policies", "kiosk", "channels", "headease_store", "web", "scripts", "bench")


def test_no_other_module_decides_a_level():
    offenders = []
    for folder in PRODUCT_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ALLOWED:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                name = None
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
                if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(("redflags", "safety")):
                    name = next((a.name for a in node.names if a.name in DECIDERS), None)
                if name in DECIDERS:
                    offenders.append(f"{rel}:{node.lineno} {name}")
    assert offenders == []
    # and no second table of emergency wording outside the clinical core
    for path in sorted((ROOT / "headease_nlu").glob("*.py")):
        nlu = path.read_text(encoding="utf-8")
        assert "EMERGENCY_ALONE" not in nlu and "EMERGENCY_PAIRS" not in nlu, path.name


def test_a_tag_does_not_put_back_what_the_reader_set_aside():
    """The entity extractor tags "pins and needles" as a sensory aura; the reader read on ("they
    haven't spread") and set it aside: the tag does not put it back (one reader decides)."""
    from actions.clinic.safety import findings_with_message

    text = "the pins and needles come and go, they haven't spread"
    entities = [{"entity": "symptom", "value": "aura_sensory", "start": 4, "end": 20}]
    assert "aura_sensory" not in findings_with_message(None, text, entities).symptoms
