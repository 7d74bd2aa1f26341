"""A stand-in Rasa server for the nginx tests: `python -m tests.cluster.stub_upstream PORT`.

POST /webhooks/rest/webhook answers `[{"recipient_id": sender, "text": "ok", "port": PORT}]`;
a message "die" makes the process exit at once after reading the request (a server killed
mid-turn). GET /health/ready answers 200; GET /count the number of webhook requests received.
"""
import json
import os
import sys

from aiohttp import web

PORT = int(sys.argv[1])
received = {"count": 0}


async def webhook(request: web.Request) -> web.Response:
    body = await request.json()
    received["count"] += 1
    if body.get("message") == "die":
        os._exit(1)
    return web.json_response([{"recipient_id": body.get("sender"), "text": "ok", "port": PORT}])


async def ready(_: web.Request) -> web.Response:
    return web.json_response({"status": "ready"})


async def count(_: web.Request) -> web.Response:
    return web.json_response(received)


app = web.Application()
app.router.add_post("/webhooks/rest/webhook", webhook)
app.router.add_get("/health/ready", ready)
app.router.add_get("/count", count)
web.run_app(app, host="127.0.0.1", port=PORT, print=None, access_log=None)
