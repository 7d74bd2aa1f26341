"""A loopback stand-in for the Slack Web API, the Facebook Graph API and the Telegram Bot API.

The connectors are pointed at it with HEADEASE_SLACK_API_URL, HEADEASE_FACEBOOK_API_URL and
HEADEASE_TELEGRAM_API_URL (test-only settings). It answers like the real APIs do for the calls the
connectors make, including their refusals: a wrong token, a message over the platform's limits,
Telegram HTML it cannot parse, a Slack block it rejects, a Graph API version that does not exist
(each with the platform's documented error body). Tests can also make it refuse the next matching
calls (`fail`): Telegram's 429 with `retry_after`, Slack's `ratelimited` with `Retry-After`, the
Graph API's rate-limit codes, a 5xx. Every request is recorded in `attempts`; the ones the stub
accepted are also in `calls`.
"""
from __future__ import annotations

import email.parser
import email.policy
import hashlib
import hmac
import html
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

BOT_USERNAME = "HeadEaseTestBot"

Answer = Tuple[int, Dict[str, Any], Dict[str, str]]  # status, JSON body, extra headers


@dataclass
class Call:
    platform: str  # "slack", "facebook" or "telegram"
    method: str  # API method: "chat.postMessage", "me/messages", "sendMessage", ...
    body: Dict[str, Any]
    query: Dict[str, str]
    headers: Dict[str, str]
    files: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # name -> {"filename", "content"}
    status: int = 200  # what the stub answered
    at: float = field(default_factory=time.monotonic)
    path: str = ""


@dataclass
class Fault:
    predicate: Callable[[Call], bool]
    answers: List[Answer]


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


# --- the platforms' own checks ----------------------------------------------------------------
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "tg-spoiler", "span", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def telegram_html_problem(text: str) -> Optional[str]:
    """Why Telegram would refuse `text` with parse_mode=HTML (None when it would accept it)."""
    stack: List[str] = []
    position = 0

    def plain_problem(segment: str, offset: int) -> Optional[str]:
        if "<" in segment or ">" in segment:
            return f"unsupported start tag at byte offset {offset + segment.find('<' if '<' in segment else '>')}"
        for match in re.finditer("&", segment):
            if not _ENTITY.match(segment, match.start()):
                return f"unsupported entity at byte offset {offset + match.start()}"
        return None

    for tag in _TAG.finditer(text):
        problem = plain_problem(text[position:tag.start()], position)
        if problem:
            return problem
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if name not in TELEGRAM_TAGS:
            return f'unsupported start tag "{name}" at byte offset {tag.start()}'
        if closing:
            if not stack or stack.pop() != name:
                return f'unexpected end tag "{name}" at byte offset {tag.start()}'
        else:
            stack.append(name)
        position = tag.end()
    problem = plain_problem(text[position:], position)
    if problem:
        return problem
    if stack:
        return f'can\'t find end tag corresponding to start tag "{stack[-1]}"'
    return None


def telegram_visible(text: str, parse_mode: Optional[str]) -> str:
    return html.unescape(_TAG.sub("", text)) if parse_mode == "HTML" else text


