"""Rasa's own end-to-end story test (`rasa test core`) against the trained model and the real
action server: every predicted action must match tests/test_stories.yml."""
import json
import subprocess

import pytest

from tests.support.stack import MODEL, ROOT, VENV_BIN

pytestmark = [pytest.mark.e2e, pytest.mark.model]


def test_stories_have_no_prediction_errors(bot_stack, tmp_path):
    out = tmp_path / "results"
    completed = subprocess.run(
        [
            str(VENV_BIN / "rasa"), "test", "core", "-m", str(MODEL),
            "--stories", "tests/test_stories.yml", "--endpoints", "endpoints.yml",
            "--out", str(out), "--fail-on-prediction-errors", "--no-plot",
        ],
        cwd=ROOT,
        env=bot_stack.env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:] + details
    report = json.loads((out / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0
