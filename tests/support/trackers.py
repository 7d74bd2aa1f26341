"""Build rasa_sdk trackers and run actions without a server (for fast action tests)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN: Dict[str, Any] = {"slots": {}, "forms": {}}


def make_tracker(
    text: str = "",
    intent: str = "describe_headache",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    latest_action: str = "action_listen",
    active_loop: Optional[str] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    channel: str = "rest",
    ranking: Optional[List[Dict[str, Any]]] = None,
    form_run: bool = False,
) -> Tracker:
    """A tracker whose latest event is a user message (optionally followed by `latest_action`).

    `form_run=True` mimics what Rasa hands a form's validation/ask actions: the form's own
    ActionExecuted appended after everything else.
    """
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "entities": entities or [],
    }
    history = list(events or []) + [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": message, "input_channel": channel}
    ]
    if latest_action != "action_listen":
        history.append({"event": "action", "name": latest_action})
    if form_run:
        history.append({"event": "action", "name": "consultation_form"})
        latest_action = "consultation_form"
    return Tracker(
        sender_id="test-user",
        slots=dict(slots or {}),
        latest_message=message,
        events=history,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=latest_action,
    )


def run_action(action, tracker: Tracker, domain: Optional[Dict[str, Any]] = None) -> Tuple[List[dict], List[dict]]:
    """Run an action; returns (events, messages)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or DOMAIN))
    return events, dispatcher.messages


def slot_sets(events: List[dict]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: List[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def custom(messages: List[dict], key: str) -> Optional[dict]:
    for message in messages:
        payload = message.get("custom") or message.get("json_message") or {}
        if key in payload:
            return payload[key]
    return None
