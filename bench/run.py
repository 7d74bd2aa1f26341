"""`python -m bench.run [--quick]`: HeadEase against a stock `rasa init` bot, side by side.

Phases, for each bot in the same run: training (HeadEase: `rasa train` into a temp dir, timed;
reference: trained once per Rasa version and cached), cold start, 300 sequential messages over the
REST webhook, 1/8/32 concurrent users, one long conversation (growth), peak RSS, model size.
Writes reports/bench.json, reports/bench.png and reports/bench.md (see bench/README.md).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml
from tqdm import tqdm

from bench import accuracy, report
from bench.common import REPORTS, ROOT, VENV_BIN, bench_env, rasa_version
from bench.load import Client, LoadResult, Script, Turn, new_sender, replay, scripted_patient
from bench.reference import build_reference
from bench.servers import BotServers
from bench.stats import evaluate_targets, matched_growth, summarize_ms, window_median

HEADEASE_MODEL = ROOT / "models" / "headease.tar.gz"
TRAINING_RECORD = ROOT / "build" / "bench-training.json"
PATIENTS = ROOT / "tests" / "dialogue" / "patients.yml"

# The reference (moodbot) flows: greet → mood → (sad: cheer-up picture, "did that help?") → bye,
# plus the bot challenge. Each message is one the starter's NLU data covers.
REFERENCE_SCRIPTS = [
    Script("happy", ["hello there", "I am feeling great", "thanks, goodbye"]),
    Script("sad_helped", ["hi", "I am sad", "yes", "bye"]),
    Script("sad_not_helped", ["good morning", "I'm feeling very unhappy", "no", "see you later"]),
    Script("challenge", ["hey", "are you a bot?", "very good", "goodbye"]),
]


@dataclass
class Settings:
    quick: bool
    cold_starts: int
    sequential_messages: int
    levels: Dict[int, int]  # users -> conversations
    growth_turns: int
    growth_window: int

    @classmethod
    def make(cls, quick: bool) -> "Settings":
        if quick:
            return cls(True, 1, 60, {1: 4, 8: 16, 32: 32}, 60, 5)
        return cls(False, 3, 300, {1: 24, 8: 64, 32: 96}, 200, 10)


def log(message: str) -> None:
    tqdm.write(message)


# --- training ---------------------------------------------------------------------------------
def train_headease(out_dir: Path) -> float:
    """Time a full `rasa train` of the project (fresh Rasa cache, so nothing is reused)."""
    cache = out_dir / "rasa-cache"
    env = bench_env(RASA_CACHE_DIRECTORY=str(cache))
    spacy_model = ROOT / "build" / "spacy_en_headease"
    if not (spacy_model / "meta.json").exists() and not (spacy_model / "config.cfg").exists():
        subprocess.run([str(VENV_BIN / "python"), "-m", "headease_nlu.build_spacy_model", "--out",
                        str(spacy_model)], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    with tqdm(desc="headease: rasa train", bar_format="{desc} {elapsed}", leave=True) as bar:
        process = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "train", "--fixed-model-name", "headease", "--out", str(out_dir)],
            cwd=ROOT, env=env, stdout=open(out_dir / "train.log", "wb"), stderr=subprocess.STDOUT,
        )
        while process.poll() is None:
            time.sleep(1)
            bar.refresh()
    if process.returncode != 0:
        sys.stderr.write((out_dir / "train.log").read_text(errors="replace")[-4000:])
        raise RuntimeError("rasa train failed for HeadEase")
    seconds = time.monotonic() - started
    TRAINING_RECORD.parent.mkdir(parents=True, exist_ok=True)
    TRAINING_RECORD.write_text(json.dumps({
        "seconds": round(seconds, 1), "date": dt.datetime.now().isoformat(timespec="seconds"),
        "cores": os.cpu_count(), "rasa_version": rasa_version(),
    }, indent=2))
    return seconds


def recorded_training() -> Optional[dict]:
    try:
        return json.loads(TRAINING_RECORD.read_text())
    except (OSError, ValueError):
        return None


# --- measuring one bot --------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def load_patients() -> List[dict]:
    """The scripted patients, read once (callers only read them)."""
    return yaml.safe_load(PATIENTS.read_text())["patients"]


async def conversation(client: Client, headease: bool, index: int, sender: str,
                       on_turn: Callable[[Turn], None]) -> Tuple[str, List[Turn]]:
    """The `index`-th scripted conversation of a bot, cycling its scripts, all from `sender`:
    HeadEase's scripted patients (tests/dialogue/patients.yml), the reference's recorded flows.
    Returns the script's name and the timed turns."""
    if headease:
        patients = load_patients()
        p = patients[index % len(patients)]
        return p["id"], await scripted_patient(client, sender, p["opening"], p.get("answers") or {}, on_turn=on_turn)
    script = REFERENCE_SCRIPTS[index % len(REFERENCE_SCRIPTS)]
    turns: List[Turn] = []
    for text in script.messages:
        turns.append(await client.say(sender, text))
        on_turn(turns[-1])
    return script.name, turns


