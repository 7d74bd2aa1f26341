"""Build the kiosk's domain language model and pronunciation dictionary into build/kiosk/.

Sources (the project's own data, nothing downloaded):
  * every NLU training example in data/nlu/*.yml, with the entity markup stripped;
  * the consultation question texts, button titles and button payloads in data/kb/knowledge.yml;
  * spoken number phrases ("thirty four", "seven out of ten") so ages and scores can be said,
    and the kiosk's own yes/no/goodbye answers.

Text is brought to spoken form (kiosk.textnorm), a back-off trigram ARPA model is counted with
pocketsphinx's own ArpaBoLM, and a dictionary restricted to the corpus words is written from
CMUdict plus kiosk/pronunciations.dict (domain words CMUdict lacks: shiatsu, myofascial, ...).
A corpus word with no pronunciation splits its sentence, so typos in the NLU data never reach the
model; they are listed in oov.txt.

    python -m kiosk.build_lm [--out build/kiosk]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Set, Tuple

import yaml

from kiosk.textnorm import number_words, spoken_words

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "data" / "nlu"
KNOWLEDGE = ROOT / "data" / "kb" / "knowledge.yml"
EXTRA_PRONUNCIATIONS = Path(__file__).resolve().parent / "pronunciations.dict"
DEFAULT_OUT = ROOT / "build" / "kiosk"
LM_NAME, DICT_NAME, CORPUS_NAME, OOV_NAME, STAMP_NAME = (
    "domain.lm", "domain.dict", "corpus.txt", "oov.txt", "build.json",
)
CONTEXT_DIR = "contexts"

DISCOUNT_MASS = 0.3  # ArpaBoLM's fixed back-off mass (0.3 beat 0.5 and 0.7 on a dev set)

# The kiosk's own prompts are answered with these (see kiosk.session).
KIOSK_ANSWERS = (
    "yes", "no", "yes please", "no thanks", "yes that's right", "no that's wrong", "yes i did",
    "no i didn't", "that's right", "that's wrong", "goodbye", "bye", "thank you goodbye",
    "start again", "i don't know", "i'm not sure",
)


def cmudict_path() -> Path:
    from pocketsphinx import get_model_path

    return Path(get_model_path("en-us")) / "cmudict-en-us.dict"


def read_dictionary(path: Path) -> Dict[str, List[str]]:
    """word -> pronunciations (alternates "word(2)" folded under "word")."""
    entries: Dict[str, List[str]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            word, phones = line.split(None, 1)
            word = word.lower().split("(", 1)[0]
            entries.setdefault(word, []).append(" ".join(phones.split()))
    return entries


def nlu_examples(nlu_dir: Path = NLU_DIR) -> Iterator[str]:
    for path in sorted(nlu_dir.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if not isinstance(item, dict) or "regex" in item:
                continue
            examples = item.get("examples")
            if isinstance(examples, str):
                for line in examples.splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        yield line[2:]


def knowledge_texts(path: Path = KNOWLEDGE) -> Iterator[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for question in (data.get("questions") or {}).values():
        if not isinstance(question, dict):
            continue
        if isinstance(question.get("text"), str):
            yield question["text"]
        for button in question.get("buttons") or []:
            for key in ("title", "payload"):
                if isinstance(button.get(key), str):
                    yield button[key]


# Answer contexts: when the bot has just asked a consultation question, the recogniser uses a
# model built from the answers to that question (NLU examples carrying the matching entities, the
# question's button payloads) plus, always, the emergency examples and the general answers, so a
# danger sign is still heard mid-form. question slot -> NLU entities whose examples answer it.
CONTEXT_ENTITIES: Dict[str, Tuple[str, ...]] = {
    "pain_location": ("pain_location", "origin"),
    "pain_quality": ("pain_quality",),
    "severity": ("severity",),
    "duration": ("duration",),
    "frequency": ("frequency",),
    "onset": ("onset",),
    "associated_symptoms": ("symptom",),
    "triggers": ("trigger",),
    "origin": ("origin", "body_part"),
    "red_flags": ("symptom",),
    "medication_use": ("medication", "frequency"),
    "age": (),
}
ALWAYS_INTENTS = ("emergency", "affirm", "deny", "dont_know", "ask_why", "stop", "goodbye")
GENERAL = "general"


def labelled_examples(nlu_dir: Path = NLU_DIR) -> Iterator[Tuple[str, str]]:
    """(intent, raw example with entity markup) pairs."""
    for path in sorted(nlu_dir.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if isinstance(item, dict) and isinstance(item.get("examples"), str) and "intent" in item:
                for line in item["examples"].splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        yield item["intent"], line[2:]


def context_sentences(slot: str) -> Iterator[str]:
    """What people say in answer to the question for ``slot``."""
    entities = CONTEXT_ENTITIES[slot]
    for intent, raw in labelled_examples():
        if intent in ALWAYS_INTENTS or any(f"]({e})" in raw or f'"entity": "{e}"' in raw for e in entities):
            yield raw
    data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8")) or {}
    question = (data.get("questions") or {}).get(slot) or {}
    for button in question.get("buttons") or []:
        for key in ("title", "payload"):
            if isinstance(button.get(key), str):
                yield button[key]
    if slot == "age":
        for value in range(1, 101):
            yield f"i am {number_words(value)}"
            yield f"i'm {number_words(value)} years old"
            yield f"{number_words(value)}"
    if slot == "severity":
        for value in range(0, 11):
            yield f"{number_words(value)} out of ten"
            yield f"about {number_words(value)} out of ten"
            yield f"it's a {number_words(value)}"
    if slot in ("frequency", "medication_use"):
        for value in range(1, 31):
            yield f"about {number_words(value)} days a month"
            yield f"{number_words(value)} days a month"
    if slot == "duration":
        for value in range(1, 73):
            for unit in ("minutes", "hours", "days"):
                yield f"about {number_words(value)} {unit}"
    yield from KIOSK_ANSWERS


def number_phrases() -> Iterator[str]:
    for value in range(0, 11):
        yield f"{number_words(value)} out of ten"
        yield f"about {number_words(value)} out of ten"
        yield f"it's a {number_words(value)}"
    for value in range(1, 101):
        yield f"i am {number_words(value)}"
        yield f"i'm {number_words(value)} years old"
        yield number_words(value)
        yield f"about {number_words(value)} days a month"


def sentences() -> Iterator[Tuple[str, str]]:
    """(source, raw sentence) pairs."""
    for text in nlu_examples():
        yield "nlu", text
    for text in knowledge_texts():
        yield "knowledge", text
    for text in number_phrases():
        yield "numbers", text
    for text in KIOSK_ANSWERS:
        yield "kiosk", text


def corpus_lines(lexicon: Dict[str, List[str]], raws: Iterable[str]) -> Tuple[List[str], Dict[str, int]]:
    """Spoken-form lines; a word with no pronunciation splits the line (and is counted)."""
    lines: List[str] = []
    missing: Dict[str, int] = {}
    for raw in raws:
        chunk: List[str] = []
        for word in spoken_words(raw) + [None]:
            if word is not None and word in lexicon:
                chunk.append(word)
                continue
            if word is not None:
                missing[word] = missing.get(word, 0) + 1
            if chunk:
                lines.append(" ".join(chunk))
            chunk = []
    return lines, missing


def write_arpa(lines: List[str], path: Path) -> None:
    from pocketsphinx.lm import ArpaBoLM

    model = ArpaBoLM(text="\n".join(lines), add_start=True, discount_mass=DISCOUNT_MASS)
    model.compute()
    buffer = io.StringIO()
    model.write(buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def build(out: Path = DEFAULT_OUT, quiet: bool = False) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    lexicon = read_dictionary(cmudict_path())
    extra = read_dictionary(EXTRA_PRONUNCIATIONS)
    lexicon.update(extra)  # our pronunciations win for the words we list
    lines, missing = corpus_lines(lexicon, (raw for _, raw in sentences()))
    vocabulary: Set[str] = {word for line in lines for word in line.split()}

    (out / CORPUS_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_arpa(lines, out / LM_NAME)
    (out / CONTEXT_DIR).mkdir(exist_ok=True)
    for slot in CONTEXT_ENTITIES:
        slot_lines, _ = corpus_lines(lexicon, context_sentences(slot))
        write_arpa(slot_lines, out / CONTEXT_DIR / f"{slot}.lm")
    with open(out / DICT_NAME, "w", encoding="utf-8") as handle:
        for word in sorted(vocabulary):
            for index, phones in enumerate(lexicon[word]):
                name = word if index == 0 else f"{word}({index + 1})"
                handle.write(f"{name} {phones}\n")
    (out / OOV_NAME).write_text(
        "".join(f"{word}\t{count}\n" for word, count in sorted(missing.items(), key=lambda kv: -kv[1])),
        encoding="utf-8",
    )
    stamp = {
        "sentences": len(lines),
        "words": len(vocabulary),
        "domain_words_added": sorted(w for w in extra if w in vocabulary),
        "dropped_words": len(missing),
        "inputs_sha256": inputs_digest(),
    }
    (out / STAMP_NAME).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(
            f"kiosk language model: {len(lines)} lines, {len(vocabulary)} words "
            f"({len(stamp['domain_words_added'])} from kiosk/pronunciations.dict), "
            f"{len(missing)} unpronounceable words skipped (see {out / OOV_NAME}) -> {out}"
        )
    return out


def input_files() -> List[Path]:
    return sorted(NLU_DIR.rglob("*.yml")) + [KNOWLEDGE, EXTRA_PRONUNCIATIONS, Path(__file__),
                                             Path(__file__).with_name("textnorm.py")]


def inputs_digest() -> str:
    digest = hashlib.sha256()
    for path in input_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_built(out: Path = DEFAULT_OUT) -> Path:
    """Build unless build/kiosk is up to date with the data it was built from."""
    stamp = out / STAMP_NAME
    try:
        if json.loads(stamp.read_text())["inputs_sha256"] == inputs_digest() and (out / LM_NAME).exists():
            return out
    except (OSError, ValueError, KeyError):
        pass
    return build(out, quiet=True)


def main(argv: Iterable[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
