"""Build the kiosk's language models and pronunciation dictionary into build/kiosk/.

Sources (the project's own data, nothing downloaded):
  * the NLU training examples in data/nlu/*.yml without the small-talk intents (EXCLUDED_INTENTS),
    brought to spoken form (kiosk.textnorm);
  * the same examples with their entities swapped for other wordings of the same entity type
    (data/kb/lexicon.yml and the other annotated examples): "it's [throbbing] on the [left]" also
    teaches "it's pounding at the back of my head" — phrasing the examples never had;
  * the consultation questions' buttons, the massage techniques' names (data/kb/knowledge.yml),
    spoken-number answers ("thirty four", "seven out of ten"), the kiosk's own yes/no/goodbye
    answers and a fixed list of red-flag phrases.

Models (interpolated Kneser-Ney trigrams, kiosk.ngram, written as ARPA):
  * domain.lm — the general model (every consultation and knowledge example) mixed with the
    "always" model (yes / no / don't know / why / stop / start over / goodbye / red flags);
  * contexts/<slot>.lm — for each consultation question: a model of its answers (examples that
    carry the question's entities, their entity swaps, the buttons and number templates) mixed
    with the "always" model and, with a small weight, the general model, so an answer phrased
    like no example is still sayable and a red flag is never unrecognisable.

The dictionary is CMUdict restricted to the models' words plus kiosk/pronunciations.dict (domain
words CMUdict lacks: shiatsu, myofascial, ...). A sentence with a word that has no pronunciation
(nearly always a deliberate typo in the NLU data) or a typed-only token ("u", "tho", "idk") is
dropped whole; those words are listed in oov.txt.

    python -m kiosk.build_lm [--out build/kiosk]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import yaml

from actions.clinic.reading.lexicon import LEXICON_PATH, lexicon_data
from kiosk import blind, ngram, phrasebook
from kiosk.textnorm import TYPED_CONTRACTIONS, number_words, spoken_words

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "data" / "nlu"
KNOWLEDGE = ROOT / "data" / "kb" / "knowledge.yml"
LEXICON = LEXICON_PATH  # read through the clinical reader's one loader
EXTRA_PRONUNCIATIONS = Path(__file__).resolve().parent / "pronunciations.dict"
DEFAULT_OUT = ROOT / "build" / "kiosk"
LM_NAME, DICT_NAME, CORPUS_NAME, OOV_NAME, STAMP_NAME = (
    "domain.lm", "domain.dict", "corpus.txt", "oov.txt", "build.json",
)
CONTEXT_DIR = "contexts"
GENERAL = "general"

# Mixture weights and augmentation, chosen on a dev set of our own sentences (not the benchmark's
# held-out set): see kiosk/README.md "How the numbers were reached".
CONTEXT_MIX = {"answers": 0.5, "phrases": 0.1, "buttons": 0.05, "always": 0.05, "general": 0.3}
GENERAL_MIX = {"general": 0.3, "study": 0.6, "phrases": 0.05, "always": 0.05}
SWAPS_PER_EXAMPLE = 4      # entity-swapped copies of each annotated example (answer models)
SWAPS_IN_GENERAL = False   # the swaps made the general model too diffuse
SEED = 7                   # the swaps are random but the same on every build

# The kiosk's own prompts are answered with these (see kiosk.session).
KIOSK_ANSWERS = (
    "yes", "no", "yes please", "no thanks", "yes that's right", "no that's wrong", "yes i did",
    "no i didn't", "that's right", "that's wrong", "goodbye", "bye", "thank you goodbye",
    "start again", "i don't know", "i'm not sure", "none", "nothing", "none of them", "not really",
)

# Typed-chat tokens nobody says; a sentence containing one is dropped (its spoken twin is usually
# in the data too). Apostrophe-less contractions and chat shorthand are repaired by
# kiosk.textnorm before this check.
TYPED_ONLY = frozenset(
    "u ur r y k tho thru pls plz lol omg idk btw bc cuz coz ya ugh ta xx x "
    "".split()
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


# Intents whose examples never reach a model: small talk and off-topic requests made the first
# model (all NLU data) map every answer onto chit-chat; the kiosk only needs the consultation.
EXCLUDED_INTENTS = frozenset({"chitchat", "out_of_scope", "bot_challenge"})
# Intents that answer a consultation question (their examples, when they carry the question's
# entities, make up that question's model).
ANSWER_INTENTS = frozenset({"describe_headache", "inform", "affirm", "deny", "dont_know"})
# Heard in every model, so a visitor can always answer, ask why, stop, start over or say goodbye.
CONTROL_INTENTS = ("affirm", "deny", "dont_know", "ask_why", "stop", "restart", "goodbye", "thank")

# Danger signs must never be unrecognisable: these phrases are in every model (the "always" part
# of each mixture), so a red flag said in the middle of the form is still heard (kiosk.session then
# reads it back).
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

# Answer contexts: when the bot has just asked a consultation question, the recogniser uses that
# question's model. question slot -> NLU entities whose examples answer it.
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
    # questions whose answers the NLU data does not annotate: their models come from the study
    # half's answers and the phrasebook
    "headache_history": ("duration",),
    "aura_history": (),
    "attack_history": (),
    "progression": (),
    "doctor_seen": (),
    "pregnancy": (),
    "other_conditions": ("medication",),
}

# Rasa entity markup: [text](entity), [text](entity:value), [text]{"entity": "...", ...}
_MARKUP = re.compile(r"\[([^\]]*)\](?:\(([^)]*)\)|(\{[^}]*\}))")


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


def segments(raw: str) -> List[Tuple[str, str]]:
    """An example as (entity or "", text) pieces: "[dull](pain_quality) ache" ->
    [("pain_quality", "dull"), ("", " ache")]."""
    pieces, position = [], 0
    for match in _MARKUP.finditer(raw):
        pieces.append(("", raw[position:match.start()]))
        if match.group(2) is not None:
            entity = match.group(2).split(":", 1)[0].strip()
        else:
            try:
                entity = json.loads(match.group(3)).get("entity", "")
            except ValueError:
                entity = ""
        pieces.append((entity, match.group(1)))
        position = match.end()
    pieces.append(("", raw[position:]))
    return [piece for piece in pieces if piece[1]]


def entities_of(raw: str) -> Set[str]:
    return {entity for entity, _ in segments(raw) if entity}


def plain(raw: str) -> str:
    return "".join(text for _, text in segments(raw))


def entity_wordings(examples: Sequence[Tuple[str, str]]) -> Dict[str, List[str]]:
    """entity -> the wordings seen for it: annotated spans in the NLU data and lexicon phrases."""
    wordings: Dict[str, Set[str]] = {}
    for _, raw in examples:
        for entity, text in segments(raw):
            if entity:
                wordings.setdefault(entity, set()).add(text.strip().lower())
    lexicon = lexicon_data(str(LEXICON)) or {}
    for section in ("entities", "nlu_entities"):
        for entity, groups in (lexicon.get(section) or {}).items():
            if entity not in wordings:
                continue  # only entities the NLU data annotates (technique, medication, ...)
            for phrases in (groups or {}).values():
                wordings[entity].update(p.lower() for p in phrases or [] if isinstance(p, str))
    return {entity: sorted(w for w in values if w) for entity, values in wordings.items()}


def swapped(raw: str, wordings: Dict[str, List[str]], rng: random.Random, copies: int) -> Iterator[str]:
    """``copies`` versions of an annotated example with every entity replaced by another wording
    of the same entity type (markup kept, so the copies still count as answers)."""
    pieces = segments(raw)
    if not any(entity in wordings for entity, _ in pieces):
        return
    for _ in range(copies):
        out = []
        for entity, text in pieces:
            if entity in wordings:
                out.append(f"[{rng.choice(wordings[entity])}]({entity})")
            else:
                out.append(text)
        yield "".join(out)


def question_buttons(slot: str) -> Iterator[str]:
    data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8")) or {}
    question = (data.get("questions") or {}).get(slot) or {}
    for button in question.get("buttons") or []:
        for key in ("title", "payload"):
            if isinstance(button.get(key), str):
                yield button[key]


def knowledge_names() -> Iterator[str]:
    """Names a visitor may ask about: the techniques and headache types in the knowledge base."""
    data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8")) or {}
    for section in ("techniques", "headache_types"):
        for key, item in (data.get(section) or {}).items():
            yield key.replace("_", " ")
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                yield re.sub(r"\([^)]*\)", " ", item["name"])


def number_templates(slot: str) -> Iterator[str]:
    """Spoken-number answers for the questions that take a number."""
    if slot == "age":
        for value in range(1, 101):
            yield f"i am {number_words(value)}"
            yield f"i'm {number_words(value)}"
            yield f"i'm {number_words(value)} years old"
            yield f"i am {number_words(value)} years old"
            yield number_words(value)
    if slot == "severity":
        for value in range(0, 11):
            for form in ("{} out of ten", "about {} out of ten", "maybe {} out of ten", "it's a {}",
                         "about a {}", "maybe a {}", "{}", "around {}", "a {}"):
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


class Sources:
    """The training text, read once per build."""

    def __init__(self, nlu_dir: Path = NLU_DIR, study: bool = True):
        self.examples = [(i, raw) for i, raw in labelled_examples(nlu_dir) if i not in EXCLUDED_INTENTS]
        self.wordings = entity_wordings(self.examples)
        rng = random.Random(SEED)
        self.swaps: List[Tuple[str, str]] = []
        for intent, raw in self.examples:
            for copy in swapped(raw, self.wordings, rng, SWAPS_PER_EXAMPLE):
                self.swaps.append((intent, copy))
        # The study half of the blind consultations, less its dev cases (kiosk.blind): never the
        # sealed half, never a fresh case.
        self.study = blind.training_utterances() if study else []

    def always(self) -> Iterator[str]:
        """In every model: control answers (yes, no, don't know, why, stop, start over) and red flags."""
        for intent, raw in self.examples:
            if intent in CONTROL_INTENTS:
                yield plain(raw)
        yield from KIOSK_ANSWERS
        yield from RED_FLAG_PHRASES

    def answers(self, slot: str) -> Iterator[str]:
        """What people say in answer to the question for ``slot``."""
        wanted = set(CONTEXT_ENTITIES[slot])
        for intent, raw in self.examples + self.swaps:
            if intent in ANSWER_INTENTS and entities_of(raw) & wanted:
                yield plain(raw)
        yield from question_buttons(slot)
        yield from number_templates(slot)

    def study_answers(self, slot: str) -> Iterator[str]:
        """The study half's answers to that question."""
        for utterance in self.study:
            if utterance.slot == slot:
                yield utterance.text

    def phrases(self, slot: Optional[str] = None) -> Iterator[str]:
        """The phrasebook's paraphrase families (kiosk.phrasebook)."""
        yield from (phrasebook.slot_phrases(slot) if slot else phrasebook.general_phrases())

    def buttons(self, slot: str) -> Iterator[str]:
        """The question's buttons, which the voice channel reads out as choices."""
        yield from question_buttons(slot)

    def general(self) -> Iterator[str]:
        """Every consultation and knowledge example (and their swaps), the buttons, the numbers."""
        for intent, raw in self.examples + (self.swaps if SWAPS_IN_GENERAL else []):
            if intent not in CONTROL_INTENTS:
                yield plain(raw)
        data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8")) or {}
        for slot in (data.get("questions") or {}):
            yield from question_buttons(slot)
        yield from knowledge_names()
        yield from number_phrases()

    def study_text(self) -> Iterator[str]:
        """Everything the study half's visitors said: openings and answers."""
        for utterance in self.study:
            yield utterance.text


def speech_words(text: str) -> List[str]:
    """Spoken words of a training sentence, typed contractions repaired ("dont" -> "don't")."""
    return [TYPED_CONTRACTIONS.get(word, word) for word in spoken_words(text)]


def corpus_lines(lexicon: Dict[str, List[str]], raws: Iterable[str],
                 missing: Dict[str, int], split: bool = False) -> List[List[str]]:
    """Spoken-form sentences. A sentence with a word that has no pronunciation (in the NLU data
    nearly always a deliberate typo: "migrane", "headach") or a typed-only token is dropped whole,
    so neither the typo nor the broken fragments around it reach the model; the words are counted.
    With ``split`` (the visitors' own text, long and rarely a typo) the sentence is cut at such a
    word instead and the pieces are kept."""
    lines: List[List[str]] = []
    for raw in raws:
        words = speech_words(raw)
        unknown = [word for word in words if word not in lexicon or word in TYPED_ONLY]
        for word in unknown:
            missing[word] = missing.get(word, 0) + 1
        if words and not unknown:
            lines.append(words)
        elif split and words:
            piece: List[str] = []
            for word in words + [None]:
                if word is None or word not in lexicon or word in TYPED_ONLY:
                    if piece:
                        lines.append(piece)
                    piece = []
                else:
                    piece.append(word)
    return lines


def mixture(models: Dict[str, ngram.KneserNey], weights: Dict[str, float]) -> ngram.Mixture:
    return ngram.Mixture([(weight, models[name]) for name, weight in weights.items()])


def write_model(model, path: Path, note: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        ngram.write_arpa(model, handle, header=f"HeadEase kiosk language model: {note}")


_VOWELS = set("aeiouy")


def derived_pronunciation(word: str, lexicon: Dict[str, List[str]]) -> List[str]:
    """Pronunciations by rule for a word CMUdict lacks: an acronym without vowels ("gp", "hrt") is
    spelled letter by letter; "neck's" / "eyesight's" is the word plus /s/, /z/ or /ih z/."""
    if word.endswith("'s") and word[:-2] in lexicon:
        out = []
        for phones in lexicon[word[:-2]]:
            last = phones.split()[-1]
            suffix = "IH Z" if last in ("S", "Z", "SH", "ZH", "CH", "JH") else ("S" if last in ("P", "T", "K", "F", "TH") else "Z")
            out.append(f"{phones} {suffix}")
        return out
    if 2 <= len(word) <= 5 and word.isalpha() and not set(word) & _VOWELS and all(c in lexicon for c in word):
        return [" ".join(lexicon[c][0] for c in word)]
    return []


def pronunciation_lexicon(words: Iterable[str] = ()) -> Dict[str, List[str]]:
    """CMUdict, kiosk/pronunciations.dict (ours win) and the rule-derived entries for ``words``."""
    lexicon = read_dictionary(cmudict_path())
    lexicon.update(read_dictionary(EXTRA_PRONUNCIATIONS))
    for word in set(words):
        if word not in lexicon:
            derived = derived_pronunciation(word, lexicon)
            if derived:
                lexicon[word] = derived
    return lexicon


def build(out: Path = DEFAULT_OUT, quiet: bool = False) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    extra = read_dictionary(EXTRA_PRONUNCIATIONS)
    sources = Sources()
    study_raw = list(sources.study_text())
    lexicon = pronunciation_lexicon(w for raw in study_raw for w in speech_words(raw))
    missing: Dict[str, int] = {}
    general_lines = corpus_lines(lexicon, sources.general(), missing)
    always_lines = corpus_lines(lexicon, sources.always(), missing)
    study_lines = corpus_lines(lexicon, study_raw, missing, split=True)
    phrase_lines = corpus_lines(lexicon, sources.phrases(), missing)
    models = {"general": ngram.KneserNey(general_lines), "always": ngram.KneserNey(always_lines),
              "study": ngram.KneserNey(study_lines or [["no"]]), "phrases": ngram.KneserNey(phrase_lines)}
    answers = {slot: corpus_lines(lexicon, sources.answers(slot), missing)
               + corpus_lines(lexicon, sources.study_answers(slot), missing, split=True) for slot in CONTEXT_ENTITIES}
    slot_phrases = {slot: corpus_lines(lexicon, sources.phrases(slot), missing) for slot in CONTEXT_ENTITIES}
    vocabulary: Set[str] = {w for lines in [general_lines, always_lines, study_lines, phrase_lines, *answers.values(),
                                            *slot_phrases.values()] for line in lines for w in line}
    for model in models.values():  # one vocabulary for every model, so every mixture sums to one
        model.set_vocabulary(vocabulary)

    (out / CORPUS_NAME).write_text("\n".join(" ".join(line) for line in general_lines + study_lines) + "\n",
                                   encoding="utf-8")
    general = mixture(models, GENERAL_MIX)
    write_model(general, out / LM_NAME, f"general {GENERAL_MIX}")
    # the answer models mix in the general model as a whole (its own parts and weights)
    models["general"] = general
    (out / CONTEXT_DIR).mkdir(exist_ok=True)
    for slot in CONTEXT_ENTITIES:
        models["answers"] = ngram.KneserNey(answers[slot])
        models["phrases"] = ngram.KneserNey(slot_phrases[slot] or [["no"]])
        # the wordings the question itself offers ("None of these") are the likeliest answers
        models["buttons"] = ngram.KneserNey(corpus_lines(lexicon, sources.buttons(slot), missing) or [["no"]])
        for name in ("answers", "buttons", "phrases"):
            models[name].set_vocabulary(vocabulary)
        write_model(mixture(models, CONTEXT_MIX), out / CONTEXT_DIR / f"{slot}.lm", f"{slot} {CONTEXT_MIX}")
    vocabulary -= {ngram.BOS, ngram.EOS}
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
        "sentences": len(general_lines),
        "study_lines": len(study_lines),
        "phrase_lines": len(phrase_lines) + sum(map(len, slot_phrases.values())),
        "words": len(vocabulary),
        "domain_words_added": sorted(w for w in extra if w in vocabulary),
        "dropped_words": len(missing),
        "inputs_sha256": inputs_digest(),
    }
    (out / STAMP_NAME).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(
            f"kiosk language model: {len(general_lines)} sentences, {len(vocabulary)} words "
            f"({len(stamp['domain_words_added'])} from kiosk/pronunciations.dict), "
            f"{len(missing)} unpronounceable or typed-only words skipped (see {out / OOV_NAME}) -> {out}"
        )
    return out


def input_files() -> List[Path]:
    here = Path(__file__).resolve().parent
    return sorted(NLU_DIR.rglob("*.yml")) + [KNOWLEDGE, LEXICON, EXTRA_PRONUNCIATIONS, Path(__file__),
                                             here / "textnorm.py", here / "ngram.py", here / "phrasebook.py",
                                             here / "blind.py"]


def inputs_digest() -> str:
    digest = hashlib.sha256()
    for path in input_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    # the study half's training text itself (not the case files: a fresh batch being written, or
    # a sealed case, must not trigger a rebuild or be hashed in)
    for utterance in blind.training_utterances():
        digest.update(f"{utterance.case_id}|{utterance.slot}|{utterance.text}\n".encode())
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
