"""Start the bots' servers on free loopback ports, time their cold start, watch their memory."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bench.common import ROOT, VENV_BIN, bench_env
from tests.support.stack import Stack, free_port


# --- memory ---------------------------------------------------------------------------------
def _children(pid: int) -> List[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def process_tree(pid: int) -> List[int]:
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        pending.extend(_children(current))
    return pids


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    return sum(_status_kb(p, "VmRSS") for p in process_tree(pid)) / 1024.0


def tree_peak_rss_mb(pid: int) -> float:
    """Sum of each process's high-water mark (VmHWM) over the process tree."""
    return sum(_status_kb(p, "VmHWM") for p in process_tree(pid)) / 1024.0


class PeakSampler:
    """Samples a process tree's RSS in the background; `peak` also honours the kernel's VmHWM."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid, self.interval, self.sampled = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sampled = max(self.sampled, tree_rss_mb(self.pid))
            self._stop.wait(self.interval)

    @property
    def peak(self) -> float:
        return round(max(self.sampled, tree_peak_rss_mb(self.pid)), 1)

    def stop(self) -> float:
        peak = self.peak
        self._stop.set()
        self._thread.join(timeout=2)
        return peak


# --- HTTP ------------------------------------------------------------------------------------
def get_json(url: str, timeout: float = 5.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, json.loads(response.read() or b"null")


@dataclass
class BotServers:
    """One bot: a Rasa server (and, for HeadEase, the action server) in `workdir`."""

    name: str
    model: Path
    cwd: Path
    workdir: Path
    with_actions: bool
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    token: str = "bench-token"
    rasa: Optional[subprocess.Popen] = None
    actions: Optional[subprocess.Popen] = None
    samplers: Dict[str, PeakSampler] = field(default_factory=dict)
    extra_env: Dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.db"

    def env(self) -> Dict[str, str]:
        return bench_env(
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{self.action_port}/webhook",
            TRACKER_DB=str(self.tracker_db),
            RASA_AUTH_TOKEN=self.token,
            **self.extra_env,
        )

    # files -----------------------------------------------------------------------------------
    def prepare(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.with_actions:  # HeadEase: the project's own endpoints and channels files
            stack = Stack(workdir=self.workdir, action_port=self.action_port,
                          rasa_port=self.rasa_port, token=self.token)
            stack.write_credentials()
            shutil.copy(ROOT / "endpoints.yml", self.workdir / "endpoints.yml")
        else:  # reference: its own credentials.yml; the same SQL tracker store engine (SQLite)
            shutil.copy(self.cwd / "credentials.yml", self.workdir / "credentials.yml")
            endpoints = {"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(self.tracker_db)}}
            (self.workdir / "endpoints.yml").write_text(yaml.safe_dump(endpoints))

    def fresh_db(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(self.tracker_db) + suffix).unlink(missing_ok=True)

    # processes -------------------------------------------------------------------------------
    def _log(self, what: str):
        return open(self.workdir / f"{what}.log", "ab")

    def start_actions(self, timeout: float = 120) -> float:
        started = time.monotonic()
        self.actions = subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(self.action_port),
             "--log-level", "WARNING"],
            cwd=ROOT, env=self.env(), stdout=self._log("actions"), stderr=subprocess.STDOUT,
        )
        self._wait(lambda: get_json(f"http://127.0.0.1:{self.action_port}/health")[0] == 200,
                   self.actions, timeout, "action server")
        self.samplers["actions"] = PeakSampler(self.actions.pid)
        return time.monotonic() - started

    def start_rasa(self, timeout: float = 900) -> float:
        """Start `rasa run` (HeadEase through its launcher, which applies its Rasa patches; the
        stock bot as `rasa init` made it); returns seconds from process start to /status with a
        loaded model."""
        started = time.monotonic()
        launcher = [str(VENV_BIN / "python"), "-m", "headease_rasa"] if self.with_actions else [str(VENV_BIN / "rasa")]
        self.rasa = subprocess.Popen(
            [*launcher, "run", "-m", str(self.model), "--enable-api",
             "--auth-token", self.token, "--endpoints", str(self.workdir / "endpoints.yml"),
             "--credentials", str(self.workdir / "credentials.yml"),
             "-i", "127.0.0.1", "-p", str(self.rasa_port)],
            cwd=self.cwd, env=self.env(), stdout=self._log("rasa"), stderr=subprocess.STDOUT,
        )
        self.samplers["rasa"] = PeakSampler(self.rasa.pid)
        self._wait(self.ready, self.rasa, timeout, "rasa server", poll=0.1)
        return time.monotonic() - started

    def ready(self) -> bool:
        status, body = get_json(f"{self.url}/status?token={self.token}", timeout=2)
        return status == 200 and bool((body or {}).get("model_id"))

    @staticmethod
    def _wait(check, process: subprocess.Popen, timeout: float, what: str, poll: float = 0.25) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited with code {process.returncode}")
            try:
                if check():
                    return
            except (OSError, urllib.error.URLError, ValueError):
                pass
            time.sleep(poll)
        raise TimeoutError(f"{what} not ready within {timeout:.0f} s")

    def peak_rss(self) -> Dict[str, Optional[float]]:
        return {name: sampler.peak for name, sampler in self.samplers.items()}

    def stop_rasa(self) -> None:
        self._stop("rasa")

    def stop(self) -> None:
        self._stop("rasa")
        self._stop("actions")

    def _stop(self, which: str) -> None:
        process = getattr(self, which)
        sampler = self.samplers.pop(which, None)
        if sampler:
            sampler.stop()
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        setattr(self, which, None)

    def log_tail(self, what: str, chars: int = 3000) -> str:
        path = self.workdir / f"{what}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""
