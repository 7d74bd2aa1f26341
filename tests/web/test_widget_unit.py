"""The widget's pure rendering helpers (escaping, markdown subset, message model), via node:test."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_widget_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH (Node 20 is required for the web widget tests)")
    result = subprocess.run(
        [node, "--test", "web/tests/widget.unit.mjs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(result.stdout[-6000:])
    print(result.stderr[-3000:])
    assert result.returncode == 0, "node --test web/tests/widget.unit.mjs failed (output above)"
