"""Pure helpers: percentiles, summaries, target checks. No I/O, unit-tested in tests/bench/."""
from __future__ import annotations

import math
from typing import Dict, Iterable, List, Optional, Sequence


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """Linear-interpolated percentile (numpy's default method); None for no values."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return float(data[low] + (data[high] - data[low]) * (rank - low))


def median(values: Sequence[float]) -> Optional[float]:
    return percentile(values, 50)


def summarize_ms(latencies_s: Iterable[float]) -> Dict[str, Optional[float]]:
    """p50/p95/p99/mean/max in milliseconds for latencies given in seconds."""
    ms = [v * 1000.0 for v in latencies_s]
    return {
        "n": len(ms),
        "p50_ms": _round(percentile(ms, 50)),
        "p95_ms": _round(percentile(ms, 95)),
        "p99_ms": _round(percentile(ms, 99)),
        "mean_ms": _round(sum(ms) / len(ms)) if ms else None,
        "max_ms": _round(max(ms)) if ms else None,
    }


def _round(value: Optional[float], digits: int = 1) -> Optional[float]:
    return None if value is None else round(value, digits)


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 2)


def window_median(latencies_s: Sequence[float], start: int, size: int) -> Optional[float]:
    """Median (ms) of `size` consecutive turns starting at index `start` (clipped to the data)."""
    part = list(latencies_s[max(0, start): max(0, start) + size])
    value = median([v * 1000.0 for v in part])
    return _round(value)


TARGETS = (
    "single_user_p95",
    "throughput_32",
    "growth",
    "rss",
    "cold_start",
    "training",
)

RSS_ALLOWANCE_MB = 150.0
THROUGHPUT_MIN = 60.0
P95_32_MAX_MS = 400.0
GROWTH_MAX = 1.5
TRAINING_MAX_S = 300.0


def evaluate_targets(head: dict, ref: dict) -> List[dict]:
    """Each issue-8 target as {id, target, headease, reference, ratio, met}.

    `head` / `ref` are the per-bot result dicts written to bench.json (see bench.run).
    `met` is None when a number is missing (e.g. a phase was skipped).
    """
    rows: List[dict] = []

    def add(ident: str, label: str, h, r, met, ratio_value=None, unit: str = "") -> None:
        rows.append({"id": ident, "target": label, "headease": h, "reference": r,
                     "ratio": ratio_value, "met": met, "unit": unit})

    h95 = head.get("sequential", {}).get("p95_ms")
    r95 = ref.get("sequential", {}).get("p95_ms")
    add("single_user_p95", "single-user p95 ≤ reference p95", h95, r95,
        None if h95 is None or r95 is None else h95 <= r95, ratio(h95, r95), "ms")

    c32 = _level(head, 32)
    r32 = _level(ref, 32)
    if c32:
        met = (c32["throughput_msg_s"] >= THROUGHPUT_MIN and c32["p95_ms"] is not None
               and c32["p95_ms"] <= P95_32_MAX_MS and c32["errors"] == 0)
        h_text = f'{c32["throughput_msg_s"]} msg/s, p95 {c32["p95_ms"]} ms, {c32["errors"]} errors'
    else:
        met, h_text = None, None
    r_text = (f'{r32["throughput_msg_s"]} msg/s, p95 {r32["p95_ms"]} ms, {r32["errors"]} errors'
              if r32 else None)
    add("throughput_32", "≥ 60 msg/s at 32 users, p95 ≤ 400 ms, 0 errors", h_text, r_text, met,
        ratio(c32 and c32["throughput_msg_s"], r32 and r32["throughput_msg_s"]))

    hg = head.get("growth", {}).get("growth_ratio")
    rg = ref.get("growth", {}).get("growth_ratio")
    add("growth", "last-turn latency ≤ 1.5 × turn-1 latency", hg, rg,
        None if hg is None else hg <= GROWTH_MAX, ratio(hg, rg), "×")

    h_rss = _rss_total(head)
    r_rss = ref.get("rss_mb", {}).get("rasa")
    add("rss", "Rasa + action server RSS ≤ reference Rasa RSS + 150 MB", h_rss, r_rss,
        None if h_rss is None or r_rss is None else h_rss <= r_rss + RSS_ALLOWANCE_MB,
        ratio(h_rss, r_rss), "MB")

    hc = head.get("cold_start_s", {}).get("median")
    rc = ref.get("cold_start_s", {}).get("median")
    add("cold_start", "cold start ≤ reference", hc, rc,
        None if hc is None or rc is None else hc <= rc, ratio(hc, rc), "s")

    ht = head.get("training", {}).get("seconds")
    rt = ref.get("training", {}).get("seconds")
    add("training", "training ≤ 5 min", ht, rt, None if ht is None else ht <= TRAINING_MAX_S,
        ratio(ht, rt), "s")
    return rows


def _level(bot: dict, users: int) -> Optional[dict]:
    for level in bot.get("concurrency", []):
        if level.get("users") == users:
            return level
    return None


def _rss_total(bot: dict) -> Optional[float]:
    rss = bot.get("rss_mb", {})
    if rss.get("rasa") is None:
        return None
    return round(rss["rasa"] + (rss.get("actions") or 0.0), 1)
