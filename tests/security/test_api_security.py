"""The HTTP API needs the token, CORS allows only the configured origin, the action server listens
on loopback only, health text stays out of INFO logs, and telemetry is off in every entry point."""
import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.support.stack import http_json

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def request(url, method="GET", payload=None, headers=None):
    data = None if payload is None else __import__("json").dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


API_CALLS = [
    ("GET", "/status", None),
    ("GET", "/domain", None),
    ("GET", "/conversations/{sender}/tracker", None),
    ("GET", "/conversations/{sender}/story", None),
    ("POST", "/conversations/{sender}/messages", {"text": "hello", "sender": "user"}),
    ("POST", "/conversations/{sender}/tracker/events", {"event": "slot", "name": "triage_level", "value": "self_care"}),
    ("POST", "/conversations/{sender}/trigger_intent", {"name": "greet"}),
    ("POST", "/conversations/{sender}/predict", None),
    ("POST", "/model/parse", {"text": "I have a headache"}),
]


@pytest.mark.parametrize("method,path,payload", API_CALLS, ids=[f"{m} {p}" for m, p, _ in API_CALLS])
def test_http_api_rejects_missing_or_wrong_token(bot_stack, method, path, payload):
    url = bot_stack.rasa_url + path.format(sender="api-" + uuid.uuid4().hex[:8])
    for suffix in ("", "?token=wrong-" + bot_stack.token):
        status, _, _ = request(url + suffix, method, payload)
        assert status in (401, 403), (method, path, suffix, status)


def test_http_api_accepts_the_token(bot_stack):
    sender = "api-" + uuid.uuid4().hex[:8]
    bot_stack.say(sender, "hello")
    token = f"?token={bot_stack.token}"
    status, body = http_json(f"{bot_stack.rasa_url}/status{token}")
    assert status == 200 and body["model_id"]
    status, body = http_json(f"{bot_stack.rasa_url}/model/parse{token}", {"text": "I have a headache"})
    assert status == 200 and body["intent"]["name"]
    status, body = http_json(f"{bot_stack.rasa_url}/conversations/{sender}/tracker{token}")
    assert status == 200 and body["sender_id"] == sender
    # Rasa reads the token only from ?token= (or a JWT): a bearer header with the token is refused
    status, _, _ = request(f"{bot_stack.rasa_url}/status", headers={"Authorization": f"Bearer {bot_stack.token}"})
    assert status in (401, 403)


def test_tampering_with_slots_through_the_api_needs_the_token(bot_stack):
    sender = "api-" + uuid.uuid4().hex[:8]
    bot_stack.say(sender, "hello")
    status, _, _ = request(
        f"{bot_stack.rasa_url}/conversations/{sender}/tracker/events", "POST",
        {"event": "slot", "name": "triage_level", "value": "self_care"},
    )
    assert status in (401, 403)
    assert bot_stack.tracker(sender)["slots"].get("triage_level") != "self_care"


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/status", "/"])
def test_cors_allows_only_the_configured_origin(bot_stack, path):
    allowed = f"http://127.0.0.1:{bot_stack.web_port}"
    for method in ("OPTIONS", "GET"):
        headers = {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
        _, got, _ = request(bot_stack.rasa_url + path, method, headers=headers)
        assert "access-control-allow-origin" not in {k.lower() for k in got}, (method, path, got)
    _, got, _ = request(bot_stack.rasa_url + path, "OPTIONS", headers={"Origin": allowed, "Access-Control-Request-Method": "POST"})
    lower = {k.lower(): v for k, v in got.items()}
    assert lower.get("access-control-allow-origin") == allowed


def listening_addresses(port):
    """(address, port) of every LISTEN socket on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def test_action_server_listens_on_loopback_only(bot_stack):
    addresses = listening_addresses(bot_stack.action_port)
    assert addresses, "the action server's listening socket was not found"
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    assert set(addresses) <= loopback, addresses
    # and the Rasa server in the tests, like scripts/run.sh, listens on loopback too
    assert set(listening_addresses(bot_stack.rasa_port)) <= loopback


def test_run_script_binds_loopback_and_limits_cors():
    run = (ROOT / "scripts" / "run.sh").read_text()
    assert re.search(r"-m headease_rasa run .*-i 127\.0\.0\.1", run.replace("\\\n", " "))
    assert '--cors "$HEADEASE_WEB_ORIGIN"' in run and '--cors "*"' not in run
    assert '--auth-token "$RASA_AUTH_TOKEN"' in run
    assert 'SANIC_HOST", "127.0.0.1"' in (ROOT / "actions" / "server.py").read_text()


# Distinctive words that only this test says; none may appear in an INFO-level log.
HEALTH_WORDS = ["zigzagging", "shimmering", "throbbing", "nauseous", "kaleidoscope", "sumatriptan"]


def test_no_health_text_in_info_logs(bot_stack):
    sender = "logs-" + uuid.uuid4().hex[:8]
    for text in (
        "I have a throbbing headache with zigzagging shimmering lights like a kaleidoscope",
        "I feel nauseous and I took sumatriptan",
        "it is on the left side",
        "8",
    ):
        bot_stack.say(sender, text)
    for name in ("rasa", "actions"):
        log = bot_stack.log(name).lower()
        assert log, f"no {name} log captured"
        leaked = [word for word in HEALTH_WORDS if word in log]
        assert not leaked, f"{name} log contains user health text: {leaked}"


# cluster/services.py builds the environment of every server the test stack and the cluster start
ENTRY_POINTS = ["Makefile", ".ci/run", "cluster/services.py"]


def test_telemetry_off_in_every_entry_point():
    files = [ROOT / p for p in ENTRY_POINTS]
    # every shell script that starts Python or Rasa from the venv
    files += [p for p in sorted((ROOT / "scripts").glob("*.sh")) if ".venv/bin/" in p.read_text()]
    assert len(files) >= 5
    for starter in ("tests/support/stack.py", "cluster/run_cluster.py"):
        assert "server_env(" in (ROOT / starter).read_text(), f"{starter} starts servers without server_env"
    for path in files:
        text = path.read_text()
        assert re.search(r"RASA_TELEMETRY_ENABLED\s*:?=\s*\"?false", text), f"{path} does not turn telemetry off"
    # Python scripts that import Rasa or start its command line force it off for themselves too
    for path in sorted((ROOT / "scripts").glob("*.py")):
        text = path.read_text()
        if re.search(r"^\s*(from|import) rasa\b", text, re.M) or 'with_name("rasa")' in text or '"rasa",' in text:
            assert re.search(r'RASA_TELEMETRY_ENABLED"?\]?\s*=\s*"false"', text), f"{path} does not turn telemetry off"