class Bench:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def measure(self, servers: BotServers) -> dict:
        s = self.settings
        result: dict = {"name": servers.name, "model_mb": round(servers.model.stat().st_size / 2**20, 2)}
        servers.prepare()
        if servers.with_actions:
            servers.start_actions()
        try:
            cold: List[float] = []
            for i in tqdm(range(s.cold_starts), desc=f"{servers.name}: cold start", unit="start"):
                if i:
                    servers.stop_rasa()
                servers.fresh_db()
                cold.append(servers.start_rasa())
            result["cold_start_s"] = {"runs": [round(c, 2) for c in cold],
                                      "median": round(sorted(cold)[len(cold) // 2], 2)}
            result.update(asyncio.run(self._traffic(servers)))
            result["rss_mb"] = servers.peak_rss()
        except Exception:
            for what in ("rasa", "actions"):
                sys.stderr.write(f"----- {servers.name} {what} log -----\n{servers.log_tail(what)}\n")
            raise
        finally:
            servers.stop()
        return result

    def interleaved(self, head: BotServers, ref: BotServers) -> dict:
        """Single-user latency of both bots turn about, both servers up: a HeadEase consultation,
        then a reference conversation, and so on. The two `measure` runs are minutes apart, and
        on a shared machine the load moves in between (the same code's p95 ratio read 0.75× to
        0.92× in three runs of one evening); taken turn about, both meet the same load."""
        for servers in (head, ref):
            servers.fresh_db()
            if servers.with_actions:
                servers.start_actions()
            servers.start_rasa()
        try:
            return asyncio.run(self._turn_about(head, ref))
        finally:
            head.stop()
            ref.stop()

    async def _turn_about(self, head: BotServers, ref: BotServers) -> dict:
        wanted = self.settings.sequential_messages
        head_client, ref_client = Client(head.url, head.token), Client(ref.url, ref.token)
        patients = load_patients()
        head_turns: List[Turn] = []
        ref_turns: List[Turn] = []
        try:
            # warm-up, not counted: every script once on each bot (the servers were restarted, and
            # a model's first messages of each shape are slower: TensorFlow traces its graphs anew)
            for p in patients:
                await scripted_patient(head_client, new_sender("warm"), p["opening"], p.get("answers") or {})
            await replay(ref_client, REFERENCE_SCRIPTS, 1, len(REFERENCE_SCRIPTS))
            with tqdm(total=2 * wanted, desc="both: turn about", unit="msg") as bar:
                index = 0
                while len(head_turns) < wanted or len(ref_turns) < wanted:
                    for client, headease, turns in ((head_client, True, head_turns), (ref_client, False, ref_turns)):
                        if len(turns) < wanted:
                            turns += (await conversation(client, headease, index, new_sender("alt"),
                                                         lambda _t: bar.update()))[1]
                    index += 1
        finally:
            await head_client.close()
            await ref_client.close()
        out = {}
        for name, turns in (("headease", head_turns[:wanted]), ("reference", ref_turns[:wanted])):
            out[name] = {**summarize_ms([t.latency_s for t in turns if t.ok]),
                         "errors": sum(1 for t in turns if not t.ok)}
        return out

    async def _traffic(self, servers: BotServers) -> dict:
        s = self.settings
        client = Client(servers.url, servers.token)
        out: dict = {}
        try:
            headease = servers.with_actions
            patients = load_patients() if headease else []
            # warm-up (not counted): one conversation, so lazy imports and caches are loaded
            if headease:
                p = patients[0]
                await scripted_patient(client, new_sender("warm"), p["opening"], p.get("answers") or {})
            else:
                await replay(client, REFERENCE_SCRIPTS[:1], 1, 1)

            # 1. sequential messages (one user); HeadEase: full scripted consultations
            scripts: List[Script] = []
            turns: List[Turn] = []
            with tqdm(total=s.sequential_messages, desc=f"{servers.name}: sequential", unit="msg") as bar:
                index = 0
                while len(turns) < s.sequential_messages:
                    name, conv = await conversation(client, headease, index, new_sender("seq"),
                                                    lambda _t: bar.update())
                    scripts.append(Script(name, [t.text for t in conv]))
                    turns.extend(conv)
                    index += 1
            turns = turns[: s.sequential_messages]
            ok = [t.latency_s for t in turns if t.ok]
            out["sequential"] = {**summarize_ms(ok), "errors": sum(1 for t in turns if not t.ok),
                                 "messages_per_conversation": round(
                                     sum(len(x.messages) for x in scripts) / len(scripts), 1)}
            out["sequential_latencies_ms"] = [round(t.latency_s * 1000, 1) for t in turns]

            # 2. concurrency: recorded conversations replayed by N simulated users
            levels = []
            for users, conversations in s.levels.items():
                total = sum(len(x.messages) for x, _ in zip(_cycle(scripts), range(conversations)))
                with tqdm(total=total, desc=f"{servers.name}: {users:>2} users", unit="msg") as bar:
                    load: LoadResult = await replay(client, scripts, users, conversations,
                                                    on_turn=lambda _t: bar.update())
                levels.append({
                    "users": users, "conversations": conversations, "messages": len(load.turns),
                    "errors": load.errors, "wall_s": round(load.wall_s, 2),
                    "throughput_msg_s": round(len(load.turns) / load.wall_s, 1) if load.wall_s else None,
                    **summarize_ms(load.latencies),
                    "error_kinds": sorted({t.error for t in load.turns if t.error}),
                })
            out["concurrency"] = levels

            # 3. growth: one long conversation
            sender = new_sender("long")
            growth: List[Turn] = []
            keys: List[tuple] = []  # (script, place in it, text): the same message, for matched growth
            with tqdm(total=s.growth_turns, desc=f"{servers.name}: long conversation", unit="turn") as bar:
                index = 0
                while len(growth) < s.growth_turns:
                    name, said = await conversation(client, headease, index, sender, lambda _t: bar.update())
                    keys.extend((name, k, t.text) for k, t in enumerate(said))
                    growth.extend(said)
                    index += 1
            growth, keys = growth[: s.growth_turns], keys[: s.growth_turns]
            lat = [t.latency_s for t in growth]
            w = s.growth_window
            first, last = window_median(lat, 0, w), window_median(lat, len(lat) - w, w)
            tracker = await client.tracker(sender)
            out["growth"] = {
                "turns": len(growth), "window": w, "errors": sum(1 for t in growth if not t.ok),
                "turn_1_ms": round(lat[0] * 1000, 1), f"turn_{len(lat)}_ms": round(lat[-1] * 1000, 1),
                "first_window_median_ms": first, "last_window_median_ms": last,
                "growth_ratio": round(last / first, 2) if first else None,
                "matched": matched_growth(lat, keys, w),
                "tracker_events_at_end": len(tracker.get("events") or []),
                "latencies_ms": [round(v * 1000, 1) for v in lat],
            }
        finally:
            await client.close()
        return out


def _cycle(items):
    while True:
        yield from items


# --- main ---------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "rasa": rasa_version(), "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="reduced counts, reuse models/headease.tar.gz and the cached reference (< 2 min)")
    parser.add_argument("--model", type=Path, help="benchmark this HeadEase model instead (no training)")
    parser.add_argument("--out", type=Path, default=REPORTS, help="folder for bench.json/png/md")
    parser.add_argument("--no-readme", action="store_true", help="do not update the table in bench/README.md")
    args = parser.parse_args(argv)
    settings = Settings.make(args.quick)
    started = time.monotonic()
    info = machine()
    log(f"HeadEase benchmark ({'quick' if args.quick else 'full'}) on {info['cores']} cores, "
        f"load average {info['load_avg_at_start']}")

    with tempfile.TemporaryDirectory(prefix="headease-bench-") as tmp:
        tmp_path = Path(tmp)
        # training / models
        if args.model:
            head_model, training = args.model.resolve(), recorded_training()
            training = {"seconds": training and training["seconds"], "source": "last recorded", **(training or {})}
        elif args.quick:
            if not HEADEASE_MODEL.exists():
                raise SystemExit(f"no model at {HEADEASE_MODEL}: run `make train` (or bench without --quick)")
            head_model = tmp_path / "headease.tar.gz"  # a copy: the file may be replaced meanwhile
            shutil.copy(HEADEASE_MODEL, head_model)
            rec = recorded_training()
            training = {"seconds": rec and rec["seconds"], "source": "last recorded" if rec else "none recorded",
                        **(rec or {})}
        else:
            out_dir = tmp_path / "train"
            out_dir.mkdir()
            seconds = train_headease(out_dir)
            head_model = out_dir / "headease.tar.gz"
            training = {"seconds": round(seconds, 1), "source": "timed in this run"}
        reference = build_reference(log=log)
        ref_training = {"seconds": round(reference.training_s, 1),
                        "source": "cached" if reference.cached else "timed in this run"}

        bench = Bench(settings)
        ref_servers = BotServers("reference", reference.model, reference.project, tmp_path / "reference",
                                 with_actions=False)
        head_servers = BotServers("headease", head_model, ROOT, tmp_path / "headease", with_actions=True)
        ref = bench.measure(ref_servers)
        ref["training"] = ref_training
        head = bench.measure(head_servers)
        head["training"] = training
        turn_about = bench.interleaved(head_servers, ref_servers)
        head["sequential_turn_about"], ref["sequential_turn_about"] = turn_about["headease"], turn_about["reference"]
        if not args.quick:  # what this configuration gets right, next to its speed
            log("Accuracy of the benchmarked configuration (NLU held-out sets, sealed consultations) ...")
            head["accuracy"] = accuracy.measure(head_model)

    results = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": {**info, "load_avg_at_end": [round(x, 2) for x in os.getloadavg()]},
        "settings": {"cold_starts": settings.cold_starts, "sequential_messages": settings.sequential_messages,
                     "levels": {str(k): v for k, v in settings.levels.items()},
                     "growth_turns": settings.growth_turns, "growth_window": settings.growth_window},
        "headease": head,
        "reference": ref,
        "targets": evaluate_targets(head, ref),
        "duration_s": round(time.monotonic() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, indent=2))
    report.chart(results, args.out / "bench.png")
    table = report.markdown(results)
    (args.out / "bench.md").write_text(table)
    if not args.quick and not args.no_readme:
        report.update_readme(ROOT / "bench" / "README.md", table)
    log("\n" + table)
    log(f"Wrote {args.out / 'bench.json'}, bench.png, bench.md in {results['duration_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
