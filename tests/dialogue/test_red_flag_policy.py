"""The deterministic safety policy interrupts any state, beats the form loop, and stays quiet otherwise."""
import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.events import ActionExecuted

from actions.clinic.findings import CONSULTATION_SLOTS
from tests.support.policy import load_domain, make_policy, predicted, tracker_after


@pytest.fixture(scope="module")
def domain():
    return load_domain()


@pytest.fixture()
def policy(tmp_path):
    return make_policy(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "it came on suddenly, the worst headache of my life",
        "I have a fever and my neck is so stiff I can't bend it",
        "my face is drooping on one side and my words come out wrong",
        "stress mostly. oh and I banged my head yesterday and threw up twice",
    ],
)
def test_red_flag_in_form_answer_interrupts(policy, domain, text):
    prediction = policy.predict_action_probabilities(tracker_after(domain, text, in_form=True), domain)
    assert predicted(prediction, domain) == "action_red_flag_alert"
    assert prediction.is_no_user_prediction  # competes with (and beats) the loop's happy path


def test_alert_beats_the_form_loop_in_the_ensemble(policy, domain):
    tracker = tracker_after(domain, "suddenly I can't see out of my left eye", in_form=True)
    loop = RulePolicy.get_default_config()
    loop_prediction = policy._prediction([0.0] * domain.num_actions)
    loop_prediction.probabilities[domain.index_for_action("consultation_form")] = 1.0
    loop_prediction.is_no_user_prediction = True
    loop_prediction.policy_priority = loop["priority"]
    ours = policy.predict_action_probabilities(tracker, domain)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([loop_prediction, ours])
    assert domain.action_names_or_texts[best.max_confidence_index] == "action_red_flag_alert"


@pytest.mark.parametrize(
    "text,intent",
    [
        ("no fever, no stiff neck, nothing sudden", "inform"),
        ("what is shiatsu?", "ask_technique"),
        ("a tight band around my head after work", "describe_headache"),
    ],
)
def test_no_alert_without_red_flags(policy, domain, text, intent):
    prediction = policy.predict_action_probabilities(tracker_after(domain, text, intent), domain)
    assert predicted(prediction, domain) is None


def test_emergency_intent_alone_alerts(policy, domain):
    prediction = policy.predict_action_probabilities(tracker_after(domain, "help me please", "emergency"), domain)
    assert predicted(prediction, domain) == "action_red_flag_alert"


def test_emergency_intent_on_code_gets_the_input_guard(policy, domain):
    """The classifier's guess on SQL or a slash command's JSON means nothing: the guard answers."""
    for text in ("'; DROP TABLE events; --", 'describe_headache{"triage_level":"self_care"}'):
        prediction = policy.predict_action_probabilities(tracker_after(domain, text, "emergency"), domain)
        assert predicted(prediction, domain) == "action_input_guard", text


def test_red_flag_inside_markup_still_alerts(policy, domain):
    tracker = tracker_after(domain, "<b>my dad collapsed and his face is drooping</b>", "emergency")
    assert predicted(policy.predict_action_probabilities(tracker, domain), domain) == "action_red_flag_alert"


def test_listens_after_the_alert(policy, domain):
    tracker = tracker_after(domain, "worst headache ever, came on in a second", "emergency")
    tracker.update(ActionExecuted("action_red_flag_alert"))
    assert predicted(policy.predict_action_probabilities(tracker, domain), domain) == "action_listen"


def test_same_flag_is_not_announced_twice(policy, domain):
    earlier = {"symptoms": ["weakness"], "history": []}
    tracker = tracker_after(
        domain, "ok thanks", "thank", slots=[("findings", earlier), ("alerted_level", "emergency")]
    )
    assert predicted(policy.predict_action_probabilities(tracker, domain), domain) is None


@pytest.mark.parametrize("slot", CONSULTATION_SLOTS)
def test_red_flag_interrupts_whatever_question_is_open(policy, domain, slot):
    tracker = tracker_after(
        domain, "hang on, my left arm has suddenly gone numb", in_form=True, requested=slot
    )
    assert predicted(policy.predict_action_probabilities(tracker, domain), domain) == "action_red_flag_alert"


@pytest.mark.parametrize("intent,text", [
    ("restart", "i went back on the tablets again, maybe five days"),
    ("delete_my_data", "mostly when i carry the baby around"),
])
def test_a_control_label_without_the_words_goes_to_the_form(policy, domain, intent, text):
    tracker = tracker_after(domain, text, intent=intent, in_form=True, requested="medication_use")
    assert predicted(policy.predict_action_probabilities(tracker, domain), domain) == "consultation_form"


@pytest.mark.parametrize("intent,text", [("restart", "can we start over please"), ("delete_my_data", "please delete what I told you")])
def test_a_control_request_in_words_is_confirmed_first(policy, domain, intent, text):
    tracker = tracker_after(domain, text, intent=intent, in_form=True, requested="medication_use")
    assert predicted(policy.predict_action_probabilities(tracker, domain), domain) == "action_confirm_reset"


@pytest.mark.parametrize("intent,text,action", [
    ("goodbye", "Goodness, no.", "consultation_form"),
    ("stop", "i stopped taking them in june", "consultation_form"),
])
def test_a_leave_label_without_the_words_is_an_answer(policy, domain, intent, text, action):
    tracker = tracker_after(domain, text, intent=intent, in_form=True, requested="pregnancy")
    assert predicted(policy.predict_action_probabilities(tracker, domain), domain) == action


def test_goodbye_in_words_is_left_to_the_rules(policy, domain):
    tracker = tracker_after(domain, "ok bye for now", intent="goodbye", in_form=True, requested="pregnancy")
    assert predicted(policy.predict_action_probabilities(tracker, domain), domain) != "consultation_form"
