"""The intent classifier's adapter (headease_nlu/intent_classifier.py): one message's features
read off Rasa's feature matrices equal the stacked rows used for training."""
import numpy as np
import scipy.sparse as sp
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from headease_nlu.intent_classifier import message_row, sparse_blocks


def _message(rng):
    message = Message(data={TEXT: "x"})
    tokens = int(rng.integers(1, 6))
    # counts: a sentence row with a duplicated coordinate (a COO matrix may repeat one), and the
    # tokens; a featurizer with token features only (their sum is its sentence row)
    cols = rng.integers(0, 30, size=6)
    sentence = sp.coo_matrix((rng.integers(1, 4, size=6).astype(float), (np.zeros(6, dtype=int), cols)), shape=(1, 30))
    message.features.append(Features(sentence, "sentence", TEXT, "counts"))
    message.features.append(Features(sp.coo_matrix(rng.integers(0, 2, size=(tokens, 30)).astype(float)), "sequence", TEXT, "counts"))
    lexical = sp.coo_matrix(rng.integers(0, 2, size=(tokens, 8)).astype(float))
    message.features.append(Features(lexical, "sequence", TEXT, "lexical"))
    message.features.append(Features(sp.coo_matrix(np.ones((1, 4))), "sentence", "intent", "other"))  # not text
    return message


def test_one_message_row_equals_its_row_in_the_stacked_blocks():
    rng = np.random.default_rng(7)
    messages = [_message(rng) for _ in range(25)]
    blocks = sparse_blocks(messages)
    assert set(blocks) == {"counts", "lexical"}
    for index, message in enumerate(messages):
        row = message_row(message)
        assert set(row) == set(blocks)
        for origin, block in blocks.items():
            dense = np.zeros(block.shape[1])
            dense[row[origin].indices] = row[origin].values
            assert row[origin].width == block.shape[1]
            assert np.array_equal(dense, block[index].toarray().ravel())
            assert list(row[origin].indices) == sorted(set(row[origin].indices))
