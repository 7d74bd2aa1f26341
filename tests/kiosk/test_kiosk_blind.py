"""The kiosk's use of the blind consultations: only the study half (less its dev cases) is training
text; no sealed or fresh sentence reaches a language model, the adaptation set or the dictionary;
every word the models can output has a pronunciation; the benchmark's red-flag words come from the
project's red-flag vocabulary. Failures report counts only, never a sealed sentence."""
from __future__ import annotations

import pytest

from kiosk import adapt, blind, build_lm, evaluate, phrasebook


def _grams(words, n):
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


@pytest.fixture(scope="module")
def built():
    out = build_lm.ensure_built(build_lm.DEFAULT_OUT)
    corpus = [line.split() for line in (out / build_lm.CORPUS_NAME).read_text().splitlines()]
    return out, corpus


def test_training_text_is_study_only_and_leaves_the_dev_cases_out():
    study, sealed = set(blind.case_ids("study")), set(blind.case_ids("sealed"))
    used = {u.case_id for u in blind.training_utterances()}
    dev = {u.case_id for u in blind.dev_utterances()}
    assert used and used <= study and not used & sealed
    assert dev and dev <= study and not dev & used
    assert not used & set(blind.case_ids("fresh"))
    assert {u.case_id for u in build_lm.Sources().study} == used


def test_no_sealed_or_fresh_sentence_reaches_the_models_or_the_adaptation(built):
    out, corpus = built
    training = {" ".join(u.words) for u in blind.training_utterances()}
    nlu = {" ".join(build_lm.speech_words(build_lm.plain(raw))) for _, raw in build_lm.labelled_examples()}
    protected = [u for half in ("sealed", "fresh") for u in blind.utterances(half)]
    # whole sentences of 7+ words: shorter ones ("about five days a month", "i'm forty years old")
    # are said by anyone, and the number templates and phrasebook write such phrases by themselves
    blind_lines = {" ".join(u.words) for u in protected if len(u.words) >= 7} - training - nlu
    lines = {" ".join(line) for line in corpus}
    sources, lexicon = build_lm.Sources(), build_lm.pronunciation_lexicon()  # (read once: each reads every case)
    answers = {" ".join(line) for slot in build_lm.CONTEXT_ENTITIES
               for line in build_lm.corpus_lines(lexicon, sources.answers(slot), {})}
    leaked = len(blind_lines & (lines | answers))
    assert leaked == 0, f"{leaked} sealed or fresh sentences are in the kiosk's training text"
    # n-grams only the sealed / fresh text has (8 words: no chance of the phrasebook writing one)
    known = set()
    for text in training | nlu:
        known |= _grams(text.split(), 8)
    blind_only = set()
    for u in protected:
        blind_only |= _grams(list(u.words), 8)
    blind_only -= known
    in_corpus = sum(1 for line in corpus for gram in _grams(line, 8) if gram in blind_only)
    assert in_corpus == 0, f"{in_corpus} 8-grams of sealed or fresh text are in the corpus"
    # the acoustic adaptation speaks corpus sentences: none of them is a sealed or fresh sentence
    adaptation = {u.text for u in adapt.default_utterances(out)}
    assert adaptation and not adaptation & blind_lines


def test_measured_consultations_are_never_adaptation_data():
    protected = adapt.protected_sentences()
    for half in ("sealed", "fresh"):
        assert all(" ".join(u.words) in protected for u in blind.utterances(half))
    assert all(" ".join(u.words) in protected for u in blind.dev_utterances())


def test_every_model_word_has_a_pronunciation(built):
    out, _ = built
    entries = {}
    for line in (out / build_lm.DICT_NAME).read_text().splitlines():
        word, phones = line.split(None, 1)
        entries.setdefault(word.split("(")[0], []).append(phones)
    for path in [out / build_lm.LM_NAME, *sorted((out / build_lm.CONTEXT_DIR).glob("*.lm"))]:
        text = path.read_text()
        unigrams = text.split("\\1-grams:")[1].split("\\2-grams:")[0].split("\n")
        words = {line.split()[1] for line in unigrams if len(line.split()) >= 2}
        missing = words - set(entries) - {"<s>", "</s>"}
        assert not missing, f"{path.name}: no pronunciation for {sorted(missing)[:10]}"
    # domain words that CMUdict lacks are ours, and kept
    for word in ("shiatsu", "acupressure", "paracetamol", "sumatriptan", "amlodipine", "trapezius", "suboccipital",
                 "meds", "tumour", "physiotherapist"):
        assert word in entries, word
    assert entries["shiatsu"][0].startswith("SH IY")


def test_acronyms_and_possessives_get_a_pronunciation_by_rule():
    lexicon = {"g": ["JH IY"], "p": ["P IY"], "neck": ["N EH K"], "nose": ["N OW Z"], "head": ["HH EH D"]}
    assert build_lm.derived_pronunciation("gp", lexicon) == ["JH IY P IY"]
    assert build_lm.derived_pronunciation("neck's", lexicon) == ["N EH K S"]
    assert build_lm.derived_pronunciation("nose's", lexicon) == ["N OW Z IH Z"]
    assert build_lm.derived_pronunciation("head's", lexicon) == ["HH EH D Z"]
    assert build_lm.derived_pronunciation("blorp", lexicon) == []


def test_phrasebook_is_deterministic_and_covers_spoken_quantities():
    first = list(phrasebook.slot_phrases("duration"))
    assert first == list(phrasebook.slot_phrases("duration"))
    text = " ".join(first + list(phrasebook.general_phrases()))
    for phrase in ("a couple of", "half the", "twice a", "since "):
        assert phrase in text, phrase
    assert all("$" not in s and "{" not in s for s in first)


def test_red_flag_words_come_from_the_project_red_flag_vocabulary():
    from actions.clinic.reading.lexicon import LEXICON_PATH, RED_FLAG_HISTORY, RED_FLAG_SYMPTOMS, lexicon_data
    from kiosk.textnorm import spoken_words

    data = lexicon_data(str(LEXICON_PATH))
    vocabulary = set()
    for phrase in build_lm.RED_FLAG_PHRASES:
        vocabulary |= set(spoken_words(phrase))
    for entity in ("symptom", "onset"):
        for cid, phrases in data["entities"][entity].items():
            if cid in RED_FLAG_SYMPTOMS or cid in RED_FLAG_HISTORY or cid == "sudden_peak_lt_1m":
                for phrase in phrases:
                    vocabulary |= set(spoken_words(phrase))
    assert evaluate.RED_FLAG_WORDS <= vocabulary, sorted(evaluate.RED_FLAG_WORDS - vocabulary)


def test_red_flag_insertions_count_words_heard_more_often_than_said():
    ref, hyp = "my arm feels weak".split(), "my arm feels weak and numb weak".split()
    assert evaluate.red_flag_insertions(ref, hyp) == 2
    assert evaluate.red_flag_insertions(ref, ref) == 0
    assert evaluate.red_flag_insertions("no fever".split(), "no".split()) == 0


def test_sample_is_fixed_and_keeps_openings_in_proportion():
    items = blind.dev_utterances()
    one, two = blind.sample(items, 100, 3), blind.sample(items, 100, 3)
    assert one == two and len(one) == 100
    openings = sum(1 for u in one if u.slot == blind.OPENING)
    assert openings == 100 * sum(1 for u in items if u.slot == blind.OPENING) // len(items)
