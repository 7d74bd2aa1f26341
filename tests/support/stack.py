"""Start the real HeadEase servers (action server, Rasa server, web widget) on free loopback ports.

Used by the end-to-end, browser and channel tests. Every process gets its own temporary SQLite
tracker database, and all are stopped (and their logs shown on failure) when the test session ends.
"""
from __future__ import annotations

import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from cluster.services import LoggedProcesses, server_env, stop_processes

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "headease.tar.gz"


def _credentials_module():
    spec = importlib.util.spec_from_file_location("make_credentials", ROOT / "scripts" / "make_credentials.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(url: str, payload: Optional[dict] = None, timeout: float = 30.0):
    """GET (or POST when payload is given) a JSON endpoint; returns (status, parsed body)."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return response.status, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, body.decode(errors="replace")


def wait_until(check, timeout: float, what: str, process: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: process exited with code {process.returncode}")
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not become ready within {timeout:.0f}s")


@dataclass
class Stack(LoggedProcesses):
    """A running set of HeadEase servers."""

    workdir: Path
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    # Extra environment for every server (e.g. messaging-platform credentials for the channel
    # tests). Platform variables from the developer's own environment are never used.
    extra_env: Dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}/"

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.db"

    def env(self) -> Dict[str, str]:
        env = server_env(ROOT, self.action_url, self.token, TRACKER_DB=str(self.tracker_db),
                         RASA_URL=self.rasa_url, HEADEASE_WEB_PORT=str(self.web_port))
        env.update(self.extra_env)
        return env

    @property
    def credentials(self) -> Path:
        return self.workdir / "credentials.yml"

    def write_credentials(self) -> None:
        """The channels file, as `make run` writes it (scripts/make_credentials.py)."""
        module = _credentials_module()
        template = ROOT / "credentials.yml"
        platform_vars = set(module.references(yaml.safe_load(template.read_text())))
        env = {k: v for k, v in self.env().items() if k not in platform_vars or k in self.extra_env}
        module.write(template, self.credentials, env)

    def _spawn(self, name: str, args: List[str]) -> subprocess.Popen:
        return self.start_logged(name, args, ROOT, self.env())

    # --- servers --------------------------------------------------------------------------
    def start_action_server(self) -> None:
        process = self._spawn(
            "actions",
            [str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(self.action_port)],
        )
        # Ready: every action registered, the knowledge base and the reader's rules loaded
        # (actions/health.py).
        wait_until(
            lambda: http_json(f"http://127.0.0.1:{self.action_port}/health/ready", timeout=15)[0] == 200,
            90,
            "action server",
            process,
        )

    def start_rasa(self, model: Path = MODEL) -> None:
        self.write_credentials()
        process = self._spawn(
            "rasa",
            [
                str(VENV_BIN / "python"), "-m", "headease_rasa", "run", "-m", str(model), "--enable-api",
                "--auth-token", self.token, "--endpoints", "endpoints.yml",
                "--credentials", str(self.credentials), "-i", "127.0.0.1", "-p", str(self.rasa_port),
                "--cors", f"http://127.0.0.1:{self.web_port}",
            ],
        )
        # HEADEASE_STACK_TIMEOUT: more seconds for a slow or busy machine (default 420).
        wait_until(self.rasa_ready, float(os.environ.get("HEADEASE_STACK_TIMEOUT") or 420), "rasa server", process)

    def rasa_ready(self) -> bool:
        status, body = http_json(f"{self.rasa_url}/status?token={self.token}", timeout=5)
        return status == 200 and bool(body.get("model_id"))

    def start_web(self) -> None:
        process = self._spawn("web", [str(VENV_BIN / "python"), "web/serve.py"])
        wait_until(lambda: urllib.request.urlopen(self.web_url, timeout=5).status == 200, 30, "web", process)

    def stop(self) -> None:
        stop_processes(self.processes.values(), timeout=15)

    # --- talking to the bot ---------------------------------------------------------------
    def say(self, sender: str, text: str) -> List[dict]:
        status, body = http_json(
            f"{self.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text}, timeout=60
        )
        assert status == 200, f"REST webhook answered {status}: {body}"
        return body

    def tracker(self, sender: str) -> dict:
        status, body = http_json(
            f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}"
        )
        assert status == 200, f"tracker API answered {status}: {body}"
        return body


def start_stack(
    workdir: Path,
    web: bool = True,
    extra_env: Optional[Dict[str, str]] = None,
    model: Optional[Path] = None,
) -> Stack:
    # HEADEASE_TEST_MODEL lets a developer run the server tests against another trained model.
    model = Path(model or os.environ.get("HEADEASE_TEST_MODEL") or MODEL)
    if not model.exists():
        raise RuntimeError(f"no trained model at {model}: run `make train` first")
    stack = Stack(workdir=workdir, extra_env=dict(extra_env or {}))
    try:
        stack.start_action_server()
        stack.start_rasa(model)
        if web:
            stack.start_web()
    except Exception:
        stack.stop()
        for name in stack.processes:
            sys.stderr.write(f"----- {name} log -----\n{stack.log(name)[-4000:]}\n")
        raise
    return stack
