"""Micro-benchmark: milliseconds per safety verdict (one ``reading.scan`` and the screen) on realistic messages.

    PYTHONPATH=. .venv/bin/python bench/scan_speed.py [--repeat N]

Prints the mean and worst per-message time for short answers, ~500-character rambling messages
and a 3,000-character paste. The target is well under 5 ms for a 500-character message; tests
never assert on timing (CI machines vary).
"""
from __future__ import annotations

import argparse
import statistics
import time

from actions.clinic.reading import wording
from actions.clinic.verdict import message_level
from actions.clinic.reading import load_lexicon, scan

SHORT = ["no", "not sure", "both sides, 4 out of 10", "my left arm has gone weak", "ibuprofen most days"]
RAMBLING = (
    "ok so sorry this is long, basically I've had headaches on and off for years, usually the tension "
    "kind across my forehead when work is stressful, and I normally take paracetamol and it goes. today "
    "was different though. I was sat at my desk and out of nowhere it felt like somebody hit me on the back "
    "of the head, honestly the worst headache of my life, and then I threw up twice and my neck is kind of "
    "stiff now. my partner thinks im overreacting lol, also my left hand feels a bit funny and heavy"
)
BENIGN = (
    "hi, I'm 29 and I get these headaches on both sides like a tight band, usually 4 out of 10, lasting a "
    "few hours, maybe 6 days a month. They're worse when I've been at the computer all day or stressed at "
    "work, no nausea, light bothers me a little. Paracetamol helps. My neck and shoulders feel tight, I "
    "sit at a desk all day, and I've been sleeping badly. No weakness, no vision problems, no fever."
)


def _time(texts, repeat: int):
    """(mean wall ms, worst wall ms, mean CPU ms) per message; CPU time is what a loaded shared box
    cannot inflate as much as wall time."""
    wall, cpu = [], []
    for i in range(repeat):
        for text in texts:
            varied = f"{text} {i}"  # defeat any caching
            start, start_cpu = time.perf_counter(), time.process_time()
            message_level(varied)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    return statistics.mean(wall), max(wall), statistics.mean(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    start = time.perf_counter()
    load_lexicon()
    wording.warm_up()
    scan("warm up: my arm is weak")
    print(f"first-call setup (lexicon + rule compilation): {(time.perf_counter() - start) * 1000:.1f} ms")
    for name, texts in (
        ("short answers", SHORT),
        ("~500 chars, red flags", [RAMBLING[:500]]),
        ("~500 chars, benign", [BENIGN[:500]]),
        ("3000 chars", [(RAMBLING + " " + BENIGN) * 3][:1]),
    ):
        mean, worst, cpu = _time([t[:3000] for t in texts], args.repeat)
        print(f"{name:24s} {len(texts[0]):5d} chars  wall mean {mean:6.2f} ms/message  worst {worst:6.2f} ms"
              f"  cpu mean {cpu:6.2f} ms")


if __name__ == "__main__":
    main()
