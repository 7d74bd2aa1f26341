"""Summary of the scripted-patient conversations, printed whatever the capture mode."""
from statistics import median
from typing import Any, Dict, List

import pytest

CONVERSATION_RESULTS: List[Dict[str, Any]] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    results = CONVERSATION_RESULTS
    if not results:
        return
    emergencies = [r for r in results if r["expected"] == "emergency"]
    caught = sum(r["got"] == "emergency" for r in emergencies)
    agree = sum(r["got"] == r["expected"] for r in results)
    self_care = [r["questions"] for r in results if r["expected"] == "self_care"]
    terminalreporter.section("HeadEase conversations (scripted patients over REST)")
    terminalreporter.write_line(f"patients: {len(results)}")
    terminalreporter.write_line(f"triage agreement: {agree}/{len(results)}")
    terminalreporter.write_line(f"emergency recall: {caught}/{len(emergencies)}")
    if self_care:
        terminalreporter.write_line(
            f"bot questions in self-care consultations: median {median(self_care)}, max {max(self_care)}"
        )
    for r in results:
        if r["got"] != r["expected"]:
            terminalreporter.write_line(f"  MISMATCH {r['id']}: expected {r['expected']}, got {r['got']}")
