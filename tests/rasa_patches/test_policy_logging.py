"""headease_rasa.policy_logging: debug payloads are built only when logged; predictions unchanged."""
import logging

import pytest
import structlog
from structlog.testing import LogCapture

from rasa.core.policies import memoization, rule_policy
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain

from bench.action_payload import conversation
from headease_rasa import policy_logging

DOMAIN = Domain.load("domain.yml")


@pytest.fixture
def patched():
    was_installed = policy_logging._installed
    policy_logging.install()
    assert policy_logging._installed
    yield
    if not was_installed:
        policy_logging.uninstall()


@pytest.fixture
def structlog_at(monkeypatch):
    """Configure structlog as `rasa run` does (filtering logger), capturing what is emitted."""
    saved = structlog.get_config()
    captured = LogCapture()

    def configure(level):
        structlog.configure(processors=[captured], wrapper_class=structlog.make_filtering_bound_logger(level),
                            cache_logger_on_first_use=True)
        monkeypatch.setattr(memoization, "structlogger", structlog.get_logger())
        monkeypatch.setattr(rule_policy, "structlogger", structlog.get_logger())
        return captured

    yield configure
    structlog.configure(**saved)


def memoization_policy(tmp_path, tracker, remembered):
    policy = MemoizationPolicy(MemoizationPolicy.get_default_config(), LocalModelStorage(tmp_path),
                               Resource("memo"), ExecutionContext(GraphSchema({}), "test"))
    if remembered:
        states = policy._prediction_states(tracker, DOMAIN)
        policy.lookup[policy._create_feature_key(states)] = "utter_greet"
    return policy


@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG])
@pytest.mark.parametrize("remembered", [True, False])
def test_memoization_predicts_the_same_and_logs_only_when_debug(tmp_path, patched, structlog_at, level, remembered):
    captured = structlog_at(level)
    tracker = conversation(12, DOMAIN)
    policy = memoization_policy(tmp_path, tracker, remembered)
    ours = policy.predict_action_probabilities(tracker, DOMAIN)
    assert policy_logging.debug_dropped(memoization.structlogger) is (level > logging.DEBUG)
    events = [e for e in captured.entries if e["event"] == "memoization.predict.actions"]
    if level > logging.DEBUG:
        assert events == []
    else:
        assert events[0]["tracker_states"] == policy._prediction_states(tracker, DOMAIN)
    rasa = policy_logging._originals["memoization"](policy, tracker, DOMAIN)
    assert ours.probabilities == rasa.probabilities
    assert (ours.policy_name, ours.events, ours.optional_events) == (rasa.policy_name, rasa.events, rasa.optional_events)
    assert (max(ours.probabilities) > 0) is remembered


@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG])
def test_rule_policy_formats_states_only_when_debug(patched, structlog_at, level):
    structlog_at(level)
    states = conversation(5, DOMAIN).past_states(DOMAIN)
    text = RulePolicy.format_tracker_states(states)
    assert text == ("" if level > logging.DEBUG else Policy.format_tracker_states(states))
    assert Policy.format_tracker_states(states)  # other callers keep Rasa's method


def test_unknown_loggers_count_as_logging():
    class Plain:
        def bind(self):
            return logging.getLogger("x")

    assert policy_logging.debug_dropped(Plain()) is False
    assert policy_logging.debug_dropped(object()) is False
