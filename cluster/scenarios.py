"""The cluster's fault scenarios, each on a running `Cluster`, each returning its figures.

* `failover`: the 200-conversation load test; at a random moment one Rasa server is killed with
  SIGKILL, and started again a few seconds later. Every message must end answered exactly once
  (a message whose server died mid-turn is answered 503 "send it again" by nginx and resent with
  its id), the audit must be clean, and once the server is back nginx must send it traffic again.
* `store_outages`: people keep arriving (a new consultation every 0.3 s) while PostgreSQL is
  stopped and started again, then Redis. No 5xx; the outage answer only while a store is away
  (from the moment it stops until both Rasa servers report ready again); then the audit.
* `flood`: 20 people consult at a person's pace (a message, then `THINK_S` to read and type),
  undisturbed; then 20 others do the same while one client address floods the webhook at 50
  times that rate with a new sender every time. The flood must be refused (429), the people must
  never be, their p95 must stay within 2x of the undisturbed run, and nothing of theirs is lost.

`python -m cluster.scenarios` runs all three on a fresh cluster and writes reports/cluster.json
(the README's reliability table comes from it); tests/cluster/test_cluster.py does the same and
asserts.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

from cluster import loadtest, nginx_conf
from cluster.loadtest import OUTAGE, SCRIPTS, Person, address, audit, figures, people
from cluster.run_cluster import ROOT, Cluster

RESTART_AFTER_S = 5.0  # the killed server is started again this long after the kill
THINK_S = 2.0  # a person's pause between an answer and their next message
FLOOD_FACTOR = 50
FLOOD_LEAD_S = 3.0  # the flood is already going when the people start
STORE_DOWN_S = 3.0
REPORT = ROOT / "reports" / "cluster.json"


def _duplicates(problems: List[str]) -> int:
    return sum(1 for p in problems if " stored " in p and " times" in p)


def _lost(problems: List[str]) -> int:
    return sum(1 for p in problems if p.endswith(" lost"))


async def _wait_ready(cluster: Cluster, timeout: float = 120.0) -> float:
    """Seconds until every Rasa server's /health/ready answers 200."""
    started = time.monotonic()
    while not all(await asyncio.gather(*(asyncio.to_thread(cluster.ready, i) for i in range(len(cluster.rasa_ports))))):
        if time.monotonic() - started > timeout:
            raise TimeoutError("the Rasa servers did not report ready again")
        await asyncio.sleep(0.2)
    return time.monotonic() - started


def failover(cluster: Cluster, conversations: int = 200, seed: Optional[int] = None) -> dict:
    seed = random.randrange(10**6) if seed is None else seed
    rng = random.Random(seed)
    victim = rng.randrange(len(cluster.rasa_ports))
    kill_after_s = round(rng.uniform(3.0, 12.0), 1)
    victim_address = f"127.0.0.1:{cluster.rasa_ports[victim]}"
    persons = people(cluster.url, conversations, "failover", block=1)

    async def main() -> dict:
        started = time.monotonic()
        load = asyncio.ensure_future(asyncio.gather(*(p.run() for p in persons)))
        await asyncio.sleep(kill_after_s)
        killed_at = time.monotonic()
        await asyncio.to_thread(cluster.kill_rasa, victim)
        await asyncio.sleep(RESTART_AFTER_S)
        ready_s = await asyncio.to_thread(cluster.start_rasa, victim)
        ready_at = time.monotonic()
        await load
        load_s = time.monotonic() - started
        # Back in rotation: nginx tries a failed server again after its fail_timeout (whole
        # seconds); a new wave of people after that must reach both servers.
        await asyncio.sleep(max(0.0, ready_at + nginx_conf.FAIL_TIMEOUT_S + 2 - time.monotonic()))
        after = people(cluster.url, 20, "failover-after", block=2)
        await asyncio.gather(*(p.run() for p in after))
        return {"killed_at": killed_at, "ready_s": ready_s, "ready_at": ready_at, "load_s": load_s, "after": after}

    run = asyncio.run(main())
    after: List[Person] = run.pop("after")
    problems = audit(cluster.postgres, persons + after, "failover")
    during, wave = figures(persons), figures(after)
    asked = [a for p in persons for m in p.messages for a in m.attempts
             if a.kind in (loadtest.RESEND, loadtest.CONNECTION)]
    return {
        "seed": seed,
        "conversations": conversations,
        "killed_instance": victim_address,
        "killed_after_s": kill_after_s,
        "restarted_after_s": RESTART_AFTER_S,
        "restart_ready_s": round(run["ready_s"], 1),
        "load_s": round(run["load_s"], 1),
        "during": during,
        "after_restart": wave,
        "back_in_rotation": victim_address in wave["per_instance"],
        # From the kill until the last message that had to be sent again was answered.
        "resend_window_s": round(max((a.ended for a in asked), default=run["killed_at"]) - run["killed_at"], 1),
        "lost": during["lost"] + wave["lost"] + _lost(problems),
        "duplicated": _duplicates(problems) + during["answered_more_than_once"] + wave["answered_more_than_once"],
        "problems": problems[:50],
        "problem_count": len(problems),
    }


