"""Negation and hedge scope (actions/clinic/reading/negation.py)."""
import pytest

from actions.clinic.reading.negation import (
    denied_inside,
    denies_between,
    hedged_char_spans,
    hedged_indices,
    negated_char_spans,
    negated_indices,
    tokenize,
)


def _spans(text, phrases):
    spans, pos = [], 0
    for phrase in phrases:
        start = text.lower().index(phrase, pos if phrase in text.lower()[pos:] else 0)
        spans.append((start, start + len(phrase)))
        pos = start + len(phrase)
    return spans


def _negated(text, phrases):
    hits = negated_char_spans(text, _spans(text, phrases))
    return {phrases[i] for i in hits}


def _hedged(text, phrases):
    hits = hedged_char_spans(text, _spans(text, phrases))
    return {phrases[i] for i in hits}


NEGATION_CASES = [
    ("no fever or stiff neck", ["fever", "stiff neck"], {"fever", "stiff neck"}),
    ("no fever but stiff neck", ["fever", "stiff neck"], {"fever"}),
    ("No fever, but my neck is stiff", ["fever", "neck is stiff"], {"fever"}),
    ("no fever, stiff neck or rash", ["fever", "stiff neck", "rash"], {"fever", "stiff neck", "rash"}),
    ("no nausea, vomiting, or light sensitivity", ["nausea", "vomiting", "light sensitivity"],
     {"nausea", "vomiting", "light sensitivity"}),
    ("no fever, my neck is really stiff", ["fever", "neck is really stiff"], {"fever"}),
    ("I don't have a fever", ["fever"], {"fever"}),
    ("I dont have a fever", ["fever"], {"fever"}),
    ("I don’t have a fever", ["fever"], {"fever"}),
    ("I haven't had any fever and my neck is really stiff", ["fever", "neck is really stiff"], {"fever"}),
    ("i don't think i have a fever", ["fever"], {"fever"}),
    ("no fever i have a stiff neck though", ["fever", "stiff neck"], {"fever"}),
    ("never had weakness or numbness", ["weakness", "numbness"], {"weakness", "numbness"}),
    ("without aura", ["aura"], {"aura"}),
    ("denies double vision", ["double vision"], {"double vision"}),
    ("fever? no", ["fever"], {"fever"}),
    ("Fever: none. Stiff neck: yes", ["fever", "stiff neck"], {"fever"}),
    ("the nausea has gone away", ["nausea"], {"nausea"}),
    ("stiff neck? not that i know of", ["stiff neck"], {"stiff neck"}),
    ("fever, i don't think so", ["fever"], {"fever"}),
    ("it isn't throbbing, more like pressure", ["throbbing", "pressure"], {"throbbing"}),
    ("not sure if i had a fever", ["fever"], set()),
    ("no idea whether it was sudden", ["sudden"], set()),
    ("I have a fever and a stiff neck", ["fever", "stiff neck"], set()),
    ("no fever. stiff neck since this morning", ["fever", "stiff neck"], {"fever"}),
    ("no fever apart from a stiff neck", ["fever", "stiff neck"], {"fever"}),
    ("no fever just a stiff neck", ["fever", "stiff neck"], {"fever"}),
    ("no, but my arm feels weak", ["arm feels weak"], set()),
    ("No. My speech is slurred", ["speech is slurred"], set()),
    ("nothing wrong with my vision however i have double vision now", ["double vision"], set()),
]


@pytest.mark.parametrize("text,phrases,expected", NEGATION_CASES)
def test_negation_scope(text, phrases, expected):
    assert _negated(text, phrases) == expected


HEDGE_CASES = [
    ("maybe some weakness", ["weakness"], {"weakness"}),
    ("weakness maybe", ["weakness"], {"weakness"}),
    ("not sure if i had a fever", ["fever"], {"fever"}),
    ("I don't know if my arm is weak", ["arm is weak"], {"arm is weak"}),
    ("possibly a stiff neck", ["stiff neck"], {"stiff neck"}),
    ("numbness? not sure", ["numbness"], {"numbness"}),
    ("I have a fever", ["fever"], set()),
    ("maybe 3 hours, and nausea", ["nausea"], set()),
    ("no fever, maybe a stiff neck", ["fever", "stiff neck"], {"stiff neck"}),
    ("probably not a fever", ["fever"], set()),
]


@pytest.mark.parametrize("text,phrases,expected", HEDGE_CASES)
def test_hedge_scope(text, phrases, expected):
    assert _hedged(text, phrases) == expected


def test_token_api_with_spacy_style_clitics():
    tokens = ["I", "do", "n't", "have", "a", "fever", "or", "a", "stiff", "neck", "."]
    assert negated_indices(tokens, [(5, 6), (8, 10)]) == {0, 1}


def test_token_api_terminator():
    tokens = ["No", "fever", ",", "but", "stiff", "neck"]
    assert negated_indices(tokens, [(1, 2), (4, 6)]) == {0}


def test_token_api_hedge():
    tokens = ["maybe", "some", "weakness", "in", "my", "arm"]
    assert hedged_indices(tokens, [(2, 3)]) == {0}


def test_token_api_ignores_empty_or_out_of_range_spans():
    assert negated_indices(["no", "fever"], [(1, 1), (1, 5), (1, 2)]) == {2}


def test_cue_inside_a_phrase_is_not_a_cue():
    text = "I've never had a headache like this"
    assert negated_char_spans(text, [(5, len(text))]) == set()


def test_window_limits_scope():
    text = "no problems at work or at home lately and then today suddenly a stiff neck"
    start = text.index("stiff neck")
    assert negated_char_spans(text, [(start, start + 10)]) == set()


def test_tokenize_keeps_offsets_and_normalises():
    tokens = tokenize("Can't see, 7/10!")
    assert [t[0] for t in tokens] == ["cant", "see", ",", "7/10", "!"]
    assert tokens[0][1:] == (0, 5)


@pytest.mark.parametrize(
    "text, mention, denied",
    [
        ("my scalp isn't tender", "scalp isn't tender", True),
        ("neck's not stiff at all today", "neck's not stiff", True),
        ("right eye not watering", "eye not watering", True),  # no copula needed
        ("face doesnt feel numb", "face doesnt feel numb", True),
        ("it is not weak", "not weak", True),
        ("my speech isn't making sense", "speech isn't making sense", False),  # not a state word last
        ("no zigzags. my neck's stiff", "zigzags. my neck's stiff", False),  # the denial is in another clause
        ("my neck is stiff", "neck is stiff", False),
    ],
)
def test_denied_inside_a_mention(text, mention, denied):
    start = text.index(mention)
    assert denied_inside(text, [(start, start + len(mention))], [False]) == [denied]


def test_denied_inside_keeps_an_earlier_denial():
    assert denied_inside("no stiff neck", [(3, 13)], [True]) == [True]


def test_the_wording_rules_and_the_mentions_share_one_list_of_inside_negators():
    from actions.clinic.reading import wording

    assert denies_between(["is", "not"]) and denies_between(["isnt"]) and denies_between(["feels", "fine"])
    assert not denies_between(["is", "really"])
    assert wording.denies_between is denies_between
