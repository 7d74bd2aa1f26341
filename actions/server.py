"""Action server entry point: `python -m actions.server --port 5055`.

Wraps rasa_sdk's server so it binds to loopback by default (only the Rasa server on the same host
should call it; set SANIC_HOST=0.0.0.0 to expose it on a private network) and logs no user text.
Besides rasa_sdk's `GET /health` it answers `GET /health/live` and `GET /health/ready` (every
action registered, the knowledge base and the reader's rules loaded and valid: actions/health.py),
added through rasa_sdk's plugin hook.
"""
import argparse
import logging
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    parser.add_argument("--log-level", default=os.environ.get("HEADEASE_LOG_LEVEL", "INFO"))
    args = parser.parse_args()
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    # Keep idle connections longer than the Rasa server's HTTP client does (aiohttp: 15 s), so the
    # client always closes first. With Sanic's default of 5 s, under load Rasa reused connections
    # the action server was closing ("Cannot write to closing transport"): failed actions.
    os.environ.setdefault("SANIC_KEEP_ALIVE_TIMEOUT", "75")
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from rasa_sdk.endpoint import run

    from actions.health import register_plugin

    register_plugin()  # rasa_sdk's run() calls its hook: /health/live and /health/ready
    run("actions", port=args.port, cors_origins=None)


if __name__ == "__main__":
    main()
