"""scripts/make_credentials.py: a platform is on only when all of its variables are set."""
import subprocess
import sys

import yaml

from tests.channels.conftest import CHANNEL_ENV
from tests.support.stack import ROOT, _credentials_module

make_credentials = _credentials_module()
TEMPLATE = yaml.safe_load((ROOT / "credentials.yml").read_text())
ALWAYS_ON = ["channels.rest.HeadEaseRestInput", "channels.rest.VoiceInput", "channels.socketio.HeadEaseSocketIOInput",
             "headease_rasa.health.HealthEndpoints"]
TELEGRAM, SLACK, FACEBOOK = (
    "channels.telegram.HeadEaseTelegramInput",
    "channels.slack.HeadEaseSlackInput",
    "channels.facebook.HeadEaseFacebookInput",
)


def test_without_platform_variables_only_the_always_on_channels():
    enabled, skipped = make_credentials.render(TEMPLATE, {})
    assert list(enabled) == ALWAYS_ON
    assert enabled["channels.socketio.HeadEaseSocketIOInput"]["session_persistence"] is True
    assert skipped == {
        TELEGRAM: ["TELEGRAM_ACCESS_TOKEN", "TELEGRAM_VERIFY", "TELEGRAM_WEBHOOK_URL"],
        SLACK: ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"],
        FACEBOOK: ["FACEBOOK_PAGE_ACCESS_TOKEN", "FACEBOOK_SECRET", "FACEBOOK_VERIFY"],
    }


def test_all_set_turns_every_platform_on_with_references_not_values():
    enabled, skipped = make_credentials.render(TEMPLATE, {**CHANNEL_ENV, "SLACK_CHANNEL": "C0CLINIC"})
    assert list(enabled) == ALWAYS_ON + [TELEGRAM, SLACK, FACEBOOK] and skipped == {}
    assert enabled[TELEGRAM] == {
        "access_token": "${TELEGRAM_ACCESS_TOKEN}",
        "verify": "${TELEGRAM_VERIFY}",
        "webhook_url": "${TELEGRAM_WEBHOOK_URL}",
    }
    assert enabled[SLACK]["slack_channel"] == "${SLACK_CHANNEL}"
    assert enabled[FACEBOOK]["page-access-token"] == "${FACEBOOK_PAGE_ACCESS_TOKEN}"


def test_one_missing_or_empty_variable_turns_only_that_platform_off():
    env = dict(CHANNEL_ENV)
    del env["TELEGRAM_WEBHOOK_URL"]
    env["FACEBOOK_SECRET"] = "  "
    enabled, skipped = make_credentials.render(TEMPLATE, env)
    assert TELEGRAM not in enabled and FACEBOOK not in enabled and SLACK in enabled
    assert skipped == {TELEGRAM: ["TELEGRAM_WEBHOOK_URL"], FACEBOOK: ["FACEBOOK_SECRET"]}


def test_optional_slack_channel_only_drops_its_key():
    enabled, _ = make_credentials.render(TEMPLATE, CHANNEL_ENV)
    assert enabled[SLACK] == {"slack_token": "${SLACK_BOT_TOKEN}", "slack_signing_secret": "${SLACK_SIGNING_SECRET}"}


def test_cli_writes_the_file_and_never_prints_or_writes_a_secret(tmp_path):
    out = tmp_path / "var" / "credentials.yml"
    env = {"PATH": "/usr/bin:/bin", **CHANNEL_ENV}
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_credentials.py"), "--out", str(out)],
        env=env, capture_output=True, text=True, check=True,
    )
    text = out.read_text()
    assert CHANNEL_ENV["SLACK_SIGNING_SECRET"] not in text and "${SLACK_SIGNING_SECRET}" in text
    assert "HeadEaseSlackInput off" not in result.stderr and "HeadEaseSlackInput on" in result.stderr
    assert CHANNEL_ENV["SLACK_SIGNING_SECRET"] not in result.stderr

    loaded = yaml.safe_load(text)
    assert list(loaded) == ALWAYS_ON + [TELEGRAM, SLACK, FACEBOOK]
