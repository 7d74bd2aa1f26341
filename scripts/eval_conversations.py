"""`make eval-conversations`: the blind consultations, held against the real bot over REST.

Starts the action server and the Rasa server as `make run` does (own loopback ports, a fresh
SQLite tracker store), holds every case (or one half) as a client would, and writes
reports/conversations.json and reports/conversations.md. Transcripts of failed cases are printed
and written only for the study and fresh cases; the sealed half reports aggregates.

    python scripts/eval_conversations.py                 # every case
    python scripts/eval_conversations.py --half sealed   # one half (study, sealed or fresh)
    python scripts/eval_conversations.py --make-split    # once: split the cases into study/sealed
    python scripts/eval_conversations.py --adopt-fresh   # after a fresh batch's first look: into study
    python scripts/eval_conversations.py --style stubborn  # wrong question's answer, filler, "I don't know"
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tests.support import consultations as cs
from tests.support.stack import start_stack

REPORTS = cs.ROOT / "reports"


def _write_split(split) -> None:
    header = (
        "# Written once by `scripts/eval_conversations.py --make-split` (seed "
        f"{cs.SPLIT_SEED}, stratified by writer).\n# Nobody reads the sealed cases or their "
        "transcripts: tests/conversations/README.md.\n"
    )
    cs.SPLIT_FILE.write_text(header + yaml.safe_dump(split, sort_keys=False, width=100))


def run(cases, split, run_id: str, style: str = "cooperative") -> dict:
    with tempfile.TemporaryDirectory(prefix="headease-blind-") as workdir:
        stack = start_stack(Path(workdir), web=False)
        try:
            started = time.monotonic()
            outcomes = cs.hold_all(cases, cs.Client(stack.say, stack.tracker), run_id, style=style)
            seconds = time.monotonic() - started
        finally:
            stack.stop()
    result = cs.report(cases, outcomes, split)
    result["seconds"] = round(seconds, 1)
    return result


def write(result: dict, name: str) -> None:
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    lines = [f"# Blind consultations ({time.strftime('%Y-%m-%d')})", "", result["table"], ""]
    for failure in result["failures"]:
        lines.append(
            f"## {failure['id']} ({failure['half']}): expected {failure['expected_triage']}, got "
            f"{failure['triage']}; type {failure['type']} (expected {failure['expected_type']})"
        )
        lines.append(f"_{failure['rationale']}_")
        lines.append("")
        for line in failure["transcript"]:
            who, text = next(iter(line.items()))
            buttons = f"  [{' / '.join(line['buttons'])}]" if line.get("buttons") else ""
            lines.append(f"- **{who}**: {text}{buttons}")
        lines.append("")
    (REPORTS / f"{name}.md").write_text("\n".join(lines))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=cs.HALVES, help="only this half (default: every case)")
    parser.add_argument("--make-split", action="store_true", help="split the cases once (refuses to redo it)")
    parser.add_argument("--adopt-fresh", action="store_true", help="put the fresh cases into the study half")
    parser.add_argument("--name", default="conversations", help="report file name under reports/")
    parser.add_argument("--style", choices=cs.STYLES, default="cooperative",
                        help="stubborn: every question first gets another question's answer, then a filler, then \"I don't know\"")
    args = parser.parse_args(argv)

    cases = cs.load_cases()
    split = cs.load_split()
    if args.make_split:
        if split["study"] or split["sealed"]:
            print("The set is already split; fresh cases go to study with --adopt-fresh.", file=sys.stderr)
            return 2
        _write_split(cs.make_split([c.id for c in cases]))
        print(f"Split {len(cases)} cases into {cs.SPLIT_FILE.relative_to(cs.ROOT)}")
        return 0
    if args.adopt_fresh:
        fresh = [c.id for c in cases if cs.half_of(c.id, split) == "fresh"]
        split["study"] = sorted(split["study"] + fresh)
        _write_split(split)
        print(f"{len(fresh)} fresh cases joined the study half")
        return 0

    chosen = [c for c in cases if args.half is None or cs.half_of(c.id, split) == args.half]
    if not chosen:
        print(f"no cases in {args.half}", file=sys.stderr)
        return 1
    result = run(chosen, split, run_id=str(int(time.time())), style=args.style)
    write(result, args.name)
    print(result["table"])
    print(f"\n{len(chosen)} consultations in {result['seconds']} s; failures (study and fresh only) "
          f"in reports/{args.name}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
