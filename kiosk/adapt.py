"""Adapt pocketsphinx's US English acoustic model to the kiosk's speech (CMU sphinxtrain recipe).

The classic "adapting the default acoustic model" recipe, made reproducible and cached:

1. adaptation speech: sentences of the kiosk's own training text (``build/kiosk/corpus.txt``,
   i.e. the NLU examples kiosk.build_lm feeds the language model, minus the dev sentences),
   spoken by several espeak-ng voices and speeds (ADAPT_VOICES), or — the real-world path — a
   directory of recordings (``--data DIR``: ``name.wav`` + ``name.txt`` transcript pairs);
   every recording gets the same preparation as at decoding time (kiosk.asr.prepare);
2. features with ``sphinx_fe`` (the model's feat.params, no voice-activity cut);
3. ``bw`` collects Baum-Welch statistics against the model. bw needs the model's mixture weights,
   which the pocketsphinx distribution (PyPI and Debian) ships only quantised, as ``sendump``:
   ``sendump_to_mixture_weights`` converts them back (8-bit negative log-probabilities);
4. ``map_adapt`` re-estimates means, variances, mixture weights and transitions (MAP with a
   fixed, deliberately strong prior: MAP_TAU) and ``mk_s2sendump`` writes the decoder's sendump.
   (A global MLLR transform, ``mllr_solve``, was measured too and helped less; see
   kiosk/README.md.) The choices were made on the dev set (kiosk/dev_sentences.txt).

The result goes to ``build/kiosk/acoustic/<digest>/`` where the digest covers every input (the
base model, the sentences and dictionary, the voices, this file, the espeak-ng version), so it is
rebuilt only when one of them changes; kiosk.asr uses it when present.

    python -m kiosk.adapt [--data DIR] [--out DIR] [--sentences N]

Needs the Debian packages sphinxtrain (bw, map_adapt, mk_s2sendump),
sphinxbase-utils (sphinx_fe) and pocketsphinx (pocketsphinx_mdef_convert): `make system-deps`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

import numpy as np

from kiosk import build_lm

ACOUSTIC_DIR = "acoustic"
DEV_SENTENCES = Path(__file__).resolve().parent / "dev_sentences.txt"
# Sentences that measure the recogniser and so must never be adaptation data: the benchmark's
# held-out set, the voice consultation test's patient and the dev set. Every string literal of
# these files is excluded from the adaptation sentences (kiosk.adapt.protected_sentences).
PROTECTED_SOURCES = (build_lm.ROOT / "bench" / "voice_bench.py",
                     build_lm.ROOT / "tests" / "kiosk" / "test_voice_consultations.py")
SPHINXTRAIN_DIRS = ("/usr/lib/sphinxtrain", "/usr/local/libexec/sphinxtrain", "/usr/libexec/sphinxtrain")
TOOLS = ("bw", "map_adapt", "mk_s2sendump")
MODEL_FILES = ("feat.params", "mdef", "means", "variances", "sendump", "transition_matrices", "noisedict")
DONE = "adapt.json"

# espeak-ng voices and speeds (words per minute) the adaptation sentences are spoken with, one
# voice per sentence in turn. UNSEEN_VOICES are never used here: the dev set and the README
# report them separately, to show how far the adaptation carries to voices it never heard.
ADAPT_VOICES: Tuple[Tuple[str, int], ...] = (
    ("en-us", 150), ("en-us+f2", 140), ("en-us+m3", 165), ("en-us+f4", 155), ("en-us", 170),
    ("en-us+f3", 160), ("en-us+m5", 135), ("en-us+f2", 165), ("en-us+m3", 145), ("en-us+f4", 130),
)
UNSEEN_VOICES: Tuple[Tuple[str, int], ...] = (("en-us+m7", 150), ("en-us+f5", 155))
SENTENCES = 700          # adaptation sentences (one voice each), the build's main cost
SEED = 11
# MAP prior weight, the same for every Gaussian (map_adapt -fixedtau). sphinxtrain's default
# (Bayesian estimate, no fixed prior) fits espeak-ng almost perfectly but wrecks the model for
# other speech: on the dev set a different synthesiser (flite, never used here) went from 5.9 %
# to 27 % word error. With tau 1000 espeak-ng's voices improve most of the way (15 % -> 6 %) and
# flite loses under a point; chosen on the dev set (kiosk/README.md "Acoustic adaptation").
MAP_TAU = 1000.0

SENSCR_SHIFT = 10        # pocketsphinx stores mixture weights as -log_1.0001(p) >> 10 in 8 bits
LOG_BASE = 1.0001


class AdaptError(RuntimeError):
    """A tool is missing or a step of the adaptation failed."""


# --- sendump <-> mixture_weights -------------------------------------------------------------

def read_sendump(path: Path) -> np.ndarray:
    """Mixture weights (probabilities, shape senones x streams x densities) of a pocketsphinx
    ``sendump`` (8-bit quantised negative log weights, stored stream x density x senone)."""
    data = Path(path).read_bytes()
    offset, header = 0, {}
    while True:
        (size,) = struct.unpack_from("<i", data, offset)
        offset += 4
        if size == 0:
            break
        if not 0 < size < 1000:
            raise AdaptError(f"{path}: not a little-endian sendump")
        line = data[offset:offset + size].rstrip(b"\0").decode("ascii", "replace")
        offset += size
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            header[key] = int(value)
    streams = header.get("feature_count", 1)
    if header.get("cluster_count", 0) != 0 or header.get("cluster_bits", 8) != 8:
        raise AdaptError(f"{path}: clustered (4-bit) sendump files are not supported")
    densities, senones = struct.unpack_from("<ii", data, offset)
    offset += 8
    quantised = np.frombuffer(data, dtype=np.uint8, count=streams * densities * senones, offset=offset)
    quantised = quantised.reshape(streams, densities, senones).transpose(2, 0, 1).astype(np.float64)
    # Middle of each quantisation step, then normalised per senone and stream.
    weights = np.power(LOG_BASE, -(quantised + 0.5) * (1 << SENSCR_SHIFT))
    return weights / weights.sum(axis=2, keepdims=True)


def write_s3_3d(path: Path, array: np.ndarray, version: str = "1.0") -> None:
    """A sphinxtrain "s3" binary file holding one float32 3-d array (the mixture_weights format):
    text header, byte-order magic, the three dimensions, the element count and the values."""
    array = np.ascontiguousarray(array, dtype="<f4")
    d1, d2, d3 = array.shape
    with open(path, "wb") as handle:
        handle.write(f"s3\nversion {version}\nendhdr\n".encode("ascii"))
        handle.write(struct.pack("<I", 0x11223344))
        handle.write(struct.pack("<IIII", d1, d2, d3, array.size))
        handle.write(array.tobytes())


def read_s3_3d(path: Path) -> np.ndarray:
    """The float32 3-d array of an s3 file (mixture_weights); the inverse of write_s3_3d."""
    data = Path(path).read_bytes()
    end = data.index(b"endhdr\n") + len(b"endhdr\n")
    header = data[:end].decode("ascii").split("\n")
    (magic,) = struct.unpack_from("<I", data, end)
    order = "<" if magic == 0x11223344 else ">"
    d1, d2, d3, count = struct.unpack_from(order + "IIII", data, end + 4)
    values = np.frombuffer(data, dtype=order + "f4", count=count, offset=end + 20)
    if "chksum0 yes" in header and len(data) < end + 20 + 4 * count + 4:
        raise AdaptError(f"{path}: truncated")
    return values.reshape(d1, d2, d3)


def sendump_to_mixture_weights(sendump: Path, out: Path) -> np.ndarray:
    weights = read_sendump(sendump)
    write_s3_3d(out, weights)
    return weights


# --- adaptation data ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Utterance:
    name: str
    text: str                        # space-separated dictionary words
    wav: Optional[Path] = None       # a recording, or None: spoken by ``voice`` at ``speed``
    voice: str = ""
    speed: int = 0


def dev_sentences(path: Path = DEV_SENTENCES) -> List[Tuple[str, str]]:
    """(context, sentence) pairs of the dev set."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            context, sentence = line.split("\t")
            pairs.append((context.strip(), sentence.strip()))
    return pairs


