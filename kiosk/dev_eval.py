"""Word error rate of the recogniser on the dev set (kiosk/dev_sentences.txt), per voice.

Every tuning decision for the kiosk's recogniser is taken on this set, never on the benchmark's
held-out sentences (bench/voice_bench.py). UNSEEN voices (kiosk.adapt.UNSEEN_VOICES) were never
used for acoustic adaptation.

    python -m kiosk.dev_eval [--acoustic DIR | --base] [--mllr FILE] [--voices en-us:160,en-us+f3:150]
    python -m kiosk.dev_eval --voices flite:slt,flite:rms     # another synthesiser (apt-get install flite)
    python -m kiosk.dev_eval --blind-dev 200 [-v]             # the study half's dev cases (kiosk.blind),
                                                              # unseen espeak voices and flite, as the benchmark
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

from kiosk import adapt
from kiosk.asr import Recognizer, read_wav
from kiosk.speech_out import speak
from kiosk.textnorm import edit_distance, spoken

BENCH_VOICES = (("en-us", 160), ("en-us+f3", 150))


def evaluate(recognizer: Recognizer, voices: Iterable[Tuple[str, int]],
             sentences: List[Tuple[str, str]], verbose: bool = False) -> Dict[str, dict]:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for voice, speed in voices:
            errors = words = 0
            seconds = []
            for index, (context, sentence) in enumerate(sentences):
                path = Path(tmp) / f"{index}.wav"
                speak(sentence, path, voice, speed)
                pcm = read_wav(path)
                start = time.perf_counter()
                hyp = recognizer.transcribe(pcm, context).text.split()
                seconds.append(time.perf_counter() - start)
                ref = spoken(sentence).split()
                e = edit_distance(ref, hyp)
                errors, words = errors + e, words + len(ref)
                if verbose and e:
                    print(f"  {voice}: {' '.join(ref)}  ->  {' '.join(hyp)}", file=sys.stderr)
            seconds.sort()
            results[f"{voice}@{speed}"] = {"wer": round(errors / words, 4), "errors": errors, "words": words,
                                           "asr_p50": round(seconds[len(seconds) // 2], 3)}
    total_e = sum(r["errors"] for r in results.values())
    total_w = sum(r["words"] for r in results.values())
    results["all"] = {"wer": round(total_e / total_w, 4), "errors": total_e, "words": total_w}
    return results


def parse_voices(text: str) -> List[Tuple[str, int]]:
    """``voice:speed,...``; ``flite:<voice>`` for flite voices (no speed)."""
    voices = []
    for item in filter(None, text.split(",")):
        name, _, speed = item.rpartition(":")
        voices.append((item, 0) if item.startswith("flite:") and not speed.isdigit() else (name, int(speed)))
    return voices


def main(argv: Iterable[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--acoustic", type=Path, help="acoustic model directory")
    parser.add_argument("--base", action="store_true", help="pocketsphinx's own acoustic model")
    parser.add_argument("--mllr", type=Path)
    parser.add_argument("--voices", default=",".join(f"{v}:{s}" for v, s in BENCH_VOICES + adapt.UNSEEN_VOICES))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--blind-dev", type=int, metavar="N",
                        help="N utterances of the study half's dev cases (kiosk.blind.dev_utterances), spoken by "
                             "the benchmark's sealed voice groups; errors may be printed (never the sealed half)")
    args = parser.parse_args(argv)
    if args.blind_dev:
        return blind_dev(args)
    recognizer = Recognizer(acoustic=args.acoustic, mllr=args.mllr, adapted=not args.base)
    sentences = adapt.dev_sentences()
    if args.limit:
        sentences = sentences[:args.limit]
    results = evaluate(recognizer, parse_voices(args.voices), sentences, args.verbose)
    print(json.dumps({"acoustic": str(recognizer.acoustic), "mllr": str(args.mllr) if args.mllr else None,
                      "sentences": len(sentences), "results": results}, indent=1))
    return 0


def blind_dev(args) -> int:
    from kiosk import blind, build_lm, evaluate

    sys.path.insert(0, str(build_lm.ROOT))
    from bench.voice_bench import SEALED_GROUPS

    recognizer = Recognizer(acoustic=args.acoustic, mllr=args.mllr, adapted=not args.base)
    chosen = blind.sample(blind.dev_utterances(), args.blind_dev, 5)
    items = [evaluate.Item(f"{u.case_id}/{u.slot}", u.say, tuple(u.words), u.context,
                           "opening" if u.slot == blind.OPENING else "answer") for u in chosen]
    recognizer_args = {"model_dir": build_lm.DEFAULT_OUT, "build": False, "acoustic": recognizer.acoustic}
    for name, voices in SEALED_GROUPS.items():
        report = evaluate.score(evaluate.decode_all(items, voices, recognizer_args), recognizer.vocabulary,
                                keep_errors=args.verbose)
        for error in report.pop("errors", []):
            print(f"  {error['voice']} [{error['context']}] {error['ref']}  ->  {error['hyp']}", file=sys.stderr)
        print(json.dumps({name: report}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
