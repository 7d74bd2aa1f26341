"""nginx in front of two stand-in Rasa servers (cluster/nginx_conf.py): limits per address and per
sender, nginx's own JSON answers, failover before a request is sent, no second delivery after.

Every request comes from its own loopback address where the test needs one (nginx limits per
client address). Runs in seconds: the stand-ins answer at once.
"""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from actions.clinic import load_knowledge
from cluster import nginx_conf
from cluster.services import Nginx, free_port, stop_processes, wait_for_port

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]
KB = load_knowledge()
FAIL_TIMEOUT_S = 1  # the real one is nginx_conf.FAIL_TIMEOUT_S; the mechanism is the same


class Stubs:
    def __init__(self) -> None:
        self.ports = [free_port(), free_port()]
        self.processes = {}

    def start(self, port: int) -> None:
        process = subprocess.Popen([sys.executable, "-m", "tests.cluster.stub_upstream", str(port)], cwd=ROOT,
                                   env=dict(os.environ, PYTHONPATH=str(ROOT)))
        self.processes[port] = process
        wait_for_port(port, 30, "stub upstream", process)

    def count(self, port: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/count")
        return json.loads(connection.getresponse().read())["count"]

    def stop(self) -> None:
        stop_processes(self.processes.values(), timeout=5)


@pytest.fixture(scope="module")
def stubs():
    stubs = Stubs()
    for port in stubs.ports:
        stubs.start(port)
    yield stubs
    stubs.stop()


@pytest.fixture(scope="module")
def nginx(stubs):
    server = Nginx(stubs.ports, fail_timeout_s=FAIL_TIMEOUT_S).start()
    yield server
    print(server.error_log()[-3000:])
    server.stop()


def request(nginx, method, path, body=None, source="127.0.0.1", raw=None):
    """(status, headers, parsed JSON body or text) from `source` (a loopback address)."""
    connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=30, source_address=(source, 0))
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = text
    return response.status, {k.lower(): v for k, v in response.getheaders()}, parsed


def say(nginx, sender, message="hello", source="127.0.0.1"):
    return request(nginx, "POST", "/webhooks/rest/webhook", {"sender": sender, "message": message}, source)


def assert_friendly_429(answer):
    status, headers, body = answer
    assert status == 429 and int(headers["retry-after"]) >= 1
    assert body["rate_limited"] is True and KB.emergency_number in body["error"]
    assert body["error"].startswith("You are sending messages faster")


def test_the_generated_configuration_is_valid_nginx(nginx):
    assert (nginx.root / "nginx.conf").read_text() == nginx.config()  # what is running is what is generated


def test_a_whole_consultation_at_full_speed_is_never_limited(nginx):
    answers = [say(nginx, "quick-patient", f"answer {i}", "127.30.0.1") for i in range(6)]
    tap = []
    threads = [threading.Thread(target=lambda i=i: tap.append(say(nginx, "quick-patient", f"tap {i}", "127.30.0.1")))
               for i in range(2)]  # the double tap
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a[0] for a in answers + tap] == [200] * 8


def test_one_sender_flooding_from_many_addresses_is_refused(nginx):
    answers = [say(nginx, "flooding-sender", f"m{i}", f"127.31.0.{i % 5 + 1}") for i in range(40)]
    statuses = [a[0] for a in answers]
    first_refusal = statuses.index(429)
    assert nginx_conf.SENDER_BURST + 1 <= first_refusal <= nginx_conf.SENDER_BURST + 3
    assert statuses.count(429) >= 40 - nginx_conf.SENDER_BURST - 5
    assert_friendly_429(answers[first_refusal])
    # The same addresses still serve other senders (no address is over its own limit).
    assert all(say(nginx, f"neighbour-{i}", "hi", f"127.31.0.{i + 1}")[0] == 200 for i in range(5))


def test_one_address_flooding_with_new_senders_is_refused(nginx):
    answers = [say(nginx, f"new-sender-{i}", "hi", "127.32.0.1") for i in range(50)]
    statuses = [a[0] for a in answers]
    first_refusal = statuses.index(429)
    assert nginx_conf.ADDRESS_BURST + 1 <= first_refusal <= nginx_conf.ADDRESS_BURST + 4
    assert_friendly_429(answers[first_refusal])
    assert say(nginx, "other-address", "hi", "127.32.0.2")[0] == 200


def test_a_sender_nginx_cannot_read_is_limited_as_its_address(nginx):
    # "\\u0073ender" is the key "sender" to a JSON parser, but not to nginx's pattern.
    raw = '{"\\u0073ender": "hidden", "message": "hi"}'.encode()
    statuses = [request(nginx, "POST", "/webhooks/rest/webhook", raw=raw, source="127.33.0.1")[0] for _ in range(30)]
    assert statuses.count(429) >= 30 - nginx_conf.SENDER_BURST - 5


def test_an_oversized_body_gets_a_clear_413(nginx):
    status, _, body = request(nginx, "POST", "/webhooks/rest/webhook", raw=b'{"message": "' + b"a" * 40_000 + b'"}',
                              source="127.34.0.1")
    assert status == 413 and "2,000 characters" in body["error"]


def test_health_is_answered_by_nginx_and_by_a_ready_server(nginx):
    assert request(nginx, "GET", "/health/live", source="127.35.0.1")[:1] == (200,)
    status, headers, body = request(nginx, "GET", "/health/ready", source="127.35.0.1")
    assert status == 200 and body == {"status": "ready"} and headers["x-headease-upstream"]


def test_a_server_dying_mid_request_gets_resend_and_the_post_is_never_sent_twice(nginx, stubs):
    before = {port: stubs.count(port) for port in stubs.ports}
    status, headers, body = say(nginx, "unlucky", "die", "127.36.0.1")
    assert status == 503 and int(headers["retry-after"]) >= 1
    assert body["resend"] is True and KB.emergency_number in body["error"]
    dead = [port for port, process in stubs.processes.items() if process.poll() is not None]
    assert len(dead) == 1
    survivor = next(port for port in stubs.ports if port not in dead)
    assert stubs.count(survivor) == before[survivor]  # nginx did not pass the POST on
    # New requests go to the survivor; one sent to the dead server's closed port is retried there.
    answers = [say(nginx, f"after-death-{i}", "hi", "127.36.0.2") for i in range(6)]
    assert [a[0] for a in answers] == [200] * 6
    assert {a[2][0]["port"] for a in answers} == {survivor}


def test_the_restarted_server_gets_traffic_again(nginx, stubs):
    dead = [port for port, process in stubs.processes.items() if process.poll() is not None]
    assert dead, "runs after the server died"
    stubs.start(dead[0])
    # nginx tries a failed server again after its fail_timeout, counted in whole seconds.
    time.sleep(FAIL_TIMEOUT_S + 2)
    ports = {say(nginx, f"back-{i}", "hi", "127.37.0.1")[2][0]["port"] for i in range(10)}
    assert ports == set(stubs.ports)


def test_with_no_server_left_nginx_asks_to_resend_and_reports_not_ready(nginx, stubs):
    stubs.stop()
    status, _, body = say(nginx, "alone", "hi", "127.38.0.1")
    assert status == 503 and body["resend"] is True
    status, _, body = request(nginx, "GET", "/health/ready", source="127.38.0.1")
    assert status == 503 and body["status"] == "not ready"