def protected_sentences(sources: Sequence[Path] = PROTECTED_SOURCES, dev: Path = DEV_SENTENCES,
                        blind_halves: bool = True) -> set:
    """Spoken forms of the dev sentences, of every string literal in ``sources`` and of the blind
    consultations the kiosk is measured on (the sealed half, the fresh cases and the study dev
    cases: kiosk.blind)."""
    import ast

    from kiosk import blind
    from kiosk.textnorm import spoken

    texts = [sentence for _, sentence in dev_sentences(dev)] if dev.exists() else []
    if blind_halves:
        for utterance in blind.utterances("sealed") + blind.utterances("fresh") + blind.dev_utterances():
            texts.append(utterance.text)
    for source in sources:
        if source.exists():
            texts += [node.value for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
                      if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return {" ".join(spoken(text).split()) for text in texts} - {""}


def synthetic_utterances(corpus: Path, count: int = SENTENCES, voices: Sequence[Tuple[str, int]] = ADAPT_VOICES,
                         exclude: Iterable[str] = (), seed: int = SEED) -> List[Utterance]:
    """``count`` distinct corpus sentences (not in ``exclude``), each with the next voice."""
    excluded = {" ".join(sentence.split()) for sentence in exclude}
    lines = sorted({" ".join(line.split()) for line in corpus.read_text(encoding="utf-8").splitlines()})
    lines = [line for line in lines if line and line not in excluded]
    random.Random(seed).shuffle(lines)
    return [Utterance(f"syn{index:04d}", text, voice=voices[index % len(voices)][0],
                      speed=voices[index % len(voices)][1])
            for index, text in enumerate(lines[:count])]


def recorded_utterances(directory: Path, vocabulary: Iterable[str]) -> Tuple[List[Utterance], List[str]]:
    """``name.wav`` + ``name.txt`` pairs of a directory (real kiosk recordings). Transcripts are
    brought to spoken form; a recording whose transcript has a word outside the dictionary is
    skipped (returned in the second list)."""
    from kiosk.textnorm import spoken_words

    vocabulary, utterances, skipped = set(vocabulary), [], []
    for wav in sorted(Path(directory).glob("*.wav")):
        transcript = wav.with_suffix(".txt")
        if not transcript.exists():
            skipped.append(f"{wav.name}: no {transcript.name}")
            continue
        words = spoken_words(transcript.read_text(encoding="utf-8"))
        unknown = [word for word in words if word not in vocabulary]
        if not words or unknown:
            skipped.append(f"{wav.name}: words not in the dictionary: {' '.join(unknown) or '(empty)'}")
            continue
        utterances.append(Utterance(f"rec{len(utterances):04d}", " ".join(words), wav=wav))
    return utterances, skipped


def write_training_lists(utterances: Sequence[Utterance], fileids: Path, transcription: Path) -> None:
    """sphinxtrain's control file (one utterance id a line) and transcription file
    (``<s> words </s> (id)``)."""
    fileids.write_text("".join(f"{u.name}\n" for u in utterances), encoding="utf-8")
    transcription.write_text("".join(f"<s> {u.text} </s> ({u.name})\n" for u in utterances), encoding="utf-8")


def render(utterance: Utterance, wav_dir: Path) -> Path:
    """The utterance's audio as the decoder would get it (kiosk.asr.prepare), as a WAV file."""
    from kiosk.asr import prepare, read_wav, write_wav
    from kiosk.speech_out import SpeechOutputError, speak

    target = wav_dir / f"{utterance.name}.wav"
    source = utterance.wav
    if source is None:
        source = wav_dir / f"{utterance.name}.raw.wav"
        try:
            speak(utterance.text, source, voice=utterance.voice, speed=utterance.speed)
        except SpeechOutputError as error:
            raise AdaptError(str(error)) from error
    pcm = read_wav(source)
    if utterance.wav is None:
        source.unlink()
    write_wav(target, prepare(pcm))
    return target


# --- tools and cache --------------------------------------------------------------------------

def base_model() -> Path:
    from pocketsphinx import get_model_path

    return Path(get_model_path("en-us/en-us"))


def tool(name: str) -> str:
    for directory in SPHINXTRAIN_DIRS:
        candidate = Path(directory) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise AdaptError(f"{name} not found: install sphinxtrain, sphinxbase-utils and pocketsphinx "
                     "(`make system-deps`)")


def tools_available() -> bool:
    try:
        for name in TOOLS + ("sphinx_fe", "pocketsphinx_mdef_convert"):
            tool(name)
    except AdaptError:
        return False
    return True


def espeak_version() -> str:
    try:
        return subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "missing"


def digest(utterances: Sequence[Utterance], dictionary: Path, model: Optional[Path] = None,
           extra: str = "") -> str:
    """Content hash of everything the adapted model depends on."""
    from kiosk import asr

    model = model or base_model()
    sha = hashlib.sha256()
    for name in MODEL_FILES:
        sha.update(name.encode() + b"\0" + (model / name).read_bytes())
    sha.update(dictionary.read_bytes())
    for path in (Path(__file__), Path(asr.__file__)):  # the adaptation and the audio preparation
        sha.update(path.read_bytes())
    for u in utterances:
        sha.update(f"{u.name}|{u.text}|{u.voice}|{u.speed}\n".encode())
        if u.wav is not None:
            sha.update(u.wav.read_bytes())
    sha.update(f"{espeak_version()}|{MAP_TAU}|{extra}".encode())
    return sha.hexdigest()[:16]


def default_utterances(lm_dir: Path = build_lm.DEFAULT_OUT, count: int = SENTENCES) -> List[Utterance]:
    return synthetic_utterances(lm_dir / build_lm.CORPUS_NAME, count=count, exclude=protected_sentences())


def current_model(lm_dir: Path = build_lm.DEFAULT_OUT) -> Optional[Path]:
    """The adapted model for the present inputs, if it has been built (cheap: hashes files)."""
    corpus, dictionary = lm_dir / build_lm.CORPUS_NAME, lm_dir / build_lm.DICT_NAME
    if not (corpus.exists() and dictionary.exists()):
        return None
    try:
        target = lm_dir / ACOUSTIC_DIR / digest(default_utterances(lm_dir), dictionary)
    except OSError:
        return None
    return target if (target / DONE).exists() else None


def _run(args: List[str], log: Path) -> None:
    with open(log, "ab") as handle:
        handle.write(("$ " + " ".join(args) + "\n").encode())
        handle.flush()
        result = subprocess.run(args, stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-1500:]
        raise AdaptError(f"{Path(args[0]).name} failed (exit {result.returncode}), see {log}:\n{tail}")


def adapt(utterances: Sequence[Utterance], dictionary: Path, out: Path, jobs: int = 2,
          quiet: bool = False, keep_work: bool = False) -> Path:
    """Build the adapted model into ``out`` (a fresh directory) and return it."""
    model = base_model()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="kiosk-adapt-"))
    log = work / "adapt.log"
    try:
        wav_dir, mfc_dir, base = work / "wav", work / "mfc", work / "base"
        for directory in (wav_dir, mfc_dir, base):
            directory.mkdir()
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(lambda u: render(u, wav_dir), utterances))
        say(f"adapt: {len(utterances)} utterances rendered ({time.monotonic() - started:.0f} s)")
        fileids, transcription = work / "adapt.fileids", work / "adapt.transcription"
        write_training_lists(utterances, fileids, transcription)

        for name in MODEL_FILES:
            shutil.copy(model / name, base / name)
        _run([tool("pocketsphinx_mdef_convert"), "-text", str(model / "mdef"), str(base / "mdef.txt")], log)
        sendump_to_mixture_weights(model / "sendump", base / "mixture_weights")
        params = (model / "feat.params").read_text().split()
        fe_params = dict(zip(params[::2], params[1::2]))
        fe_args = [tool("sphinx_fe"), "-samprate", "16000", "-di", str(wav_dir), "-do", str(mfc_dir),
                   "-ei", "wav", "-eo", "mfc", "-mswav", "yes", "-remove_silence", "no", "-dither", "no"]
        for key in ("-lowerf", "-upperf", "-nfilt", "-transform", "-lifter", "-remove_noise"):
            if key in fe_params:
                fe_args += [key, fe_params[key]]

        accum = work / "accum"
        accum.mkdir()
        _run(fe_args + ["-c", str(fileids)], log)
        _run([tool("bw"), "-hmmdir", str(base), "-moddeffn", str(base / "mdef.txt"), "-ts2cbfn", ".ptm.",
              "-feat", fe_params.get("-feat", "1s_c_d_dd"), "-svspec", fe_params.get("-svspec", "0-12/13-25/26-38"),
              "-cmn", fe_params.get("-cmn", "batch"), "-agc", fe_params.get("-agc", "none"),
              "-varnorm", fe_params.get("-varnorm", "no"),
              "-dictfn", str(dictionary), "-fdictfn", str(base / "noisedict"),
              "-ctlfn", str(fileids), "-lsnfn", str(transcription), "-cepdir", str(mfc_dir), "-cepext", "mfc",
              "-accumdir", str(accum)], log)
        say(f"adapt: Baum-Welch statistics collected ({time.monotonic() - started:.0f} s)")

        staging = Path(str(out) + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for name in MODEL_FILES:
            shutil.copy(base / name, staging / name)
        accum_args = ["-accumdir", str(accum)]
        _run([tool("map_adapt"), "-bayesmean", "no", "-fixedtau", "yes", "-tau", str(MAP_TAU), "-moddeffn", str(base / "mdef.txt"), "-ts2cbfn", ".ptm.",
              "-meanfn", str(base / "means"), "-varfn", str(base / "variances"),
              "-mixwfn", str(base / "mixture_weights"), "-tmatfn", str(base / "transition_matrices"),
              "-mapmeanfn", str(staging / "means"), "-mapvarfn", str(staging / "variances"),
              "-mapmixwfn", str(work / "map_mixture_weights"),
              "-maptmatfn", str(staging / "transition_matrices")] + accum_args, log)
        _run([tool("mk_s2sendump"), "-pocketsphinx", "yes", "-moddeffn", str(base / "mdef.txt"),
              "-mixwfn", str(work / "map_mixture_weights"), "-sendumpfn", str(staging / "sendump")], log)
        (staging / DONE).write_text(json.dumps({
            "utterances": len(utterances), "synthetic": sum(u.wav is None for u in utterances),
            "voices": sorted({f"{u.voice}@{u.speed}" for u in utterances if u.wav is None}),
            "seconds": round(time.monotonic() - started, 1), "map_tau": MAP_TAU,
        }, indent=2) + "\n")
        shutil.rmtree(out, ignore_errors=True)
        staging.rename(out)
        if out.parent.name == ACOUSTIC_DIR:  # the cache keeps only the newest model
            for old in out.parent.iterdir():
                if old != out and old.is_dir() and not old.name.endswith(".tmp"):
                    shutil.rmtree(old, ignore_errors=True)
        say(f"adapt: model written to {out} ({time.monotonic() - started:.0f} s)")
        return out
    finally:
        if keep_work:
            say(f"adapt: work files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def ensure_adapted(lm_dir: Path = build_lm.DEFAULT_OUT, quiet: bool = True) -> Optional[Path]:
    """The adapted model for the present inputs, built if missing; None without sphinxtrain."""
    found = current_model(lm_dir)
    if found is not None:
        return found
    if not tools_available():
        return None
    utterances = default_utterances(lm_dir)
    dictionary = lm_dir / build_lm.DICT_NAME
    target = lm_dir / ACOUSTIC_DIR / digest(utterances, dictionary)
    return adapt(utterances, dictionary, target, jobs=min(2, os.cpu_count() or 1), quiet=quiet)


def main(argv: Iterable[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        help="adapt to recordings instead: DIR/name.wav + DIR/name.txt transcript pairs")
    parser.add_argument("--out", type=Path, help="write the model here (default: the cache under build/kiosk)")
    parser.add_argument("--sentences", type=int, default=SENTENCES, help="synthetic adaptation sentences")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--voices", help="voice:speed,... instead of ADAPT_VOICES (flite:<voice>:0 for flite)")
    parser.add_argument("--keep-work", action="store_true")
    args = parser.parse_args(argv)
    lm_dir = build_lm.ensure_built(build_lm.DEFAULT_OUT)
    dictionary = lm_dir / build_lm.DICT_NAME
    if args.data:
        vocabulary = {line.split()[0].split("(")[0] for line in dictionary.read_text().splitlines() if line.strip()}
        utterances, skipped = recorded_utterances(args.data, vocabulary)
        for line in skipped:
            print(f"skipped {line}", file=sys.stderr)
        if not utterances:
            print(f"no usable recordings in {args.data}", file=sys.stderr)
            return 1
    else:
        utterances = default_utterances(lm_dir, args.sentences)
        if args.voices:
            voices = [(item.rpartition(":")[0], int(item.rpartition(":")[2])) for item in args.voices.split(",")]
            utterances = synthetic_utterances(lm_dir / build_lm.CORPUS_NAME, args.sentences, voices,
                                              exclude=protected_sentences())
    target = args.out or lm_dir / ACOUSTIC_DIR / digest(utterances, dictionary)
    if args.out is None and (target / DONE).exists():
        print(f"up to date: {target}")
        return 0
    adapt(utterances, dictionary, target, jobs=args.jobs, keep_work=args.keep_work)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
