"""Paths, environment and small helpers shared by the benchmark modules."""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Dict

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent if (Path(sys.executable).parent / "rasa").exists() else ROOT / ".venv" / "bin"
REPORTS = ROOT / "reports"


def bench_env(**extra: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


@lru_cache(maxsize=1)
def rasa_version() -> str:
    from importlib.metadata import version

    return version("rasa")
