"""Health endpoints of the Rasa server, for orchestration: `GET /health/live` and `GET /health/ready`.

* `/health/live` answers 200 while the server's event loop answers requests (restart the process
  when it stops answering).
* `/health/ready` answers 200 when the server can hold a consultation: a model is loaded and the
  tracker store and the lock store answer (each within `CHECK_TIMEOUT_S`); 503 otherwise, with
  each check's state. The action server's state is shown too but does not decide readiness (while
  it is away the reply guard still answers every message safely).

Neither needs the API token; neither says anything about any conversation.

Rasa gives no way to add routes to its server other than input channels, so this is one: listed
in credentials.yml as `headease_rasa.health.HealthEndpoints` (scripts/make_credentials.py keeps
it, like every channel without variables). Its URL prefix is the absolute `/health`, so the
routes are `/health/...` rather than under `/webhooks/`. The action server has the same two
(actions/health.py: ready when every action is registered and the knowledge base loads and
validates); its readiness is the state shown here.

Used by cluster/run_cluster.py (waits for readiness), nginx (cluster/nginx_conf.py: its own
`/health/ready` is ready when one Rasa server is) and docker-compose.yml's health checks.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

CHECK_TIMEOUT_S = 3.0


async def _timed(check: Awaitable[Any]) -> str:
    try:
        await asyncio.wait_for(check, timeout=CHECK_TIMEOUT_S)
    except asyncio.TimeoutError:
        return "timeout"
    except Exception as error:  # the store's own error: only its type is shown
        return f"unreachable ({type(error).__name__})"
    return "ok"


async def tracker_store_state(agent: Any) -> str:
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # inside Rasa's FailSafe
    ping = getattr(store, "ping", None)
    if ping is None:
        return "not checked"
    return await _timed(asyncio.get_running_loop().run_in_executor(None, ping))  # blocking driver


async def lock_store_state(agent: Any) -> str:
    ping = getattr(agent.lock_store, "ping", None)
    if ping is None:
        return "not checked"
    return await _timed(ping())


async def action_server_state(agent: Any) -> str:
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or not endpoint.url:
        return "not configured"
    import aiohttp

    base = endpoint.url.rsplit("/", 1)[0] if endpoint.url.rstrip("/").endswith("webhook") else endpoint.url
    url = f"{base.rstrip('/')}/health/ready"
    status: Dict[str, int] = {}

    async def get() -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=CHECK_TIMEOUT_S)) as session:
            async with session.get(url) as answer:
                status["code"] = answer.status

    state = await _timed(get())
    if state != "ok" or status["code"] == 200:
        return state
    return "not ready" if status["code"] == 503 else f"HTTP {status['code']}"


async def readiness(agent: Optional[Any]) -> Tuple[bool, Dict[str, str]]:
    """(ready, the state of each check)."""
    if agent is None or not agent.is_ready():
        return False, {"model": "not loaded"}
    tracker, lock, actions = await asyncio.gather(
        tracker_store_state(agent), lock_store_state(agent), action_server_state(agent)
    )
    checks = {"model": "loaded", "tracker_store": tracker, "lock_store": lock, "action_server": actions}
    ready = tracker in ("ok", "not checked") and lock in ("ok", "not checked")
    return ready, checks


class HealthEndpoints(InputChannel):
    """`/health/live` and `/health/ready` (an input channel only to get routes on Rasa's server)."""

    @classmethod
    def name(cls) -> Text:
        return "health"

    def url_prefix(self) -> Text:
        return "/health"  # absolute: Rasa joins it to "/webhooks/", which an absolute path replaces

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        routes = Blueprint("headease_health", __name__)

        @routes.route("/live", methods=["GET"])
        async def live(_: Request) -> HTTPResponse:
            return response.json({"status": "alive"})

        @routes.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            ok, checks = await readiness(getattr(request.app.ctx, "agent", None))
            return response.json({"status": "ready" if ok else "not ready", "checks": checks},
                                 status=200 if ok else 503)

        return routes
