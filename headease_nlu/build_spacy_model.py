"""Build the spaCy pipeline that SpacyNLP loads: blank English + lookup lemmatizer + entity_ruler.

The ruler's patterns come from data/kb/lexicon.yml (label = Rasa entity, pattern id = canonical
id). Each phrase gives a LOWER pattern (with UK/US spelling alternatives) and, where lemmas help
with plurals and verb forms ("throbs" ~ "throbbing"), a LEMMA pattern. Determiners inside a phrase
are optional and interchangeable ("back of my head" ~ "back of the head" ~ "back of head").

The model is rebuilt only when the lexicon, this package's builder code or the spaCy versions
change (hash in <out>/headease_build.json).

    python -m headease_nlu.build_spacy_model [--out DIR] [--lexicon FILE] [--force]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Tuple

from headease_nlu.lexicon import (
    DEFAULT_LEXICON,
    DETERMINERS,
    ENTITY_PRIORITY,
    iter_phrases,
    key_from_words,
    load_lexicon,
    spelling_variants,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "spacy_en_headease"
STAMP_NAME = "headease_build.json"
META_KEY = "headease"
# Irregular comparatives whose lookup lemmas change the meaning ("worst" -> "wrong"/"bad").
_NEVER_LEMMATISE = {"worse", "worst", "better", "best", "less", "least", "more", "most"}
# Activity and quality words whose lemma is an everyday verb with another sense: "pressing" must
# not match "press a glass", "fasting" not "fast", "lifting" not "can't lift my arm".
_NEVER_LEMMATISE |= {
    "pressing", "hammering", "fasting", "lifting", "reading", "drinking", "drinks", "climbing",
    "training", "working", "sitting", "beating", "banging", "shooting", "boring", "dieting",
    "running", "hiking", "studying", "driving", "sewing", "smoking", "swimming", "cycling",
    "staring", "looking", "stabbing", "drilling", "piercing", "jabbing", "burning", "splitting",
}


def _build_inputs_digest(lexicon_path: Path) -> str:
    from importlib.metadata import version  # cheap: importing spacy would pull in TensorFlow

    h = hashlib.sha256()
    h.update(Path(lexicon_path).read_bytes())
    for module in ("build_spacy_model.py", "lexicon.py"):
        h.update((Path(__file__).resolve().parent / module).read_bytes())
    for dist in ("spacy", "spacy-lookups-data"):
        h.update(f"{dist}=={version(dist)}".encode())
    return h.hexdigest()


def is_up_to_date(out: Path, lexicon_path: Path = DEFAULT_LEXICON) -> bool:
    stamp = Path(out) / STAMP_NAME
    if not stamp.is_file() or not (Path(out) / "meta.json").is_file():
        return False
    try:
        recorded = json.loads(stamp.read_text())["inputs_sha256"]
    except (ValueError, KeyError):
        return False
    return recorded == _build_inputs_digest(lexicon_path)


def _use_lemma(lower: str, lemma: str) -> bool:
    """Lemma matching only for regular inflections: the lemma is (nearly) a prefix of the word."""
    if not lemma or lemma == lower or lower in _NEVER_LEMMATISE or lower in DETERMINERS:
        return False
    if not lemma.isalpha():
        return False
    shared = 0
    for a, b in zip(lower, lemma):
        if a != b:
            break
        shared += 1
    return shared >= 3 and shared >= len(lemma) - 1


def phrase_patterns(nlp: Any, phrase: str) -> Tuple[List[List[Dict[str, Any]]], List[str], List[str]]:
    """Token patterns for one phrase, plus its lowercase words and lemmas."""
    doc = nlp(phrase.lower())
    words = [t.lower_ for t in doc if not t.is_space]
    lemmas = [(t.lemma_ or t.lower_).lower() for t in doc if not t.is_space]
    if not words:
        return [], [], []
    lower_pattern: List[Dict[str, Any]] = []
    lemma_pattern: List[Dict[str, Any]] = []
    any_lemma = False
    for i, (word, lemma) in enumerate(zip(words, lemmas)):
        if word in DETERMINERS and len(words) > 1:
            # Leading determiner: required (the span keeps it) but any determiner will do;
            # inside the phrase: optional.
            spec = {"LOWER": {"IN": list(DETERMINERS)}}
            if i > 0:
                spec["OP"] = "?"
            lower_pattern.append(spec)
            lemma_pattern.append(dict(spec))
            continue
        forms = [word] + spelling_variants(word)
        lower_pattern.append({"LOWER": {"IN": forms}} if len(forms) > 1 else {"LOWER": word})
        if _use_lemma(word, lemma):
            any_lemma = True
            lemma_pattern.append({"LEMMA": lemma})
        else:
            lemma_pattern.append(dict(lower_pattern[-1]))
    patterns = [lower_pattern] + ([lemma_pattern] if any_lemma else [])
    return patterns, words, lemmas


def _priority(entity: str) -> int:
    return ENTITY_PRIORITY.index(entity) if entity in ENTITY_PRIORITY else len(ENTITY_PRIORITY)


def build(lexicon_path: Path = DEFAULT_LEXICON, out: Path = DEFAULT_OUT) -> Dict[str, Any]:
    """Build and save the pipeline; returns a small report (counts, cross-entity ties)."""
    import spacy

    entities = load_lexicon(lexicon_path)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data

    # pattern (as JSON) -> candidate (entity, id) list; phrase key -> candidates
    by_pattern: Dict[str, List[Tuple[str, str]]] = defaultdict(list)
    index: Dict[str, List[Tuple[str, str]]] = defaultdict(list)
    n_phrases = 0
    for entity, canonical, phrase in iter_phrases(entities):
        n_phrases += 1
        patterns, words, lemmas = phrase_patterns(nlp, phrase)
        for pattern in patterns:
            cands = by_pattern[json.dumps(pattern, sort_keys=True)]
            if (entity, canonical) not in cands:
                cands.append((entity, canonical))
        for key in {key_from_words(words), key_from_words(lemmas)}:
            if key and (entity, canonical) not in index[key]:
                index[key].append((entity, canonical))

    ruler_patterns = []
    ties = {}
    for pattern_json, cands in by_pattern.items():
        cands.sort(key=lambda c: _priority(c[0]))
        entity, canonical = cands[0]
        ruler_patterns.append({"label": entity, "pattern": json.loads(pattern_json), "id": canonical})
        if len({c[0] for c in cands}) > 1:
            ties[pattern_json] = cands
    for key in index:
        index[key].sort(key=lambda c: _priority(c[0]))

    ruler = nlp.add_pipe("entity_ruler", config={"validate": True, "overwrite_ents": True})
    ruler.add_patterns(ruler_patterns)
    nlp.meta["name"] = "en_headease"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "HeadEase: blank English + lookup lemmatizer + lexicon entity_ruler"
    nlp.meta[META_KEY] = {
        "lexicon": str(lexicon_path),
        "entity_priority": list(ENTITY_PRIORITY),
        "phrase_index": {k: [list(c) for c in v] for k, v in sorted(index.items())},
    }

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    tmp.chmod(0o755)
    try:
        nlp.to_disk(tmp)
        (tmp / STAMP_NAME).write_text(
            json.dumps({"inputs_sha256": _build_inputs_digest(lexicon_path)}, indent=2) + "\n"
        )
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return {
        "phrases": n_phrases,
        "patterns": len(ruler_patterns),
        "cross_entity_ties": len(ties),
        "out": str(out),
    }


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--lexicon", type=Path, default=DEFAULT_LEXICON)
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    if not args.lexicon.is_file():
        print(f"lexicon not found: {args.lexicon}", file=sys.stderr)
        return 2
    if not args.force and is_up_to_date(args.out, args.lexicon):
        print(f"{args.out} is up to date")
        return 0
    report = build(args.lexicon, args.out)
    print(
        f"built {report['out']}: {report['phrases']} phrases -> {report['patterns']} patterns "
        f"({report['cross_entity_ties']} shared between entities, resolved by priority)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
