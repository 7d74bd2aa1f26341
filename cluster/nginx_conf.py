"""The nginx configuration in front of the Rasa servers, for both deployments.

One template, two outputs: `make run-cluster` and the cluster tests (cluster/services.py, full
config on loopback) and docker-compose.yml (cluster/nginx.compose.conf, the http-level part that
the official nginx image includes; generated, and a test keeps the committed file equal to it):

    .venv/bin/python -m cluster.nginx_conf --compose > cluster/nginx.compose.conf

(set HEADEASE_EMERGENCY_NUMBER first if the deployment has its own number: nginx's own answers
carry it).

What nginx does (README "Reliability", docs/security.md):

* **Failover, passive health checks.** Each Rasa server is taken out for `FAIL_TIMEOUT_S` after
  a failed connection or a timeout (`max_fails=1`), then tried again with real traffic; a request
  whose connection failed before anything was sent goes to the other server
  (`proxy_next_upstream error timeout`). A POST that reached a server is never sent to another
  one (`non_idempotent` stays off): nginx cannot know whether that server took the message in
  before it died, and a chat message must not be processed twice. nginx answers it 503 with
  `{"error": <not_received text>, "resend": true}` and `Retry-After`; the client sends it again
  with the same `message_id`, which the REST channel handles at most once (channels/resend.py).
  nginx OSS cannot poll health endpoints; a Rasa server opens its port only once its model is
  loaded, so a server that is starting refuses connections and gets no traffic.
* **Abuse limits.** Per client address (`ADDRESS_RATE`) on everything public; per sender
  (`SENDER_RATE`) on the REST and voice webhooks; at most `MAX_CONNECTIONS` requests in progress
  per address; bodies up to `MAX_BODY`. A person typing never reaches them (a message every few
  seconds; a consultation's quick replies fit in the bursts). Refused requests get 429, a
  friendly JSON body with the emergency signs and number, and `Retry-After`. The sender is in the
  JSON body, which nginx reads only when it proxies: the webhooks therefore pass through nginx
  twice, the first stage limiting by address and reading the sender, the second (a server on
  127.0.0.1 that is never published) limiting by that sender. A sender nginx cannot read (escaped
  characters) is limited by its address instead. Platform webhooks (Telegram, Slack, Messenger)
  come from the platform's few addresses and have a generous limit of their own; their senders
  are limited in Rasa (channels/rate_guard.py).
* **Health.** `/health/live` is nginx itself; `/health/ready` is ready when one Rasa server is
  (headease_rasa/health.py), checked through a separate upstream group so that a not-ready answer
  never takes a server out of the webhooks' rotation (during a store outage every server still
  answers with the outage message).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

# Per client address: 2 requests a second, bursts of 20 (several people behind one address).
ADDRESS_RATE, ADDRESS_BURST = "2r/s", 20
# Per sender: 30 messages a minute, bursts of 10 (a consultation's quick replies tapped quickly).
SENDER_RATE, SENDER_BURST = "30r/m", 10
# The messaging platforms' own addresses carry every user of the bot.
PLATFORM_RATE, PLATFORM_BURST = "20r/s", 100
MAX_CONNECTIONS = 20
MAX_BODY = "32k"  # a 2,000-character message JSON-escaped (\\uXXXX pairs) and its metadata
FAIL_TIMEOUT_S = 10
RETRY_AFTER_S = {"rate_limited": 5, "not_received": 2}
COMPOSE_SERVERS = ("rasa-a:5005", "rasa-b:5005")
COMPOSE_SECOND_STAGE_PORT = 8081


def _quoted(text: str) -> str:
    """An nginx single-quoted string holding `text` exactly (nginx unescapes \\\\ and \\')."""
    if "$" in text:
        raise ValueError("nginx would read '$' as a variable")
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def answers(emergency_number: str) -> dict:
    """nginx's own JSON answers (429, 413, 503 "send it again"), from the knowledge base."""
    from actions import render

    return {
        "rate_limited": {"error": render.safety_net_message("rate_limited", emergency_number), "rate_limited": True},
        "not_received": {"error": render.safety_net_message("not_received", emergency_number), "resend": True},
        "too_large": {"error": "That request is too large: a message can have at most 2,000 characters."},
    }


_COMMON_PROXY = """\
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;"""

_ANSWERS = """\
        location @rate_limited {{
            default_type application/json;
            add_header Retry-After {rate_retry} always;
            return 429 {rate_limited};
        }}
        location @not_received {{
            default_type application/json;
            add_header Retry-After {resend_retry} always;
            return 503 {not_received};
        }}
        location @too_large {{
            default_type application/json;
            return 413 {too_large};
        }}
        location @no_rasa {{
            default_type application/json;
            return 503 '{{"status": "not ready", "checks": {{"rasa": "no server answered"}}}}';
        }}"""

_HTTP = """\
    # Generated by cluster/nginx_conf.py; do not edit (see its docstring).
    limit_req_zone $binary_remote_addr zone=headease_address:10m rate={address_rate};
    limit_req_zone $headease_sender_key zone=headease_sender:10m rate={sender_rate};
    limit_req_zone $binary_remote_addr zone=headease_platform:1m rate={platform_rate};
    limit_conn_zone $binary_remote_addr zone=headease_connections:10m;

    # The sender of a REST/voice request, read from its JSON body (the first "sender" key).
    map $request_body $headease_body_sender {{
        default "";
        '~"sender"\\s*:\\s*"(?<body_sender>[^"\\\\\\\\]{{1,128}})"' $body_sender;
    }}
    # Second stage: the sender the first stage read, else the client's address.
    map $http_x_headease_sender $headease_sender_key {{
        "" "address:$http_x_headease_client";
        default "sender:$http_x_headease_sender";
    }}

    # Webhooks and the HTTP API: round robin, a server that fails is out for {fail_timeout}s.
    upstream headease_rasa {{
{servers}
        keepalive 64;
        # Below the Rasa servers' (Sanic) 5 s idle timeout: nginx closes idle connections first,
        # so it never sends a request on a connection Rasa is closing (a 502 for a POST).
        keepalive_timeout 4s;
    }}
    # socket.io needs every request of one browser session on the same server.
    upstream headease_rasa_sticky {{
        ip_hash;
{servers}
    }}
    # Readiness probes only: separate failure accounting, never marks a server down.
    upstream headease_rasa_health {{
{health_servers}
    }}
    upstream headease_by_sender {{
        server 127.0.0.1:{second_port};
        keepalive 32;
    }}

    server {{
        listen {listen};
        client_max_body_size {max_body};
        client_body_buffer_size {max_body};  # bodies stay in memory: the sender can be read
        client_header_timeout 10s;
        client_body_timeout 10s;
        limit_req_status 429;
        limit_conn_status 429;
        limit_req_log_level info;
        limit_conn_log_level info;
        limit_conn headease_connections {max_connections};
        error_page 429 = @rate_limited;
        error_page 413 = @too_large;
        error_page 502 504 = @not_received;

        location ~ ^/webhooks/(rest|voice)/webhook$ {{
            limit_req zone=headease_address burst={address_burst} nodelay;
            proxy_pass http://headease_by_sender;
{common}
            proxy_set_header X-HeadEase-Sender $headease_body_sender;
            proxy_set_header X-HeadEase-Client $remote_addr;
            proxy_read_timeout 310s;
        }}
        location ~ ^/webhooks/(telegram|slack|facebook)/ {{
            limit_req zone=headease_platform burst={platform_burst} nodelay;
            proxy_pass http://headease_rasa;
{common}
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_read_timeout 300s;
            add_header X-HeadEase-Upstream $upstream_addr always;
        }}
        location /socket.io/ {{
            limit_req zone=headease_address burst={socketio_burst} nodelay;
            proxy_pass http://headease_rasa_sticky;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_connect_timeout 2s;
            add_header X-HeadEase-Upstream $upstream_addr always;
        }}
        location = /health/live {{
            default_type application/json;
            return 200 '{{"status": "alive"}}';
        }}
        location = /health/ready {{
            proxy_pass http://headease_rasa_health;
{common}
            proxy_connect_timeout 2s;
            proxy_read_timeout 10s;
            proxy_next_upstream error timeout http_502 http_503 http_504;
            add_header X-HeadEase-Upstream $upstream_addr always;
            error_page 502 504 = @no_rasa;
        }}
        location / {{
            limit_req zone=headease_address burst={address_burst} nodelay;
            proxy_pass http://headease_rasa;
{common}
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_read_timeout 300s;
            add_header X-HeadEase-Upstream $upstream_addr always;
        }}
{answers}
    }}

    # Second stage of the REST and voice webhooks: per-sender limit, then the Rasa servers.
    # Listens on 127.0.0.1 only and is never published (it trusts the first stage's headers).
    server {{
        listen 127.0.0.1:{second_port};
        client_max_body_size {max_body};
        client_body_buffer_size {max_body};
        limit_req_status 429;
        limit_req_log_level info;
        error_page 429 = @rate_limited;
        error_page 502 504 = @not_received;

        location / {{
            limit_req zone=headease_sender burst={sender_burst} nodelay;
            proxy_pass http://headease_rasa;
{common}
            proxy_set_header X-HeadEase-Sender "";
            proxy_set_header X-HeadEase-Client "";
            proxy_connect_timeout 2s;
            # Only a connection that failed before the request was sent is tried on the other
            # server: POST is not idempotent and `non_idempotent` is deliberately not set.
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout 10s;
            proxy_read_timeout 300s;
            add_header X-HeadEase-Upstream $upstream_addr always;
        }}
{answers}
    }}
"""

# One worker; each webhook request in progress holds four connections (client, first stage to
# second, second stage's accepted one, second stage to Rasa), and 200 load-test clients keep theirs
# open: 1,024 was too few ("worker_connections are not enough", clients' kept-alive connections
# closed under them). The official image's nginx.conf (docker-compose) runs a worker per core.
_LOOPBACK = """\
worker_processes 1;
worker_rlimit_nofile 16384;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
{http}}}
"""


def http_block(upstreams: Sequence[str], listen: str, second_stage_port: int, emergency_number: str,
               fail_timeout_s: int = FAIL_TIMEOUT_S) -> str:
    """The http-level configuration: limits, upstream groups, the public server, the second stage."""
    texts = {key: _quoted(json.dumps(body, ensure_ascii=False)) for key, body in answers(emergency_number).items()}
    answer_locations = _ANSWERS.format(
        rate_retry=RETRY_AFTER_S["rate_limited"], resend_retry=RETRY_AFTER_S["not_received"], **texts
    )
    return _HTTP.format(
        address_rate=ADDRESS_RATE, address_burst=ADDRESS_BURST, sender_rate=SENDER_RATE, sender_burst=SENDER_BURST,
        platform_rate=PLATFORM_RATE, platform_burst=PLATFORM_BURST, socketio_burst=2 * ADDRESS_BURST,
        max_connections=MAX_CONNECTIONS, max_body=MAX_BODY, fail_timeout=fail_timeout_s,
        servers="\n".join(f"        server {u} max_fails=1 fail_timeout={fail_timeout_s}s;" for u in upstreams),
        health_servers="\n".join(f"        server {u} max_fails=0;" for u in upstreams),
        second_port=second_stage_port, listen=listen, common=_COMMON_PROXY, answers=answer_locations,
    )


def loopback_config(root: str, port: int, second_stage_port: int, upstream_ports: Sequence[int],
                    emergency_number: str, fail_timeout_s: int = FAIL_TIMEOUT_S) -> str:
    """A whole nginx.conf for `make run-cluster` and the tests: everything on 127.0.0.1."""
    http = http_block([f"127.0.0.1:{p}" for p in upstream_ports], f"127.0.0.1:{port}", second_stage_port,
                      emergency_number, fail_timeout_s)
    return _LOOPBACK.format(root=root, http=http)


def compose_config(emergency_number: str) -> str:
    """cluster/nginx.compose.conf: included in the http block of the official nginx image."""
    header = ("# nginx in front of the two Rasa containers (docker-compose.yml): the same configuration as\n"
              "# `make run-cluster` uses (cluster/nginx_conf.py, which generates this file).\n")
    return header + http_block(COMPOSE_SERVERS, "80", COMPOSE_SECOND_STAGE_PORT, emergency_number)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Print the nginx configuration.")
    parser.add_argument("--compose", action="store_true", help="cluster/nginx.compose.conf for docker-compose.yml")
    args = parser.parse_args(argv)
    from actions import render

    if not args.compose:
        parser.error("only --compose is printed; make run-cluster writes its own")
    sys.stdout.write(compose_config(render.emergency_number()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
