"""One action call per form turn (headease_rasa/form_asks.py), against Rasa 3.6.21's FormAction."""
import asyncio

import pytest
from rasa.core.actions.forms import FormAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from headease_rasa import form_asks

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  pain_location: {type: any, mappings: [{type: custom}]}
  severity: {type: any, mappings: [{type: custom}]}
  question_counts: {type: any, mappings: [{type: custom}]}
forms:
  consultation_form: {required_slots: [pain_location, severity]}
responses:
  utter_ask_pain_location: [{text: "Where?"}]
  utter_ask_severity: [{text: "How bad?"}]
"""
)


@pytest.fixture
def patched():
    form_asks.install()
    yield
    form_asks.uninstall()


def _request(events_so_far, counts=None):
    tracker = DialogueStateTracker.from_events("u", [SlotSet("question_counts", counts or {})], slots=DOMAIN.slots)
    form = FormAction("consultation_form", None)
    return asyncio.run(form.request_next_slot(
        tracker, DOMAIN, CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), events_so_far))


def _asked(events):
    return [e.text for e in events if isinstance(e, BotUttered)]


def test_a_question_the_validation_asked_is_not_asked_again(patched):
    events = _request([SlotSet("requested_slot", "severity"), SlotSet("question_counts", {"severity": 1})])
    assert _asked(events) == []


def test_a_question_the_validation_did_not_ask_is_asked_by_rasa(patched):
    # the count of another slot went up, or this one did not
    assert _asked(_request([SlotSet("requested_slot", "severity"), SlotSet("question_counts", {"pain_location": 1})])) == ["How bad?"]
    assert _asked(_request([SlotSet("requested_slot", "severity"), SlotSet("question_counts", {"severity": 1})],
                           counts={"severity": 1})) == ["How bad?"]
    assert _asked(_request([SlotSet("requested_slot", "severity")])) == ["How bad?"]
    # no slot requested by the validation: Rasa picks the first empty one and asks it
    assert _asked(_request([])) == ["Where?"]


def test_without_the_patch_rasa_asks_as_before():
    assert not form_asks.installed()
    events = _request([SlotSet("requested_slot", "severity"), SlotSet("question_counts", {"severity": 1})])
    assert _asked(events) == ["How bad?"]


def test_uninstall_restores_rasas_methods(patched):
    form_asks.uninstall()
    assert FormAction.request_next_slot is form_asks.PATCH.original("FormAction.request_next_slot")
    form_asks.install()
    assert FormAction.request_next_slot is form_asks._request_next_slot
