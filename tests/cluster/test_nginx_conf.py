"""The nginx configuration generator (cluster/nginx_conf.py): docker-compose's file is its output,
nginx's own answers come from the knowledge base, and the limits leave room for a person."""
import json
import re

import pytest

from actions import render
from cluster import loadtest, nginx_conf
from cluster.run_cluster import ROOT

KB_NUMBER = render.load_knowledge().emergency_number


def test_the_compose_file_is_the_generated_configuration():
    committed = (ROOT / "cluster" / "nginx.compose.conf").read_text()
    assert committed == nginx_conf.compose_config(KB_NUMBER), (
        "regenerate: .venv/bin/python -m cluster.nginx_conf --compose > cluster/nginx.compose.conf")


def test_nginx_answers_are_the_knowledge_base_messages_as_json():
    config = nginx_conf.compose_config("999")
    bodies = re.findall(r"return (\d{3}) '((?:[^'\\]|\\.)*)';", config)
    parsed = [(status, json.loads(body.replace("\\'", "'").replace("\\\\", "\\"))) for status, body in bodies]
    limited = [body for status, body in parsed if status == "429"]
    resend = [body for status, body in parsed if status == "503" and body.get("resend")]
    assert limited and all(b["error"] == render.safety_net_message("rate_limited", "999") for b in limited)
    assert resend and all(b["error"] == render.safety_net_message("not_received", "999") for b in resend)
    assert "999" in limited[0]["error"]


def test_a_dollar_in_a_message_is_refused_not_read_as_a_variable():
    with pytest.raises(ValueError):
        nginx_conf._quoted("costs $5")


def test_posts_are_never_passed_on_after_they_were_sent():
    config = nginx_conf.compose_config(KB_NUMBER)
    assert "non_idempotent" not in config.replace("`non_idempotent` is deliberately not set", "")
    assert config.count("max_fails=1 fail_timeout=") == 4  # both servers, in both round-robin groups


def test_a_consultation_fits_in_the_bursts():
    # The load test's people send a whole consultation without pausing: it must fit in one
    # sender's burst (nginx lets burst + 1 through at once) and one address's.
    longest = max(len(script) for script in loadtest.SCRIPTS)
    assert longest <= nginx_conf.SENDER_BURST + 1 <= nginx_conf.ADDRESS_BURST + 1
