"""`make run-cluster`: HeadEase scaled out on one machine, every service on loopback.

    nginx :RASA_PORT ──round robin──> Rasa server A ─┐
                     (socket.io: sticky) Rasa server B ─┼─> PostgreSQL (tracker store)
                                                      ├─> Redis (lock store: one message of a
                                                      │   conversation at a time, any instance)
                                                      └─> action server
    web widget :HEADEASE_WEB_PORT ──> nginx

The same services as docker-compose.yml, from Debian's packages (cluster/services.py). `Cluster`
is also what the cluster tests (cluster/loadtest.py, cluster/scenarios.py, tests/cluster) start;
they kill and restart its parts (`kill_rasa`, `start_rasa`, `postgres.stop_server`, `redis.restart`).
A Rasa server counts as up when its `/health/ready` says so (model loaded, stores reachable), the
action server when its own `/health/ready` does (every action registered, knowledge base valid).
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from cluster.services import (
    LoggedProcesses, Nginx, server_env, Postgres, Redis, ServiceError, free_port, stop_processes, wait_for_port,
    wait_for_ready,
)

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
ENDPOINTS = ROOT / "endpoints.cluster.yml"


@dataclass
class Cluster(LoggedProcesses):
    model: Path = ROOT / "models" / "headease.tar.gz"
    instances: int = 2
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="headease-cluster-")))
    port: Optional[int] = None  # nginx; a free port when None
    web_port: Optional[int] = None  # serve the web widget too when set
    token: str = field(default_factory=lambda: os.environ.get("RASA_AUTH_TOKEN") or secrets.token_hex(16))
    postgres: Optional[Postgres] = None
    redis: Optional[Redis] = None
    nginx: Optional[Nginx] = None
    action_port: int = field(default_factory=free_port)
    rasa_ports: List[int] = field(default_factory=list)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx.port}"

    def env(self) -> Dict[str, str]:
        # Each Rasa server's own per-sender guard (channels/rate_guard.py), as docker-compose.yml
        # sets it; nginx's per-sender limit is the same rate for both servers together.
        env = server_env(ROOT, f"http://127.0.0.1:{self.action_port}/webhook", self.token,
                         PG_PASSWORD=os.environ.get("PG_PASSWORD", ""),
                         HEADEASE_SENDER_RATE_PER_MIN=os.environ.get("HEADEASE_SENDER_RATE_PER_MIN") or "30",
                         HEADEASE_SENDER_BURST=os.environ.get("HEADEASE_SENDER_BURST") or "10")
        env.update(self.postgres.env())
        env.update(self.redis.env())
        return env

    def _spawn(self, name: str, args: List[str], **env: str) -> subprocess.Popen:
        return self.start_logged(name, args, ROOT, {**self.env(), **env})

    def _credentials(self) -> Path:
        path = self.workdir / "credentials.yml"
        subprocess.run([str(VENV_BIN / "python"), "scripts/make_credentials.py", "--out", str(path)],
                       cwd=ROOT, env=self.env(), check=True, stdout=subprocess.DEVNULL)
        return path

    def start(self, timeout: float = 600) -> "Cluster":
        """Start everything; raises with the failing service's log when something does not come up."""
        problem = subprocess.run([str(VENV_BIN / "python"), "scripts/check_model.py", str(self.model)],
                                 cwd=ROOT, capture_output=True, text=True)
        if problem.returncode:
            raise ServiceError(problem.stderr.strip())
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.postgres = Postgres().start()
        self.redis = Redis().start()
        self.rasa_ports = [free_port() for _ in range(self.instances)]
        self.nginx = Nginx(self.rasa_ports, **({"port": self.port} if self.port else {})).start()
        actions = self._spawn("actions", [str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(self.action_port)])
        self._credentials_file = self._credentials()
        servers = [self._spawn_rasa(index) for index in range(len(self.rasa_ports))]
        # Ready: every action registered, the knowledge base and the reader's rules loaded.
        wait_for_ready(f"http://127.0.0.1:{self.action_port}/health/ready", 120, "action server", actions)
        deadline = time.monotonic() + timeout
        for index, (port, process) in enumerate(zip(self.rasa_ports, servers)):
            self._wait_rasa(port, process, deadline, f"rasa-{index}")
        if self.web_port:
            self._spawn("web", [str(VENV_BIN / "python"), "web/serve.py"], RASA_URL=self.url,
                        HEADEASE_WEB_PORT=str(self.web_port))
            wait_for_port(self.web_port, 30, "web widget", self.processes["web"])
        return self

    def _spawn_rasa(self, index: int) -> subprocess.Popen:
        origin = f"http://127.0.0.1:{self.web_port}" if self.web_port else "http://127.0.0.1"
        return self._spawn(f"rasa-{index}", [
            str(VENV_BIN / "python"), "-m", "headease_rasa", "run", "-m", str(self.model), "--enable-api",
            "--auth-token", self.token, "--endpoints", str(ENDPOINTS), "--credentials", str(self._credentials_file),
            "-i", "127.0.0.1", "-p", str(self.rasa_ports[index]), "--cors", origin,
        ])

    def kill_rasa(self, index: int) -> None:
        """SIGKILL one Rasa server (no shutdown hooks, no flush), as a crash would."""
        process = self.processes[f"rasa-{index}"]
        process.kill()
        process.wait()

    def start_rasa(self, index: int, timeout: float = 300) -> float:
        """Start a stopped Rasa server again on its port; returns the seconds until it was ready."""
        name = f"rasa-{index}"
        log = self.workdir / f"{name}.log"
        if log.exists():
            log.rename(self.workdir / f"{name}.{int(time.time())}.log")
        started = time.monotonic()
        process = self._spawn_rasa(index)
        self._wait_rasa(self.rasa_ports[index], process, started + timeout, name)
        return time.monotonic() - started

    def ready(self, index: int) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.rasa_ports[index]}/health/ready", timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    def _wait_rasa(self, port: int, process: subprocess.Popen, deadline: float, name: str) -> None:
        index = self.rasa_ports.index(port)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServiceError(f"{name} exited ({process.returncode}):\n{self.log(name)[-3000:]}")
            if self.ready(index):
                return
            time.sleep(0.5)
        raise ServiceError(f"{name} was not ready in time:\n{self.log(name)[-3000:]}")

    def stop(self) -> None:
        stop_processes(self.processes.values())
        for service in (self.nginx, self.redis, self.postgres):
            if service is not None:
                service.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run HeadEase with 2 Rasa servers behind nginx, PostgreSQL and Redis.")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", 5005)), help="nginx port")
    parser.add_argument("--web-port", type=int, default=int(os.environ.get("HEADEASE_WEB_PORT", 8080)))
    args = parser.parse_args(argv)
    workdir = ROOT / "var" / "cluster"
    workdir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(instances=args.instances, port=args.port, web_port=args.web_port, workdir=workdir)
    print(f"Starting PostgreSQL, Redis, nginx, the action server and {args.instances} Rasa servers "
          f"(logs in {workdir}) ...", flush=True)
    try:
        cluster.start()
    except ServiceError as error:
        cluster.stop()
        print(f"HeadEase cluster did not start: {error}", file=sys.stderr)
        return 2
    print(f"""
  HeadEase cluster is running.
    Web chat:        http://localhost:{args.web_port}/
    REST webhook:    {cluster.url}/webhooks/rest/webhook   (nginx, round robin over {cluster.rasa_ports})
    PostgreSQL:      127.0.0.1:{cluster.postgres.port} db {cluster.postgres.database}; Redis 127.0.0.1:{cluster.redis.port}
    HTTP API token:  in var/api-token (make run-cluster sets RASA_AUTH_TOKEN from it)
  Press Ctrl-C to stop (the throwaway PostgreSQL data is removed; use docker-compose.yml to keep it).
""", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping and all(p.poll() is None for p in cluster.processes.values()):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        print("Stopping the cluster ...")
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
