"""Build the kiosk's language models and pronunciation dictionary into build/kiosk/.

Sources (the project's own data, nothing downloaded):
  * the NLU training examples in data/nlu/*.yml, entity markup stripped, without the small-talk
    intents (EXCLUDED_INTENTS);
  * the consultation questions' button titles and payloads in data/kb/knowledge.yml;
  * spoken number phrases ("thirty four", "seven out of ten") so ages and scores can be said,
    the kiosk's own yes/no/goodbye answers and a fixed list of red-flag phrases.

Models: domain.lm (general fallback) and one narrow model per consultation question in contexts/
(that question's answers, weighted up, plus yes/no/don't know/why/stop/start over and the red-flag
phrases, which are in every model). Text is brought to spoken form (kiosk.textnorm), back-off
trigram ARPA models are counted with pocketsphinx's own ArpaBoLM, and a dictionary restricted to
the models' words is written from CMUdict plus kiosk/pronunciations.dict (domain words CMUdict
lacks: shiatsu, myofascial, ...). A sentence with a word that has no pronunciation is dropped
whole, so typos in the NLU data never reach a model; those words are listed in oov.txt.

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


# Intents whose examples never reach a model: small talk and off-topic requests are what made the
# first model (all NLU data) map every answer onto chit-chat; the kiosk only needs the consultation.
EXCLUDED_INTENTS = frozenset({"chitchat", "out_of_scope", "bot_challenge"})
# Intents that answer a consultation question (their examples, when they carry the question's
# entities, make up that question's model).
ANSWER_INTENTS = frozenset({"describe_headache", "inform", "affirm", "deny", "dont_know"})
# Heard in every model, so a visitor can always answer, ask why, stop, start over or say goodbye.
CONTROL_INTENTS = ("affirm", "deny", "dont_know", "ask_why", "stop", "restart", "goodbye")
GENERAL = "general"

# Danger signs must never be unrecognisable: these phrases are in every model, weighted so that a
# red flag said in the middle of the form is still heard (kiosk.session then reads it back).
RED_FLAG_PHRASES = (
    "sudden", "suddenly", "it came on suddenly", "sudden severe headache", "worst", "worst ever",
    "the worst headache of my life", "worst headache ever", "thunderclap headache", "weak", "weakness",
    "my arm feels weak", "my leg feels weak", "my arm is weak", "one side of my body is weak", "numb",
    "numbness", "my face is numb", "my arm feels numb", "my face feels numb", "my face is drooping",
    "confused", "confusion", "i feel confused", "i fainted", "i passed out", "fit", "i had a fit",
    "seizure", "i had a seizure", "fever", "a high fever", "i have a fever", "stiff neck",
    "my neck is stiff", "fever and a stiff neck", "rash", "a rash", "vision", "blurry vision",
    "blurred vision", "my vision is blurry", "double vision", "i lost my vision", "i can't see properly",
    "trouble seeing", "trouble speaking", "i can't speak properly", "slurred speech",
    "my speech is slurred", "head injury", "i hit my head", "i had a head injury", "a painful red eye",
    "my eye is red and painful", "i am pregnant", "i just gave birth", "swelling", "vomiting",
    "i keep vomiting", "stroke", "i think i'm having a stroke",
)

# Sentence weights (a sentence counted N times): what is most likely said in a context counts most.
# Tuned on a dev set of our own sentences (not the benchmark's held-out set). The 217 NLU emergency
# examples are in the general model only: in the answer models they outweighed the answers, and
# RED_FLAG_PHRASES keep every danger sign sayable there.
ANSWER_WEIGHT = 8      # a question's own answers, buttons and number templates
COMMON_WEIGHT = 2      # yes / no / don't know / why / stop / start over / goodbye
RED_FLAG_WEIGHT = 2    # RED_FLAG_PHRASES, in every model

# Answer contexts: when the bot has just asked a consultation question, the recogniser uses a
# narrow model built from the answers to that question (NLU examples carrying the matching
# entities, the question's buttons, spoken-number templates) plus the common answers and the red
# flags. question slot -> NLU entities whose examples answer it.
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


def question_buttons(slot: str) -> Iterator[str]:
    data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8")) or {}
    question = (data.get("questions") or {}).get(slot) or {}
    for button in question.get("buttons") or []:
        for key in ("title", "payload"):
            if isinstance(button.get(key), str):
                yield button[key]


def number_templates(slot: str) -> Iterator[str]:
    """Spoken-number answers for the questions that take a number."""
    if slot == "age":
        for value in range(1, 101):
            yield f"i am {number_words(value)}"
            yield f"i'm {number_words(value)} years old"
            yield f"i am {number_words(value)} years old"
            yield number_words(value)
    if slot == "severity":
        for value in range(0, 11):
            for form in ("{} out of ten", "about {} out of ten", "maybe {} out of ten", "it's a {}",
                         "about a {}", "maybe a {}", "{}"):
                yield form.format(number_words(value))
    if slot in ("frequency", "medication_use"):
        for value in range(1, 31):
            for form in ("about {} days a month", "{} days a month", "maybe {} days a month"):
                yield form.format(number_words(value))
        for value in range(1, 8):
            yield f"{number_words(value)} days a week"
            yield f"about {number_words(value)} days a week"
    if slot == "duration":
        for value in range(1, 73):
            for unit in ("minutes", "hours", "days"):
                yield f"about {number_words(value)} {unit}"
                yield f"around {number_words(value)} {unit}"
                yield f"{number_words(value)} {unit}"


def weighted(texts: Iterable[str], weight: int) -> Iterator[str]:
    for text in texts:
        for _ in range(weight):
            yield text


def common_sentences() -> Iterator[str]:
    """In every model: control answers (yes, no, don't know, why, stop, start over) and red flags."""
    control = [raw for intent, raw in labelled_examples() if intent in CONTROL_INTENTS]
    yield from weighted(control + list(KIOSK_ANSWERS), COMMON_WEIGHT)
    yield from weighted(RED_FLAG_PHRASES, RED_FLAG_WEIGHT)


def context_sentences(slot: str) -> Iterator[str]:
    """What people say in answer to the question for ``slot`` (and what may always be said)."""
    entities = CONTEXT_ENTITIES[slot]
    answers = [
        raw for intent, raw in labelled_examples()
        if intent in ANSWER_INTENTS and any(f"]({e})" in raw or f'"entity": "{e}"' in raw for e in entities)
    ]
    answers += list(question_buttons(slot)) + list(number_templates(slot))
    yield from weighted(answers, ANSWER_WEIGHT)
    yield from common_sentences()


def general_sentences() -> Iterator[str]:
    """The fallback model: every consultation-related NLU example, the buttons, the numbers."""
    for intent, raw in labelled_examples():
        if intent not in EXCLUDED_INTENTS and intent not in CONTROL_INTENTS:
            yield raw  # includes the emergency examples
    data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8")) or {}
    for slot in (data.get("questions") or {}):
        yield from question_buttons(slot)
    yield from number_phrases()
    yield from common_sentences()


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


def corpus_lines(lexicon: Dict[str, List[str]], raws: Iterable[str]) -> Tuple[List[str], Dict[str, int]]:
    """Spoken-form lines. A sentence with a word that has no pronunciation (in the NLU data nearly
    always a deliberate typo: "migrane", "headach") is dropped whole, so neither the typo nor the
    broken fragments around it reach the model; the missing words are counted."""
    lines: List[str] = []
    missing: Dict[str, int] = {}
    for raw in raws:
        words = spoken_words(raw)
        unknown = [word for word in words if word not in lexicon]
        for word in unknown:
            missing[word] = missing.get(word, 0) + 1
        if words and not unknown:
            lines.append(" ".join(words))
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
    lines, missing = corpus_lines(lexicon, general_sentences())
    vocabulary: Set[str] = {word for line in lines for word in line.split()}

    (out / CORPUS_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_arpa(lines, out / LM_NAME)
    (out / CONTEXT_DIR).mkdir(exist_ok=True)
    for slot in CONTEXT_ENTITIES:
        slot_lines, slot_missing = corpus_lines(lexicon, context_sentences(slot))
        for word, count in slot_missing.items():
            missing.setdefault(word, count)
        vocabulary.update(word for line in slot_lines for word in line.split())
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
