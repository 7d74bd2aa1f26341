"""Build the safety policy and Rasa trackers for policy tests (no trained model needed)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional, Tuple

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from headease_policies.red_flag_policy import RedFlagPolicy

ROOT = Path(__file__).resolve().parents[2]


def load_domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


def make_policy(tmp_path: Path) -> RedFlagPolicy:
    storage = LocalModelStorage(tmp_path)
    return RedFlagPolicy({"priority": 7}, storage, Resource("safety"), ExecutionContext(graph_schema=None))


def tracker_after(
    domain: Domain,
    text: str,
    intent: str = "inform",
    in_form: bool = False,
    slots: Iterable[Tuple[str, object]] = (),
    requested: str = "triggers",
    then: Iterable[str] = (),
) -> DialogueStateTracker:
    """A tracker that ends with the user's message (and optionally actions run after it)."""
    events = [ActionExecuted("action_listen")]
    if in_form:
        events += [
            ActionExecuted("consultation_form"),
            ActiveLoop("consultation_form"),
            SlotSet("requested_slot", requested),
            ActionExecuted("action_listen"),
        ]
    events += [SlotSet(k, v) for k, v in slots]
    events.append(UserUttered(text, intent={"name": intent, "confidence": 0.9}))
    events += [ActionExecuted(name) for name in then]
    return DialogueStateTracker.from_events("u1", events, domain.slots)


def predicted(prediction: PolicyPrediction, domain: Domain) -> Optional[str]:
    """The action a prediction picks, or None when the policy abstains."""
    if not prediction.max_confidence:
        return None
    return domain.action_names_or_texts[prediction.max_confidence_index]
