"""Health endpoints of the action server, for orchestration: `GET /health/live`, `GET /health/ready`.

* `/health/live` answers 200 while the server's event loop answers requests (restart the process
  when it stops answering).
* `/health/ready` answers 200 when the server can run a consultation's actions: every custom action
  that domain.yml names is registered (the list the server's own `GET /actions` gives, which is the
  registry its `/webhook` runs), and the clinical core's data loads and validates: the knowledge
  base (`actions/clinic/kb.py`, data/kb/knowledge.yml) and the reader's lexicon and recognition
  rules (data/kb/lexicon.yml, data/kb/recognition/), read by scanning a fixed sentence. They are
  loaded lazily, on the first action that needs them, so a damaged file would otherwise fail the
  first consultation rather than the start. 503 otherwise, with each check's state (an error's
  type and message, never anything of a conversation).
* rasa_sdk's own `GET /health` stays as it was (200 once the server listens).

Once ready, the answer is kept: what was loaded stays loaded for the life of the process. Until
then each request checks again (in a thread, bounded by `CHECK_TIMEOUT_S`), so a file fixed while
the server runs makes it ready without a restart.

The routes are added through rasa_sdk's plugin hook `attach_sanic_app_extensions(app)`, which
`rasa_sdk.endpoint.run` calls for the app it creates: `actions/server.py` registers
`HealthPlugin` with rasa_sdk's plugin manager before calling `run`. Used by `cluster/run_cluster.py`,
the test harness (tests/support/stack.py) and docker-compose.yml's health check.
"""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pluggy
import yaml
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "domain.yml"
CHECK_TIMEOUT_S = 10.0
# rasa_sdk's route listing the registered actions (rasa_sdk.endpoint.create_app: GET /actions).
ACTIONS_PATH = "actions"
# Read once per check, so the reader's rule files are loaded (and validated) before a consultation.
SAMPLE = "a bad headache since this morning, I took ibuprofen"

hookimpl = pluggy.HookimplMarker("rasa_sdk")


def domain_actions(path: Path = DOMAIN) -> List[str]:
    """The custom actions domain.yml names (an entry is a name, or a mapping of a name to options)."""
    with open(path, encoding="utf-8") as handle:
        entries = (yaml.safe_load(handle) or {}).get("actions") or []
    return [entry if isinstance(entry, str) else next(iter(entry)) for entry in entries]


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def check_knowledge(knowledge_path: Optional[str] = None) -> str:
    from actions.clinic import load_knowledge

    load_knowledge(knowledge_path)  # validates the whole file (KnowledgeError names the bad field)
    return "ok"


def check_reader() -> str:
    from actions.clinic.reading import load_lexicon, scan

    load_lexicon()
    scan(SAMPLE)  # loads the red-flag wording and history rules
    return "ok"


class Readiness:
    """The readiness checks of one action server (`app`: its Sanic app)."""

    def __init__(self, app: Sanic, domain_path: Path = DOMAIN, knowledge_path: Optional[str] = None) -> None:
        self.app = app
        self.domain_path = domain_path
        self.knowledge_path = knowledge_path
        self._ready: Optional[Dict[str, str]] = None
        self._running: Optional[asyncio.Future] = None

    async def registered_actions(self) -> List[str]:
        route = next((r for r in self.app.router.routes
                      if r.path.strip("/") == ACTIONS_PATH and "GET" in r.methods), None)
        if route is None:
            raise LookupError("rasa_sdk has no /actions route")
        listing = await route.handler(None)  # the handler ignores its request
        return [entry["name"] for entry in json.loads(listing.body)]

    async def _actions_state(self) -> str:
        try:
            required = domain_actions(self.domain_path)
        except Exception as error:
            return f"domain unreadable ({_error(error)})"
        try:
            registered = set(await self.registered_actions())
        except Exception as error:
            return f"unknown ({_error(error)})"
        missing = [name for name in required if name not in registered]
        if missing:
            return f"not registered: {', '.join(missing)}"
        return "ok"

    async def _in_thread(self, check: Callable[..., str], *args: Any) -> str:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(None, check, *args), timeout=CHECK_TIMEOUT_S)
        except asyncio.TimeoutError:
            return "timeout"
        except Exception as error:
            return f"invalid ({_error(error)})"

    async def _check(self) -> Dict[str, str]:
        actions, knowledge, reader = await asyncio.gather(
            self._actions_state(),
            self._in_thread(check_knowledge, self.knowledge_path),
            self._in_thread(check_reader),
        )
        return {"actions": actions, "knowledge_base": knowledge, "reader": reader}

    async def state(self) -> Tuple[bool, Dict[str, str]]:
        """(ready, the state of each check)."""
        if self._ready is not None:
            return True, self._ready
        if self._running is None or self._running.done():  # one check at a time, shared
            self._running = asyncio.ensure_future(self._check())
        checks = await asyncio.shield(self._running)
        ready = all(value == "ok" for value in checks.values())
        if ready:
            self._ready = checks
        return ready, checks


def add_health_routes(app: Sanic, domain_path: Path = DOMAIN, knowledge_path: Optional[str] = None) -> Readiness:
    readiness = Readiness(app, domain_path, knowledge_path)

    async def live(_: Request) -> HTTPResponse:
        return response.json({"status": "alive"})

    async def ready(_: Request) -> HTTPResponse:
        ok, checks = await readiness.state()
        return response.json({"status": "ready" if ok else "not ready", "checks": checks},
                             status=200 if ok else 503)

    app.add_route(live, "/health/live", methods=["GET"], name="headease_health_live")
    app.add_route(ready, "/health/ready", methods=["GET"], name="headease_health_ready")
    return readiness


class HealthPlugin:
    """rasa_sdk plugin: `attach_sanic_app_extensions` adds the health routes to the action server."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        add_health_routes(app)


def register_plugin() -> None:
    """Register `HealthPlugin` with rasa_sdk's plugin manager (once per process)."""
    from rasa_sdk.plugin import plugin_manager

    manager = plugin_manager()
    if not any(isinstance(plugin, HealthPlugin) for plugin in manager.get_plugins()):
        manager.register(HealthPlugin())
