"""Score the recogniser on spoken sentences: word error, out-of-vocabulary words, and red-flag
words the recogniser put in where nobody said them.

Used by ``make bench-voice`` (bench/voice_bench.py: the sealed blind consultations, aggregates
only) and ``python -m kiosk.dev_eval`` (the dev sets, where single errors may be printed).

Red-flag insertions. ``RED_FLAG_WORDS`` are the words of the project's red-flag vocabulary (the
kiosk's RED_FLAG_PHRASES, the lexicon's phrases for the red-flag symptoms and histories and for a
sudden onset; a unit test checks each is there) that on their own point at a danger sign. A
red-flag word in the transcript more often than in what was said is an inserted red-flag word
(counted per word: "weak" heard twice, said once = 1). Separately, an utterance whose transcript
the kiosk's safety check (kiosk.session.red_flag) reads as a danger sign while what was said does
not is a false read-back (it costs the visitor a yes/no turn), and the other way round a missed
red flag.
"""
from __future__ import annotations

import multiprocessing
import os
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from kiosk.textnorm import edit_distance

RED_FLAG_WORDS = frozenset(
    "sudden suddenly thunderclap worst weak weakness numb numbness paralysed paralyzed paralysis "
    "droop drooping droopy lopsided confused confusion disorientated disoriented muddled faint "
    "fainted fainting collapsed collapse unconscious unresponsive blackout blacked seizure seizures "
    "convulsion convulsions fit fits fever feverish stiff rash blurry blurred blurriness double "
    "vision slurred slurring garbled gibberish stroke pregnant injury exploded exploding explosive".split()
)


@dataclass(frozen=True)
class Item:
    """One utterance to speak and decode."""

    key: str          # an id (never the sentence)
    say: str          # synthesiser input
    words: Tuple[str, ...]  # reference transcript
    context: str      # answer context
    group: str = ""   # e.g. "opening" / "answer"


def voice_label(voice: str, speed: int) -> str:
    return voice if voice.startswith("flite:") else f"{voice}@{speed}"


def red_flag_insertions(ref: Sequence[str], hyp: Sequence[str]) -> int:
    said, heard = Counter(w for w in ref if w in RED_FLAG_WORDS), Counter(w for w in hyp if w in RED_FLAG_WORDS)
    return sum(max(0, n - said[w]) for w, n in heard.items())


# --- decoding in worker processes ---------------------------------------------------------------
_WORKER = {}


def _init(recognizer_args: dict, tmp: str) -> None:
    from kiosk.asr import Recognizer

    _WORKER["recognizer"] = Recognizer(**recognizer_args)
    _WORKER["tmp"] = Path(tmp)


def _decode(job: Tuple[int, str, int, str, str]) -> Tuple[int, List[str], float]:
    from kiosk.asr import read_wav
    from kiosk.speech_out import speak

    index, voice, speed, say, context = job
    path = _WORKER["tmp"] / f"{os.getpid()}-{index}.wav"
    speak(say, path, voice, speed)
    pcm = read_wav(path)
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    words = _WORKER["recognizer"].transcribe(pcm, context).words
    return index, words, time.perf_counter() - start


def decode_all(items: Sequence[Item], voices: Sequence[Tuple[str, int]], recognizer_args: dict,
               workers: int = 2, every_voice: bool = False) -> List[Tuple[Item, str, List[str], float]]:
    """Speak each item (with the next voice in turn, or with every voice) and decode it.
    Returns (item, voice label, hypothesis words, decode seconds) in item order."""
    jobs, meta = [], []
    for index, item in enumerate(items):
        chosen = voices if every_voice else [voices[index % len(voices)]]
        for voice, speed in chosen:
            meta.append((item, voice_label(voice, speed)))
            jobs.append((len(jobs), voice, speed, item.say, item.context))
    results: Dict[int, Tuple[List[str], float]] = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-eval-") as tmp:
        if workers <= 1:
            _init(recognizer_args, tmp)
            for job in jobs:
                index, words, seconds = _decode(job)
                results[index] = (words, seconds)
        else:
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, initializer=_init, initargs=(recognizer_args, tmp)) as pool:
                for index, words, seconds in pool.imap_unordered(_decode, jobs, chunksize=4):
                    results[index] = (words, seconds)
    return [(item, label, results[i][0], results[i][1]) for i, (item, label) in enumerate(meta)]


# --- scoring --------------------------------------------------------------------------------------
def _rate(errors: int, words: int) -> Optional[float]:
    return round(errors / words, 4) if words else None


def score(decoded: Iterable[Tuple[Item, str, List[str], float]], vocabulary: Optional[set] = None,
          keep_errors: bool = False) -> dict:
    """Aggregate word error (overall, per voice, per item group), out-of-vocabulary reference
    words, red-flag insertions and false / missed red-flag read-backs. ``keep_errors`` adds the
    misrecognised sentences themselves (never for the sealed half)."""
    from kiosk.session import red_flag

    totals = Counter()
    per_voice: Dict[str, Counter] = {}
    per_group: Dict[str, Counter] = {}
    seconds: List[float] = []
    errors_out, inserted_words = [], Counter()
    for item, label, hyp, took in decoded:
        ref = list(item.words)
        e = edit_distance(ref, hyp)
        inserted = red_flag_insertions(ref, hyp)
        for word, n in Counter(w for w in hyp if w in RED_FLAG_WORDS).items():
            extra = n - ref.count(word)
            if extra > 0:
                inserted_words[word] += extra
        flagged_ref = bool(red_flag(" ".join(ref)))
        flagged_hyp = bool(red_flag(" ".join(hyp)))
        counts = Counter(utterances=1, words=len(ref), errors=e, red_flag_insertions=inserted,
                         utterances_with_red_flag_insertion=int(inserted > 0),
                         oov=sum(1 for w in ref if vocabulary is not None and w not in vocabulary),
                         false_read_backs=int(flagged_hyp and not flagged_ref),
                         missed_red_flags=int(flagged_ref and not flagged_hyp),
                         said_red_flags=int(flagged_ref))
        for bucket in (totals, per_voice.setdefault(label, Counter()), per_group.setdefault(item.group or "all", Counter())):
            bucket.update(counts)
        seconds.append(took)
        if keep_errors and (e or inserted):
            errors_out.append({"key": item.key, "context": item.context, "voice": label,
                               "ref": " ".join(ref), "hyp": " ".join(hyp), "errors": e})

    def summary(c: Counter) -> dict:
        return {"utterances": c["utterances"], "words": c["words"], "wer": _rate(c["errors"], c["words"]),
                "oov_rate": _rate(c["oov"], c["words"]) if vocabulary is not None else None,
                "red_flag_insertions": c["red_flag_insertions"],
                "utterances_with_red_flag_insertion": c["utterances_with_red_flag_insertion"],
                "false_read_backs": c["false_read_backs"], "missed_red_flags": c["missed_red_flags"],
                "said_red_flags": c["said_red_flags"]}

    seconds.sort()
    report = summary(totals)
    report["wer_per_voice"] = {label: _rate(c["errors"], c["words"]) for label, c in sorted(per_voice.items())}
    if len(per_group) > 1:
        report["per_group"] = {group: summary(c) for group, c in sorted(per_group.items())}
    report["inserted_red_flag_words"] = dict(inserted_words.most_common())
    if seconds:
        report["asr_seconds_p50"] = round(statistics.median(seconds), 3)
        report["asr_seconds_p95"] = round(seconds[int(0.95 * (len(seconds) - 1))], 3)
    if keep_errors:
        report["errors"] = errors_out
    return report
