"""Every command in `make help` and the README works from a fresh clone.

A fresh clone is made of this working tree (the files `git ls-files --cached --others
--exclude-standard` lists, with their times), so what is checked is what a commit of it would
give. Its set-up products are reused rather than rebuilt, because rebuilding them takes tens of
minutes: the virtualenv and the web widget's node_modules are links to this tree's, the trained
model, the spaCy model and the kiosk's models are copies. A check refuses to run a command that
would rebuild any of them into this tree (a stale .venv or model): it fails and says why.

Every command has a check in CHECKS (a command added to `make help` or the README without one
fails `test_every_documented_command_has_a_check`). How each is checked:

- run to the end: help, validate, train/model (up to date), web, system-deps, kiosk-model, purge
  (SQLite), shell (through a pseudo-terminal: a greeting, a question with buttons, then left with
  Ctrl-C at that question; again with /stop; again with Ctrl-C while the bot answers; the servers
  it started must be gone each time), clean (in a clone of its own);
- started, used, and stopped with Ctrl-C (SIGINT to its process group, as a terminal does): run (a
  REST answer, the widget page, the kiosk on a recorded file, then the SQLite purge), run-cluster
  (a REST answer through nginx, `make purge ENDPOINTS=endpoints.cluster.yml` on its PostgreSQL);
- the kiosk with a microphone only where the machine has audio; here, without PortAudio, that it
  stops with its clear message (the recorded-file kiosk above is the real check);
- started and watched for WINDOW_S seconds, then stopped: eval-nlu, eval-conversations, bench,
  bench-quick, bench-voice (each runs for minutes; in the window they must get past their set-up
  without an error, or finish with status 0). `HEADEASE_SMOKE_WINDOW_S=0` runs each of them to
  the end instead (status 0 required; up to LONGEST_S each: the full benchmark takes the longest),
  for a release check;
- dry-run and test collection: test, test-fast, test-cluster (`make test` is the command running
  this test, and the cluster load test is part of it).

What each command got is written to reports/readme_commands.json. The quick checks (the list, the
dry runs) are in the fast tier; everything that starts servers or needs the model is marked.
"""
from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import termios
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "readme_commands.json"
WINDOW_S = float(os.environ.get("HEADEASE_SMOKE_WINDOW_S") or 45)  # 0: run the long commands to the end
LONGEST_S = 3 * 3600
WATCHED = f"watched {WINDOW_S:g} s" if WINDOW_S > 0 else "run to the end"
LINKED = (".venv", "web/node_modules")  # set-up products shared with this tree (never written)
COPIED = ("models", "build/spacy_en_headease", "build/kiosk")
PLATFORM_VARS = ("TELEGRAM_", "SLACK_", "FACEBOOK_", "HEADEASE_TELEGRAM", "HEADEASE_SLACK", "HEADEASE_FACEBOOK")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")

# command -> how it is checked (see the module docstring)
CHECKS = {
    "help": "run",
    "run": "started, used, Ctrl-C",
    "shell": "pseudo-terminal",
    "train": "run (model up to date)",
    "model": "run (model up to date)",
    "validate": "run",
    "test": "dry run + collection",
    "test-fast": "dry run + collection",
    "test-cluster": "dry run + collection",
    "eval-nlu": WATCHED,
    "eval-conversations": WATCHED,
    "bench": WATCHED,
    "bench-quick": WATCHED,
    "kiosk": "recorded file (with make run); live: audio check",
    "kiosk-model": "run (cached)",
    "bench-voice": WATCHED,
    "purge": "run (SQLite, and PostgreSQL with run-cluster)",
    "run-cluster": "started, used, Ctrl-C",
    "web": "run",
    "system-deps": "run",
    "clean": "run (own clone)",
}
RESULTS: Dict[str, dict] = {}


def record(command: str, **result) -> None:
    RESULTS[command] = {"check": CHECKS.get(command.split()[0], "variant"), **result}
    previous = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    previous.update(RESULTS)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(previous, indent=2, sort_keys=True) + "\n")


# --- the documented commands ------------------------------------------------------------------
def make_help_targets() -> List[str]:
    out = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return re.findall(r"^  make ([a-z][a-z-]*)\s", out.stdout, re.M)


