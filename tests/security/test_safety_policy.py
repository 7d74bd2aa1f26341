"""The safety policy's input-safety duties: crisis guidance first on every turn, then red flags,
then fixed answers for messages the NLU cannot be trusted with (after which a form resumes)."""
import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

from tests.support.policy import load_domain, make_policy, tracker_after


@pytest.fixture(scope="module")
def domain():
    return load_domain()


@pytest.fixture()
def policy(tmp_path):
    return make_policy(tmp_path)


def predict(policy, domain, tracker):
    prediction = policy.predict_action_probabilities(tracker, domain)
    name = domain.action_names_or_texts[prediction.max_confidence_index] if prediction.max_confidence else None
    return name, prediction


@pytest.mark.parametrize("in_form", [False, True])
@pytest.mark.parametrize(
    "text,intent",
    [
        ("I want to end it all", "out_of_scope"),
        ("I'm going to kill myself", "emergency"),
        ("no point living with this pain", "describe_headache"),
        # crisis beats a red flag in the same message
        ("worst headache of my life, came on in a second, I just want to die", "emergency"),
        # and a slash command cannot hide it (the channel strips the slash; the policy reads the text)
        ("affirm I don't want to live anymore", "affirm"),
    ],
)
def test_crisis_comes_first(policy, domain, text, intent, in_form):
    name, prediction = predict(policy, domain, tracker_after(domain, text, intent, in_form))
    assert name == "action_crisis_support"
    assert prediction.is_no_user_prediction


def test_crisis_guidance_on_every_turn(policy, domain):
    tracker = tracker_after(
        domain, "I want to end it all", "out_of_scope",
        slots=[("alerted_level", "emergency"), ("findings", {"symptoms": ["weakness"], "history": []})],
    )
    tracker.update(ActionExecuted("action_crisis_support"))
    assert predict(policy, domain, tracker)[0] == "action_listen"
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("I really want to end it all", intent={"name": "out_of_scope", "confidence": 1.0}))
    assert predict(policy, domain, tracker)[0] == "action_crisis_support"


def _after_the_offer(domain, reply, intent="affirm", offered=True, between=()):
    tracker = tracker_after(domain, "i literally want to die, this headache is so bad", "out_of_scope")
    tracker.update(ActionExecuted("action_crisis_support"))
    tracker.update(SlotSet("check_offered", offered))
    for name in between:
        tracker.update(ActionExecuted(name))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(reply, intent={"name": intent, "confidence": 0.9}))
    return tracker


@pytest.mark.parametrize("reply,intent", [
    ("yes, go on with the headache check", "affirm"), ("yeah ok", "affirm"), ("yes please", "greet"),
])
def test_a_yes_to_the_offer_after_crisis_guidance_goes_on_with_the_check(policy, domain, reply, intent):
    assert predict(policy, domain, _after_the_offer(domain, reply, intent))[0] == "action_start_check"


@pytest.mark.parametrize("reply,intent,offered,between", [
    ("not now", "deny", True, ()),                       # declined: read as usual
    ("yes", "affirm", None, ()),                         # nothing was offered
    ("yes", "affirm", True, ("utter_greet",)),           # the offer is no longer the last thing said
])
def test_only_a_yes_to_a_standing_offer_goes_on(policy, domain, reply, intent, offered, between):
    tracker = _after_the_offer(domain, reply, intent, offered, between)
    assert predict(policy, domain, tracker)[0] != "action_start_check"


def test_crisis_beats_the_form_loop_in_the_ensemble(policy, domain):
    tracker = tracker_after(domain, "I want to kill myself", "inform", in_form=True)
    loop = policy._prediction([0.0] * domain.num_actions)
    loop.probabilities[domain.index_for_action("consultation_form")] = 1.0
    loop.is_no_user_prediction = True
    loop.policy_priority = RulePolicy.get_default_config()["priority"]
    ours = policy.predict_action_probabilities(tracker, domain)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([loop, ours])
    assert domain.action_names_or_texts[best.max_confidence_index] == "action_crisis_support"


@pytest.mark.parametrize(
    "text,intent,kind",
    [
        ("", "nlu_fallback", "empty"),
        ("😀😀", "greet", "no_words"),
        ("me duele mucho la cabeza", "describe_headache", "non_english"),
        ("<script>alert(1)</script>", "nlu_fallback", "code"),
        ("'; DROP TABLE events; --", "out_of_scope", "code"),
        ("how many ibuprofen can I take", "ask_technique", "drug_dose"),
    ],
)
def test_untrusted_messages_get_the_input_guard(policy, domain, text, intent, kind):
    for in_form in (False, True):
        name, prediction = predict(policy, domain, tracker_after(domain, text, intent, in_form))
        assert name == "action_input_guard"
        assert prediction.is_no_user_prediction and prediction.diagnostic_data == {"input_kind": kind}


def test_dose_question_the_nlu_recognised_is_left_to_the_rules(policy, domain):
    assert predict(policy, domain, tracker_after(domain, "how many ibuprofen can I take", "ask_drug_dose"))[0] is None


def test_red_flag_beats_the_input_guard(policy, domain):
    name, _ = predict(policy, domain, tracker_after(domain, "worst headache of my life, it hit in seconds, how much aspirin can I take?", "ask_drug_dose"))
    assert name == "action_red_flag_alert"


def test_after_the_guard_a_form_asks_again_and_otherwise_the_bot_listens(policy, domain):
    in_form = tracker_after(domain, "j'ai mal à la tête", in_form=True, then=["action_input_guard"])
    assert predict(policy, domain, in_form)[0] == "consultation_form"
    outside = tracker_after(domain, "j'ai mal à la tête", then=["action_input_guard"])
    assert predict(policy, domain, outside)[0] == "action_listen"


@pytest.mark.parametrize(
    "text,intent",
    [("I have a dull ache on both sides", "describe_headache"), ("hola", "greet"), ("7", "inform")],
)
def test_ordinary_messages_are_left_to_the_dialogue(policy, domain, text, intent):
    assert predict(policy, domain, tracker_after(domain, text, intent))[0] is None


def test_external_events_are_not_screened_as_text(policy, domain):
    tracker = tracker_after(domain, "EXTERNAL: reminder", "reminder")
    assert predict(policy, domain, tracker)[0] is None


def test_an_older_domain_without_the_new_actions_keeps_the_red_flag_duty(policy, domain):
    data = domain.as_dict()
    data["actions"] = [a for a in data["actions"] if a not in ("action_crisis_support", "action_input_guard")]
    old = Domain.from_dict(data)
    assert predict(policy, old, tracker_after(old, "I want to end it all"))[0] is None
    assert predict(policy, old, tracker_after(old, "the worst headache of my life, came on in a second"))[0] == "action_red_flag_alert"
