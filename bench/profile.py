"""`python -m bench.profile`: where HeadEase spends time per message (py-spy, sampled).

Starts the HeadEase servers, runs scripted consultations over the REST webhook while `py-spy
record` samples the Rasa server and the action server, then prints (and writes to
reports/profile/) the functions with the largest inclusive share of samples, per process.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

from bench.common import REPORTS, ROOT, VENV_BIN
from bench.load import Client, new_sender, scripted_patient
from bench.run import HEADEASE_MODEL, load_patients
from bench.servers import BotServers


def summarize_collapsed(path: Path, top: int = 25, focus: Tuple[str, ...] = ()) -> List[Tuple[str, float, float]]:
    """(function, inclusive %, self %) from py-spy's collapsed ("raw") output, largest first."""
    inclusive: Dict[str, int] = collections.Counter()
    own: Dict[str, int] = collections.Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [f for f in stack.split(";") if f]
        # A frame reads "func (path/to/file.py:line)": group by function + file, not line.
        names = [_frame_name(f) for f in frames]
        for name in set(names):
            inclusive[name] += n
        if names:
            own[names[-1]] += n
    if not total:
        return []
    rows = [(name, 100.0 * c / total, 100.0 * own.get(name, 0) / total) for name, c in inclusive.items()
            if not focus or any(part in name for part in focus)]
    rows.sort(key=lambda r: -r[1])
    return rows[:top]


def call_tree(path: Path, root: str, depth: int = 5, min_share: float = 1.5) -> List[Tuple[int, float, str]]:
    """(depth, % of the samples under `root`, function) for the call tree below the first frame
    whose name contains `root` (e.g. Rasa's `handle_message`), largest first at each level."""
    tree: Dict[str, list] = {}
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        names = [_frame_name(f) for f in stack.split(";") if f]
        start = next((i for i, name in enumerate(names) if root in name), None)
        if start is None:
            continue
        n = int(count)
        total += n
        node = tree
        for name in names[start:start + depth + 1]:
            entry = node.setdefault(name, [0, {}])
            entry[0] += n
            node = entry[1]
    rows: List[Tuple[int, float, str]] = []

    def walk(node: Dict[str, list], level: int) -> None:
        for name, (count, children) in sorted(node.items(), key=lambda item: -item[1][0]):
            share = 100.0 * count / total
            if share >= min_share:
                rows.append((level, share, name))
                walk(children, level + 1)

    if total:
        walk(tree, 0)
    return rows


def _frame_name(frame: str) -> str:
    func, _, where = frame.partition(" (")
    where = where.rstrip(")")
    file = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{func} ({file})"


async def _drive(url: str, token: str, conversations: int) -> int:
    client = Client(url, token)
    patients = load_patients()
    messages = 0
    try:
        for i in range(conversations):
            p = patients[i % len(patients)]
            turns = await scripted_patient(client, new_sender("prof"), p["opening"], p.get("answers") or {})
            messages += len(turns)
    finally:
        await client.close()
    return messages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--out", type=Path, default=REPORTS / "profile")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy", path=str(VENV_BIN)) or shutil.which("py-spy")
    if not py_spy:
        raise SystemExit("py-spy is not installed: .venv/bin/pip install -r requirements.txt -c constraints.txt")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="headease-profile-") as tmp:
        model = Path(tmp) / "headease.tar.gz"
        shutil.copy(HEADEASE_MODEL, model)
        servers = BotServers("headease", model, ROOT, Path(tmp) / "servers", with_actions=True)
        servers.prepare()
        servers.start_actions()
        try:
            servers.start_rasa()
            asyncio.run(_drive(servers.url, servers.token, 2))  # warm-up
            recorders = {}
            for name, proc in (("rasa", servers.rasa), ("actions", servers.actions)):
                out = args.out / f"{name}.collapsed.txt"
                recorders[name] = (out, subprocess.Popen(
                    [py_spy, "record", "--pid", str(proc.pid), "--rate", str(args.rate), "--format", "raw",
                     "--output", str(out), "--nonblocking"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(1.0)
            started = time.monotonic()
            messages = asyncio.run(_drive(servers.url, servers.token, args.conversations))
            elapsed = time.monotonic() - started
            for _, rec in recorders.values():
                rec.send_signal(2)  # SIGINT: py-spy writes its output and exits
            for _, rec in recorders.values():
                rec.wait(timeout=60)
        finally:
            servers.stop()
    print(f"{messages} messages in {elapsed:.1f} s ({1000 * elapsed / messages:.1f} ms per message, "
          f"including the driver's tracker look-ups)")
    for name, (out, _) in recorders.items():
        print(f"\n== {name}: top functions by inclusive share of samples ==")
        for func, inc, own in summarize_collapsed(out):
            print(f"{inc:6.1f}% {own:6.1f}%  {func}")
    rasa_out = recorders["rasa"][0]
    print("\n== rasa: where one message's time goes (share of the samples under processor.handle_message) ==")
    for level, share, func in call_tree(rasa_out, "handle_message (rasa/core/processor.py)"):
        print(f"{'  ' * level}{share:5.1f}%  {func}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
