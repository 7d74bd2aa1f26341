"""Fixtures for the messaging-connector tests: a loopback platform API stub and ONE real HeadEase
stack (action server + Rasa server with the trained model) with Telegram, Slack and Messenger
switched on through the same environment variables a deployment uses."""
import pytest

from tests.channels.platform_stub import BOT_USERNAME, PlatformStub
from tests.support.stack import start_stack

TELEGRAM_TOKEN = "123456789:AAHeadEaseTestTokenForTheLoopbackStub"
SLACK_SIGNING_SECRET = "slack-signing-secret-for-tests"
FACEBOOK_SECRET = "facebook-app-secret-for-tests"
FACEBOOK_VERIFY = "facebook-verify-token-for-tests"
TELEGRAM_WEBHOOK_URL = "https://bot.clinic.example/webhooks/telegram/webhook"
SLACK_TOKEN = "xoxb-headease-test"
FACEBOOK_PAGE_TOKEN = "facebook-page-token-for-tests"
GRAPH_VERSION = "v25.0"  # not the default, to see the setting reach the Graph API calls

CHANNEL_ENV = {
    "TELEGRAM_ACCESS_TOKEN": TELEGRAM_TOKEN,
    "TELEGRAM_VERIFY": BOT_USERNAME,
    "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
    "SLACK_BOT_TOKEN": SLACK_TOKEN,
    "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
    "FACEBOOK_VERIFY": FACEBOOK_VERIFY,
    "FACEBOOK_SECRET": FACEBOOK_SECRET,
    "FACEBOOK_PAGE_ACCESS_TOKEN": FACEBOOK_PAGE_TOKEN,
    "FACEBOOK_GRAPH_API_VERSION": GRAPH_VERSION,
}


@pytest.fixture(scope="session")
def platform_stub():
    stub = PlatformStub(TELEGRAM_TOKEN, SLACK_TOKEN, FACEBOOK_PAGE_TOKEN, FACEBOOK_SECRET).start()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def channel_stack(platform_stub, tmp_path_factory):
    stack = start_stack(
        tmp_path_factory.mktemp("channel-stack"), web=False, extra_env={**CHANNEL_ENV, **platform_stub.env()}
    )
    # The first message a fresh server handles is slow (model warm-up); take it here, not in a test.
    from tests.support.stack import http_json

    status, body = http_json(f"{stack.rasa_url}/webhooks/rest/webhook", {"sender": "warm-up", "message": "hi"}, timeout=600)
    assert status == 200, body
    yield stack
    stack.stop()
