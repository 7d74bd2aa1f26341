"""`make shell`'s console fix (scripts/shell.py) against Rasa 3.6.21's own console code, with
questionary's prompts replaced by stand-ins that answer as questionary does: the chosen line, the
typed text, None on Ctrl-C, EOFError on Ctrl-D. No server: the whole `make shell` is driven
through a pseudo-terminal in test_readme_commands.py."""
from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import socket
import time
from pathlib import Path
from typing import Any, List

import pytest
from rasa.cli import utils as cli_utils
from rasa.core.channels import console

ROOT = Path(__file__).resolve().parents[2]


def button_question() -> dict:
    """A bot message with buttons, as the console gets it (fresh each time: Rasa pops its keys)."""
    return {
        "recipient_id": "default",
        "text": "Have you had any of these?",
        "buttons": [{"title": "None of these", "payload": "none of these"}, {"title": "Yes", "payload": "/affirm"}],
    }


def load_shell():
    spec = importlib.util.spec_from_file_location("headease_shell_script", ROOT / "scripts" / "shell.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shell = load_shell()
CTRL_C = object()  # questionary catches the KeyboardInterrupt and answers None
CTRL_D = object()  # prompt_toolkit raises EOFError at an empty text prompt


class Prompts:
    """questionary.select / questionary.text stand-ins, answering from a script in order, and
    handling SIGINT while they show as prompt_toolkit does."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.asked: List[tuple] = []

    def _question(self, kind: str, choices=None):
        prompts = self

        class Question:
            async def ask_async(self, patch_stdout: bool = False, kbi_msg: str = "Cancelled by user"):
                prompts.asked.append((kind, choices))
                answer = prompts.answers.pop(0)
                # prompt_toolkit's Application.run_async: SIGINT is the prompt's while it shows,
                # and its handler is removed when it closes (leaving Python's default)
                loop = asyncio.get_running_loop()
                loop.add_signal_handler(signal.SIGINT, lambda: None)
                try:
                    if answer is CTRL_C:
                        print(f"\n{kbi_msg}\n")
                        return None
                    if answer is CTRL_D:
                        raise EOFError
                    if isinstance(answer, int):  # the n-th line of a select
                        return choices[answer]
                    return answer
                finally:
                    loop.remove_signal_handler(signal.SIGINT)

        return Question()

    def select(self, message, choices, **kwargs):
        return self._question("select", list(choices))

    def text(self, message, **kwargs):
        return self._question("text")


@pytest.fixture(autouse=True)
def own_state(monkeypatch):
    """Each test starts with no shell state, and leaves SIGINT as it found it."""
    previous = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(shell, "SERVER", {})
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def prompts(monkeypatch):
    def use(*answers):
        stand_in = Prompts(*answers)
        monkeypatch.setattr(console.questionary, "select", stand_in.select)
        monkeypatch.setattr(console.questionary, "text", stand_in.text)
        return stand_in

    return use


@pytest.fixture
def fixed(monkeypatch):
    """The fix applied as `install()` applies it, undone after the test."""
    monkeypatch.setattr(cli_utils, "payload_from_button_question", shell.payload_from_button_question)
    monkeypatch.setattr(console, "_get_user_input", shell.leave_cleanly(console._get_user_input))
    monkeypatch.setattr(console, "record_messages", shell.end_cleanly(console.record_messages))


def user_input(previous):
    return asyncio.run(console._get_user_input(previous))


def test_rasa_own_console_crashes_on_ctrl_c_at_a_button_question(prompts):
    """The bug the fix is for (if this starts failing, Rasa fixed it: the fix can go)."""
    prompts(CTRL_C)
    with pytest.raises(AttributeError, match="rfind"):
        user_input(button_question())


def test_ctrl_c_at_a_button_question_leaves(prompts, fixed, capsys):
    asked = prompts(CTRL_C)
    assert user_input(button_question()) is None  # the console's "leave"
    assert asked.asked[0][0] == "select" and "Cancelled by user" in capsys.readouterr().out


def test_buttons_and_free_text_still_work(prompts, fixed):
    asked = prompts(1)
    assert user_input(button_question()) == "/affirm"
    assert asked.asked[0][1][-1] == cli_utils.FREE_TEXT_INPUT_PROMPT
    prompts(2, "  my head hurts ")  # "Type out your own message...", then a text prompt
    assert user_input(button_question()) == "my head hurts"
    prompts(2, CTRL_C)  # Ctrl-C at the text prompt reached from a button question
    assert user_input(button_question()) is None


def test_ctrl_d_at_the_text_prompt_leaves(prompts, fixed):
    prompts(CTRL_D)
    assert user_input(None) is None
    prompts(CTRL_D)
    with pytest.raises(EOFError):  # Rasa's own console, for comparison
        asyncio.run(console._get_user_input.__wrapped__(None))


async def bot_server(answer_after_s: float):
    """A stand-in for the bot's server (Rasa's REST webhook, streamed as the console asks): it
    takes the message and answers after `answer_after_s` seconds."""
    from aiohttp import web

    received = []

    async def webhook(request):
        received.append((await request.json())["message"])
        await asyncio.sleep(answer_after_s)
        return web.Response(text='{"recipient_id": "pat", "text": "Thanks, noted."}\n')

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}", received


def talk_then_ctrl_c(record_messages, get_user_input, presses: int, answer_after_s: float):
    """The console sends "hello"; while the bot answers, Ctrl-C (SIGINT to the process) `presses`
    times. Returns what `record_messages` returned and the messages the bot got."""
    console.questionary.text = Prompts("hello", CTRL_C).text  # a later prompt would be left with Ctrl-C
    console._get_user_input = get_user_input

    async def session():
        loop = asyncio.get_running_loop()
        runner, url, received = await bot_server(answer_after_s)
        loop.add_signal_handler(signal.SIGINT, shell.SERVER["stop"])  # as Sanic does: app.stop
        for press in range(presses):  # record_messages waits 0.5 s before its first prompt
            loop.call_later(1.0 + 0.2 * press, os.kill, os.getpid(), signal.SIGINT)
        try:
            return await asyncio.wait_for(record_messages("pat", server_url=url), 10), received
        finally:
            await runner.cleanup()

    return asyncio.run(session())


@pytest.fixture
def rasa_console(monkeypatch):
    """Rasa's own console functions, restored after the test; and a server whose stops are noted."""
    for module, name in ((console.questionary, "text"), (console, "_get_user_input")):
        monkeypatch.setattr(module, name, getattr(module, name))
    stopped = []
    monkeypatch.setattr(shell, "SERVER", {"stop": lambda: stopped.append("server stopped")})
    return console._get_user_input, stopped


