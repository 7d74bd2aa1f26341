"""Shared helpers for the clinical-core tests and the vignette accuracy summary."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

VIGNETTE_DIR = Path(__file__).resolve().parents[1] / "vignettes"
VIGNETTE_RESULTS: List[Dict[str, Any]] = []
RED_FLAG_RESULTS: List[Dict[str, Any]] = []  # filled by test_red_flag_recall.py


def load_vignettes() -> List[Dict[str, Any]]:
    vignettes = []
    for path in sorted(VIGNETTE_DIR.glob("*.yml")):
        vignettes += yaml.safe_load(path.read_text(encoding="utf-8"))["vignettes"]
    return vignettes


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100.0 * hits / total:.1f}%)" if total else "n/a"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print vignette accuracy and red-flag recall whatever the capture mode (no -s needed)."""
    _red_flag_summary(terminalreporter)
    if not VIGNETTE_RESULTS:
        return
    results = VIGNETTE_RESULTS
    emergencies = [r for r in results if r["expected_triage"] == "emergency"]
    terminalreporter.section("HeadEase vignette accuracy")
    terminalreporter.write_line(f"vignettes: {len(results)}")
    terminalreporter.write_line(
        "emergency recall: " + _rate(sum(r["triage"] == "emergency" for r in emergencies), len(emergencies))
    )
    terminalreporter.write_line("triage agreement: " + _rate(sum(r["triage_ok"] for r in results), len(results)))
    terminalreporter.write_line("type agreement:   " + _rate(sum(r["type_ok"] for r in results), len(results)))
    for r in results:
        if not (r["triage_ok"] and r["type_ok"]):
            terminalreporter.write_line(
                f"  mismatch {r['id']}: type {r['type']} (expected {r['expected_type']}), "
                f"triage {r['triage']} (expected {r['expected_triage']})"
            )


def _red_flag_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RED_FLAG_RESULTS:
        return
    positives = [r for r in RED_FLAG_RESULTS if r["kind"] == "positive"]
    controls = [r for r in RED_FLAG_RESULTS if r["kind"] == "control"]
    terminalreporter.section("HeadEase red-flag recall (free text)")
    terminalreporter.write_line("red-flag recall:   " + _rate(sum(r["ok"] for r in positives), len(positives)))
    terminalreporter.write_line(
        "false alarms:      " + _rate(sum(not r["ok"] for r in controls), len(controls)) + " of controls"
    )
    for r in RED_FLAG_RESULTS:
        if not r["ok"]:
            terminalreporter.write_line(f"  {r['kind']} wrong ({r['level']}): {r['text'][:100]}")
