"""Voice benchmark (make bench-voice): word error rate and reply latency of the kiosk pipeline.

WER, two measures:
  * ``sealed`` (the headline since issue 22): the sealed half of the blind consultations
    (tests/conversations/), text nobody working on the kiosk has read, spoken by voices the
    acoustic adaptation never used: espeak-ng's UNSEEN_VOICES and another synthesiser, flite
    (kal, awb, rms, slt, kal16), each utterance by the next voice of the group in turn. Openings
    are decoded with the general model, answers with their question's model (the context the
    kiosk would use). A fixed sample (SEALED_SAMPLE utterances, the same every run: seed
    SEALED_SEED, kiosk.blind.sample) keeps the run under about 10 minutes on 2 cores; ``--sealed
    all`` decodes every one. Reported per voice group: WER (per voice, openings / answers), the
    out-of-vocabulary rate, red-flag words inserted where none was said (kiosk.evaluate) and
    false / missed red-flag read-backs. Only aggregates: no sealed sentence or per-sentence error
    is printed or written;
  * ``asr``: 44 held-out sentences written for this benchmark, two espeak-ng voices (the
    adaptation's engine), plus the same with unseen espeak voices and flite.
Latency: end of user speech -> first reply WAV ready (ASR + Rasa `voice` channel + synthesis),
against a real stack started on loopback ports (or --rasa URL). Writes reports/voice_bench.json.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk import blind, build_lm, evaluate  # noqa: E402
from kiosk.asr import Recognizer, read_wav  # noqa: E402
from kiosk.session import KioskSession  # noqa: E402
from kiosk.speech_out import speak  # noqa: E402
from kiosk.speech_out import synthesize  # noqa: E402
from kiosk.textnorm import edit_distance, spoken  # noqa: E402

VOICES = (("en-us", 160), ("en-us+f3", 150))
# Reported separately (not in the headline WER): voices the acoustic adaptation never used
# (kiosk.adapt.UNSEEN_VOICES).
from kiosk.adapt import UNSEEN_VOICES  # noqa: E402
# And another synthesiser (flite, when installed): the acoustic model is adapted to espeak-ng, so
# this shows what the adaptation costs on speech that is not espeak-ng's.
OTHER_SYNTHESISER = (("flite:slt", 0), ("flite:kal16", 0))
# The sealed blind consultations: voice groups the acoustic adaptation never used.
SEALED_GROUPS = {
    "espeak_unseen": UNSEEN_VOICES,
    "flite": tuple((f"flite:{voice}", 0) for voice in ("kal", "awb", "rms", "slt", "kal16")),
}
SEALED_SAMPLE = 480      # utterances per voice group (of 1,600: 80 cases x opening + 19 answers)
SEALED_SEED = 22
# (answer context, sentence): held out, phrased differently from data/nlu.
HELD_OUT = [
    ("general", "my head has been aching since this morning"), ("general", "the headache sits right behind my forehead"),
    ("general", "what does shiatsu involve"), ("general", "is acupressure safe for me"),
    ("general", "tell me about myofascial release"), ("general", "when should i see a doctor about this"),
    ("general", "how do i massage my own neck"), ("general", "can i get a summary for my doctor"),
    ("general", "i hit my head yesterday and it still hurts"), ("general", "my vision went blurry with the pain"),
    ("general", "i have a high fever and my neck is stiff"), ("general", "thank you that was helpful"),
    ("pain_location", "it hurts on both sides of my head"), ("pain_location", "mostly behind my left eye"),
    ("pain_location", "across my forehead and temples"), ("pain_quality", "a dull pressing ache"),
    ("pain_quality", "it pounds with my heartbeat"), ("pain_quality", "sharp and stabbing"),
    ("severity", "about seven out of ten"), ("severity", "maybe a three"), ("severity", "nine out of ten"),
    ("duration", "it lasts about two hours"), ("duration", "usually the whole day"),
    ("duration", "around thirty minutes"), ("frequency", "about ten days a month"),
    ("frequency", "once or twice a week"), ("frequency", "almost every day"),
    ("onset", "it came on slowly over an hour"), ("onset", "it hit me suddenly"),
    ("associated_symptoms", "bright light makes it worse and i feel sick"), ("associated_symptoms", "no other symptoms"),
    ("triggers", "it starts when i skip meals"), ("triggers", "too much screen time"),
    ("origin", "it seems to come from my shoulders"), ("origin", "i am not sure"),
    ("red_flags", "no none of those"), ("red_flags", "yes my arm feels weak"),
    ("medication_use", "i take paracetamol about three days a month"), ("medication_use", "ibuprofen most days"),
    ("age", "i am fifty two"), ("age", "i'm nineteen years old"), ("age", "sixty"),
    ("general", "goodbye"), ("general", "yes please"),
]


def word_errors(recognizer: Recognizer, workdir: Path, voices=VOICES) -> dict:
    errors = words = 0
    asr_seconds, per_voice, samples = [], {}, []
    for voice, speed in voices:
        v_err = v_words = 0
        for index, (context, sentence) in enumerate(HELD_OUT):
            path = workdir / f"{voice}-{index}.wav"
            speak(sentence, path, voice, speed)
            pcm = read_wav(path)
            start = time.perf_counter()
            transcript = recognizer.transcribe(pcm, context)
            asr_seconds.append(time.perf_counter() - start)
            ref, hyp = spoken(sentence).split(), transcript.text.split()
            e = edit_distance(ref, hyp)
            v_err, v_words = v_err + e, v_words + len(ref)
            if e:
                samples.append({"voice": voice, "ref": " ".join(ref), "hyp": " ".join(hyp)})
        per_voice[voice] = round(v_err / v_words, 4)
        errors, words = errors + v_err, words + v_words
    asr_seconds.sort()
    return {
        "utterances": len(HELD_OUT) * len(voices), "words": words, "wer": round(errors / words, 4),
        "wer_per_voice": per_voice, "asr_seconds_p50": round(statistics.median(asr_seconds), 3),
        "asr_seconds_p95": round(asr_seconds[int(0.95 * (len(asr_seconds) - 1))], 3), "errors": samples,
    }


def latency(recognizer: Recognizer, rasa_url: str, workdir: Path) -> dict:
    session = KioskSession(recognizer, rasa_url, workdir, sender_prefix="bench")
    values = []
    script = ["i have a headache", "on both sides of my head", "pressing and tight", "four out of ten",
              "about three hours", "about four days a month", "it builds up slowly", "nothing else",
              "stress", "it comes from tight neck muscles", "none of these", "i don't take any", "i am forty"]
    for index, sentence in enumerate(script * 2):
        if index == len(script):
            session.reset()
        path = workdir / f"lat-{index}.wav"
        synthesize(sentence, path, voice="en-us", speed=160, rate=16000)
        pcm = read_wav(path)
        turn = session.hear(pcm, end_of_speech=time.monotonic())
        if turn.latency is not None:
            values.append(turn.latency)
    values.sort()
    return {"turns": len(values), "p50_seconds": round(statistics.median(values), 3),
            "p95_seconds": round(values[int(0.95 * (len(values) - 1))], 3)}


def sealed_items(count):
    """The sealed half as evaluation items (ids only as keys: case/slot)."""
    chosen = blind.sample(blind.utterances("sealed"), count, SEALED_SEED)
    return [evaluate.Item(f"{u.case_id}/{u.slot}", u.say, tuple(u.words), u.context,
                          "opening" if u.slot == blind.OPENING else "answer") for u in chosen]


def sealed_errors(recognizer_args: dict, vocabulary: set, count, workers: int) -> dict:
    """Aggregate scores of the sealed half per voice group (no sentence leaves this function)."""
    items = sealed_items(count)
    out = {"utterances_in_half": len(blind.utterances("sealed")), "sample": len(items),
           "sample_seed": SEALED_SEED, "groups": {}}
    for name, voices in SEALED_GROUPS.items():
        if voices[0][0].startswith("flite:") and not shutil.which("flite"):
            continue
        started = time.perf_counter()
        decoded = evaluate.decode_all(items, voices, recognizer_args, workers=workers)
        report = evaluate.score(decoded, vocabulary, keep_errors=False)
        report["voices"] = [evaluate.voice_label(v, s) for v, s in voices]
        report["seconds"] = round(time.perf_counter() - started, 1)
        out["groups"][name] = report
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rasa", help="use this running server instead of starting one")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "voice_bench.json")
    parser.add_argument("--wer-only", action="store_true")
    parser.add_argument("--sealed", default=str(SEALED_SAMPLE),
                        help=f"sealed utterances per voice group (default {SEALED_SAMPLE}; 'all' or 0 to skip)")
    parser.add_argument("--workers", type=int, default=2, help="decoding processes for the sealed half")
    parser.add_argument("--lm-dir", type=Path, default=build_lm.DEFAULT_OUT,
                        help="language models and dictionary to use (default: build/kiosk, built if stale)")
    parser.add_argument("--acoustic", type=Path, help="acoustic model directory (default: the adapted one)")
    parser.add_argument("--base", action="store_true",
                        help="pocketsphinx's own acoustic model instead of the adapted one (kiosk.adapt)")
    args = parser.parse_args()
    custom_lm = args.lm_dir.resolve() != build_lm.DEFAULT_OUT.resolve()
    recognizer = Recognizer(model_dir=args.lm_dir, build=not custom_lm, acoustic=args.acoustic,
                            adapted=not args.base)
    recognizer_args = {"model_dir": args.lm_dir, "build": False, "acoustic": recognizer.acoustic}
    report = {"targets": {"wer": 0.10, "sealed_wer": 0.10, "sealed_red_flag_insertions": 0,
                          "latency_p95_seconds": 1.5},
              "acoustic_model": str(recognizer.acoustic), "language_models": str(args.lm_dir),
              "date": time.strftime("%Y-%m-%d")}
    if args.sealed not in ("0", ""):
        count = None if args.sealed == "all" else int(args.sealed)
        report["sealed"] = sealed_errors(recognizer_args, recognizer.vocabulary, count, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        report["asr"] = word_errors(recognizer, tmp_path)
        unseen = word_errors(recognizer, tmp_path, UNSEEN_VOICES)
        report["asr_unseen_voices"] = {k: unseen[k] for k in ("utterances", "words", "wer", "wer_per_voice")}
        if shutil.which("flite"):
            other = word_errors(recognizer, tmp_path, OTHER_SYNTHESISER)
            report["asr_other_synthesiser"] = {k: other[k] for k in ("utterances", "words", "wer", "wer_per_voice")}
        if not args.wer_only:
            stack = None
            url = args.rasa
            if url is None:
                from tests.support.stack import start_stack

                (tmp_path / "stack").mkdir()
                stack = start_stack(tmp_path / "stack", web=False)
                url = stack.rasa_url
            try:
                report["latency"] = latency(recognizer, url, tmp_path)
            finally:
                if stack is not None:
                    stack.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    summary = {k: v for k, v in report["asr"].items() if k != "errors"}
    sealed = {name: {k: group.get(k) for k in ("utterances", "wer", "wer_per_voice", "oov_rate", "red_flag_insertions",
                                                "false_read_backs", "missed_red_flags", "seconds")}
              for name, group in (report.get("sealed") or {}).get("groups", {}).items()}
    print(json.dumps({"acoustic_model": report["acoustic_model"], "sealed": sealed, "asr": summary,
                      "asr_unseen_voices": report["asr_unseen_voices"],
                      "asr_other_synthesiser": report.get("asr_other_synthesiser"), "latency": report.get("latency")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
