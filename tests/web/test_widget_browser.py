"""The web widget in headless Debian chromium against the real bot (Rasa + action server + web/serve.py):
a whole consultation (web/tests/widget.e2e.mjs), and safe resending when answers or the connection
are lost (web/tests/widget.resend.e2e.mjs).

Needs: /usr/bin/chromium, web/node_modules (npm ci) and web/dist (npm run build); `make web` does both.
Screenshots land in reports/ (widget-assessment.png always, widget-failure-*.png on failure).
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def test_widget_consultation_in_browser(bot_stack):
    node = shutil.which("node")
    assert node, "node is not on PATH"
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install -y chromium"
    assert (ROOT / "web" / "node_modules" / "playwright-core").is_dir(), "run: npm --prefix web ci"
    assert (ROOT / "web" / "dist" / "headease-widget.js").is_file(), "run: npm --prefix web run build"
    env = dict(os.environ, WIDGET_URL=bot_stack.web_url, RASA_URL=bot_stack.rasa_url, CHROMIUM_PATH=CHROMIUM)
    result = subprocess.run(
        [node, "web/tests/widget.e2e.mjs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(result.stdout[-15000:])
    print(result.stderr[-5000:])
    assert result.returncode == 0, "widget e2e failed: see the summary line above and reports/widget-failure-*.png"


def test_widget_resends_a_lost_message_once_with_its_id(bot_stack):
    """An answer lost on the way: the widget sends the message again with the same message_id, the
    server answers from the store, one answer is shown and the message is stored once; the same
    after a connection cut mid-turn; and when every answer is lost, one resend only, then a plain
    "please send that again"."""
    node = shutil.which("node")
    assert node, "node is not on PATH"
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install -y chromium"
    assert (ROOT / "web" / "dist" / "headease-widget.js").is_file(), "run: npm --prefix web run build"
    env = dict(os.environ, WIDGET_URL=bot_stack.web_url, RASA_URL=bot_stack.rasa_url, RASA_TOKEN=bot_stack.token,
               CHROMIUM_PATH=CHROMIUM)
    result = subprocess.run([node, "web/tests/widget.resend.e2e.mjs"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    print(result.stdout[-15000:])
    print(result.stderr[-5000:])
    assert result.returncode == 0, "widget resend e2e failed: see the summary line above"
