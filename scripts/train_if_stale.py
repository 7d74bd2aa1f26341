"""Train the model only when its inputs changed (content hash, not file times).

Inputs: config.yml, domain.yml, the training data, the lexicon the spaCy model is built from, and
the code of the custom components and policy. The knowledge base (data/kb/knowledge.yml) is read
by the actions at run time and does not need a new model. The hash of the inputs the current model was trained from is
kept next to it, in models/headease.inputs.sha256.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from check_model import model_problem  # scripts/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "headease.tar.gz"
STAMP = ROOT / "models" / "headease.inputs.sha256"
INPUT_GLOBS = (
    "config.yml",
    "domain.yml",
    "data/nlu/**/*.yml",
    "data/rules/**/*.yml",
    "data/stories/**/*.yml",
    "data/kb/lexicon.yml",  # the spaCy entity ruler is built from it
    "headease_nlu/**/*.py",
    "headease_nlu/**/*.yml",  # short_replies.yml
    "headease_policies/**/*.py",
)


def inputs_hash() -> str:
    digest = hashlib.sha256()
    files = sorted({p for pattern in INPUT_GLOBS for p in ROOT.glob(pattern) if p.is_file()})
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> int:
    wanted = inputs_hash()
    damaged = model_problem(MODEL) if MODEL.exists() else None
    if damaged is None and MODEL.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        print(f"Model is up to date ({MODEL}).")
        return 0
    reason = f"the model is damaged: {damaged}" if damaged else "inputs changed or no model yet"
    print(f"Training the model ({reason}) ...", flush=True)
    started = time.monotonic()
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT))
    rasa = str(Path(sys.executable).with_name("rasa"))
    # --augmentation 10: TED needs little story augmentation here (rules cover most paths).
    cmd = [rasa, "train", "--fixed-model-name", "headease", "--out", "models", "--force", "--augmentation", "10"]
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if result.returncode != 0:
        return result.returncode
    STAMP.write_text(wanted + "\n")
    print(f"Trained in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