class PlatformStub:
    def __init__(
        self,
        telegram_token: str = "",
        slack_token: str = "",
        facebook_token: str = "",
        facebook_secret: str = "",
    ) -> None:
        self.telegram_token = telegram_token
        self.slack_token = slack_token
        self.facebook_token = facebook_token
        self.facebook_secret = facebook_secret
        self.calls: List[Call] = []
        self.attempts: List[Call] = []
        self._faults: List[Fault] = []
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
                status, answer, headers = stub._answer(url.path, body, query, dict(self.headers.items()), files)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
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

    # --- refusing on purpose --------------------------------------------------------------
    def fail(self, predicate: Callable[[Call], bool], *answers: Answer) -> None:
        """The next calls matching `predicate` get these answers, one each, in order."""
        with self._lock:
            self._faults.append(Fault(predicate, list(answers)))

    @staticmethod
    def telegram_429(retry_after: int = 1) -> Answer:
        return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {retry_after}",
                     "parameters": {"retry_after": retry_after}}, {}

    @staticmethod
    def telegram_error(status: int, description: str) -> Answer:
        return status, {"ok": False, "error_code": status, "description": description}, {}

    @staticmethod
    def slack_ratelimited(retry_after: int = 1) -> Answer:
        return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}

    @staticmethod
    def slack_error(error: str, status: int = 200) -> Answer:
        return status, {"ok": False, "error": error}, {}

    @staticmethod
    def graph_error(code: int, status: int = 400, message: str = "error", transient: bool = False) -> Answer:
        error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}
        if transient:
            error["is_transient"] = True
        return status, {"error": error}, {}

    # --- answers --------------------------------------------------------------------------
    def _next_id(self) -> int:
        self._message_id += 1
        return self._message_id

    def _answer(self, path: str, body: Dict[str, Any], query: Dict[str, str], headers: Dict[str, str], files) -> Answer:
        parts = path.strip("/").split("/")
        with self._lock:
            if parts[:2] == ["slack", "api"] and len(parts) == 3:
                call = Call("slack", parts[2], {**query, **body}, query, headers, files, path=path)
                answer = self._slack(call)
            elif parts[0] == "facebook" and len(parts) > 2:
                call = Call("facebook", "/".join(parts[2:]), body, query, headers, files, path=path)
                answer = self._facebook(call, parts[1])
            elif parts[0] == "telegram" and len(parts) == 3 and parts[1].startswith("bot"):
                call = Call("telegram", parts[2], body, query, headers, files, path=path)
                answer = self._telegram(call, parts[1][3:])
            else:
                return 404, {"ok": False, "error": "unknown_method"}, {}
            for fault in self._faults:
                if fault.answers and fault.predicate(call):
                    answer = fault.answers.pop(0)
                    break
            self._faults = [fault for fault in self._faults if fault.answers]
            call.status = answer[0]
            self.attempts.append(call)
            ok = answer[0] == 200 and answer[1].get("ok", True) is not False and "error" not in answer[1]
            if ok:
                self.calls.append(call)
        return answer

    # Slack Web API -----------------------------------------------------------------------------
    def _slack(self, call: Call) -> Answer:
        if self.slack_token and call.headers.get("Authorization") != f"Bearer {self.slack_token}":
            return self.slack_error("invalid_auth")
        body = call.body
        if call.method == "conversations.open":
            users = str(body.get("users") or "")
            if not re.fullmatch(r"U[A-Z0-9]+", users):
                return self.slack_error("user_not_found")
            return 200, {"ok": True, "channel": {"id": f"D{users[1:]}X"}}, {}
        if call.method != "chat.postMessage":
            return self.slack_error("unknown_method", 404)
        if not body.get("channel"):
            return self.slack_error("channel_not_found")
        if not body.get("text") and not body.get("blocks") and not body.get("attachments"):
            return self.slack_error("no_text")
        if len(str(body.get("text") or "")) > 40000:
            return self.slack_error("msg_too_long")
        if body.get("blocks") and not self._slack_blocks_ok(body["blocks"]):
            return self.slack_error("invalid_blocks")
        return 200, {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}, {}

    @staticmethod
    def _slack_blocks_ok(blocks: Any) -> bool:
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not isinstance(blocks, list) or not 0 < len(blocks) <= 50:
            return False
        for block in blocks:
            kind = block.get("type")
            if kind == "section":
                if not 0 < len(block.get("text", {}).get("text", "")) <= 3000:
                    return False
            elif kind == "actions":
                elements = block.get("elements") or []
                if not 0 < len(elements) <= 25:
                    return False
                ids = [e.get("action_id") for e in elements]
                if len(set(ids)) != len(ids):
                    return False
                for element in elements:
                    if not 0 < len(element.get("text", {}).get("text", "")) <= 75 or len(element.get("value", "")) > 2000:
                        return False
            elif kind != "image":
                return False
        return True

    # Graph API (Messenger Send API) --------------------------------------------------------------
    def _facebook(self, call: Call, version: str) -> Answer:
        if not re.fullmatch(r"v\d+\.\d+", version):
            return self.graph_error(2500, message="Unknown path components")
        if self.facebook_token and call.query.get("access_token") != self.facebook_token:
            return self.graph_error(190, 401, "Invalid OAuth access token.")
        if self.facebook_secret:
            proof = hmac.new(self.facebook_secret.encode(), self.facebook_token.encode(), hashlib.sha256).hexdigest()
            if call.query.get("appsecret_proof") != proof:
                return self.graph_error(100, message="Invalid appsecret_proof provided in the API argument")
        if call.method != "me/messages":
            return self.graph_error(100, message="Unsupported post request")
        body = call.body
        recipient = (body.get("recipient") or {}).get("id")
        if not recipient:
            return self.graph_error(100, message="(#100) The parameter recipient is required")
        if "sender_action" in body:
            if body["sender_action"] not in ("mark_seen", "typing_on", "typing_off"):
                return self.graph_error(100, message="(#100) Param sender_action must be one of {...}")
            return 200, {"recipient_id": recipient}, {}
        message = body.get("message") or {}
        if body.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            return self.graph_error(100, message="(#100) Param messaging_type is invalid")
        if "text" in message and not 0 < len(message["text"]) <= 2000:
            return self.graph_error(100, message="(#100) Length of param message[text] must be less than or equal to 2000")
        replies = message.get("quick_replies") or []
        if len(replies) > 13 or any(not 0 < len(r.get("title", "")) <= 20 or len(r.get("payload", "")) > 1000 for r in replies):
            return self.graph_error(100, message="(#100) param message[quick_replies] is invalid")
        if not message.get("text") and not message.get("attachment"):
            return self.graph_error(100, message="(#100) Must send either message or state")
        return 200, {"recipient_id": recipient, "message_id": f"m_{self._next_id()}"}, {}

    # Telegram Bot API ----------------------------------------------------------------------------
    def _telegram(self, call: Call, token: str) -> Answer:
        if self.telegram_token and token != self.telegram_token:
            return self.telegram_error(401, "Unauthorized")
        body, method = call.body, call.method
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 4242, "is_bot": True, "first_name": "HeadEase", "username": BOT_USERNAME}}, {}
        if method == "setWebhook":
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}, {}
        if method == "answerCallbackQuery":
            if not body.get("callback_query_id"):
                return self.telegram_error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
            return 200, {"ok": True, "result": True}, {}
        if not method.startswith("send"):
            return self.telegram_error(404, "Not Found: method not found")
        if not re.fullmatch(r"-?\d+", str(body.get("chat_id", ""))):
            return self.telegram_error(400, "Bad Request: chat not found")
        if "reply_markup" in body:
            markup = json.loads(body["reply_markup"])
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if len(button.get("callback_data", "").encode()) > 64:
                        return self.telegram_error(400, "Bad Request: BUTTON_DATA_INVALID")
        if method == "sendMessage":
            text = body.get("text") or ""
            if body.get("parse_mode") == "HTML":
                problem = telegram_html_problem(text)
                if problem:
                    return self.telegram_error(400, f"Bad Request: can't parse entities: {problem}")
            visible = telegram_visible(text, body.get("parse_mode"))
            if not visible.strip():
                return self.telegram_error(400, "Bad Request: message text is empty")
            if len(visible) > 4096:
                return self.telegram_error(400, "Bad Request: message is too long")
        chat_id = int(body["chat_id"])
        result = {"message_id": self._next_id(), "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}}
        if "text" in body:
            result["text"] = body["text"]
        return 200, {"ok": True, "result": result}, {}

    # --- assertions -----------------------------------------------------------------------
    def find(self, predicate: Callable[[Call], bool]) -> List[Call]:
        with self._lock:
            return [call for call in self.calls if predicate(call)]

    def tried(self, predicate: Callable[[Call], bool]) -> List[Call]:
        """Every request matching `predicate`, refused ones included."""
        with self._lock:
            return [call for call in self.attempts if predicate(call)]

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
            found = self.tried(predicate)
            if len(found) != seen:
                seen, last_change = len(found), time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                return self.find(predicate)
            time.sleep(0.2)
        return self.find(predicate)
