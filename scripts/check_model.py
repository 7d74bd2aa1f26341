"""Check that a trained model archive is complete before a server is started with it.

Rasa 3.6 given a corrupt archive logs a warning and then serves with no model at all (every message
gets an empty answer, `/status` a 409); given a missing path it silently loads whatever newest
model sits in `models/`. HeadEase refuses to start instead, with one line saying what is wrong and
what to run. `train_if_stale.py` uses the same check to retrain a damaged model.

Usage: python scripts/check_model.py [MODEL]   (exit 0 when usable, 2 otherwise)
"""
from __future__ import annotations

import gzip
import json
import sys
import tarfile
import zlib
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = ROOT / "models" / "headease.tar.gz"
REQUIRED_METADATA = ("domain", "train_schema", "predict_schema")


def model_problem(path: Path) -> Optional[str]:
    """Why the archive cannot serve, or None when it is complete and readable."""
    if not path.exists():
        return "it does not exist"
    if not path.is_file() or path.stat().st_size == 0:
        return "it is empty or not a file"
    try:
        with gzip.open(path) as stream:  # reading to the end verifies the gzip checksum too
            while stream.read(1 << 20):
                pass
        with tarfile.open(path, "r:gz") as archive:
            member = next((m for m in archive if m.name.lstrip("/") == "metadata.json"), None)
            if member is None:
                return "it has no metadata.json (not a Rasa model)"
            metadata = json.load(archive.extractfile(member))
    except (OSError, EOFError, tarfile.TarError, zlib.error, ValueError) as error:
        return f"it is corrupt or incomplete ({type(error).__name__}: {error})"
    missing = [key for key in REQUIRED_METADATA if key not in metadata]
    if missing:
        return f"its metadata lacks {', '.join(missing)} (not a Rasa 3 model)"
    return None


def main(argv: list) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_MODEL
    problem = model_problem(path)
    if problem is None:
        return 0
    print(
        f"HeadEase cannot start: the model {path} is unusable: {problem}.\n"
        "Rebuild it with `make train` (or delete it; `make run` and `make test` train a missing "
        "model automatically).",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
