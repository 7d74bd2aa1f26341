"""Micro-benchmark: cost of one action-server request as a conversation grows, Rasa's request
builder versus HeadEase's recent-events one (headease_rasa/action_payload.py).

    PYTHONPATH=. .venv/bin/python bench/action_payload.py [--repeat N]

For conversations of 10, 60 and 200 form turns (15 events per turn, as HeadEase records them)
it times what both servers do per action call: build the request, JSON-encode it, decode it and
build rasa_sdk's Tracker from it. Both variants run in the same process, so the ratio is what
matters; tests never assert on timing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker

from headease_rasa import action_payload

FINDINGS = {"locations": ["both_sides", "forehead"], "qualities": ["pressing_tight"], "intensity": 5,
            "symptoms": ["photophobia"], "triggers": ["stress", "screen_time"], "origins": ["neck"],
            "days_per_month": 6, "medication_days": 4, "age": 34}


def conversation(turns: int, domain: Domain) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for turn in range(turns):
        events += [
            UserUttered(f"it is a tight band, about {turn % 10} out of 10, worse at the laptop",
                        {"name": "inform", "confidence": 0.93}),
            ActionExecuted("consultation_form"),
            SlotSet("findings", dict(FINDINGS, intensity=turn % 10)),
            SlotSet("severity", turn % 10),
            SlotSet("requested_slot", "duration"),
            BotUttered("How long does a headache usually last?",
                       {"buttons": [{"title": t, "payload": t} for t in ("Minutes", "Hours", "Days")]}),
            ActionExecuted("action_listen"),
        ]
    return DialogueStateTracker.from_events("bench", events, slots=domain.slots)


def per_call_ms(build, tracker, domain, repeat: int) -> float:
    action = RemoteAction("validate_consultation_form", EndpointConfig("http://localhost:5055/webhook"))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        payload = json.dumps(build(action, tracker, domain))
        Tracker.from_dict(json.loads(payload)["tracker"])
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    domain = Domain.load("domain.yml")
    rasa_builder = RemoteAction._action_call_format
    action_payload.install()
    headease_builder = RemoteAction._action_call_format
    print(f"{'turns':>6} {'events':>7} {'Rasa ms':>8} {'HeadEase ms':>12} {'ratio':>6}")
    for turns in (10, 60, 200):
        tracker = conversation(turns, domain)
        rasa_ms = per_call_ms(rasa_builder, tracker, domain, args.repeat)
        ours_ms = per_call_ms(headease_builder, tracker, domain, args.repeat)
        print(f"{turns:>6} {len(tracker.events):>7} {rasa_ms:>8.2f} {ours_ms:>12.2f} {ours_ms / rasa_ms:>6.2f}")


if __name__ == "__main__":
    main()
