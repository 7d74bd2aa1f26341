"""The load generator: scripted conversations over the REST webhook with an aiohttp client."""
from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import aiohttp

from actions.clinic import load_knowledge

# HeadEase's channels answer a failed turn with the outage message (and HTTP 200): count it as an
# error. Its opening words are fixed text (the emergency number comes later).
ERROR_MARKER = load_knowledge().messages["outage"][:60]
REQUEST_TIMEOUT_S = 60.0


@dataclass
class Turn:
    text: str
    latency_s: float
    ok: bool
    error: Optional[str] = None


@dataclass
class Script:
    """A conversation to replay: the messages one simulated user sends, in order."""

    name: str
    messages: List[str]


@dataclass
class LoadResult:
    turns: List[Turn] = field(default_factory=list)
    wall_s: float = 0.0
    conversations: int = 0

    @property
    def latencies(self) -> List[float]:
        return [t.latency_s for t in self.turns if t.ok]

    @property
    def errors(self) -> int:
        return sum(1 for t in self.turns if not t.ok)


def new_sender(prefix: str) -> str:
    return f"bench-{prefix}-{uuid.uuid4().hex[:12]}"


class Client:
    """Thin aiohttp wrapper around the REST webhook and the tracker API."""

    def __init__(self, base_url: str, token: str, connections: int = 64) -> None:
        self.base_url, self.token = base_url, token
        self._connector = aiohttp.TCPConnector(limit=connections)
        self._session = aiohttp.ClientSession(
            connector=self._connector, timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        )

    async def close(self) -> None:
        await self._session.close()

    async def say(self, sender: str, text: str) -> Turn:
        started = time.perf_counter()
        try:
            async with self._session.post(
                f"{self.base_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as response:
                body = await response.json(content_type=None)
                latency = time.perf_counter() - started
                if response.status != 200:
                    return Turn(text, latency, False, f"HTTP {response.status}")
                if any(ERROR_MARKER in (m.get("text") or "") for m in body or []):
                    return Turn(text, latency, False, "bot answered with the outage message")
                return Turn(text, latency, True)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            return Turn(text, time.perf_counter() - started, False, type(error).__name__)

    async def tracker(self, sender: str) -> dict:
        async with self._session.get(
            f"{self.base_url}/conversations/{sender}/tracker", params={"token": self.token}
        ) as response:
            return await response.json(content_type=None)


async def scripted_patient(client: Client, sender: str, opening: str, answers: Dict[str, str],
                           max_turns: int = 16, on_turn: Optional[Callable[[Turn], None]] = None) -> List[Turn]:
    """A HeadEase consultation, as tests/support/patient.py runs it: open, then answer each
    requested slot (from the tracker) until the form is done. Only webhook turns are timed."""
    turns = [await client.say(sender, opening)]
    if on_turn:
        on_turn(turns[-1])
    for _ in range(max_turns):
        tracker = await client.tracker(sender)
        slot = (tracker.get("slots") or {}).get("requested_slot")
        active = (tracker.get("active_loop") or {}).get("name")
        if not slot or not active:
            break
        turns.append(await client.say(sender, answers.get(slot, "I'm not sure")))
        if on_turn:
            on_turn(turns[-1])
    return turns


async def replay(client: Client, scripts: Sequence[Script], users: int, conversations: int,
                 on_turn: Optional[Callable[[Turn], None]] = None) -> LoadResult:
    """`users` simulated users work through `conversations` conversations (cycling `scripts`);
    each conversation's messages are sent one after another, each with a fresh sender id."""
    queue: asyncio.Queue = asyncio.Queue()
    for script in itertools.islice(itertools.cycle(scripts), conversations):
        queue.put_nowait(script)
    result = LoadResult(conversations=conversations)

    async def user(index: int) -> None:
        while True:
            try:
                script = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            sender = new_sender(f"u{index}")
            for text in script.messages:
                turn = await client.say(sender, text)
                result.turns.append(turn)
                if on_turn:
                    on_turn(turn)

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(users)))
    result.wall_s = time.perf_counter() - started
    return result
