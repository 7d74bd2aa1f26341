"""Start the scale-out services from Debian's packages on loopback: PostgreSQL, Redis, nginx.

Used by `make run-cluster` (cluster/run_cluster.py) and by the tests that need a real PostgreSQL
or the whole cluster. Each service lives in a private temporary directory, listens on 127.0.0.1
only, and is stopped (and its directory removed) by `stop()`. PostgreSQL refuses to run as root,
so when we are root its processes run as the `postgres` system user the Debian package creates.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

DEBIAN_PACKAGES = {"postgres": "postgresql", "redis": "redis-server", "nginx": "nginx-light"}


class ServiceError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float, what: str, process: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServiceError(f"{what} exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise ServiceError(f"{what} did not listen on port {port} within {timeout:.0f}s")


def wait_for_ready(url: str, timeout: float, what: str, process: Optional[subprocess.Popen] = None) -> None:
    """Wait until `url` (a `/health/ready` endpoint) answers 200; the error names the last answer
    (a 503 lists the checks that failed)."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServiceError(f"{what} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code} {error.read()[:300].decode(errors='replace')}"
        except OSError:
            pass
        time.sleep(0.2)
    raise ServiceError(f"{what} was not ready within {timeout:.0f}s (last answer: {last})")


def stop_processes(processes: Iterable[subprocess.Popen], timeout: float = 20) -> None:
    """Terminate all at once, then wait for each; kill what does not stop in time."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


# Settings a developer's shell may hold (after `source scripts/env.sh`) that would change what the
# test servers do; a server gets them only when its caller passes them in `extra`.
NOT_INHERITED = ("HEADEASE_SENDER_RATE_PER_MIN", "HEADEASE_SENDER_BURST")


def server_env(root: Path, action_url: str, token: str, **extra: str) -> dict:
    """The environment every HeadEase server process gets: telemetry off, the project on the
    path, the action server's URL and the HTTP API token, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONPATH=str(root),
        ACTION_ENDPOINT_URL=action_url,
        RASA_AUTH_TOKEN=token,
        **extra,
    )
    return env


class LoggedProcesses:
    """Mixin for a group of servers started with their output in `<workdir>/<name>.log`.

    The class using it provides `workdir` (a Path) and `processes` (a dict name -> Popen).
    """

    def start_logged(self, name: str, args: List[str], cwd: Path, env: dict) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise ServiceError(f"PostgreSQL's {name} not found: install Debian's {DEBIAN_PACKAGES['postgres']}")
    return found


def _require(binary: str, service: str) -> str:
    found = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if not found:
        raise ServiceError(f"{binary} not found: install Debian's {DEBIAN_PACKAGES[service]} (make system-deps)")
    return found


@dataclass
class Postgres:
    """A throwaway PostgreSQL cluster with trust authentication on 127.0.0.1."""

    port: int = field(default_factory=free_port)
    user: str = "headease"
    database: str = "headease"
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="headease-pg-")))
    _as_postgres: bool = field(default_factory=lambda: os.geteuid() == 0)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def _run(self, args: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
        if self._as_postgres:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, capture_output=True, text=True, **kwargs)

    def start(self) -> "Postgres":
        os.chmod(self.root, 0o755)
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        result = self._run([_postgres_bin("initdb"), "-D", str(self.data_dir), "-A", "trust", "-U", self.user,
                            "-E", "UTF8", "--no-sync"])
        if result.returncode:
            raise ServiceError(f"initdb failed: {result.stderr.strip()[-500:]}")
        result = self._run([_postgres_bin("pg_ctl"), "-D", str(self.data_dir), "-o", self._options(),
                            "-l", str(self.root / "postgres.log"), "-w", "-t", "60", "start"])
        if result.returncode:
            raise ServiceError(f"PostgreSQL did not start: {result.stderr.strip()[-500:]} {self.log()[-800:]}")
        self.sql(f'CREATE DATABASE "{self.database}"', database="postgres")
        return self

    def _options(self) -> str:
        return f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data (`fast`: sessions cut, as a restart does)."""
        result = self._run([_postgres_bin("pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop"])
        if result.returncode:
            raise ServiceError(f"PostgreSQL did not stop: {result.stderr.strip()[-500:]}")

    def start_server(self) -> None:
        """Start the stopped server again on the same port and data."""
        result = self._run([_postgres_bin("pg_ctl"), "-D", str(self.data_dir), "-o", self._options(),
                            "-l", str(self.root / "postgres.log"), "-w", "-t", "60", "start"])
        if result.returncode:
            raise ServiceError(f"PostgreSQL did not start again: {result.stderr.strip()[-500:]}")

    def log(self) -> str:
        path = self.root / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def sql(self, statement: str, database: Optional[str] = None) -> List[tuple]:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=database or self.database)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def env(self) -> dict:
        return {"PG_HOST": "127.0.0.1", "PG_PORT": str(self.port), "PG_USER": self.user, "PG_DB": self.database}

    def stop(self) -> None:
        if self.data_dir.exists():
            self._run([_postgres_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Redis:
    """A Redis server without persistence on 127.0.0.1 (the Rasa lock store)."""

    port: int = field(default_factory=free_port)
    process: Optional[subprocess.Popen] = None

    def start(self) -> "Redis":
        self.process = subprocess.Popen(
            [_require("redis-server", "redis"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 30, "redis-server", self.process)
        return self

    def env(self) -> dict:
        return {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.port)}

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self, down_s: float = 0.0) -> None:
        """Stop Redis (it keeps no data: every lock is gone), wait `down_s`, start it again on the same port."""
        self.stop()
        time.sleep(down_s)
        self.start()


@dataclass
class Nginx:
    """nginx in front of several Rasa servers (cluster/nginx_conf.py): round robin with passive
    health checks for HTTP, sticky for socket.io, per-address and per-sender limits."""

    upstream_ports: Sequence[int]
    port: int = field(default_factory=free_port)
    second_stage_port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="headease-nginx-")))
    fail_timeout_s: Optional[int] = None  # nginx_conf.FAIL_TIMEOUT_S when None
    process: Optional[subprocess.Popen] = None

    def config(self) -> str:
        from actions import render
        from cluster import nginx_conf

        fail_timeout = self.fail_timeout_s or nginx_conf.FAIL_TIMEOUT_S
        return nginx_conf.loopback_config(str(self.root), self.port, self.second_stage_port, self.upstream_ports,
                                          render.emergency_number(), fail_timeout)

    def start(self) -> "Nginx":
        os.chmod(self.root, 0o755)
        conf = self.root / "nginx.conf"
        conf.write_text(self.config())
        binary = _require("nginx", "nginx")
        check = subprocess.run([binary, "-t", "-q", "-c", str(conf), "-p", str(self.root)], capture_output=True, text=True)
        if check.returncode:
            raise ServiceError(f"nginx config rejected: {check.stderr.strip()}")
        self.process = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(self.root), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 30, "nginx", self.process)
        return self

    def error_log(self) -> str:
        path = self.root / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
