"""The action server's health endpoints (actions/health.py): `/health/live`, and `/health/ready` only
when every action domain.yml names is registered and the clinical core's data loads and validates;
rasa_sdk's own `/health` kept.

In-process on rasa_sdk's real app (`create_app`, with the plugin hook `run()` calls), except the
last test, which starts the real server process (`python -m actions.server`: services tier).
"""
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager

from actions import health
from cluster.services import free_port, stop_processes, wait_for_ready
from tests.support.stack import ROOT, http_json

KNOWLEDGE = ROOT / "data" / "kb" / "knowledge.yml"


@pytest.fixture(scope="module")
def app():
    """rasa_sdk's action server app with every HeadEase action (one per process: Sanic app names
    are unique), extended as `rasa_sdk.endpoint.run` does, through the plugin manager."""
    application = create_app("actions", cors_origins=None)
    health.register_plugin()
    health.register_plugin()  # once per process, however often it is called
    manager = plugin_manager()
    plugins = [p for p in manager.get_plugins() if isinstance(p, health.HealthPlugin)]
    assert len(plugins) == 1
    manager.hook.attach_sanic_app_extensions(app=application)
    yield application
    manager.unregister(plugins[0])


def call(app, path):
    route = next(r for r in app.router.routes if r.path.strip("/") == path)
    answer = asyncio.run(route.handler(None))
    return answer.status, json.loads(answer.body)


def ready(readiness):
    return asyncio.run(readiness.state())


def test_live_and_ready_next_to_rasa_sdks_own_health(app):
    paths = {route.path.strip("/") for route in app.router.routes}
    assert {"health", "health/live", "health/ready", "webhook", "actions"} <= paths
    assert call(app, "health") == (200, {"status": "ok"})
    assert call(app, "health/live") == (200, {"status": "alive"})
    assert call(app, "health/ready") == (
        200, {"status": "ready", "checks": {"actions": "ok", "knowledge_base": "ok", "reader": "ok"}})


def test_the_readiness_check_covers_every_action_the_domain_names(app):
    names = health.domain_actions()
    assert "validate_consultation_form" in names and "action_give_assessment" in names
    registered = asyncio.run(health.Readiness(app).registered_actions())
    assert set(names) <= set(registered)


def test_not_ready_when_an_action_the_domain_names_is_not_registered(app, tmp_path):
    domain = tmp_path / "domain.yml"
    domain.write_text(yaml.safe_dump({"actions": ["action_give_assessment", "action_book_appointment",
                                                  {"action_call_doctor": {"send_domain": True}}]}))
    ok, checks = ready(health.Readiness(app, domain_path=domain))
    assert not ok
    assert checks["actions"] == "not registered: action_book_appointment, action_call_doctor"
    assert checks["knowledge_base"] == "ok"


def test_not_ready_without_a_readable_domain(app, tmp_path):
    ok, checks = ready(health.Readiness(app, domain_path=tmp_path / "missing.yml"))
    assert not ok and checks["actions"].startswith("domain unreadable (FileNotFoundError")


def test_not_ready_with_a_broken_knowledge_base_and_ready_once_it_is_fixed(app, tmp_path):
    good = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))
    broken = dict(good)
    del broken["emergency_number"]
    path = tmp_path / "knowledge.yml"
    path.write_text(yaml.safe_dump(broken))
    readiness = health.Readiness(app, knowledge_path=str(path))
    ok, checks = ready(readiness)
    assert not ok
    assert checks["knowledge_base"] == "invalid (KnowledgeError: knowledge.emergency_number: missing)"
    assert checks["actions"] == "ok" and checks["reader"] == "ok"
    path.write_text(yaml.safe_dump(good))  # fixed while the server runs: no restart needed
    assert ready(readiness) == (True, {"actions": "ok", "knowledge_base": "ok", "reader": "ok"})


def test_a_check_that_hangs_is_a_timeout_not_a_hang(app, monkeypatch):
    import time

    monkeypatch.setattr(health, "CHECK_TIMEOUT_S", 0.2)
    monkeypatch.setattr(health, "check_reader", lambda: time.sleep(1.0) or "ok")
    ok, checks = ready(health.Readiness(app))
    assert not ok and checks["reader"] == "timeout"


@pytest.fixture
def action_server(tmp_path):
    """The real action server process on a free loopback port (services tier: tests/conftest.py)."""
    port = free_port()
    log = open(tmp_path / "actions.log", "wb")
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false")
    process = subprocess.Popen([sys.executable, "-m", "actions.server", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_ready(f"http://127.0.0.1:{port}/health/ready", 90, "action server", process)  # as the cluster does
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_processes([process], timeout=15)
        log.close()
        print(Path(log.name).read_text(errors="replace")[-3000:])


def test_the_action_server_answers_live_and_ready(action_server):
    assert http_json(f"{action_server}/health/live") == (200, {"status": "alive"})
    assert http_json(f"{action_server}/health/ready") == (
        200, {"status": "ready", "checks": {"actions": "ok", "knowledge_base": "ok", "reader": "ok"}})
    assert http_json(f"{action_server}/health") == (200, {"status": "ok"})
