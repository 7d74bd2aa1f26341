"""Self-harm statements are recognised deterministically; pain idioms are not."""
import pytest

from actions.clinic.crisis import crisis_match, is_crisis, load_phrases, normalize, phrase_pattern

CRISIS = [
    "I want to end it all",
    "I'm going to kill myself",
    "no point living with this pain",
    "im gonna KILL MYSELF tonight",
    "I’m going to kill  myself",
    "honestly I don't want to live anymore",
    "i dont want to be alive with these headaches",
    "I've been thinking about suicide",
    "I feel suicidal",
    "sometimes I want to hurt myself",
    "I have been self-harming... I want to self harm again",
    "I'd be better off dead",
    "I wish I was dead",
    "there's nothing to live for",
    "I'm going to take all my pills",
    "quiero morir, me duele mucho",
    "je veux mourir",
    # a condition's name beside a statement: the statement still counts
    "these suicide headaches make me want to die",
    "my cluster is called the suicide headache and I have thought about suicide",
]

NOT_CRISIS = [
    "my head is killing me",
    "this headache is killing me, what do I do",
    "I'm dying for a coffee",
    "the pain is at the end of the day",
    "it ends when I sleep",
    "I took an ibuprofen at the end of it all day",
    "is there any point in massage",
    "life with migraines is hard",
    "I cut my finger yesterday",
    # cluster headache's and trigeminal neuralgia's nicknames name a condition, not a wish
    "bout is back, the usual suicide headache behind my right eye",
    "they call trigeminal neuralgia the suicide disease, is massage ok for it?",
    "",
    None,
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_statements_are_recognised(text):
    assert is_crisis(text), text


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_pain_idioms_and_ordinary_messages_are_not_crisis(text):
    assert not is_crisis(text), (text, crisis_match(text))


def test_normalize_drops_apostrophes_case_and_extra_spaces():
    assert normalize("  I’M   Don't\tKNOW ") == "im dont know"
    assert normalize("tête", strip_accents=True) == "tete"
    assert normalize(None) == ""


def test_phrase_pattern_matches_whole_words_only():
    pattern = phrase_pattern(["end it all", "self-harm"])
    assert pattern.search("i want to end it all")
    assert pattern.search("self harm") and pattern.search("selfharm")
    assert not pattern.search("spend it allowance")
    with pytest.raises(ValueError):
        phrase_pattern([])


def test_phrase_list_is_validated(tmp_path):
    bad = tmp_path / "crisis.yml"
    bad.write_text("crisis:\n  phrases: [Kill Myself]\n")
    with pytest.raises(ValueError, match="lowercase"):
        load_phrases(bad)
    bad.write_text("crisis:\n  phrases: []\n")
    with pytest.raises(ValueError, match="non-empty"):
        load_phrases(bad)
    good = tmp_path / "ok.yml"
    good.write_text("crisis:\n  phrases: [walk into the sea]\n")
    assert is_crisis("I want to walk into the sea", path=good)
    assert not is_crisis("I want to kill myself", path=good)  # the list is the only source
