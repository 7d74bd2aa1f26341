"""`make shell`: Rasa's `rasa shell` (started like the servers, through `python -m headease_rasa`,
with HeadEase's patches), with its console fixed so that leaving it always works.

Rasa 3.6.21's console (rasa/core/channels/console.py) asks a question with answer buttons through
questionary's `select`. Ctrl-C there makes questionary print "Cancelled by user" and return None,
and `rasa.cli.utils.payload_from_button_question` then calls `None.rfind(...)`: the console task
dies with an AttributeError traceback, and the Rasa server it started keeps running, so the
terminal hangs until it is killed. Ctrl-D at the text prompt (prompt_toolkit raises EOFError) did
the same. Here:

- Ctrl-C at a button question leaves the shell like Ctrl-C at the text prompt already did, and
  like `/stop`: the console ends, Rasa stops its server, `make shell` exits with status 0;
- Ctrl-D at the text prompt does the same;
- Ctrl-C while the bot is answering (between two prompts) leaves once that answer is shown (a
  second Ctrl-C leaves at once). In Rasa's shell, prompt_toolkit takes SIGINT over while it shows
  a prompt and, when the prompt closes, leaves Python's default behind, not the server's handler:
  a KeyboardInterrupt wherever the code was (a traceback from inside the NLU, a half-handled
  turn), or a console left running. Sanic's own handler (`app.stop`) would stop the server under
  the turn in progress and leave the console printing the next prompt. Here SIGINT outside a
  prompt goes to `on_ctrl_c`. (scripts/run.sh starts the shell's action server in a session of
  its own, so the terminal's Ctrl-C does not stop it under the turn either; it is stopped when the
  shell ends.);
- an error while talking to the bot's own server (the server went away) ends the console with one
  line saying so, instead of leaving the server running with a dead console;
- however the console ends, it says "Goodbye".

The fix replaces two module attributes (the console looks both up when it calls them), wraps the
console's loop and notes the server Rasa builds (`rasa.core.run.configure_app`); it is written
for Rasa 3.6.21 and refuses to start on another version, like HeadEase's other patches. Tested in tests/e2e/test_shell_console.py (against Rasa's own console
code) and, through a pseudo-terminal, in tests/e2e/test_readme_commands.py.

Usage: `python scripts/shell.py <rasa shell arguments>` (scripts/run.sh --shell).
"""
from __future__ import annotations

import asyncio
import functools
import os
import signal
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
GOODBYE = "Goodbye 👋"
SERVER_GONE = "The chat stopped: the bot's server did not answer ({error})."

_installed = False


