"""The reference bot: a stock `rasa init --no-prompt` project, trained with its default config.

Built once per Rasa version and cached under build/bench-reference/<rasa version>/ (the trained
model plus the time training took), so reruns only start it.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT, VENV_BIN, bench_env, rasa_version

CACHE_ROOT = ROOT / "build" / "bench-reference"


@dataclass
class ReferenceBot:
    project: Path  # the `rasa init` project (config, domain, data; the server runs from here)
    model: Path
    training_s: float
    cached: bool


def cache_dir(version: str) -> Path:
    return CACHE_ROOT / version


def build_reference(log=print) -> ReferenceBot:
    """Return the cached reference bot, creating and training it first if needed."""
    folder = cache_dir(rasa_version())
    meta_path = folder / "meta.json"
    model = folder / "project" / "models" / "reference.tar.gz"
    if meta_path.exists() and model.exists():
        meta = json.loads(meta_path.read_text())
        return ReferenceBot(folder / "project", model, float(meta["training_s"]), cached=True)

    log(f"Creating the reference bot (rasa init --no-prompt, Rasa {rasa_version()}) ...")
    with tempfile.TemporaryDirectory(prefix="headease-bench-ref-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        # `rasa init` also trains; skip that (its time would include project creation) by
        # initialising, deleting its model and timing a plain `rasa train` on the default config.
        subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=project, env=bench_env(), check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(project / "models", ignore_errors=True)
        started = time.monotonic()
        subprocess.run(
            [str(VENV_BIN / "rasa"), "train", "--fixed-model-name", "reference", "--out", "models"],
            cwd=project, env=bench_env(), check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        training_s = time.monotonic() - started
        shutil.rmtree(project / ".rasa", ignore_errors=True)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        shutil.copytree(project, folder / "project")
    meta_path.write_text(json.dumps({"training_s": training_s, "rasa_version": rasa_version()}, indent=2))
    return ReferenceBot(folder / "project", model, training_s, cached=False)