def store_outages(cluster: Cluster, down_s: float = STORE_DOWN_S, arrival_s: float = 0.3) -> dict:
    persons: List[Person] = []
    windows: Dict[str, Dict[str, float]] = {}

    async def main() -> None:
        stop = asyncio.Event()

        async def arrivals() -> None:
            tasks = []
            for index in range(10**6):
                if stop.is_set():
                    break
                person = Person(cluster.url, f"stores-{index:03d}-{uuid.uuid4().hex[:6]}", address(index, 3),
                                list(SCRIPTS[index % len(SCRIPTS)]), think_s=0.3)
                persons.append(person)
                tasks.append(asyncio.ensure_future(person.run()))
                await asyncio.sleep(arrival_s)
            await asyncio.gather(*tasks)

        crowd = asyncio.ensure_future(arrivals())
        await asyncio.sleep(4.0)
        stores = (("postgresql", cluster.postgres.stop_server, cluster.postgres.start_server),
                  ("redis", cluster.redis.stop, cluster.redis.start))
        for name, stop_store, start_store in stores:
            down_at = time.monotonic()
            await asyncio.to_thread(stop_store)
            await asyncio.sleep(down_s)
            await asyncio.to_thread(start_store)
            back_at = time.monotonic()
            await _wait_ready(cluster)
            windows[name] = {"down_at": down_at, "back_at": back_at, "ready_at": time.monotonic()}
            await asyncio.sleep(4.0)  # the load goes on with the store back
        stop.set()
        await crowd

    asyncio.run(main())
    outage = [a for p in persons for m in p.messages for a in m.attempts if a.kind == OUTAGE]

    def inside(attempt, window) -> bool:
        return attempt.ended >= window["down_at"] and attempt.started <= window["ready_at"]

    stores = {}
    for name, window in windows.items():
        mine = [a for a in outage if inside(a, window)]
        stores[name] = {
            "down_s": round(window["back_at"] - window["down_at"], 1),
            "outage_answers": len(mine),
            # From the store's return until both Rasa servers reported ready.
            "recovery_s": round(window["ready_at"] - window["back_at"], 1),
            "last_outage_answer_after_return_s": round(max(0.0, max((a.started for a in mine), default=window["back_at"])
                                                           - window["back_at"]), 1),
        }
    problems = audit(cluster.postgres, persons, "stores")
    during = figures(persons)
    return {
        "conversations": len(persons),
        "during": during,
        "stores": stores,
        "outage_answers_outside_outages": sum(1 for a in outage if not any(inside(a, w) for w in windows.values())),
        "lost": during["lost"] + _lost(problems),
        "duplicated": _duplicates(problems) + during["answered_more_than_once"],
        "problems": problems[:50],
        "problem_count": len(problems),
    }


async def _flood(url: str, rate_per_s: float, stop: asyncio.Event) -> Counter:
    """One client address sending `rate_per_s` requests a second, each from a new sender."""
    statuses: Counter = Counter()
    connector = aiohttp.TCPConnector(local_addr=("127.9.0.1", 0), limit=64)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def one() -> None:
            body = {"sender": f"flood-{uuid.uuid4().hex[:10]}", "message": "hello", "message_id": uuid.uuid4().hex}
            try:
                async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
                    await response.read()
                    statuses[response.status] += 1
            except (aiohttp.ClientError, asyncio.TimeoutError):
                statuses[0] += 1

        tasks, due = [], time.monotonic()
        while not stop.is_set():
            tasks.append(asyncio.ensure_future(one()))
            due += 1.0 / rate_per_s
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        await asyncio.gather(*tasks)
    return statuses