def test_ctrl_c_while_the_bot_answers_leaves_after_the_answer(rasa_console, capsys):
    rasa_get_user_input, stopped = rasa_console
    fixed = shell.end_cleanly(console.record_messages)
    sent, received = talk_then_ctrl_c(fixed, shell.leave_cleanly(rasa_get_user_input), presses=1, answer_after_s=1.5)
    out = capsys.readouterr().out
    assert (sent, received) == (1, ["hello"])  # the turn finished, then the console left
    assert "leaving after this answer" in out and "Thanks, noted." in out
    assert out.index("Thanks, noted.") < out.rindex(shell.GOODBYE) and "Cancelled by user" not in out
    assert stopped == [] and "console" not in shell.SERVER  # Rasa stops its server, as after /stop
    with pytest.raises(KeyboardInterrupt):  # Rasa's own console: wherever the code was
        talk_then_ctrl_c(console.record_messages, rasa_get_user_input, presses=1, answer_after_s=1.5)


def test_ctrl_c_twice_while_the_bot_answers_leaves_at_once(rasa_console, capsys):
    rasa_get_user_input, stopped = rasa_console
    fixed = shell.end_cleanly(console.record_messages)
    started = time.monotonic()
    sent, received = talk_then_ctrl_c(fixed, shell.leave_cleanly(rasa_get_user_input), presses=2, answer_after_s=30)
    assert time.monotonic() - started < 5 and (sent, received) == (0, ["hello"])
    out = capsys.readouterr().out
    assert out.rstrip().endswith(shell.GOODBYE) and "Thanks, noted." not in out
    assert stopped == []


