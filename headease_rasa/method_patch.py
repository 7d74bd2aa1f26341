"""Replace methods of Rasa's classes, and put Rasa's back: what the simple patch modules share.

A patch module makes one `MethodPatch` with the methods it replaces, named as `"Class.method"`,
and offers its `install` / `installed` / `uninstall` (headease_rasa/patches.py calls them). The
classes are imported only when the patch is installed (some modules import Rasa internals that
must not load before the version check), and only on the Rasa version the patches were written
for. `original(name)` is Rasa's method, for a replacement that calls through to it.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Tuple

PATCHED_RASA = "3.6.21"


class MethodPatch:
    def __init__(self, module: str, replacements: Dict[str, Callable[..., Any]]) -> None:
        """`module`: where the classes are (e.g. "rasa.core.actions.forms"); `replacements`:
        {"Class.method": the new function}."""
        self.module = module
        self.replacements = replacements
        self._originals: Dict[str, Tuple[Any, Any]] = {}  # name -> (as looked up, as in the class dict)
        self._installed = False

    def _owner(self, name: str) -> Tuple[Any, str]:
        owner, attribute = name.rsplit(".", 1)
        return getattr(importlib.import_module(self.module), owner), attribute

    def install(self) -> None:
        """Patch once per process (idempotent); nothing on another Rasa version."""
        import rasa

        if self._installed or rasa.__version__ != PATCHED_RASA:
            return
        for name, replacement in self.replacements.items():
            owner, attribute = self._owner(name)
            self._originals[name] = (getattr(owner, attribute), owner.__dict__.get(attribute))
            setattr(owner, attribute, replacement)
        self._installed = True

    def installed(self) -> bool:
        return self._installed

    def uninstall(self) -> None:
        """Restore Rasa's methods (tests)."""
        if not self._installed:
            return
        for name in self.replacements:
            owner, attribute = self._owner(name)
            own = self._originals[name][1]
            if own is None:
                delattr(owner, attribute)  # it was inherited: the class gets it from its base again
            else:
                setattr(owner, attribute, own)
        self._installed = False

    def original(self, name: str) -> Any:
        """Rasa's method as it was before `install` (the class's own or the inherited one)."""
        if name in self._originals:
            return self._originals[name][0]
        owner, attribute = self._owner(name)
        return getattr(owner, attribute)
