"""Serve a model that needs no TensorFlow without loading TensorFlow.

Rasa 3.6 imports TensorFlow (and Keras, TensorFlow Hub, TensorFlow Text) whenever it imports its
core: `rasa.core.policies.policy` → featurizers → `rasa.utils.train_utils` →
`rasa.utils.tensorflow.callback` defines Keras callbacks at module level, and the component
registry imports DIET and TED. That costs about 2 s and several hundred MB per server even when
the model being served contains no TensorFlow component at all (HeadEase's pipeline classifies
intents with a logistic regression, its dialogue is a form, rules and memoization).

`install()` puts a meta-path finder in front of Python's own that answers every import of those
packages with a *stand-in*: a module whose attributes are stand-in classes. A stand-in class can
be subclassed, decorated with, called, iterated (empty), compared and used in type annotations,
so Rasa's module-level code (class definitions, `@tf.function` decorators, `tf.get_logger()`,
listing GPUs at start-up) runs without TensorFlow. Once the model has loaded, `lock()` makes every
further use of a stand-in raise `TensorFlowNotLoaded` with the component's name in the message:
a component that really needs TensorFlow fails loudly at its first use, never computes with a
stand-in.

Used only by `python -m headease_rasa run` (the servers), and only when the model archive's own
metadata lists nothing but `TENSORFLOW_FREE` components (`model_needs_tensorflow`); training, tests
in one process and every other command load the real TensorFlow. Written against Rasa 3.6.21 like
the other patches (tests/rasa_patches/test_without_tensorflow.py).
"""
from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import json
import logging
import sys
import tarfile
import types
from pathlib import Path
from typing import Optional, Set

logger = logging.getLogger(__name__)

# Top-level packages answered by the stand-in. `keras` and the TensorFlow add-ons are imported by
# Rasa's TensorFlow modules only.
STANDIN_PACKAGES = (
    "tensorflow",
    "tensorflow_hub",
    "tensorflow_text",
    "tensorflow_estimator",
    "tensorflow_addons",
    "tensorflow_probability",
    "tensorflow_io_gcs_filesystem",
    "tensorboard",
    "keras",
)

# Graph components that run without TensorFlow (Rasa 3.6's own and HeadEase's). A model with any
# other component is served with the real TensorFlow.
TENSORFLOW_FREE = frozenset(
    {
        # Rasa's graph plumbing
        "NLUMessageConverter", "RegexMessageHandler", "CoreFeaturizationInputConverter",
        "CoreFeaturizationCollector", "StoryGraphProvider", "NLUTrainingDataProvider",
        "DomainProvider", "DomainForCoreTrainingProvider", "TrainingTrackerProvider",
        "PrecomputedValueProvider", "RuleOnlyDataProvider", "DefaultPolicyPredictionEnsemble",
        "ProjectProvider", "EndToEndFeaturesProvider",
        # NLU
        "SpacyNLP", "SpacyTokenizer", "WhitespaceTokenizer", "RegexFeaturizer",
        "LexicalSyntacticFeaturizer", "CountVectorsFeaturizer", "LogisticRegressionClassifier",
        "SklearnIntentClassifier", "KeywordIntentClassifier", "FallbackClassifier",
        "EntitySynonymMapper", "RegexEntityExtractor",
        "ShortReplyClassifier", "HeadacheEntityExtractor", "LinearIntentClassifier",
        # dialogue
        "MemoizationPolicy", "AugmentedMemoizationPolicy", "RulePolicy", "RedFlagPolicy",
    }
)


class TensorFlowNotLoaded(RuntimeError):
    """Something used TensorFlow in a server that was started without it."""


_state = {"locked": False}


def _refuse(name: str) -> None:
    if _state["locked"]:
        raise TensorFlowNotLoaded(
            f"'{name}' was used, but this server runs without TensorFlow because its model lists no "
            f"component that needs it. Serve with HEADEASE_TENSORFLOW=1 (loads TensorFlow), or add "
            f"the component to headease_rasa/without_tensorflow.TENSORFLOW_FREE only if it truly "
            f"needs no TensorFlow."
        )


