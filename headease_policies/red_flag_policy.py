"""A deterministic safety policy: a red flag in any user message interrupts whatever is going on.

In order of precedence, on every user message: a self-harm statement gets crisis guidance
(`action_crisis_support`, `actions.clinic.crisis`), a new red flag gets the alert, and a message the
NLU cannot be trusted with (empty, no words, a drug-dose question the NLU missed, code, another
language; `actions.clinic.inputcheck`) gets a fixed polite answer (`action_input_guard`), after
which an active form asks its question again.

Rasa's learned policies and even the form loop cannot be trusted to notice "my arm went numb"
said in the middle of a question about Shiatsu. This policy runs the clinical red-flag screen
(pure Python, `actions.clinic.safety`) on every new user message together with everything
already known, and when it finds an urgent or emergency flag that has not been announced yet it
predicts `action_red_flag_alert` with top confidence and the highest priority. It never predicts
anything else, so it can only add safety, never remove it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, EXTERNAL_MESSAGE_PREFIX as EXTERNAL_PREFIX
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from actions.clinic.crisis import is_crisis
from actions.clinic.inputcheck import check_input, is_control_request
from actions.clinic.questions import carries_details, reads_as_answer
from actions.clinic.verdict import ALERT, ASK_EMERGENCY_SCREEN, EMERGENCY_INTENT, Context, Verdict, learned_intent, verdict
from actions.clinic.reading import is_yes, scan

ALERT_ACTION = "action_red_flag_alert"
CRISIS_ACTION = "action_crisis_support"
GUARD_ACTION = "action_input_guard"
DRUG_DOSE_INTENT = "ask_drug_dose"
CONSULTATION_FORM = "consultation_form"
# Destructive requests are confirmed while there is something to lose.
RESET_SLOT = "reset_pending"
OFFER_SLOT = "check_offered"  # set by the crisis guidance (actions/crisis.py)
START_CHECK_ACTION = "action_start_check"
RESET_CONFIRM_ACTION = "action_confirm_reset"
KEEP_GOING_ACTION = "action_keep_going"
RESET_ACTIONS = {"restart": "action_restart", "delete_my_data": "action_delete_my_data"}
LEAVE_INTENTS = frozenset({"goodbye", "stop"})
# Social or unclear intents: at the opening, headache details in the message start the check.
SOCIAL_INTENTS = frozenset({"greet", "goodbye", "thank", "chitchat", "out_of_scope", "stop", "bot_challenge", "nlu_fallback"})
# Learned intents that never override a usable answer to the pending question.
ANSWER_FIRST_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "chitchat", "out_of_scope", "stop", "bot_challenge", "nlu_fallback",
     "ask_why", "ask_technique", "ask_self_massage", "ask_when_doctor", "ask_summary"}
)


def safety_verdict(tracker: DialogueStateTracker, message, intent: Optional[str]) -> Verdict:
    """``verdict`` for the latest message, with the dialogue's context read from the tracker."""
    consultation = tracker.active_loop_name == CONSULTATION_FORM
    context = Context(
        findings=tracker.get_slot("findings"),
        pending=tracker.get_slot("requested_slot") if consultation else None,
        alerted_level=tracker.get_slot("alerted_level"),
        screen_asks=int((tracker.get_slot("question_counts") or {}).get("red_flags", 0)),
    )
    return verdict(message.text, message.entities, learned_intent(intent, message.parse_data), context)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class RedFlagPolicy(Policy):
    """Predicts the red-flag alert right after a user message that raises a new red flag."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Above RulePolicy (6): safety must beat forms and rules.
        return {"priority": 7}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the screen is rules from the clinical reference."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if ALERT_ACTION not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        known = set(domain.action_names_or_texts)
        if tracker.latest_action_name in (ALERT_ACTION, CRISIS_ACTION):
            # After an alert the bot waits for the user: nothing else may be added that turn.
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        if tracker.latest_action_name == GUARD_ACTION:
            # After a fixed answer an active form asks its question again; a dose question before
            # any check starts the check (the refusal never ends the conversation); otherwise wait.
            follow_up = tracker.active_loop_name or ACTION_LISTEN_NAME
            message_text = (tracker.latest_message.text or "") if tracker.latest_message else ""
            before_any_check = not tracker.get_slot("assessment")
            if follow_up == ACTION_LISTEN_NAME and before_any_check and START_CHECK_ACTION in known and check_input(message_text) == "drug_dose":
                follow_up = START_CHECK_ACTION
            probabilities[domain.index_for_action(follow_up)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return self._prediction(probabilities)
        message = tracker.latest_message
        if message is None:
            return self._prediction(probabilities)
        intent = (message.intent or {}).get("name")
        # Text typed by a user (not an external event injected through the HTTP API).
        text = None if message.text is None or message.text.startswith(EXTERNAL_PREFIX) else message.text
        action, diagnostic = None, {}
        if text is not None and CRISIS_ACTION in known and is_crisis(text):
            action = CRISIS_ACTION
        else:
            # The clinical core's one safety verdict on this message in its context.
            found = safety_verdict(tracker, message, intent)
            if found.next in (ALERT, ASK_EMERGENCY_SCREEN):
                action, diagnostic = ALERT_ACTION, {"alert_level": found.level, "verdict": found.next}
            elif text is not None and GUARD_ACTION in known and check_input(text) is not None and not (
                check_input(text) == "drug_dose" and intent == DRUG_DOSE_INTENT
            ):
                # A dose question the NLU recognised is answered by the rules (and resumes forms).
                action, diagnostic = GUARD_ACTION, {"input_kind": check_input(text)}
            elif intent == EMERGENCY_INTENT:
                # The verdict finds nothing new to announce in a message labelled `emergency`: an
                # answer within a consultation; after an alert, the alert action repeats its advice.
                if tracker.active_loop_name == CONSULTATION_FORM or not tracker.get_slot("alerted_level"):
                    action = CONSULTATION_FORM
                else:
                    action = ALERT_ACTION
        if action is None and text is not None:
            action = self._in_context(tracker, intent, text, known)
        if action is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # Marked as a "no user" prediction so that it also competes with (and, by priority,
        # beats) the form's happy-path loop prediction, which carries the same mark.
        return self._prediction(probabilities, is_no_user_prediction=True, diagnostic_data=diagnostic)

    @staticmethod
    def _in_context(tracker: DialogueStateTracker, intent: Optional[str], text: str, known) -> Optional[str]:
        """What the message means in the conversation, where a learned intent must not decide alone.

        - A pending "start over / delete?" confirmation: yes does it, anything else keeps going.
        - After crisis guidance that offered to go on with the headache check, yes goes on.
        - A restart or deletion request while a consultation holds answers: confirm first.
        - While a question is pending, a message its parser can use (or that carries headache
          details) is an answer, whatever social or control intent the classifier gave it.
        """
        pending = tracker.get_slot(RESET_SLOT)
        if pending and RESET_CONFIRM_ACTION in known:
            confirmed = intent in ("affirm", pending) or is_yes(text)
            return (RESET_ACTIONS[pending] if confirmed else KEEP_GOING_ACTION)
        if _answers_the_crisis_offer(tracker) and START_CHECK_ACTION in known and (intent == "affirm" or is_yes(text)):
            return START_CHECK_ACTION  # the headache check goes on, with everything said kept
        consultation = tracker.active_loop_name == CONSULTATION_FORM
        if intent in RESET_ACTIONS and RESET_CONFIRM_ACTION in known:
            requested = tracker.get_slot("requested_slot") if consultation else None
            if requested and reads_as_answer(requested, text):
                return CONSULTATION_FORM
            if consultation and not is_control_request(intent, text):
                # A learned restart/delete label without the words asking for it is an answer
                # attempt: the form reads it (and moves on after two unusable ones).
                return CONSULTATION_FORM
            if consultation or tracker.get_slot("findings"):
                return RESET_CONFIRM_ACTION
            return None
        requested = tracker.get_slot("requested_slot")
        if consultation and requested and intent in ANSWER_FIRST_INTENTS and reads_as_answer(requested, text):
            return CONSULTATION_FORM
        if consultation and requested and intent in LEAVE_INTENTS and not is_control_request(intent, text):
            return CONSULTATION_FORM  # "Goodness, no." labelled goodbye: an answer attempt, not leaving
        # Before any check, a message that describes a headache starts one, whatever social intent
        # the classifier gave it ("hi, my head has been pounding since Tuesday").
        opening = not consultation and not tracker.get_slot("assessment")
        if opening and intent in SOCIAL_INTENTS and carries_details(scan(text)):
            return CONSULTATION_FORM
        return None

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RedFlagPolicy":
        return cls(config, model_storage, resource, execution_context)


def _answers_the_crisis_offer(tracker: DialogueStateTracker) -> bool:
    """Is the latest user message the reply to crisis guidance that offered to go on with the check
    (the offer is still standing and the bot's last action before the message was the guidance)?"""
    if not tracker.get_slot(OFFER_SLOT):
        return False
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return False
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name == CRISIS_ACTION
    return False
