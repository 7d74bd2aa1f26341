"""The one place HeadEase changes Rasa's own code, applied explicitly at start-up.

Each patch is written against Rasa 3.6.21 (the pinned version) and tested against Rasa's own
method in tests/rasa_patches/. `install()` checks the installed Rasa version first and refuses to
go on with any other (a patch written for one version's internals could silently change
behaviour on another), then applies every patch and logs which are active. The run scripts
start Rasa through `python -m headease_rasa` (see __main__.py), which calls it before Rasa loads
anything; nothing is patched as a side effect of importing a module.

| patch | what it changes | why |
|---|---|---|
| action_failures | notes a failed call to the action server for the reply guard | a failed turn answers with the safety fallback, never silence |
| action_validation | validates action-server responses with a validator built once, each event against its own event type | ~45 % of the server's CPU per message (bench/PROFILE.md) |
| action_payload | sends the action server the recent events only | request size grew with the conversation |
| state_cache | continues the dialogue-state featurization instead of replaying it | linear cost per prediction |
| tracker_copy | continues a tracker's copy from its previous copy instead of replaying every event | 3-4 copies per message, 1.7 ms each at 200 turns |
| form_tracker | the form's temporary tracker is a continued copy plus the turn's events, not a replay of the session | 1.5 ms per message at turn 200, growing |
| policy_logging | builds the policies' debug payloads only when logged | O(conversation) work at INFO |
| policy_history | memoization and rule look-ups stop where no remembered history can match any more, and get only the newest states they can use | O(conversation) encoding, filtering and state copies per prediction |
| store_failures | a tracker-store error fails the turn instead of a fresh in-memory tracker | a database outage restarted conversations silently |
| session_start | a conversation with no events starts its session with Rasa's built-in action (nothing to carry over) | an action-server round trip on every conversation's first message |
| form_asks | the form skips the ask action when its validation already asked that question | one action-server call per form turn instead of two |
| graph_runner | runs the model graph in dask's order, worked out once per graph shape | ~0.4 ms of dask scheduling per graph run, ~3 runs per message |
| gc_freeze | moves the loaded model out of the garbage collector's generations (`gc.freeze`) | a full collection walked ~300,000 model objects: 100-150 ms on the event loop |
"""
from __future__ import annotations

import importlib
import logging
from typing import List, Optional, Tuple

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6.21"

# The patch modules, in the order they are applied. They are imported only after the version
# check: some import Rasa's internals at module level.
PATCHES: Tuple[str, ...] = ("action_failures", "action_validation", "action_payload", "state_cache", "tracker_copy",
                            "form_tracker", "policy_logging", "policy_history", "store_failures", "session_start", "form_asks", "graph_runner", "gc_freeze")


def _module(name: str):
    return importlib.import_module(f"headease_rasa.{name}")


def _is_active(module) -> bool:
    return module.installed() if hasattr(module, "installed") else bool(getattr(module, "_installed", False))


class UnsupportedRasa(RuntimeError):
    """The installed Rasa is not the version HeadEase's patches were written and tested for."""


def rasa_version() -> str:
    import rasa

    return rasa.__version__


def check_version(version: Optional[str] = None) -> None:
    version = version or rasa_version()
    if version != SUPPORTED_RASA:
        raise UnsupportedRasa(
            f"HeadEase needs Rasa {SUPPORTED_RASA} (found {version}): its patches to Rasa are written and "
            f"tested for that version only. Install the pinned versions: "
            f".venv/bin/pip install -r requirements.txt -c constraints.txt"
        )


def install() -> List[str]:
    """Check the Rasa version, apply every patch (idempotent) and log the active ones."""
    check_version()
    for name in PATCHES:
        _module(name).install()
    names = active()
    logger.info("Rasa %s patches active: %s", SUPPORTED_RASA, ", ".join(names))
    return names


def active() -> List[str]:
    """The patches applied in this process (none before the version check has passed)."""
    import sys

    return [name for name in PATCHES if f"headease_rasa.{name}" in sys.modules and _is_active(_module(name))]
