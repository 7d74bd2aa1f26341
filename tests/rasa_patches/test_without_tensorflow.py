"""Serving without TensorFlow (headease_rasa/without_tensorflow.py)."""
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from headease_rasa import without_tensorflow as wt

ROOT = Path(__file__).resolve().parents[2]


def _archive(tmp_path, components):
    metadata = {"predict_schema": {"nodes": {
        f"n{i}": {"uses": f"some.module.{name}"} for i, name in enumerate(components)}}}
    path = tmp_path / "model.tar.gz"
    data = json.dumps(metadata).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def test_a_model_with_only_tensorflow_free_components_needs_none(tmp_path):
    assert not wt.model_needs_tensorflow(_archive(tmp_path, ["SpacyNLP", "LinearIntentClassifier", "RulePolicy"]))


@pytest.mark.parametrize("component", ["DIETClassifier", "TEDPolicy", "ResponseSelector", "SomethingNew"])
def test_any_other_component_loads_tensorflow(tmp_path, component):
    assert wt.model_needs_tensorflow(_archive(tmp_path, ["SpacyNLP", component]))


def test_an_unreadable_model_loads_tensorflow(tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar")
    assert wt.model_needs_tensorflow(broken)
    assert wt.model_needs_tensorflow(tmp_path / "missing.tar.gz")


def test_the_model_path_is_read_from_rasas_arguments(tmp_path):
    model = _archive(tmp_path, ["SpacyNLP"])
    assert wt.model_path_from_arguments(["-m", str(model), "--enable-api"]) == model
    assert wt.model_path_from_arguments([f"--model={model}"]) == model
    assert wt.model_path_from_arguments(["--model", str(tmp_path)]) == model  # newest in a folder
    assert wt.model_path_from_arguments(["-m", str(tmp_path / "none.tar.gz")]) is None


# In a fresh interpreter: the checks need a process where TensorFlow was never imported.
_PROBE = r"""
import sys
from headease_rasa import without_tensorflow as wt
assert wt.install()
import rasa.core.agent, rasa.core.run  # Rasa's core imports TensorFlow at module level
from rasa.engine.recipes.default_components import DEFAULT_COMPONENTS  # DIET, TED, ...
import tensorflow as tf
assert not hasattr(tf, "__file__"), "the real TensorFlow was loaded"
assert not any("tensorflow/python" in (getattr(m, "__file__", "") or "") for m in list(sys.modules.values()))
# module-level uses work before the lock: subclassing, decorating, listing devices
class Callback(tf.keras.callbacks.Callback):
    pass
assert list(tf.config.list_physical_devices("GPU")) == []
wt.lock()
try:
    tf.constant(1.0)
except wt.TensorFlowNotLoaded as error:
    assert "without TensorFlow" in str(error)
else:
    raise AssertionError("a stand-in was usable after the lock")
print("ok")
"""


def test_rasa_imports_without_tensorflow_and_any_use_after_the_lock_fails_loudly():
    done = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_the_stand_in_is_not_installed_once_tensorflow_is_loaded():
    probe = "import tensorflow\nfrom headease_rasa import without_tensorflow as wt\nprint(wt.install())"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert done.stdout.strip().endswith("False"), done.stderr[-2000:]