def readme_commands() -> List[str]:
    text = (ROOT / "README.md").read_text()
    return sorted(set(re.findall(r"`make ([a-z][a-z-]*)[^`]*`", text)))


def test_every_documented_command_has_a_check():
    documented = set(make_help_targets()) | set(readme_commands())
    assert documented, "no commands found in `make help` or the README"
    assert documented - set(CHECKS) == set(), "commands without a smoke check"
    assert set(CHECKS) - documented == set(), "checks for commands that are no longer documented"


# --- a fresh clone ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Checkout:
    """A fresh clone of this working tree, with its own HOME, ports and databases."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.home = path.parent / "home"
        self.home.mkdir(exist_ok=True)
        self.ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "HEADEASE_WEB_PORT": free_port()}

    @classmethod
    def create(cls, dest: Path) -> "Checkout":
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
        for name in filter(None, listed):
            source = ROOT / os.fsdecode(name)
            if not source.exists() and not source.is_symlink():
                continue  # deleted in the working tree
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
        for name in LINKED:
            if (ROOT / name).exists():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                (dest / name).symlink_to(ROOT / name, target_is_directory=True)
        for name in COPIED:
            if (ROOT / name).exists():
                shutil.copytree(ROOT / name, dest / name, symlinks=True)
        checkout = cls(dest)
        # Never let make rebuild the shared virtualenv from here.
        stale = subprocess.run(["make", "-q", ".venv/.installed"], cwd=dest, env=checkout.env(), capture_output=True)
        if stale.returncode != 0:
            pytest.fail(".venv is missing or older than requirements.txt/constraints.txt: run `make run` or "
                        "`make test` in the repository first (the smoke test does not reinstall it)")
        return checkout

    def env(self, **extra: str) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_VARS)}
        env.pop("MAKEFLAGS", None)
        env.pop("MAKELEVEL", None)
        env.update({k: str(v) for k, v in self.ports.items()})
        env.update(HOME=str(self.home), RASA_TELEMETRY_ENABLED="false", TERM="dumb", PYTHONUNBUFFERED="1",
                   HEADEASE_WEB_ORIGIN=f"http://localhost:{self.ports['HEADEASE_WEB_PORT']}")
        env.pop("RASA_AUTH_TOKEN", None)
        env.update(extra)
        return env

    def make(self, *args: str, timeout: float, **env: str) -> subprocess.CompletedProcess:
        started = time.monotonic()
        try:
            result = subprocess.run(["make", "--no-print-directory", *args], cwd=self.path, env=self.env(**env),
                                    capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            out = (expired.stdout or b"").decode(errors="replace") if isinstance(expired.stdout, bytes) else (expired.stdout or "")
            pytest.fail(f"`make {' '.join(args)}` did not finish within {timeout:.0f} s:\n{out[-3000:]}")
        result.seconds = round(time.monotonic() - started, 1)
        return result

    def start(self, *args: str, **env: str) -> "Running":
        log = open(self.path.parent / f"make-{'-'.join(args)}.log".replace("/", "_")[:80], "w+")
        process = subprocess.Popen(["make", "--no-print-directory", *args], cwd=self.path, env=self.env(**env),
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        return Running(process, log)

    def model_is_current(self) -> Optional[str]:
        """None when the copied model matches its inputs, else why not."""
        stamp = self.path / "models" / "headease.inputs.sha256"
        if not (self.path / "models" / "headease.tar.gz").exists() or not stamp.exists():
            return "no trained model in models/"
        code = "import sys; sys.path.insert(0, 'scripts'); import train_if_stale; print(train_if_stale.inputs_hash())"
        wanted = subprocess.run([str(self.path / ".venv" / "bin" / "python"), "-c", code], cwd=self.path,
                                capture_output=True, text=True, check=True).stdout.strip()
        return None if stamp.read_text().strip() == wanted else "the model in models/ is older than its inputs"

    def require_model(self) -> None:
        problem = self.model_is_current()
        if problem:
            pytest.fail(f"{problem}: run `make train` in the repository first (the smoke test does not train, "
                        "which takes minutes)")


class Running:
    """A make command started in its own process group (like a terminal's foreground job)."""

    def __init__(self, process: subprocess.Popen, log) -> None:
        self.process, self.log = process, log
        self.started = time.monotonic()

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_for(self, pattern: str, timeout: float) -> "re.Match[str]":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output())
            if match:
                return match
            if self.process.poll() is not None:
                pytest.fail(f"exited with {self.process.returncode} before printing {pattern!r}:\n{self.output()[-4000:]}")
            time.sleep(1)
        self.stop()
        pytest.fail(f"no {pattern!r} within {timeout:.0f} s:\n{self.output()[-4000:]}")

    def ctrl_c(self, timeout: float = 90) -> int:
        """SIGINT to the whole group, as Ctrl-C in a terminal; the exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"did not stop within {timeout:.0f} s of Ctrl-C:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Checkout:
    return Checkout.create(tmp_path_factory.mktemp("fresh-clone") / "headease")


def http(url: str, payload: Optional[dict] = None, timeout: float = 120):
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read().decode()
        return response.status, body


def wait_http(url: str, timeout: float, running: Running) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if http(url, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        if running.process.poll() is not None:
            pytest.fail(f"exited with {running.process.returncode}:\n{running.output()[-4000:]}")
        time.sleep(2)
    running.stop()
    pytest.fail(f"{url} did not answer within {timeout:.0f} s:\n{running.output()[-4000:]}")


# --- fast: the list and the dry runs ----------------------------------------------------------
def test_make_help_lists_every_command(checkout):
    result = checkout.make("help", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "make run" in result.stdout and "make test" in result.stdout
    assert set(re.findall(r"^  make ([a-z][a-z-]*)\s", result.stdout, re.M)) == set(make_help_targets())
    record("help", outcome="ok", seconds=result.seconds)


@pytest.mark.parametrize("command", sorted(CHECKS))
def test_every_command_resolves(checkout, command):
    """`make -n`: the recipe and every prerequisite exist (nothing is run)."""
    result = checkout.make("-n", command, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_shell_uses_the_generated_credentials_not_the_template(checkout):
    """`rasa shell` reads every channel in its credentials file: the template's `${VAR}`
    references stopped it ("Error when trying to expand the environment variables")."""
    script = (checkout.path / "scripts" / "run.sh").read_text()
    shell_line = script[script.index(".venv/bin/python scripts/shell.py"):].split("exit 0")[0]
    assert "--credentials var/credentials.yml" in shell_line and '-p "$RASA_PORT"' in shell_line


# --- slow: commands run for real --------------------------------------------------------------

@pytest.mark.e2e
@pytest.mark.model
def test_validate_train_and_model(checkout):
    checkout.require_model()
    for command in ("train", "model"):
        result = checkout.make(command, timeout=300)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "Model is up to date" in result.stdout, result.stdout[-2000:]
        record(command, outcome="ok", seconds=result.seconds)
    result = checkout.make("validate", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    record("validate", outcome="ok", seconds=result.seconds)
    settings = (checkout.home / ".config" / "rasa" / "global.yml").read_text()
    assert re.search(r"^\s*enabled:\s*false\s*$", settings, re.M), settings  # stored as off, not only by env


@pytest.mark.e2e
def test_web_and_system_deps(checkout):
    result = checkout.make("system-deps", timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    record("system-deps", outcome="ok", seconds=result.seconds)
    if (checkout.path / "web" / "dist").exists():
        shutil.rmtree(checkout.path / "web" / "dist")
    result = checkout.make("web", timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (checkout.path / "web" / "dist" / "headease-widget.js").stat().st_size > 10_000
    record("web", outcome="ok", seconds=result.seconds)


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def controlling_terminal() -> None:
    """In the child: a session of its own with the pseudo-terminal as its controlling terminal,
    so that Ctrl-C typed outside a prompt is a SIGINT to the foreground job, as in a real one."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@pytest.mark.e2e