def flood(cluster: Cluster, persons: int = 20, think_s: float = THINK_S, factor: int = FLOOD_FACTOR) -> dict:
    calm = people(cluster.url, persons, "calm", block=4, think_s=think_s)
    flooded = people(cluster.url, persons, "flooded", block=5, think_s=think_s)
    rate = factor / think_s  # a person sends at most one message per think time

    async def main() -> tuple:
        # Warm both servers first (a cold server's first turns are slow), as a running clinic's are.
        await asyncio.gather(*(p.run() for p in people(cluster.url, 4, "warmup", block=6)))
        started = time.monotonic()
        await asyncio.gather(*(p.run() for p in calm))
        calm_s = time.monotonic() - started
        stop = asyncio.Event()
        flood_started = time.monotonic()
        flooder = asyncio.ensure_future(_flood(cluster.url, rate, stop))
        await asyncio.sleep(FLOOD_LEAD_S)
        started = time.monotonic()
        await asyncio.gather(*(p.run() for p in flooded))
        flooded_s = time.monotonic() - started
        stop.set()
        statuses = await flooder
        return statuses, calm_s, flooded_s, time.monotonic() - flood_started

    statuses, calm_s, flooded_s, flood_s = asyncio.run(main())
    problems = audit(cluster.postgres, calm, "calm") + audit(cluster.postgres, flooded, "flooded")
    undisturbed, disturbed = figures(calm), figures(flooded)
    sent = sum(statuses.values())
    return {
        "people": persons,
        "person_rate_per_s": round(1.0 / think_s, 2),
        "flood_rate_per_s": rate,
        "flood_requests": sent,
        "flood_statuses": {str(k): v for k, v in sorted(statuses.items())},
        "flood_refused_share": round(statuses[429] / sent, 3) if sent else None,
        "flood_s": round(flood_s, 1),
        # What nginx's per-address limit lets through in that time: the burst, then its rate.
        "flood_allowed_at_most": nginx_conf.ADDRESS_BURST + 1 + int(flood_s * _per_second(nginx_conf.ADDRESS_RATE)) + 1,
        "undisturbed": undisturbed,
        "flooded": disturbed,
        "undisturbed_s": round(calm_s, 1),
        "flooded_s": round(flooded_s, 1),
        "p95_ratio": round(disturbed["latency_p95_ms"] / undisturbed["latency_p95_ms"], 2),
        "people_limited": undisturbed["attempts_by_kind"].get(loadtest.LIMITED, 0)
        + disturbed["attempts_by_kind"].get(loadtest.LIMITED, 0),
        "lost": undisturbed["lost"] + disturbed["lost"] + _lost(problems),
        "problems": problems[:50],
        "problem_count": len(problems),
    }


def _per_second(rate: str) -> float:
    """nginx's "2r/s" / "30r/m" as requests per second."""
    number, unit = rate[:-3], rate[-1]
    return float(number) / (60.0 if unit == "m" else 1.0)


def write_report(results: dict, path: Path = REPORT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(results, date=time.strftime("%Y-%m-%d %H:%M")), indent=2) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run the cluster's fault scenarios and write reports/cluster.json.")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    cluster = Cluster()
    results: dict = {}
    try:
        started = time.monotonic()
        cluster.start()
        results["cluster_startup_s"] = round(time.monotonic() - started, 1)
        results["failover"] = failover(cluster, args.conversations, args.seed)
        results["store_outages"] = store_outages(cluster)
        results["flood"] = flood(cluster)
    finally:
        cluster.stop()
        write_report(results)
    print(json.dumps(results, indent=2))
    return 0 if all(r.get("problem_count", 0) == 0 for r in results.values() if isinstance(r, dict)) else 1


if __name__ == "__main__":
    sys.exit(main())
