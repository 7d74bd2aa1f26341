"""The closed-class short-reply lexicon (headease_nlu/short_replies.yml) and its lookup."""
import pytest

from headease_nlu import short_replies
from headease_nlu.intent_rules import relabel
from tests.support.nlu_data import labelled_examples, training_files
from headease_nlu.short_replies import ShortReplyLexiconError, classify, load_lexicon, normalise

def test_lexicon_loads_and_covers_the_social_intents():
    table = load_lexicon()
    assert set(table.values()) == {"greet", "goodbye", "affirm", "deny", "thank", "dont_know", "stop"}
    assert len(table) > 300


def test_a_phrase_listed_twice_is_refused(tmp_path):
    path = tmp_path / "short.yml"
    path.write_text("affirm: [yes, ok]\ndeny: ['no', OK]\n")
    with pytest.raises(ShortReplyLexiconError, match="listed twice"):
        load_lexicon(path)


@pytest.mark.parametrize("text,intent", [
    ("ta", "thank"), ("Ta!", "thank"), ("Negative.", "deny"), ("halt", "stop"),
    ("g\u2019day", "greet"), ("farewell", "goodbye"), ("certainly not", "deny"),
    ("Noooooo", "deny"), ("yesss", "affirm"), ("oh thanks", "thank"), ("bye bot", "goodbye"),
    ("um i dunno", "dont_know"), ("  OK  ", "affirm"), ("\U0001F44D", "affirm"),
])
def test_whole_message_replies(text, intent):
    assert classify(text) == intent


@pytest.mark.parametrize("text", [
    "no fever", "yes on the left", "help", "please help me", "maybe", "sometimes", "morning",
    "stop the pain", "", "   ", "?", "thanks but my left arm is numb", "x" * 100,
])
def test_anything_more_than_the_marker_is_left_to_the_classifier(text):
    assert classify(text) is None


def test_normalise():
    assert normalise("  \u201cThanks!!\u201d ") == "thanks"
    assert normalise("I\u2019m  off") == "i'm off"


def test_relabel_puts_the_reply_on_top_and_halves_the_rest():
    parse = relabel({"intent_ranking": [{"name": "goodbye", "confidence": 0.6}, {"name": "thank", "confidence": 0.3}]}, "thank")
    assert parse["intent"] == {"name": "thank", "confidence": 1.0}
    assert parse["intent_ranking"][1:] == [{"name": "goodbye", "confidence": 0.3}]


def test_no_phrase_names_a_symptom_or_red_flag():
    """A listed reply must never hide a finding: the safety scan and the lexicon read none."""
    from actions.clinic.reading import scan

    for phrase in load_lexicon():
        findings = scan(phrase)
        said = (findings.symptoms | findings.history | findings.qualities | findings.locations
                | findings.triggers | findings.origins)
        assert not said, (phrase, said)
        assert findings.onset is None, phrase


def _training_labels():
    labels = {}
    for intent, text in labelled_examples(training_files()):
        labels.setdefault(normalise(text), set()).add(intent)
    return labels


def test_the_lexicon_agrees_with_the_training_data():
    labels = _training_labels()
    for phrase, intent in load_lexicon().items():
        assert labels.get(phrase, {intent}) == {intent}, (phrase, intent, labels[phrase])


def test_rasa_component_relabels_messages():
    from rasa.shared.nlu.training_data.message import Message

    component = short_replies.ShortReplyClassifier(short_replies.ShortReplyClassifier.get_default_config())
    ta = Message(data={"text": "ta", "intent": {"name": "goodbye", "confidence": 0.5},
                       "intent_ranking": [{"name": "goodbye", "confidence": 0.5}]})
    other = Message(data={"text": "no nausea", "intent": {"name": "inform", "confidence": 0.9}})
    component.process([ta, other])
    assert ta.get("intent") == {"name": "thank", "confidence": 1.0}
    assert other.get("intent") == {"name": "inform", "confidence": 0.9}
