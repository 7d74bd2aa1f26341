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


def matched_growth(latencies_s: Sequence[float], keys: Sequence[object], size: int) -> Optional[dict]:
    """The growth with the content held equal: for each of the last `size` turns, its latency
    divided by the latency of the first turn with the same key (the same message at the same
    place of the same script, earlier in the conversation); the median of those ratios.

    The windows of `growth_ratio` compare different messages (a conversation's first turns are
    often short answers, its later ones long descriptions), so content and length are mixed
    there; here only the conversation's length (and what it accumulated) differs."""
    first: dict = {}
    for index, key in enumerate(keys):
        first.setdefault(key, index)
    start = len(latencies_s) - size
    pairs = [(j, first[keys[j]]) for j in range(max(0, start), len(latencies_s))
             if first[keys[j]] < start and latencies_s[first[keys[j]]] > 0]
    if not pairs:
        return None
    return {"ratio": _round(median([latencies_s[j] / latencies_s[i] for j, i in pairs]), 2),
            "pairs": len(pairs), "earlier_turn_median": median([i + 1 for _, i in pairs])}


TARGETS = (
    "single_user_p95",
    "throughput_32",
    "growth",
    "growth_matched",
    "rss",
    "cold_start",
    "training",
)

# Issue 19's targets, as ratios to the reference bot measured in the same run (training absolute).
P95_RATIO_MAX = 0.8
THROUGHPUT_RATIO_MIN = 1.5
GROWTH_MAX = 1.3
RSS_RATIO_MAX = 0.6
COLD_START_RATIO_MAX = 0.5
TRAINING_MAX_S = 120.0


def evaluate_targets(head: dict, ref: dict) -> List[dict]:
    """Each issue-19 target as {id, target, headease, reference, ratio, met}.

    `head` / `ref` are the per-bot result dicts written to bench.json (see bench.run).
    `met` is None when a number is missing (e.g. a phase was skipped).
    """
    rows: List[dict] = []

    def add(ident: str, label: str, h, r, met, ratio_value=None, unit: str = "") -> None:
        rows.append({"id": ident, "target": label, "headease": h, "reference": r,
                     "ratio": ratio_value, "met": met, "unit": unit})

    def at_most(value, limit):
        return None if value is None else value <= limit

    # single user: turn about with the reference when measured (both meet the same load),
    # otherwise each bot's own sequential phase
    single = "sequential_turn_about" if head.get("sequential_turn_about") and ref.get("sequential_turn_about") \
        else "sequential"
    h95 = head.get(single, {}).get("p95_ms")
    r95 = ref.get(single, {}).get("p95_ms")
    how = " (turn about)" if single == "sequential_turn_about" else ""
    add("single_user_p95", f"single-user p95 ≤ {P95_RATIO_MAX}× reference{how}", h95, r95,
        at_most(ratio(h95, r95), P95_RATIO_MAX), ratio(h95, r95), "ms")

    c32 = _level(head, 32)
    r32 = _level(ref, 32)
    throughput = ratio(c32 and c32["throughput_msg_s"], r32 and r32["throughput_msg_s"])
    if c32 and r32 and throughput is not None:
        met = (throughput >= THROUGHPUT_RATIO_MIN and c32["p95_ms"] is not None and r32["p95_ms"] is not None
               and c32["p95_ms"] <= r32["p95_ms"] and c32["errors"] == 0)
    else:
        met = None
    h_text = f'{c32["throughput_msg_s"]} msg/s, p95 {c32["p95_ms"]} ms, {c32["errors"]} errors' if c32 else None
    r_text = (f'{r32["throughput_msg_s"]} msg/s, p95 {r32["p95_ms"]} ms, {r32["errors"]} errors'
              if r32 else None)
    add("throughput_32", f"32 users: throughput ≥ {THROUGHPUT_RATIO_MIN}× reference, p95 ≤ reference, 0 errors",
        h_text, r_text, met, throughput)

    hg = head.get("growth", {}).get("growth_ratio")
    rg = ref.get("growth", {}).get("growth_ratio")
    add("growth", f"last-turn latency ≤ {GROWTH_MAX} × turn-1 latency", hg, rg, at_most(hg, GROWTH_MAX),
        ratio(hg, rg), "×")
    hm = (head.get("growth", {}).get("matched") or {}).get("ratio")
    rm = (ref.get("growth", {}).get("matched") or {}).get("ratio")
    add("growth_matched", f"the same messages late vs early ≤ {GROWTH_MAX} × (content held equal)", hm, rm,
        at_most(hm, GROWTH_MAX), ratio(hm, rm), "×")

    h_rss = _rss_total(head)
    r_rss = ref.get("rss_mb", {}).get("rasa")
    add("rss", f"Rasa + action server RSS ≤ {RSS_RATIO_MAX}× reference", h_rss, r_rss,
        at_most(ratio(h_rss, r_rss), RSS_RATIO_MAX), ratio(h_rss, r_rss), "MB")

    hc = head.get("cold_start_s", {}).get("median")
    rc = ref.get("cold_start_s", {}).get("median")
    add("cold_start", f"cold start ≤ {COLD_START_RATIO_MAX}× reference", hc, rc,
        at_most(ratio(hc, rc), COLD_START_RATIO_MAX), ratio(hc, rc), "s")

    ht = head.get("training", {}).get("seconds")
    rt = ref.get("training", {}).get("seconds")
    add("training", f"full training ≤ {TRAINING_MAX_S / 60:g} min", ht, rt, at_most(ht, TRAINING_MAX_S),
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
