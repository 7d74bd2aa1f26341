"""A loopback stand-in for the Slack Web API, the Facebook Graph API and the Telegram Bot API.

The connectors are pointed at it with HEADEASE_SLACK_API_URL, HEADEASE_FACEBOOK_API_URL and
HEADEASE_TELEGRAM_API_URL (test-only settings). It answers like the real APIs do for the calls the
connectors make, and records every call so tests can assert what the bot sent.
"""
from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional

BOT_USERNAME = "HeadEaseTestBot"


@dataclass
class Call:
    platform: str  # "slack", "facebook" or "telegram"
    method: str  # API method: "chat.postMessage", "me/messages", "sendMessage", ...
    body: Dict[str, Any]
    query: Dict[str, str]
    headers: Dict[str, str]
    files: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # name -> {"filename", "content"}


def _parse_body(content_type: str, raw: bytes):
    files: Dict[str, Dict[str, Any]] = {}
    if not raw:
        return {}, files
    if content_type.startswith("application/json"):
        return json.loads(raw), files
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        body = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            content = part.get_payload(decode=True)
            if filename:
                files[name] = {"filename": filename, "content": content.decode("utf-8", "replace")}
            else:
                body[name] = content.decode("utf-8", "replace")
        return body, files
    return {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode()).items()}, files


class PlatformStub:
    def __init__(self) -> None:
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        self._message_id = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body, files = _parse_body(self.headers.get("Content-Type", ""), raw)
                query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
                status, answer = stub._answer(url.path, body, query, dict(self.headers.items()), files)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self) -> Dict[str, str]:
        return {
            "HEADEASE_SLACK_API_URL": f"{self.url}/slack/api/",
            "HEADEASE_FACEBOOK_API_URL": f"{self.url}/facebook",
            "HEADEASE_TELEGRAM_API_URL": f"{self.url}/telegram",
        }

    def start(self) -> "PlatformStub":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- answers --------------------------------------------------------------------------
    def _next_id(self) -> int:
        self._message_id += 1
        return self._message_id

    def _answer(self, path: str, body: Dict[str, Any], query: Dict[str, str], headers: Dict[str, str], files):
        parts = path.strip("/").split("/")
        with self._lock:
            if parts[:2] == ["slack", "api"] and len(parts) == 3:
                call = Call("slack", parts[2], body, query, headers, files)
                answer = {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
            elif parts[0] == "facebook" and len(parts) > 1:
                call = Call("facebook", "/".join(parts[1:]), body, query, headers, files)
                answer = {"recipient_id": (body.get("recipient") or {}).get("id"), "message_id": f"m_{self._next_id()}"}
            elif parts[0] == "telegram" and len(parts) == 3 and parts[1].startswith("bot"):
                call = Call("telegram", parts[2], body, query, headers, files)
                answer = {"ok": True, "result": self._telegram_result(parts[2], body)}
            else:
                return 404, {"ok": False, "error": "unknown_method"}
            self.calls.append(call)
        return 200, answer

    def _telegram_result(self, method: str, body: Dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": 4242, "is_bot": True, "first_name": "HeadEase", "username": BOT_USERNAME}
        if method.startswith("send"):
            chat_id = int(body.get("chat_id", 0))
            result = {"message_id": self._next_id(), "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}}
            if "text" in body:
                result["text"] = body["text"]
            return result
        return True

    # --- assertions -----------------------------------------------------------------------
    def find(self, predicate: Callable[[Call], bool]) -> List[Call]:
        with self._lock:
            return [call for call in self.calls if predicate(call)]

    def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 60.0, count: int = 1) -> List[Call]:
        """The matching calls once at least `count` have arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.find(predicate)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"expected {count} matching API call(s) within {timeout:.0f}s; got {self.find(predicate)}")

    def settle(self, predicate: Callable[[Call], bool], quiet: float = 2.0, timeout: float = 60.0) -> List[Call]:
        """The matching calls once none has arrived for `quiet` seconds (the bot has finished)."""
        deadline = time.monotonic() + timeout
        seen, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            found = self.find(predicate)
            if len(found) != seen:
                seen, last_change = len(found), time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                return found
            time.sleep(0.2)
        return self.find(predicate)
