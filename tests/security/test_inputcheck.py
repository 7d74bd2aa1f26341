"""The deterministic input checks: one table of messages and the kind each must get, plus a check
against every NLU training example so the checks never take over an ordinary English message."""
import pytest

from actions.clinic.crisis import is_crisis
from actions.clinic.inputcheck import (
    check_input,
    detect_language,
    has_words,
    is_deletion_request,
    is_drug_dose_question,
    load_lists,
    looks_like_code,
)
from tests.support.nlu_data import held_out_files, labelled_examples, training_files


TABLE = [
    # (message, kind)
    ("", "empty"),
    ("   \n\t ", "empty"),
    (None, "empty"),
    ("😀😀😀", "no_words"),
    ("🤕💊", "no_words"),
    ("???!!!", "no_words"),
    ("how many ibuprofen can I take", "drug_dose"),
    ("max dose of paracetamol", "drug_dose"),
    ("What's the maximum dose of Tylenol per day?", "drug_dose"),
    ("can I take 2 nurofen and a paracetamol together", "drug_dose"),
    ("what dose should I take", "drug_dose"),
    ("dose of excedrin?", "drug_dose"),
    ("<script>alert(1)</script>", "code"),
    ('<img src=x onerror="alert(1)">', "code"),
    ("'; DROP TABLE events; --", "code"),
    ('describe_headache{"triage_level":"self_care","headache_type":"tension"}', "code"),
    ("my head hurts {sort of}", None),
    ("1' OR '1'='1", "code"),
    ("me duele mucho la cabeza", "non_english"),
    ("j'ai mal à la tête", "non_english"),
    ("Ich habe seit drei Tagen Kopfschmerzen", "non_english"),
    ("mi fa male la testa", "non_english"),
    ("tenho dor de cabeça", "non_english"),
    ("ik heb hoofdpijn", "non_english"),
    ("我头疼得厉害", "non_english"),
    ("у меня болит голова", "non_english"),
    # ordinary messages: the dialogue handles them
    ("I have a throbbing headache on the left side", None),
    ("7", None),
    ("no", None),
    ("hola", None),  # a lone foreign greeting is left to the NLU (trained as a greeting)
    ("I take 400 mg ibuprofen about twice a week", None),  # an answer, not a dose question
    ("I took paracetamol this morning but it didn't help", None),
    ("pain is < 5 out of 10 and > 2", None),
    ("it's like a tight band, a sort of déjà vu feeling", None),
    ("please delete my data", None),
    ("select the best technique for me", None),
]


@pytest.mark.parametrize("text,kind", TABLE)
def test_input_kind(text, kind):
    assert check_input(text) == kind


def test_helpers():
    assert not has_words("🙂 !!") and has_words("٣") and has_words("a")
    assert looks_like_code("<b>bold</b>") and not looks_like_code("I <3 massage")
    assert is_drug_dose_question("how much aspirin is safe per day")
    assert detect_language("me duele mucho la cabeza") == "es"
    assert detect_language("j'ai mal à la tête") == "fr"
    assert detect_language("my head hurts a lot") is None


def _training_examples():
    return labelled_examples(training_files() + held_out_files())


def test_checks_never_take_over_english_training_examples():
    """Every English training example keeps going through the NLU (no false guard answers),
    except dose questions, which the checks must recognise (almost) all of."""
    examples = list(_training_examples())
    assert len(examples) > 500
    wrong = [(i, t, check_input(t)) for i, t in examples if i != "ask_drug_dose" and check_input(t)]
    assert wrong == []
    crisis = [(i, t) for i, t in examples if is_crisis(t)]
    assert crisis == []
    doses = [t for i, t in examples if i == "ask_drug_dose"]
    caught = [t for t in doses if check_input(t) == "drug_dose"]
    assert len(doses) >= 20 and len(caught) >= 0.9 * len(doses), set(doses) - set(caught)


def test_lists_are_validated(tmp_path):
    path = tmp_path / "checks.yml"
    path.write_text("input_checks:\n  drug_dose: {medicines: [x], questions: [y], dose_questions: [z], dose_words: [w]}\n  language: {en: [the]}\n")
    with pytest.raises(ValueError, match="lacks"):
        load_lists(path)
    assert load_lists().language["fr"] >= {"tete", "jai"}


def test_every_labelled_deletion_request_says_so_in_words():
    """The extractor acts on `delete_my_data` only with deletion wording: no labelled request may
    lack it (training data and both held-out sets)."""
    requests = [t for i, t in _training_examples() if i == "delete_my_data"]
    assert len(requests) > 40
    assert [t for t in requests if not is_deletion_request(t)] == []
    assert not is_deletion_request("my neck is sore and I keep forgetting to drink water")


def test_a_word_repeated_is_one_clue_to_the_language():
    # an English dialect's pronoun said again and again ("mi" is also Spanish) does not outweigh
    # the English words around it
    assert detect_language("mi back hurt mi, mi head hurt mi, mi tired, no fever") is None
    assert detect_language("mi cabeza me duele mucho") == "es"