class _StandInType(type):
    """The metaclass of every stand-in: attribute access, calls and operators give stand-ins."""

    def __getattr__(cls, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        _refuse(f"{cls.__qualname__}.{name}")
        return _stand_in(f"{cls.__qualname__}.{name}")

    def __call__(cls, *args, **kwargs):
        _refuse(cls.__qualname__)
        return _stand_in(f"{cls.__qualname__}()")

    def __iter__(cls):
        _refuse(cls.__qualname__)
        return iter(())

    def __len__(cls) -> int:
        return 0

    def __bool__(cls) -> bool:
        return False

    def __getitem__(cls, item):
        return _stand_in(f"{cls.__qualname__}[]")

    def __or__(cls, other):
        return _stand_in(f"{cls.__qualname__}|")

    __ror__ = __or__


def _stand_in(qualname: str) -> type:
    stand_in = _StandInType(qualname.rsplit(".", 1)[-1] or "StandIn", (), {"__module__": "tensorflow"})
    stand_in.__qualname__ = qualname
    return stand_in


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        _refuse(f"{self.__name__}.{name}")
        value = _stand_in(f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec):
        module = _StandInModule(spec.name)
        module.__path__ = []  # a package: its submodules come from the finder too
        module.__version__ = "0.0.0+not-loaded"
        return module

    def exec_module(self, module) -> None:
        return None


class _StandInFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path=None, target=None):
        if fullname.split(".", 1)[0] not in STANDIN_PACKAGES:
            return None
        return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)


_FINDER = _StandInFinder()


def model_components(model_path: Path) -> Set[str]:
    """The graph components (class names) a trained model archive runs when serving (its metadata)."""
    with tarfile.open(model_path, "r:gz") as archive:
        member = next((m for m in archive.getmembers() if Path(m.name).name == "metadata.json"), None)
        if member is None:
            raise ValueError(f"{model_path} has no metadata.json")
        metadata = json.load(archive.extractfile(member))
    nodes = (metadata.get("predict_schema") or {}).get("nodes", {})
    return {(node.get("uses") or "").rsplit(".", 1)[-1] for node in nodes.values()}


def model_needs_tensorflow(model_path: Path) -> bool:
    """True unless every component the model runs is known to run without TensorFlow."""
    try:
        components = model_components(model_path)
    except (OSError, ValueError, tarfile.TarError, json.JSONDecodeError):
        return True  # unreadable here: let Rasa load it (and report) with everything available
    return not components or bool(components - TENSORFLOW_FREE)


def already_imported() -> bool:
    return any(name.split(".", 1)[0] in STANDIN_PACKAGES for name in sys.modules)


def install() -> bool:
    """Answer TensorFlow imports with stand-ins from now on. False if TensorFlow is already loaded."""
    if installed():
        return True
    if already_imported():
        logger.warning("TensorFlow was imported before the stand-in could be installed; serving with it.")
        return False
    sys.meta_path.insert(0, _FINDER)
    return True


def lock() -> None:
    """From now on every use of a stand-in raises TensorFlowNotLoaded (call once the model has loaded)."""
    _state["locked"] = True


def lock_once_model_loaded() -> None:
    """Lock the stand-ins as soon as Rasa's agent has loaded its model (Rasa 3.6: Agent.load_model)."""
    from rasa.core.agent import Agent

    original = Agent.load_model
    if getattr(original, "_headease_locks", False):
        return

    @functools.wraps(original)
    def load_model(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        lock()
        return result

    load_model._headease_locks = True  # type: ignore[attr-defined]
    Agent.load_model = load_model


def installed() -> bool:
    return _FINDER in sys.meta_path


def uninstall() -> None:
    """Remove the finder, the stand-in modules and the lock (tests)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n, m in sys.modules.items() if isinstance(m, _StandInModule)]:
        del sys.modules[name]
    _state["locked"] = False


def model_path_from_arguments(argv) -> Optional[Path]:
    """The model `rasa run` will serve: `-m/--model PATH` (file or folder), else Rasa's default."""
    argv = list(argv)
    for index, arg in enumerate(argv):
        if arg in ("-m", "--model") and index + 1 < len(argv):
            candidate = Path(argv[index + 1])
            break
        if arg.startswith("--model="):
            candidate = Path(arg.split("=", 1)[1])
            break
    else:
        candidate = Path("models")
    if candidate.is_dir():
        archives = sorted(candidate.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        return archives[-1] if archives else None
    return candidate if candidate.exists() else None