@pytest.mark.model
@pytest.mark.parametrize("leave", ["ctrl-c at a button question", "/stop at the text prompt",
                                   "ctrl-c while the bot answers"])
def test_shell_through_a_pseudo_terminal(checkout, leave):
    """`make shell` in a terminal: a greeting, an answer with buttons, then out. Ctrl-C at a
    button question crashed Rasa 3.6's console and left its server running; Ctrl-C while the bot
    answered gave a traceback or a console whose action server had stopped (both fixed by
    scripts/shell.py). Every way out must now end `make shell` (status 0; after a SIGINT, make
    itself reports the interrupt) with a goodbye, no traceback, and the servers stopped."""
    checkout.require_model()
    master, slave = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(["make", "--no-print-directory", "shell"], cwd=checkout.path,
                               env=checkout.env(TERM="xterm", COLUMNS="120", LINES="40"),
                               stdin=slave, stdout=slave, stderr=slave, preexec_fn=controlling_terminal)
    os.close(slave)
    seen = []

    def screen(since: int = 0) -> str:
        return ANSI.sub("", "".join(seen[since:]))

    def read_until(pattern: str, timeout: float, since: int = 0) -> str:
        """Read the terminal until `pattern` shows in what came after chunk `since`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    chunk = os.read(master, 65536).decode(errors="replace")
                except OSError:  # the terminal closed: the shell exited
                    chunk = None
                if chunk:
                    seen.append(chunk)
                    if "\x1b[6n" in chunk:  # answer prompt_toolkit's cursor position request
                        os.write(master, b"\x1b[1;1R")
            if re.search(pattern, screen(since)):
                return screen(since)
            if process.poll() is not None and not ready:
                break
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"`make shell`: no {pattern!r} within {timeout:.0f} s:\n{screen()[-4000:]}")

    def finished(timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    seen.append(os.read(master, 65536).decode(errors="replace"))
                except OSError:
                    pass
        try:
            return process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"`make shell` still running {timeout:.0f} s after {leave}:\n{screen()[-3000:]}")

    def to_text_prompt() -> None:
        """At a button question, Up wraps to "Type out your own message...": a text prompt."""
        mark = len(seen)
        os.write(master, b"\x1b[A")
        time.sleep(0.5)
        os.write(master, b"\r")
        read_until(r"Your input ->", 60, since=mark)

    try:
        read_until(r"Your input ->", 420)
        mark = len(seen)
        os.write(master, b"hello\r")
        # the bot's greeting (it names itself), then the next prompt: text, or a choice of buttons
        read_until(r"HeadEase[\s\S]*(Your input ->|Type out your own message)", 180, since=mark)
        assert "expand the environment variables" not in screen()
        time.sleep(1)
        if "Type out your own message" in screen(mark):
            to_text_prompt()
        mark = len(seen)
        os.write(master, b"I have a headache\r")
        if leave == "ctrl-c while the bot answers":
            time.sleep(0.1)  # the prompt has closed; the bot reads the message and answers
            os.killpg(os.tcgetpgrp(master), signal.SIGINT)  # what Ctrl-C does outside a prompt
            allowed = (0, 130, -signal.SIGINT)  # make was interrupted too, and says so
        else:
            read_until(r"Type out your own message", 180, since=mark)  # a question with answer buttons
            time.sleep(1)
            if leave == "ctrl-c at a button question":
                os.write(master, b"\x03")  # Ctrl-C, as the terminal delivers it to the prompt
            else:
                to_text_prompt()
                os.write(master, b"/stop\r")  # the shell's own way out ("use '/stop' to exit")
            allowed = (0,)
        code = finished(120)
        output = screen()
        assert code in allowed, f"`make shell` ended with {code} after {leave}:\n{output[-3000:]}"
        assert "Traceback" not in output and "Task exception was never retrieved" not in output, output[-3000:]
        assert "Goodbye" in output and "Stopping HeadEase" in output, output[-2000:]
        assert port_closed(checkout.ports["RASA_PORT"]) and port_closed(checkout.ports["ACTION_PORT"])
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        os.close(master)
    record(f"shell ({leave})", outcome="ok", seconds=round(time.monotonic() - started, 1))


def recorded_utterance(path: Path, text: str) -> Path:
    sys.path.insert(0, str(ROOT))
    from kiosk.speech_out import synthesize

    return synthesize(text, path, voice="en-us", speed=150, rate=16000)


def audio_available() -> bool:
    probe = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", "import sounddevice; sounddevice.query_devices(kind='input')"],
                           capture_output=True, timeout=60)
    return probe.returncode == 0


@pytest.mark.e2e
@pytest.mark.model
def test_run_with_rest_widget_kiosk_then_ctrl_c_and_purge(checkout, tmp_path):
    checkout.require_model()
    rasa = f"http://127.0.0.1:{checkout.ports['RASA_PORT']}"
    running = checkout.start("run")
    try:
        running.wait_for(r"HeadEase is running", 600)
        status, body = http(f"{rasa}/webhooks/rest/webhook", {"sender": "smoke-run", "message": "hello"})
        assert status == 200 and json.loads(body), body
        status, page = http(f"http://127.0.0.1:{checkout.ports['HEADEASE_WEB_PORT']}/")
        assert status == 200 and "headease-widget" in page
        record("run", outcome="ok: REST answer, widget page", seconds=round(time.monotonic() - running.started, 1))

        # The kiosk on a recorded file (no microphone needed), against this `make run`.
        spoken, replies = tmp_path / "in", tmp_path / "out"
        spoken.mkdir()
        recorded_utterance(spoken / "001.wav", "I have a headache")
        kiosk = checkout.make("kiosk", f"KIOSK_ARGS=--rasa {rasa} --wav-in {spoken} --wav-out {replies}", timeout=600)
        assert kiosk.returncode == 0, kiosk.stdout[-3000:] + kiosk.stderr[-3000:]
        assert re.search(r"^HeadEase: \S", kiosk.stdout, re.M), kiosk.stdout[-2000:]
        assert list(replies.glob("*.wav")), "the kiosk wrote no reply audio"
        record("kiosk", outcome="ok: recorded file", seconds=kiosk.seconds)
    finally:
        code = running.ctrl_c()
        running.stop()
    assert code in (0, 130, -signal.SIGINT), f"make run ended with {code} after Ctrl-C:\n{running.output()[-3000:]}"
    assert "Stopping HeadEase" in running.output()
    with pytest.raises(OSError):  # everything it started has stopped
        http(f"{rasa}/", timeout=5)

    time.sleep(2)
    purge = checkout.make("purge", timeout=300, HEADEASE_RETENTION_DAYS="0.00001")
    assert purge.returncode == 0, purge.stdout[-2000:] + purge.stderr[-2000:]
    purged = re.search(r"Purged (\d+) conversation", purge.stdout)
    assert purged and int(purged.group(1)) >= 1, purge.stdout
    record("purge", outcome=f"ok: purged {purged.group(1)} (SQLite)", seconds=purge.seconds)


@pytest.mark.e2e
@pytest.mark.model
def test_live_kiosk_needs_audio_and_says_so(checkout):
    checkout.require_model()
    if audio_available():
        pytest.skip("this machine has an audio input: the live kiosk would listen to it (checked above on a recorded file)")
    result = checkout.make("kiosk", timeout=600)
    assert result.returncode != 0
    assert "no audio support on this machine" in result.stderr and "--wav-in" in result.stderr, result.stderr[-2000:]


@pytest.mark.e2e
@pytest.mark.services
@pytest.mark.model
def test_run_cluster_briefly_and_purge_postgres(checkout):
    checkout.require_model()
    running = checkout.start("run-cluster")
    try:
        match = running.wait_for(r"REST webhook:\s+(http://\S+)", 900)
        status, body = http(match.group(1), {"sender": "smoke-cluster", "message": "hello"})
        assert status == 200 and json.loads(body), body
        record("run-cluster", outcome="ok: REST answer through nginx", seconds=round(time.monotonic() - running.started, 1))
        stores = re.search(r"PostgreSQL:\s+127\.0\.0\.1:(\d+) db (\S+); Redis 127\.0\.0\.1:(\d+)", running.output())
        assert stores, running.output()[-2000:]
        time.sleep(2)
        purge = checkout.make("purge", "ENDPOINTS=endpoints.cluster.yml", timeout=300, HEADEASE_RETENTION_DAYS="0.00001",
                              PG_HOST="127.0.0.1", PG_PORT=stores.group(1), PG_DB=stores.group(2), PG_USER="headease",
                              PG_PASSWORD="", REDIS_HOST="127.0.0.1", REDIS_PORT=stores.group(3))
        assert purge.returncode == 0, purge.stdout[-2000:] + purge.stderr[-2000:]
        assert re.search(r"Purged [1-9]\d* conversation", purge.stdout), purge.stdout
        record("purge ENDPOINTS=endpoints.cluster.yml", outcome="ok (PostgreSQL)", seconds=purge.seconds)
    finally:
        code = running.ctrl_c(timeout=120)
        running.stop()
    assert code in (0, 130, -signal.SIGINT), f"make run-cluster ended with {code} after Ctrl-C:\n{running.output()[-3000:]}"
    assert "Stopping the cluster" in running.output()


@pytest.mark.e2e
@pytest.mark.model
@pytest.mark.parametrize(
    "command, args",
    [("eval-nlu", ()), ("eval-conversations", ("ARGS=--half sealed",)), ("bench", ("ARGS=--quick --no-readme",)),
     ("bench-quick", ()), ("bench-voice", ())],
)
def test_long_command_gets_going(checkout, command, args):
    """Minutes-long commands: in WINDOW_S seconds they must get past their set-up without an error
    (or finish with status 0); with WINDOW_S 0, they must finish with status 0. What they measure
    is checked by their own tests and reports."""
    checkout.require_model()
    running = checkout.start(command, *args)
    limit = WINDOW_S if WINDOW_S > 0 else LONGEST_S
    try:
        while time.monotonic() - running.started < limit and running.process.poll() is None:
            time.sleep(1)
        finished = running.process.poll()
        output = running.output()
    finally:
        if running.process.poll() is None:
            running.ctrl_c(timeout=60)
        running.stop()
    assert "Traceback (most recent call last)" not in output, output[-4000:]
    assert not re.search(r"^make: \*\*\*", output, re.M), output[-4000:]
    if WINDOW_S <= 0:
        assert finished is not None, f"`make {command}` did not finish within {LONGEST_S} s:\n{output[-2000:]}"
    if finished is not None:
        assert finished == 0, output[-4000:]
    # it reached its own command: every prerequisite (venv, model, telemetry, caches) was fine
    recipe = subprocess.run(["make", "--no-print-directory", "-n", command, *args], cwd=checkout.path,
                            env=checkout.env(), capture_output=True, text=True).stdout.strip().splitlines()[-1]
    assert recipe in output, f"never reached {recipe!r}:\n{output[-2000:]}"
    record(f"{command} {' '.join(args)}".strip(), outcome="finished" if finished == 0 else f"running after {WINDOW_S:g} s, stopped",
           seconds=round(time.monotonic() - running.started, 1))


@pytest.mark.e2e
def test_kiosk_model_is_cached(checkout):
    result = checkout.make("kiosk-model", timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    record("kiosk-model", outcome="ok", seconds=result.seconds)


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["test-fast", "test", "test-cluster"])
def test_the_test_commands_resolve_and_collect(checkout, command):
    """Not run here: `make test` is what runs this file, and its slow half includes the cluster
    load test. Each must resolve to pytest runs that collect tests in the fresh clone."""
    dry = checkout.make("-n", command, timeout=120)
    assert dry.returncode == 0, dry.stderr
    runs = re.findall(r"scripts/pytest\.sh (\S+)(?: -m \"([^\"]+)\")?", dry.stdout)
    assert runs, dry.stdout
    for path, marks in runs:
        args = [str(checkout.path / ".venv" / "bin" / "python"), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", path]
        if marks:
            args += ["-m", marks]
        collected = subprocess.run(args, cwd=checkout.path, env=checkout.env(), capture_output=True, text=True, timeout=600)
        assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
        count = re.search(r"(\d+)(?:/\d+)? tests? (?:collected|selected)", collected.stdout)
        assert count and int(count.group(1)) > 0, collected.stdout[-1000:]
    record(command, outcome=f"resolves to {len(runs)} pytest run(s) that collect", seconds=dry.seconds)


@pytest.mark.e2e
def test_clean_in_a_clone_of_its_own(tmp_path):
    own = Checkout.create(tmp_path / "headease")
    (own.path / "var").mkdir(exist_ok=True)
    result = own.make("clean", timeout=120)
    assert result.returncode == 0, result.stderr
    for name in (".venv", "models", "build", "var", "web/node_modules", "web/dist", "reports"):
        assert not os.path.lexists(own.path / name), name
    assert (ROOT / ".venv" / "bin" / "python").exists()  # the linked set-up products are untouched
    assert (ROOT / "web" / "node_modules").exists()
    record("clean", outcome="ok", seconds=result.seconds)
