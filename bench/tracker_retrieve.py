"""Micro-benchmark: loading a conversation's tracker as it grows, Rasa's SQL store (load and
replay every event) versus HeadEase's cached one (headease_store/tracker_store.py).

    PYTHONPATH=. .venv/bin/python bench/tracker_retrieve.py [--repeat N]

SQLite in a temporary folder; conversations of 10, 60 and 200 form turns (as in
bench/action_payload.py). Both variants run in the same process: compare the ratio.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from rasa.shared.core.domain import Domain

from bench.action_payload import conversation
from headease_store import tracker_store


def median_ms(store, sender: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        asyncio.run(store.retrieve(sender))
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    domain = Domain.load("domain.yml")
    with tempfile.TemporaryDirectory() as folder:
        store = tracker_store.HeadEaseSQLTrackerStore(domain=domain, dialect="sqlite", db=str(Path(folder) / "t.db"))
        print(f"{'turns':>6} {'events':>7} {'reload ms':>10} {'cached ms':>10} {'ratio':>6}")
        for turns in (10, 60, 200):
            sender = f"bench-{turns}"
            tracker = conversation(turns, domain)
            tracker.sender_id = sender
            asyncio.run(store.save(tracker))
            cache_size, tracker_store.CACHE_SIZE = tracker_store.CACHE_SIZE, 0
            store._cache.clear()
            reload_ms = median_ms(store, sender, args.repeat)
            tracker_store.CACHE_SIZE = cache_size
            asyncio.run(store.save(asyncio.run(store.retrieve(sender))))
            cached_ms = median_ms(store, sender, args.repeat)
            print(f"{turns:>6} {len(tracker.events):>7} {reload_ms:>10.1f} {cached_ms:>10.2f} {cached_ms / reload_ms:>6.3f}")


if __name__ == "__main__":
    main()