def _importable() -> None:
    """HeadEase's packages importable when this file is run as a script."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


async def payload_from_button_question(button_question: Any) -> Optional[str]:
    """Rasa's `rasa.cli.utils.payload_from_button_question`, with Ctrl-C (questionary's answer
    None) passed on as None, which the console takes as "leave", instead of crashing on it."""
    from rasa.cli import utils as cli_utils

    response = await button_question.ask_async()
    if response is None:
        return None
    if response != cli_utils.FREE_TEXT_INPUT_PROMPT:
        # a button: its payload is the text in the last parentheses, "1: Yes (/affirm)"
        response = response[response.rfind("(") + 1 : response.rfind(")")]
    return response


# The shell's state: "stop", the server's `app.stop` once Rasa has built it (what Sanic runs on
# SIGINT); "console", the task running the console while it runs; "leave", set by Ctrl-C while
# the bot answers; "ctrl_c", set when a second Ctrl-C cancelled the console.
SERVER: Dict[str, Any] = {}


def remember_server(configure_app: Callable) -> Callable:
    """`rasa.core.run.configure_app`, noting the app it returns (for `on_ctrl_c`)."""

    @functools.wraps(configure_app)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        app = configure_app(*args, **kwargs)
        SERVER["stop"] = app.stop
        return app

    wrapped.__headease_shell__ = True
    return wrapped


def on_ctrl_c() -> None:
    """SIGINT outside a prompt (the bot is answering): the console leaves once this answer is in
    (the turn finishes and is stored whole), and Rasa then stops its server as after `/stop`; a
    second Ctrl-C leaves at once. With no console running, the server stops as Sanic would."""
    console_task = SERVER.get("console")
    if console_task is not None and not console_task.done():
        if SERVER.get("leave"):
            SERVER["ctrl_c"] = True
            console_task.cancel()
        else:
            SERVER["leave"] = True
            print("\n(Ctrl-C: leaving after this answer; press it again to leave now)", flush=True)
    elif SERVER.get("stop") is not None:
        SERVER["stop"]()
    else:
        raise KeyboardInterrupt


def _console() -> Any:
    from rasa.core.channels import console

    return console


def hand_ctrl_c_to_the_console() -> None:
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, on_ctrl_c)


def leave_cleanly(get_user_input: Callable) -> Callable:
    """The console's `_get_user_input`, with Ctrl-D (EOFError from prompt_toolkit) as "leave",
    and, once the prompt has closed, SIGINT handed to `on_ctrl_c` again (prompt_toolkit leaves
    Python's default behind)."""

    @functools.wraps(get_user_input)
    async def wrapped(previous_response: Any) -> Optional[str]:
        if SERVER.get("leave"):  # Ctrl-C while the bot answered: show the answer, then leave
            if previous_response is not None:
                _console()._print_bot_output(previous_response)
            return None
        try:
            return await get_user_input(previous_response)
        except EOFError:
            return None
        finally:
            hand_ctrl_c_to_the_console()

    wrapped.__headease_shell__ = True
    return wrapped


def end_cleanly(record_messages: Callable) -> Callable:
    """The console's `record_messages` loop: however it ends (Ctrl-C included), it returns, so
    that Rasa stops its server and the process exits, and it says goodbye."""

    @functools.wraps(record_messages)
    async def wrapped(*args: Any, **kwargs: Any) -> int:
        SERVER["console"] = asyncio.current_task()
        SERVER.pop("ctrl_c", None)
        SERVER.pop("leave", None)
        hand_ctrl_c_to_the_console()
        try:
            return await record_messages(*args, **kwargs)
        except asyncio.CancelledError:
            if not SERVER.pop("ctrl_c", False):
                raise  # cancelled by the server's shutdown, not by Ctrl-C
            print(flush=True)
            return 0
        except Exception as error:  # the bot's server went away, or the console broke
            print(SERVER_GONE.format(error=type(error).__name__), file=sys.stderr, flush=True)
            return 0
        finally:
            SERVER.pop("console", None)
            print(GOODBYE, flush=True)

    wrapped.__headease_shell__ = True
    return wrapped


def install() -> None:
    """Apply the console fix (idempotent). Checks the Rasa version first."""
    global _installed
    if _installed:
        return
    _importable()
    from headease_rasa import patches

    patches.check_version()
    from rasa.cli import utils as cli_utils
    from rasa.core import run
    from rasa.core.channels import console

    cli_utils.payload_from_button_question = payload_from_button_question
    if not getattr(run.configure_app, "__headease_shell__", False):
        run.configure_app = remember_server(run.configure_app)
    if not getattr(console._get_user_input, "__headease_shell__", False):
        console._get_user_input = leave_cleanly(console._get_user_input)
    if not getattr(console.record_messages, "__headease_shell__", False):
        console.record_messages = end_cleanly(console.record_messages)
    _installed = True


def main(argv: Optional[List[str]] = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"  # a health product sends nothing out
    _importable()
    from headease_rasa import __main__ as headease_rasa
    from headease_rasa import patches

    try:
        install()
    except patches.UnsupportedRasa as error:
        sys.stderr.write(f"error: {error}\n")
        raise SystemExit(2)
    headease_rasa.main(["shell", *argv])


if __name__ == "__main__":
    main()
