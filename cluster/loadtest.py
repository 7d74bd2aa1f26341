"""The cluster's load client and its audit of every tracker stored in PostgreSQL.

A `Person` holds one scripted consultation over the REST webhook from its own loopback address
(127.x.y.z: nginx limits per client address, and 200 people are 200 addresses), turn by turn,
ending with a burst of two messages sent together (a double tap that only the Redis lock keeps in
order). It follows the resend protocol a client should (README "Reliability"):

* every message carries a `message_id` (a UUID);
* when the answer asks for it - nginx's 503 `{"resend": true}` (the server died mid-turn), a 200
  with `X-HeadEase-Resend: 1` (the outage answer), a 429, a dropped connection - it waits
  `Retry-After` (else 1 s; doubled on each further failure, at most 8 s) and sends the same
  message with the same id again;
* a resent message that was in fact taken in is answered from the store (`X-HeadEase-Replay`),
  never processed twice.

`audit` then checks PostgreSQL: every message sent is stored exactly once (by its message id, and
in the order sent, the double tap in either order), no event is duplicated, turns never
interleave (each user message is followed by the bot's actions and an `action_listen` before the
next one), timestamps never go backwards, and no conversation is stored that was not sent.

The fault scenarios that drive it are in cluster/scenarios.py.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

import aiohttp

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
GIVE_UP_S = 240.0  # a message not answered after this long counts as lost
REQUEST_TIMEOUT_S = 330.0  # above nginx's 300 s upstream timeout

# What one HTTP attempt got.
ANSWERED, REPLAYED = "answered", "replayed"
RESEND = "resend"  # nginx 503 {"resend": true}: the server died mid-turn (or none was reachable)
OUTAGE = "outage"  # 200 with X-HeadEase-Resend: the safety fallback (a store or the action server away)
LIMITED = "limited"  # 429
CONNECTION = "connection"  # no HTTP answer at all
BAD = "bad"  # anything else (a 5xx without the resend body, a malformed reply)


def address(index: int, block: int = 1) -> str:
    """A distinct loopback source address per simulated person (Linux routes all of 127/8 to lo)."""
    return f"127.{block}.{index // 250}.{index % 250 + 1}"


@dataclass
class Attempt:
    kind: str
    status: int
    started: float  # time.monotonic()
    ended: float
    upstream: str = ""
    detail: str = ""
    retry_after: str = ""

    @property
    def latency_s(self) -> float:
        return self.ended - self.started


@dataclass
class Message:
    sender: str
    text: str
    message_id: str
    attempts: List[Attempt] = field(default_factory=list)

    @property
    def answers(self) -> int:
        return sum(1 for a in self.attempts if a.kind in (ANSWERED, REPLAYED))

    @property
    def resend_requests(self) -> int:
        return sum(1 for a in self.attempts if a.kind in (RESEND, OUTAGE, LIMITED, CONNECTION))


def classify(status: int, headers, raw: str, sender: str) -> tuple:
    """(kind, detail) of one HTTP answer."""
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if status == 200 and isinstance(body, list):
        if not body or not all(isinstance(m, dict) and m.get("recipient_id") == sender for m in body):
            return BAD, f"malformed reply {raw[:80]}"
        if headers.get("X-HeadEase-Resend") == "1":
            return OUTAGE, ""
        return (REPLAYED if headers.get("X-HeadEase-Replay") == "1" else ANSWERED), ""
    if status == 503 and isinstance(body, dict) and body.get("resend") is True and body.get("error"):
        return RESEND, ""
    if status == 429 and isinstance(body, dict) and body.get("error"):
        return LIMITED, ""
    return BAD, f"HTTP {status} {raw[:80]}"


class Person:
    """One simulated person: a script, one source address, the resend protocol."""

    def __init__(self, url: str, sender: str, source_address: str, script: List[str], think_s: float = 0.0) -> None:
        self.url = f"{url}/webhooks/rest/webhook"
        self.sender = sender
        self.source_address = source_address
        self.script = script
        self.think_s = think_s
        self.messages = [Message(sender, text, uuid.uuid4().hex) for text in script]

    async def _attempt(self, session: aiohttp.ClientSession, message: Message) -> Attempt:
        started = time.monotonic()
        body = {"sender": self.sender, "message": message.text, "message_id": message.message_id}
        try:
            async with session.post(self.url, json=body) as response:
                raw = await response.text()
                kind, detail = classify(response.status, response.headers, raw, self.sender)
                return Attempt(kind, response.status, started, time.monotonic(),
                               response.headers.get("X-HeadEase-Upstream", ""), detail,
                               response.headers.get("Retry-After", ""))
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return Attempt(CONNECTION, 0, started, time.monotonic(), detail=type(error).__name__)

    async def send(self, session: aiohttp.ClientSession, message: Message) -> None:
        """Send until answered (a resent message keeps its id), or give up after GIVE_UP_S."""
        first = time.monotonic()
        for failures in itertools.count():
            attempt = await self._attempt(session, message)
            message.attempts.append(attempt)
            if attempt.kind in (ANSWERED, REPLAYED, BAD) or time.monotonic() - first > GIVE_UP_S:
                return
            # Retry-After (else 1 s), doubled on each further failure, at most 8 s.
            wait = float(attempt.retry_after) if attempt.retry_after.isdigit() else 1.0
            await asyncio.sleep(min(wait * 2 ** failures, 8.0))

    async def run(self) -> None:
        connector = aiohttp.TCPConnector(local_addr=(self.source_address, 0), limit=BURST + 1)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            for message in self.messages[:-BURST]:
                await self.send(session, message)
                if self.think_s:
                    await asyncio.sleep(self.think_s)
            await asyncio.gather(*(self.send(session, m) for m in self.messages[-BURST:]))


def people(url: str, count: int, prefix: str, block: int = 1, think_s: float = 0.0) -> List[Person]:
    scripts = itertools.islice(itertools.cycle(SCRIPTS), count)
    return [Person(url, f"{prefix}-{i:03d}-{uuid.uuid4().hex[:6]}", address(i, block), list(script), think_s)
            for i, script in enumerate(scripts)]


def percentile(values: List[float], fraction: float) -> Optional[float]:
    values = sorted(values)
    return values[int(fraction * (len(values) - 1))] if values else None


def figures(persons: Iterable[Person]) -> dict:
    """What the people got: answers, resend requests by kind, losses, latencies (answered attempts)."""
    messages = [m for p in persons for m in p.messages]
    kinds = Counter(a.kind for m in messages for a in m.attempts)
    latencies = [a.latency_s for m in messages for a in m.attempts if a.kind in (ANSWERED, REPLAYED)]
    upstreams = Counter(a.upstream for m in messages for a in m.attempts if a.kind in (ANSWERED, REPLAYED))
    return {
        "messages": len(messages),
        "answered_exactly_once": sum(1 for m in messages if m.answers == 1),
        "answered_more_than_once": sum(1 for m in messages if m.answers > 1),
        "lost": sum(1 for m in messages if m.answers == 0),
        "messages_resent": sum(1 for m in messages if m.resend_requests),
        "resend_requests": sum(m.resend_requests for m in messages),
        "replayed_from_store": kinds[REPLAYED],
        "attempts_by_kind": dict(kinds),
        "http_5xx": sum(1 for m in messages for a in m.attempts if a.status >= 500),
        "http_5xx_not_resend": sum(1 for m in messages for a in m.attempts if a.status >= 500 and a.kind != RESEND),
        "bad_answers": [f"{m.sender}: {a.detail}" for m in messages for a in m.attempts if a.kind == BAD][:20],
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(1000 * percentile(latencies, 0.95), 1) if latencies else None,
        "per_instance": dict(upstreams),
    }


def audit(postgres, persons: Iterable[Person], prefix: str) -> List[str]:
    """Check every stored conversation of these people against what they sent; the problems found."""
    persons = list(persons)
    rows = postgres.sql(
        "SELECT id, sender_id, type_name, timestamp, action_name, data FROM events "
        f"WHERE sender_id LIKE '{prefix}-%' ORDER BY id"
    )
    events: Dict[str, list] = defaultdict(list)
    for row in rows:
        events[row[1]].append(row)
    problems = []
    for person in persons:
        stored = events.get(person.sender, [])
        users = [json.loads(r[5]) for r in stored if r[2] == "user"]
        ids = [u.get("message_id") for u in users]
        sent_ids = [m.message_id for m in person.messages]
        counts = Counter(ids)
        for message in person.messages:
            if counts[message.message_id] == 0:
                problems.append(f"{person.sender}: message {message.text!r} lost")
            elif counts[message.message_id] > 1:
                problems.append(f"{person.sender}: message {message.text!r} stored {counts[message.message_id]} times")
        unknown = [i for i in ids if i not in sent_ids]
        if unknown:
            problems.append(f"{person.sender}: {len(unknown)} stored user messages were never sent")
        ordered, burst = sent_ids[:-BURST], sent_ids[-BURST:]
        if ids[:len(ordered)] != ordered or sorted(ids[len(ordered):]) != sorted(burst):
            texts = [u.get("text") for u in users]
            problems.append(f"{person.sender}: user messages stored {texts!r}, sent {person.script!r}")
        keys = Counter((r[2], r[3], r[4], r[5]) for r in stored)
        if any(count > 1 for count in keys.values()):
            problems.append(f"{person.sender}: duplicated events")
        if any(b[3] < a[3] for a, b in zip(stored, stored[1:])):
            problems.append(f"{person.sender}: event timestamps go backwards")
        # Turns must not interleave: between two user messages the bot acts and listens again.
        since_user = None
        for row in stored:
            if row[2] == "user":
                if since_user is not None and "action_listen" not in since_user:
                    problems.append(f"{person.sender}: a user message arrived inside the previous turn")
                    break
                since_user = []
            elif row[2] == "action" and since_user is not None:
                since_user.append(row[4])
        if since_user is not None and "action_listen" not in since_user:
            problems.append(f"{person.sender}: the last turn did not finish")
    unexpected = set(events) - {p.sender for p in persons}
    if unexpected:
        problems.append(f"{len(unexpected)} conversations stored that were never sent")
    return problems
