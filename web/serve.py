"""Tiny static server for the HeadEase demo clinic page and widget (stdlib only).

Serves web/index.html, web/src/ and web/dist/ on 127.0.0.1:$HEADEASE_WEB_PORT
(default 8080). The Rasa server URL ($RASA_URL, default http://localhost:5005)
and the emergency number ($HEADEASE_EMERGENCY_NUMBER, default 112) are written
into the demo page's widget script tag. Every response carries a strict
Content-Security-Policy that only lets the page talk to itself and to Rasa.

Usage: python web/serve.py            (run `npm --prefix web run build` first)
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import re
import sys
from http import HTTPStatus
from io import BytesIO
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict
from urllib.parse import unquote, urlsplit

WEB_ROOT = Path(__file__).resolve().parent
ALLOWED_PREFIXES = ("src/", "dist/")
ALLOWED_FILES = ("index.html",)

logger = logging.getLogger("headease.web")


def rasa_origins(rasa_url: str) -> str:
    """Return the CSP connect-src sources for the Rasa URL (http(s) and ws(s))."""
    parts = urlsplit(rasa_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"RASA_URL must be an absolute http(s) URL, got {rasa_url!r}")
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc} {ws_scheme}://{parts.netloc}"


def emergency_digits(number: str) -> str:
    digits = re.sub(r"[^0-9+*#]", "", number)[:20]
    if not digits:
        raise ValueError("HEADEASE_EMERGENCY_NUMBER must contain digits")
    return digits


def security_headers(rasa_url: str) -> Dict[str, str]:
    csp = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {rasa_origins(rasa_url)}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


class Settings:
    def __init__(self, rasa_url: str, emergency_number: str) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.emergency_number = emergency_digits(emergency_number)
        self.headers = security_headers(self.rasa_url)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            os.environ.get("RASA_URL", "http://localhost:5005"),
            os.environ.get("HEADEASE_EMERGENCY_NUMBER", "112"),
        )


def render_index(settings: Settings) -> bytes:
    text = (WEB_ROOT / "index.html").read_text(encoding="utf-8")
    text = text.replace("__HEADEASE_RASA_URL__", html.escape(settings.rasa_url, quote=True))
    text = text.replace(
        "__HEADEASE_EMERGENCY_NUMBER__", html.escape(settings.emergency_number, quote=True)
    )
    return text.encode("utf-8")


class Handler(SimpleHTTPRequestHandler):
    settings: Settings  # set on the subclass made by make_handler()
    server_version = "HeadEaseWeb"

    def version_string(self) -> str:
        return self.server_version

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".mjs": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".map": "application/json",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, directory=str(WEB_ROOT), **kwargs)

    def end_headers(self) -> None:
        for name, value in self.settings.headers.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def _relative(self) -> str | None:
        path = posixpath.normpath(unquote(urlsplit(self.path).path))
        rel = path.lstrip("/")
        if rel in ("", "."):
            return "index.html"
        if ".." in rel.split("/"):
            return None
        if rel in ALLOWED_FILES or rel.startswith(ALLOWED_PREFIXES):
            return rel
        return None

    def send_head(self):  # type: ignore[override]
        rel = self._relative()
        if rel is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return None
        if rel == "index.html":
            body = render_index(self.settings)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return BytesIO(body)
        target = WEB_ROOT / rel
        if not target.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return None
        self.path = "/" + rel
        return super().send_head()

    def list_directory(self, path):  # type: ignore[override]
        self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        return None

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        logger.info("%s %s", self.address_string(), format % args)


def make_handler(settings: Settings) -> type:
    return type("HeadEaseHandler", (Handler,), {"settings": settings})


def main() -> int:
    logging.basicConfig(level=os.environ.get("HEADEASE_WEB_LOG_LEVEL", "INFO"), format="%(message)s")
    host = os.environ.get("HEADEASE_WEB_HOST", "127.0.0.1")
    port = int(os.environ.get("HEADEASE_WEB_PORT", "8080"))
    settings = Settings.from_env()
    if not (WEB_ROOT / "dist" / "headease-widget.js").is_file():
        logger.warning("web/dist/headease-widget.js is missing: run `npm --prefix web ci && npm --prefix web run build`")
    server = ThreadingHTTPServer((host, port), make_handler(settings))
    server.daemon_threads = True
    logger.info(
        "HeadEase demo page on http://%s:%d/ (Rasa %s, emergency number %s)",
        host,
        server.server_address[1],
        settings.rasa_url,
        settings.emergency_number,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
