"""The Rasa server's health endpoints (headease_rasa/health.py): ready only with a model and both
stores answering; the action server's readiness shown but not deciding; routes at /health/..."""
import asyncio
import time
import uuid

import pytest
from rasa.core.channels.channel import register
from rasa.utils.endpoints import EndpointConfig
from sanic import Sanic

from headease_rasa import health


class Store:
    def __init__(self, error=None, hang_s=0.0):
        self.error, self.hang_s = error, hang_s

    def ping(self):  # the SQL store's ping is blocking
        time.sleep(self.hang_s)
        if self.error:
            raise self.error


class Lock:
    def __init__(self, error=None):
        self.error = error

    async def ping(self):
        if self.error:
            raise self.error


class FailSafe:  # Rasa wraps the tracker store
    def __init__(self, store):
        self._tracker_store = store


class Agent:
    def __init__(self, tracker=None, lock=None, ready=True, actions_url="http://127.0.0.1:9/webhook"):
        self.tracker_store = FailSafe(tracker or Store())
        self.lock_store = lock or Lock()
        self._ready = ready
        self.action_endpoint = EndpointConfig(actions_url)

    def is_ready(self):
        return self._ready


def ready(agent):
    return asyncio.run(health.readiness(agent))


def test_ready_with_a_model_and_both_stores_even_while_the_action_server_is_away():
    ok, checks = ready(Agent())
    assert ok
    assert checks["model"] == "loaded" and checks["tracker_store"] == "ok" and checks["lock_store"] == "ok"
    assert checks["action_server"].startswith("unreachable")  # shown, not deciding


@pytest.mark.parametrize("agent, failing", [
    (Agent(tracker=Store(ConnectionRefusedError("pg"))), "tracker_store"),
    (Agent(lock=Lock(ConnectionRefusedError("redis"))), "lock_store"),
])
def test_not_ready_while_a_store_is_unreachable(agent, failing):
    ok, checks = ready(agent)
    assert not ok and checks[failing] == "unreachable (ConnectionRefusedError)"


def test_a_hanging_store_is_a_timeout_not_a_hang(monkeypatch):
    monkeypatch.setattr(health, "CHECK_TIMEOUT_S", 0.2)
    ok, checks = ready(Agent(tracker=Store(hang_s=1.0)))
    assert not ok and checks["tracker_store"] == "timeout"


def test_not_ready_without_a_model():
    assert ready(None) == (False, {"model": "not loaded"})
    assert ready(Agent(ready=False))[0] is False


def test_stores_without_a_ping_are_not_checked():
    agent = Agent()
    agent.tracker_store = FailSafe(object())
    agent.lock_store = object()
    ok, checks = ready(agent)
    assert ok and checks["tracker_store"] == checks["lock_store"] == "not checked"


def test_routes_are_at_slash_health_when_rasa_registers_the_channel():
    app = Sanic(f"health_{uuid.uuid4().hex[:8]}")
    register([health.HealthEndpoints()], app, route="/webhooks/")
    paths = {route.path for route in app.router.routes}
    assert {"health/live", "health/ready"} <= {p.strip("/") for p in paths}


@pytest.mark.parametrize("status, state", [(200, "ok"), (503, "not ready"), (500, "HTTP 500")])
def test_the_action_servers_readiness_is_what_is_shown(status, state):
    from aiohttp import web

    async def run():
        app = web.Application()
        app.router.add_get("/health/ready", lambda _: web.json_response({}, status=status))
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            return await health.action_server_state(Agent(actions_url=f"http://127.0.0.1:{port}/webhook"))
        finally:
            await runner.cleanup()

    assert asyncio.run(run()) == state
