"""Tell the channels when a custom action failed during the message they are handling.

Rasa 3.6's `MessageProcessor._run_action` catches any exception from an action, logs it and goes
on without the action's events, so a channel cannot see that the turn went wrong (the user would
get silence or a misleading fallback). `install()` wraps `RemoteAction.run` - every call to the
action server, including the form's validation action - so that an exception it raises (the
action server down, a timeout, an error response, an invalid response) is noted, by action name,
for the message being handled in the current task, then re-raised unchanged: Rasa's own handling
of the failure is untouched. `ActionExecutionRejection` (a form declining a message) is Rasa's
normal flow, not a failure.

The channels' reply guard opens a record around each message (`recording()`) and reads the
names back; nothing of the user's text is recorded.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, List, Optional

_failures: ContextVar[Optional[List[str]]] = ContextVar("headease_action_failures", default=None)
_original_run = None


def note(action_name: str) -> None:
    """Record a failed action for the message being handled in this task (if one is recorded)."""
    failures = _failures.get()
    if failures is not None:
        failures.append(action_name)


@contextmanager
def recording() -> Iterator[List[str]]:
    """The names of the actions that failed while the block ran (this task and its children)."""
    failures: List[str] = []
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)


def installed() -> bool:
    return _original_run is not None


def install() -> None:
    """Wrap RemoteAction.run once per process (idempotent)."""
    global _original_run
    if _original_run is not None:
        return
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    original = RemoteAction.run

    async def run(self, output_channel, nlg, tracker, domain):
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception:
            note(self.name())
            raise

    run.__wrapped__ = original
    RemoteAction.run = run
    _original_run = original


def uninstall() -> None:
    """Restore Rasa's method (tests)."""
    global _original_run
    if _original_run is None:
        return
    from rasa.core.actions.action import RemoteAction

    RemoteAction.run = _original_run
    _original_run = None
