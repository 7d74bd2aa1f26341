"""Micro-benchmark: one action prediction of the trained model as a conversation grows, Rasa's
featurization (replays the whole session for every policy) versus HeadEase's incremental one
(headease_rasa/state_cache.py, plus policy_logging.py: no debug payloads at INFO, and
policy_history.py: look-ups that stop where nothing remembered can match, on the newest states).

    PYTHONPATH=. .venv/bin/python bench/policy_growth.py [--repeat N] [--model PATH]   (or -m bench.policy_growth)

Loads models/headease.tar.gz in-process (no servers) and builds conversations of 10, 60 and 200
form turns (bench/action_payload.py). Each repetition appends one more form turn, as a message
does, then times `MessageProcessor._predict_next_with_tracker` (all policies: Memoization, Rule,
TED, RedFlag): Rasa as is, with the incremental states only ("states"), and with all of
HeadEase's patches. All variants run in the same process on the same trackers and must predict
the same; compare the ratio (HeadEase / Rasa). The last column is Rasa's `tracker.copy()`, done
before every action run (still O(conversation), see bench/PROFILE.md section 5).
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import logging
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: bench/profile.py would shadow the stdlib's profile
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from rasa.shared.core.events import (
    ActionExecuted, ActiveLoop, BotUttered, DefinePrevUserUtteredFeaturization, SessionStarted, SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bench.action_payload import FINDINGS, conversation
from headease_rasa import policy_history, policy_logging, state_cache


def one_turn(turn: int):
    return [
        UserUttered(f"it is about {turn % 10} out of 10", {"name": "inform", "confidence": 0.93}),
        ActionExecuted("consultation_form"),
        SlotSet("findings", dict(FINDINGS, intensity=turn % 10)),
        SlotSet("severity", turn % 10),
        SlotSet("requested_slot", "duration"),
        BotUttered("How long does a headache usually last?"),
        ActionExecuted("action_listen"),
    ]


def consultation(number: int, form: str = "consultation_form"):
    """One consultation as Rasa records it: the form is active (Rasa folds its turns), 10 turns."""
    said = lambda text, intent="inform": UserUttered(text, {"name": intent, "confidence": 0.9})
    events = [said(f"my head hurts ({number})", "describe_headache"), DefinePrevUserUtteredFeaturization(False),
              ActionExecuted(form), ActiveLoop(form), SlotSet("findings", dict(FINDINGS, intensity=number % 10)),
              SlotSet("requested_slot", "severity"), BotUttered("How bad is it?"), ActionExecuted("action_listen")]
    for turn in range(8):
        events += [said(f"answer {turn}"), DefinePrevUserUtteredFeaturization(False), ActionExecuted(form),
                   SlotSet("findings", dict(FINDINGS, intensity=turn)), SlotSet("requested_slot", "duration"),
                   BotUttered(f"question {turn}"), ActionExecuted("action_listen")]
    events += [said("about an hour"), DefinePrevUserUtteredFeaturization(False), ActionExecuted(form),
               ActiveLoop(None), SlotSet("requested_slot", None), ActionExecuted("action_give_assessment"),
               SlotSet("assessment", {"consultation": number}), BotUttered("Assessment"), ActionExecuted("action_listen")]
    return events


def user_turns(events):
    """turn -> the events of one user turn of `events` (cycling), each starting with the message."""
    turns = []
    for event in events:
        if isinstance(event, UserUttered) or not turns:
            turns.append([])
        turns[-1].append(event)
    return lambda turn: [copy.copy(event) for event in turns[turn % len(turns)]]


def consultations(count: int, domain) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for number in range(count):
        events += consultation(number)
    return DialogueStateTracker.from_events("bench", events, slots=domain.slots)


def rebind(processor) -> None:
    """Rasa's graph nodes look their component's method up once, when the model loads: after
    patches are installed or removed, look them up again (the server installs them before)."""
    for node in processor.graph_runner._instantiated_nodes.values():
        node._fn = getattr(node._component_class, node._fn_name)


def predict_ms(processor, tracker, repeat: int, turn_events=None):
    rebind(processor)
    times, predictions = [], []
    processor._predict_next_with_tracker(tracker)  # warm (TF graph, HeadEase's cache)
    for turn in range(repeat):
        for event in (turn_events or one_turn)(turn):
            tracker.update(event)
        started = time.perf_counter()
        prediction = processor._predict_next_with_tracker(tracker)
        times.append(time.perf_counter() - started)
        predictions.append((prediction.policy_name, prediction.max_confidence_index))
    return 1000 * statistics.median(times), predictions


def copy_ms(tracker, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        tracker.copy()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--model", default="models/headease.tar.gz")
    args = parser.parse_args()

    from rasa.utils.log_utils import configure_structlog
    configure_structlog(logging.INFO)  # as `rasa run` does: the policies' debug events are dropped
    from rasa.core.agent import load_agent

    agent = asyncio.run(load_agent(model_path=args.model))
    processor, domain = agent.processor, agent.processor.domain
    print(f"{'turns':>6} {'events':>7} {'Rasa ms':>8} {'states ms':>10} {'HeadEase ms':>12} {'ratio':>6} {'copy() ms':>10}")
    for turns in (10, 60, 200):
        state_cache.uninstall()
        policy_history.uninstall()
        policy_logging.uninstall()
        rasa_tracker = conversation(turns, domain)
        events = len(rasa_tracker.events)
        rasa_ms, rasa_predictions = predict_ms(processor, rasa_tracker, args.repeat)
        state_cache.install()  # the incremental states alone
        states_ms, states_predictions = predict_ms(processor, conversation(turns, domain), args.repeat)
        policy_logging.install()  # all of HeadEase's patches
        policy_history.install()
        ours_ms, our_predictions = predict_ms(processor, conversation(turns, domain), args.repeat)
        assert our_predictions == states_predictions == rasa_predictions, turns
        print(f"{turns:>6} {events:>7} {rasa_ms:>8.1f} {states_ms:>10.1f} {ours_ms:>12.1f} {ours_ms / rasa_ms:>6.2f} "
              f"{copy_ms(rasa_tracker, args.repeat):>10.2f}")

    # The same in the shape of HeadEase's long conversations: consultations of 10 turns in which
    # the form is active, so Rasa folds each form's turns into a few states; each repetition
    # appends one more consultation turn (a new consultation every 10).
    print(f"\n{'consultations':>13} {'turns':>6} {'events':>7} {'states':>7} {'Rasa ms':>8} {'HeadEase ms':>12} {'ratio':>6}")
    for count in (1, 6, 20):
        state_cache.uninstall()
        policy_history.uninstall()
        policy_logging.uninstall()
        rasa_tracker = consultations(count, domain)
        events, states = len(rasa_tracker.events), len(rasa_tracker.past_states(domain))
        growing = user_turns(consultation(count))
        rasa_ms, rasa_predictions = predict_ms(processor, rasa_tracker, args.repeat, growing)
        state_cache.install()
        policy_logging.install()
        policy_history.install()
        ours_ms, our_predictions = predict_ms(processor, consultations(count, domain), args.repeat, growing)
        assert our_predictions == rasa_predictions, count
        print(f"{count:>13} {10 * count:>6} {events:>7} {states:>7} {rasa_ms:>8.1f} {ours_ms:>12.1f} {ours_ms / rasa_ms:>6.2f}")
    print("state cache calls:", state_cache.stats)


if __name__ == "__main__":
    main()
