"""bench.json → reports/bench.png (chart) and reports/bench.md (table)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

README_START = "<!-- bench-table:start -->"
README_END = "<!-- bench-table:end -->"


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
    return f"{value} {unit}".strip()


def _ratio(h: Optional[float], r: Optional[float]) -> str:
    if h is None or r is None or r == 0:
        return "–"
    return f"{h / r:.2f}×"


def _level(bot: dict, users: int) -> dict:
    return next((lv for lv in bot.get("concurrency", []) if lv["users"] == users), {})


def markdown(results: dict) -> str:
    head, ref, m = results["headease"], results["reference"], results["machine"]
    lines = [
        f"Benchmark ({results['mode']}) — {results['date'][:16].replace('T', ' ')}, "
        f"{m['cores']} cores ({m['cpu'] or 'unknown CPU'}), Rasa {m['rasa']}, Python {m['python']}; "
        f"load average at start {m['load_avg_at_start'][0]}, at end {m['load_avg_at_end'][0]} "
        f"(shared machine: compare the ratios, not the absolute times).",
        "",
        "| Measure | HeadEase | Reference (`rasa init`) | HeadEase / reference |",
        "|---|---:|---:|---:|",
    ]

    def row(label: str, h, r, unit: str = "") -> None:
        lines.append(f"| {label} | {_fmt(h, unit)} | {_fmt(r, unit)} | {_ratio(h, r)} |")

    hs, rs = head.get("sequential", {}), ref.get("sequential", {})
    n = hs.get("n")
    for p in ("p50", "p95", "p99"):
        row(f"1 user, {n} sequential messages: {p}", hs.get(f"{p}_ms"), rs.get(f"{p}_ms"), "ms")
    ht, rt = head.get("sequential_turn_about") or {}, ref.get("sequential_turn_about") or {}
    if ht and rt:
        for p in ("p50", "p95", "p99"):
            row(f"1 user, {ht.get('n')} messages each, turn about with the reference: {p}",
                ht.get(f"{p}_ms"), rt.get(f"{p}_ms"), "ms")
    for users in (1, 8, 32):
        hl, rl = _level(head, users), _level(ref, users)
        row(f"{users} users: throughput", hl.get("throughput_msg_s"), rl.get("throughput_msg_s"), "msg/s")
        row(f"{users} users: p95", hl.get("p95_ms"), rl.get("p95_ms"), "ms")
        lines.append(f"| {users} users: errors / messages | {hl.get('errors', '–')} / {hl.get('messages', '–')} "
                     f"| {rl.get('errors', '–')} / {rl.get('messages', '–')} | |")
    hg, rg = head.get("growth", {}), ref.get("growth", {})
    w = hg.get("window") or rg.get("window")
    row(f"long conversation: turns 1–{w} (median)", hg.get("first_window_median_ms"),
        rg.get("first_window_median_ms"), "ms")
    row(f"long conversation: last {w} of {hg.get('turns')} turns (median)", hg.get("last_window_median_ms"),
        rg.get("last_window_median_ms"), "ms")
    row("long conversation: growth (last / first)", hg.get("growth_ratio"), rg.get("growth_ratio"), "×")
    hm, rm = hg.get("matched") or {}, rg.get("matched") or {}
    row(f"long conversation: the same messages, last {w} turns / earlier (median ratio)", hm.get("ratio"),
        rm.get("ratio"), "×")
    hr, rr = head.get("rss_mb", {}), ref.get("rss_mb", {})
    row("peak RSS, Rasa server", hr.get("rasa"), rr.get("rasa"), "MB")
    row("peak RSS, action server", hr.get("actions"), None, "MB")
    total = (hr.get("rasa") or 0) + (hr.get("actions") or 0) if hr.get("rasa") else None
    row("peak RSS, Rasa + action server", total, rr.get("rasa"), "MB")
    row("cold start (median)", head.get("cold_start_s", {}).get("median"),
        ref.get("cold_start_s", {}).get("median"), "s")
    row("model file", head.get("model_mb"), ref.get("model_mb"), "MB")
    ht, rt = head.get("training", {}), ref.get("training", {})
    row(f"training ({ht.get('source', '')} / {rt.get('source', '')})", ht.get("seconds"), rt.get("seconds"), "s")

    lines += ["", "| Target (issue 19) | Met | HeadEase | Reference | Ratio |", "|---|:---:|---:|---:|---:|"]
    for t in results["targets"]:
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        shown = "–" if t["ratio"] is None else f"{t['ratio']:.2f}×"
        lines.append(f"| {t['target']} | {met} | {_fmt(t['headease'], t['unit'])} | "
                     f"{_fmt(t['reference'], t['unit'])} | {shown} |")
    lines += _accuracy_lines(head.get("accuracy"))
    return "\n".join(lines) + "\n"


_SET_NAMES = {"holdout": "NLU held-out set", "holdout_fresh": "NLU fresh held-out set"}
_NLU_LABELS = {"intent_macro_f1": "intent macro-F1", "entity_micro_f1": "entity micro-F1",
               "emergency_recall": "emergency-intent recall", "red_flag_mention_recall": "red-flag mention recall"}
_SEALED_LABELS = {"cases": "cases", "triage_agreement": "triage agreement", "emergency_recall": "emergency recall",
                  "emergency_advice_to_non_emergency": "emergency advice to non-emergencies",
                  "under_triage": "under-triage", "median_questions_self_care": "median questions (self-care)"}


def _accuracy_lines(accuracy) -> list:
    """What the benchmarked configuration gets right (bench/accuracy.py), when measured."""
    if not accuracy:
        return []
    lines = ["", "| Accuracy of this configuration (same run) | HeadEase |", "|---|---:|"]
    for name, figures in (accuracy.get("nlu") or {}).items():
        for key, label in _NLU_LABELS.items():
            if figures.get(key) is not None:
                lines.append(f"| {_SET_NAMES.get(name, name)}: {label} | {figures[key]:.3f} |")
    sealed = accuracy.get("sealed_consultations") or {}
    for key, label in _SEALED_LABELS.items():
        value = sealed.get(key)
        if value is None:
            continue
        shown = f"{value:.0%}" if isinstance(value, float) and key not in ("median_questions_self_care",) else f"{value:g}"
        lines.append(f"| sealed blind consultations: {label} | {shown} |")
    return lines


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    head, ref = results["headease"], results["reference"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    colors = {"HeadEase": "#2a7f62", "reference": "#8a8a8a"}
    width = 0.38

    ax = axes[0]
    labels = ["p50", "p95", "p99"]
    for i, (name, bot) in enumerate((("HeadEase", head), ("reference", ref))):
        values = [bot.get("sequential", {}).get(f"{p}_ms") or 0 for p in labels]
        ax.bar([x + (i - 0.5) * width for x in range(3)], values, width, label=name, color=colors[name])
    ax.set_xticks(range(3), labels)
    ax.set_ylabel("ms")
    ax.set_title("1 user: latency per message")
    ax.legend()

    users = [lv["users"] for lv in head.get("concurrency", [])]
    ax = axes[1]
    for i, (name, bot) in enumerate((("HeadEase", head), ("reference", ref))):
        values = [_level(bot, u).get("throughput_msg_s") or 0 for u in users]
        ax.bar([x + (i - 0.5) * width for x in range(len(users))], values, width, label=name, color=colors[name])
    ax.axhline(60, color="#c0392b", linestyle="--", linewidth=1, label="target 60 msg/s")
    ax.set_xticks(range(len(users)), [f"{u} users" for u in users])
    ax.set_ylabel("messages / s")
    ax.set_title("throughput (p95 ms above bars)")
    for i, (name, bot) in enumerate((("HeadEase", head), ("reference", ref))):
        for x, u in enumerate(users):
            lv = _level(bot, u)
            if lv.get("p95_ms") is not None:
                ax.annotate(f"{lv['p95_ms']:.0f}", ((x + (i - 0.5) * width), lv.get("throughput_msg_s") or 0),
                            ha="center", va="bottom", fontsize=8)
    ax.legend(fontsize=8)

    ax = axes[2]
    for name, bot in (("HeadEase", head), ("reference", ref)):
        lat = bot.get("growth", {}).get("latencies_ms") or []
        ax.plot(range(1, len(lat) + 1), lat, label=name, color=colors[name], linewidth=1)
    ax.set_xlabel("turn of one conversation")
    ax.set_ylabel("ms")
    ax.set_title("long conversation: latency per turn")
    ax.legend()

    fig.suptitle(f"HeadEase vs stock rasa init bot — {results['date'][:10]}, {results['machine']['cores']} cores "
                 f"({results['mode']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_readme(readme: Path, table: str) -> None:
    """Replace the table between the markers in bench/README.md (kept when the markers are absent)."""
    if not readme.exists():
        return
    text = readme.read_text()
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(text):
        return
    readme.write_text(pattern.sub(lambda _m: f"{README_START}\n{table}{README_END}", text))