def test_ctrl_c_handler_is_back_after_each_prompt(monkeypatch):
    """While a prompt shows, prompt_toolkit sets SIGINT to its own handler, and removes it when
    the prompt closes (Application.run_async), which leaves Python's default behind."""
    previous = signal.getsignal(signal.SIGINT)
    stopped = []
    monkeypatch.setattr(shell, "SERVER", {"stop": lambda: stopped.append("server stopped")})

    async def prompt_like_prompt_toolkit(previous_response):
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGINT, lambda: None)
        loop.remove_signal_handler(signal.SIGINT)
        return "hello"

    async def session():
        assert await shell.leave_cleanly(prompt_like_prompt_toolkit)(None) == "hello"
        os.kill(os.getpid(), signal.SIGINT)  # no console running: the server is stopped
        await asyncio.sleep(0.2)

    try:
        asyncio.run(session())  # on uvloop (the policy Rasa's imports set), as Rasa runs
        assert stopped == ["server stopped"]
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_server_rasa_builds_is_remembered(monkeypatch):
    monkeypatch.setattr(shell, "SERVER", {})

    class App:
        def stop(self):
            pass

    app = App()
    assert shell.remember_server(lambda **kwargs: app)(enable_api=False) is app
    assert shell.SERVER["stop"] == app.stop


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_the_console_loop_ends_on_ctrl_c_and_says_goodbye(prompts, fixed, capsys):
    prompts(CTRL_C)
    sent = asyncio.run(console.record_messages("pat", server_url=closed_port_url()))
    assert sent == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(shell.GOODBYE)


def test_the_console_loop_ends_when_the_server_is_gone(prompts, fixed, capsys):
    """Rasa's loop raised here and left its server running with no console."""
    prompts("hello")
    assert asyncio.run(console.record_messages("pat", server_url=closed_port_url())) == 0
    captured = capsys.readouterr()
    assert "The chat stopped: the bot's server did not answer (ClientConnectorError)" in captured.err
    assert captured.out.rstrip().endswith(shell.GOODBYE)
    prompts("hello")
    with pytest.raises(Exception):  # Rasa's own loop, for comparison
        asyncio.run(console.record_messages.__wrapped__("pat", server_url=closed_port_url()))


def test_install_replaces_what_the_console_calls_once(monkeypatch):
    from rasa.core import run

    for module, name in ((cli_utils, "payload_from_button_question"), (console, "_get_user_input"),
                         (console, "record_messages"), (run, "configure_app")):
        monkeypatch.setattr(module, name, getattr(module, name))  # restored after the test
    monkeypatch.setattr(shell, "_installed", False)
    shell.install()
    monkeypatch.setattr(shell, "_installed", False)
    shell.install()  # twice: wrapped once
    assert cli_utils.payload_from_button_question is shell.payload_from_button_question
    assert console._get_user_input.__headease_shell__ and not hasattr(console._get_user_input.__wrapped__, "__headease_shell__")
    assert console.record_messages.__headease_shell__ and not hasattr(console.record_messages.__wrapped__, "__headease_shell__")
    assert run.configure_app.__headease_shell__ and not hasattr(run.configure_app.__wrapped__, "__headease_shell__")


def test_run_sh_starts_the_shell_through_the_fix():
    script = (ROOT / "scripts" / "run.sh").read_text()
    block = script[script.index('if [ "${1:-}" = "--shell" ]'):].split("exit 0")[0]
    command = " ".join(line for line in block.splitlines() if not line.strip().startswith("#"))
    assert ".venv/bin/python scripts/shell.py " in command and "headease_rasa shell" not in command
