"""A deterministic safety policy: a red flag in any user message interrupts whatever is going on.

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
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from actions.clinic.safety import pending_alert

ALERT_ACTION = "action_red_flag_alert"


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
        if tracker.latest_action_name == ALERT_ACTION:
            # After an alert the bot waits for the user: nothing else may be added that turn.
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return self._prediction(probabilities)
        message = tracker.latest_message
        if message is None or message.text is None:
            return self._prediction(probabilities)
        level = pending_alert(
            findings=tracker.get_slot("findings"),
            text=message.text,
            intent=(message.intent or {}).get("name"),
            alerted_level=tracker.get_slot("alerted_level"),
        )
        if level is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(ALERT_ACTION)] = 1.0
        # Marked as a "no user" prediction so that it also competes with (and, by priority,
        # beats) the form's happy-path loop prediction, which carries the same mark.
        return self._prediction(
            probabilities, is_no_user_prediction=True, diagnostic_data={"alert_level": level}
        )

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
