"""Bounded load test of the scaled-out cluster, then an audit of every tracker in PostgreSQL.

`make test-cluster` (tests/cluster) or `python -m cluster.loadtest [--conversations 200]`:

* starts the cluster (cluster/run_cluster.py): nginx round-robins every request over 2 Rasa
  servers, so consecutive turns of one conversation land on different instances;
* runs N conversations at once (default 200), each a scripted consultation sent turn by turn,
  ending with a burst of two messages sent together (a double tap) that only the Redis lock store
  keeps in order;
* audits PostgreSQL directly: for every conversation, every message sent is stored exactly once
  (none lost, none duplicated), turns never interleave (each user message is followed by the bot's
  actions and an `action_listen` before the next user message), event ids and timestamps increase
  together, and every HTTP answer was a 200 with a well-formed, non-failure reply.

Results go to reports/cluster.json.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

from bench.load import ERROR_MARKER
from cluster.run_cluster import ROOT, Cluster

# Opening plus answers, sent in this order whatever the bot asks (the audit is about storage and
# ordering, not about the clinical path); the last two go out together.
SCRIPTS = [
    ["hi, I have a headache", "no, none of those", "I'm 36", "a tight band round my whole head",
     "it builds up slowly during the afternoon", "about 4 out of 10", "thank you", "bye"],
    ["hello", "my neck is stiff and the pain goes up the back of my head", "none of these", "52",
     "it's been like this for two weeks", "a dull ache", "ok", "goodbye"],
    ["throbbing pain on the left side with nausea", "no", "I'm 29", "light bothers me a lot",
     "twice a month", "what is shiatsu?", "thanks", "see you"],
    ["what can help with tension headaches?", "tell me about trigger point therapy", "is it safe?",
     "I have a headache now actually", "no", "45", "cheers", "bye now"],
]
BURST = 2  # the last messages of a script are sent at the same time


@dataclass
class Exchange:
    sender: str
    text: str
    status: int
    latency_s: float
    upstream: str = ""
    replies: int = 0
    error: Optional[str] = None


@dataclass
class Report:
    conversations: int
    messages_sent: int = 0
    wall_s: float = 0.0
    exchanges: List[Exchange] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)

    def summary(self) -> dict:
        latencies = sorted(e.latency_s for e in self.exchanges)
        upstreams = Counter(e.upstream for e in self.exchanges)
        switched = 0
        by_sender: Dict[str, List[str]] = defaultdict(list)
        for e in self.exchanges:
            by_sender[e.sender].append(e.upstream)
        for ups in by_sender.values():
            switched += sum(1 for a, b in zip(ups, ups[1:]) if a != b)
        return {
            "conversations": self.conversations,
            "messages_sent": self.messages_sent,
            "http_errors": sum(1 for e in self.exchanges if e.status != 200),
            "failed_replies": sum(1 for e in self.exchanges if e.error),
            "wall_s": round(self.wall_s, 1),
            "messages_per_s": round(self.messages_sent / self.wall_s, 1) if self.wall_s else None,
            "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "latency_p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
            "per_instance": dict(upstreams),
            "instance_switches_within_conversations": switched,
            "problems": self.problems[:50],
            "problem_count": len(self.problems),
        }


async def _send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> Exchange:
    started = time.perf_counter()
    try:
        async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as response:
            raw = await response.text()
            exchange = Exchange(sender, text, response.status, time.perf_counter() - started,
                                response.headers.get("X-HeadEase-Upstream", ""))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            if response.status != 200 or not isinstance(body, list) or not body:
                exchange.error = f"HTTP {response.status}, reply {str(body)[:80]}"
            elif any(ERROR_MARKER in (m.get("text") or "") for m in body):
                exchange.error = "outage fallback"
            elif not all(isinstance(m, dict) and m.get("recipient_id") == sender for m in body):
                exchange.error = "malformed reply"
            exchange.replies = len(body) if isinstance(body, list) else 0
            return exchange
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return Exchange(sender, text, 0, time.perf_counter() - started, error=type(error).__name__)


async def run_load(url: str, conversations: int) -> tuple:
    """Run the conversations; returns the report and {sender: messages sent in order}."""
    report = Report(conversations=conversations)
    sent: Dict[str, List[str]] = {}
    connector = aiohttp.TCPConnector(limit=conversations)
    timeout = aiohttp.ClientTimeout(total=330)  # above nginx's 300 s upstream timeout
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def conversation(index: int, script: List[str]) -> None:
            sender = f"cluster-{index:03d}-{uuid.uuid4().hex[:8]}"
            sent[sender] = list(script)
            for text in script[:-BURST]:
                report.exchanges.append(await _send(session, url, sender, text))
            report.exchanges.extend(await asyncio.gather(*(_send(session, url, sender, t) for t in script[-BURST:])))

        started = time.perf_counter()
        scripts = itertools.islice(itertools.cycle(SCRIPTS), conversations)
        await asyncio.gather(*(conversation(i, s) for i, s in enumerate(scripts)))
        report.wall_s = time.perf_counter() - started
    report.messages_sent = sum(len(s) for s in sent.values())
    for exchange in report.exchanges:
        if exchange.error:
            report.problems.append(f"{exchange.sender}: {exchange.error}")
    return report, sent


def audit(postgres, sent: Dict[str, List[str]]) -> List[str]:
    """Check every stored conversation against what was sent; returns the problems found."""
    rows = postgres.sql("SELECT id, sender_id, type_name, timestamp, action_name, data FROM events ORDER BY id")
    events: Dict[str, list] = defaultdict(list)
    for row in rows:
        events[row[1]].append(row)
    problems = []
    for sender, texts in sent.items():
        stored = events.get(sender, [])
        user_texts = [json.loads(r[5]).get("text") for r in stored if r[2] == "user"]
        ordered_part, burst = texts[:-BURST], texts[-BURST:]
        if user_texts[:len(ordered_part)] != ordered_part or sorted(user_texts[len(ordered_part):]) != sorted(burst):
            problems.append(f"{sender}: user messages stored {user_texts!r}, sent {texts!r}")
        keys = Counter((r[2], r[3], r[4], r[5]) for r in stored)
        if any(count > 1 for count in keys.values()):
            problems.append(f"{sender}: duplicated events")
        if any(b[3] < a[3] for a, b in zip(stored, stored[1:])):
            problems.append(f"{sender}: event timestamps go backwards")
        # Turns must not interleave: between two user messages the bot acts and listens again.
        since_user = None
        for row in stored:
            if row[2] == "user":
                if since_user is not None and "action_listen" not in since_user:
                    problems.append(f"{sender}: a user message arrived inside the previous turn")
                    break
                since_user = []
            elif row[2] == "action" and since_user is not None:
                since_user.append(row[4])
        if since_user is not None and "action_listen" not in since_user:
            problems.append(f"{sender}: the last turn did not finish")
    unexpected = set(events) - set(sent)
    if unexpected:
        problems.append(f"{len(unexpected)} conversations stored that were never sent")
    return problems


def run(conversations: int = 200, out: Optional[Path] = ROOT / "reports" / "cluster.json") -> dict:
    cluster = Cluster()
    try:
        print(f"Starting the cluster in {cluster.workdir} ...", flush=True)
        started = time.monotonic()
        cluster.start()
        startup_s = time.monotonic() - started
        print(f"Cluster up in {startup_s:.0f} s; {conversations} conversations through nginx ...", flush=True)
        report, sent = asyncio.run(run_load(cluster.url, conversations))
        report.problems.extend(audit(cluster.postgres, sent))
        summary = report.summary()
        summary["cluster_startup_s"] = round(startup_s, 1)
        summary["instances"] = len(cluster.rasa_ports)
        summary["stored_events"] = cluster.postgres.sql("SELECT count(*) FROM events")[0][0]
        summary["date"] = time.strftime("%Y-%m-%d %H:%M")
    finally:
        cluster.stop()
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    args = parser.parse_args(argv)
    summary = run(args.conversations)
    print(json.dumps({k: v for k, v in summary.items() if k != "problems"}, indent=2))
    for problem in summary["problems"]:
        print("PROBLEM:", problem)
    return 0 if summary["problem_count"] == 0 and summary["http_errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
