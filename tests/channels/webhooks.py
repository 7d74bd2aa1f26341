"""Posting platform webhook requests (signed like the platforms sign them) to the Rasa server."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Dict, Optional, Tuple

import yaml

from tests.support.stack import ROOT


def post(url: str, body: bytes, headers: Dict[str, str], timeout: float = 90.0) -> Tuple[int, Dict[str, str], str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read().decode()


def get(url: str, timeout: float = 30.0) -> Tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def slack_headers(secret: str, body: bytes, content_type: str = "application/json", timestamp: Optional[int] = None) -> Dict[str, str]:
    """Slack's v0 request signature: HMAC-SHA256 of "v0:<timestamp>:<body>"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def facebook_headers(secret: str, body: bytes, sha256: bool = True, sha1: bool = True) -> Dict[str, str]:
    """Meta signs with both headers; HeadEase accepts only `X-Hub-Signature-256`."""
    headers = {"Content-Type": "application/json"}
    if sha256:
        headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if sha1:
        headers["X-Hub-Signature"] = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return headers


def as_json(payload) -> bytes:
    return json.dumps(payload).encode()


def kb_questions() -> Dict[str, dict]:
    return yaml.safe_load((ROOT / "data" / "kb" / "knowledge.yml").read_text())["questions"]


def user_texts(tracker: dict):
    return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]


def wait_for_user_texts(stack, sender: str, count: int, timeout: float = 90.0):
    """The conversation's user texts once it has at least `count` (the connectors answer the
    platform first and handle the message after)."""
    deadline = time.monotonic() + timeout
    texts = []
    while time.monotonic() < deadline:
        texts = user_texts(stack.tracker(sender))
        if len(texts) >= count:
            return texts
        time.sleep(0.3)
    raise AssertionError(f"conversation {sender!r}: expected {count} user message(s), got {texts}")
