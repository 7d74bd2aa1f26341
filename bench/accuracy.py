"""What the benchmarked configuration gets right, measured in the same run as its speed.

Issue 19 asks that a speed win which costs accuracy be visible next to the speed figures. After
the timing phases, `make bench` runs the NLU evaluation on the benchmarked model (the two blind
held-out sets: `headease_nlu.eval_nlu`, no cross-validation) and holds the sealed half of the
blind consultations over REST (`scripts/eval_conversations.py --half sealed`, aggregates only,
with the project's model). `--quick` skips both.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Dict

from bench.common import REPORTS, ROOT, VENV_BIN, bench_env

NLU_SETS = {"holdout": "tests/nlu/holdout.yml", "holdout_fresh": "tests/nlu/holdout_fresh.yml"}
NLU_FIGURES = ("intent_macro_f1", "entity_micro_f1", "emergency_recall", "red_flag_mention_recall")
SEALED_FIGURES = ("cases", "triage_agreement", "emergency_recall", "emergency_advice_to_non_emergency",
                  "under_triage", "median_questions_self_care")
SEALED_REPORT = "bench_sealed"


def nlu(model: Path) -> Dict[str, Dict[str, Any]]:
    """{set name: the figures} of the NLU held-out sets for `model`."""
    with tempfile.TemporaryDirectory(prefix="headease-bench-nlu-") as out:
        subprocess.run(
            [str(VENV_BIN / "python"), "-m", "headease_nlu.eval_nlu", "--skip-cv", "--model", str(model),
             "--holdout", NLU_SETS["holdout"], "--also", NLU_SETS["holdout_fresh"], "--out", out],
            cwd=ROOT, env=bench_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        summary = json.loads((Path(out) / "summary.json").read_text())
    sets = {"holdout": summary, **(summary.get("other_holdouts") or {})}
    return {name: {k: sets[name].get(k) for k in NLU_FIGURES} for name in NLU_SETS if name in sets}


def sealed() -> Dict[str, Any]:
    """The sealed consultations' aggregates (the project's trained model, over REST)."""
    subprocess.run(
        [str(VENV_BIN / "python"), "scripts/eval_conversations.py", "--half", "sealed", "--name", SEALED_REPORT],
        cwd=ROOT, env=bench_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    aggregates = json.loads((REPORTS / f"{SEALED_REPORT}.json").read_text())["aggregates"]["sealed"]
    return {k: aggregates.get(k) for k in SEALED_FIGURES}


def measure(model: Path) -> Dict[str, Any]:
    return {"nlu": nlu(model), "sealed_consultations": sealed()}
