"""The linear intent model's arithmetic (headease_nlu/linear_model.py): no Rasa, no trained model."""
import numpy as np
import pytest
import scipy.sparse as sp

from headease_nlu import linear_model


def _blocks(words, chars):
    return {"words": sp.csr_matrix(np.array(words, dtype=float)), "chars": sp.csr_matrix(np.array(chars, dtype=float))}


TRAIN_WORDS = [[3, 0, 0], [2, 0, 0], [0, 2, 0], [0, 3, 0], [0, 0, 1], [0, 0, 2]]
TRAIN_CHARS = [[1, 0] + [0] * 50, [1, 0] + [0] * 50, [0, 1] + [0] * 50, [0, 1] + [0] * 50,
               [0, 0] + [1] * 50, [0, 0] + [2] * 50]
LABELS = ["greet", "greet", "thank", "thank", "inform", "inform"]


def test_each_block_is_scaled_on_its_own_so_a_wide_block_does_not_outweigh_the_rest():
    model = linear_model.fit(_blocks(TRAIN_WORDS, TRAIN_CHARS), LABELS, c=10.0)
    design = model.design_matrix(_blocks(TRAIN_WORDS, TRAIN_CHARS), len(LABELS)).toarray()
    offset = 0
    for origin, width in zip(model.origins, model.widths):  # blocks side by side, in origin order
        block = design[:, offset:offset + width]
        assert np.allclose(np.linalg.norm(block, axis=1), 1.0), origin
        offset += width
    assert offset == design.shape[1] == 3 + 52


def test_it_learns_and_ranks_with_probabilities_that_sum_to_one():
    model = linear_model.fit(_blocks(TRAIN_WORDS, TRAIN_CHARS), LABELS, c=10.0)
    probabilities = model.probabilities(_blocks(TRAIN_WORDS, TRAIN_CHARS), len(LABELS))
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    rankings = model.rankings(_blocks(TRAIN_WORDS, TRAIN_CHARS), len(LABELS), length=2)
    assert [r[0]["name"] for r in rankings] == LABELS
    assert all(len(r) == 2 and r[0]["confidence"] >= r[1]["confidence"] for r in rankings)


def test_the_stored_arrays_give_the_same_predictions_without_pickle(tmp_path):
    model = linear_model.fit(_blocks(TRAIN_WORDS, TRAIN_CHARS), LABELS, c=10.0)
    np.savez_compressed(tmp_path / "m.npz", **model.arrays())
    with np.load(tmp_path / "m.npz", allow_pickle=False) as arrays:
        again = linear_model.LinearIntentModel.from_arrays(dict(arrays))
    blocks = _blocks([[1, 1, 0]], [[1, 1] + [0] * 50])
    assert np.allclose(model.probabilities(blocks, 1), again.probabilities(blocks, 1))
    assert again.classes == model.classes


def test_a_missing_block_counts_as_empty():
    model = linear_model.fit(_blocks(TRAIN_WORDS, TRAIN_CHARS), LABELS, c=10.0)
    only_words = {"words": sp.csr_matrix(np.array([[0, 0, 3]], dtype=float))}
    assert model.rankings(only_words, 1, length=1)[0][0]["name"] == "inform"


def test_two_classes_keep_an_explicit_softmax():
    model = linear_model.fit(_blocks(TRAIN_WORDS[:4], TRAIN_CHARS[:4]), LABELS[:4], c=10.0)
    assert model.weights.shape[0] == 2
    ranking = model.rankings(_blocks([[3, 0, 0]], [[1, 0] + [0] * 50]), 1, length=0)[0]
    assert ranking[0]["name"] == "greet" and ranking[0]["confidence"] > 0.5


def test_nothing_to_learn_from_is_an_error():
    with pytest.raises(ValueError, match="no sparse features"):
        linear_model.fit({}, ["greet"], c=1.0)


def test_idf_is_scikit_learns_smoothed_idf():
    from sklearn.feature_extraction.text import TfidfTransformer

    counts = sp.csr_matrix(np.array(TRAIN_WORDS, dtype=float))
    expected = TfidfTransformer(smooth_idf=True).fit(counts).idf_
    assert np.allclose(linear_model.smooth_idf(counts), expected)


def _row(blocks, index):
    """One message's row of every block, as the one-message prediction takes it."""
    out = {}
    for origin, block in blocks.items():
        row = sp.csr_matrix(block[index])
        out[origin] = linear_model.SparseRow(row.shape[1], row.indices.astype(np.intp), row.data.astype(float))
    return out


def test_one_message_on_its_nonzeros_gives_the_matrix_probabilities():
    rng = np.random.default_rng(3)
    model = linear_model.fit(_blocks(TRAIN_WORDS, TRAIN_CHARS), LABELS, c=10.0)
    words = rng.integers(0, 3, size=(20, 3)) * (rng.random((20, 3)) < 0.5)
    chars = rng.integers(0, 4, size=(20, 52)) * (rng.random((20, 52)) < 0.2)
    words[0] = 0  # a message without any word feature
    blocks = _blocks(words, chars)
    expected = model.probabilities(blocks, 20)
    for index in range(20):
        assert np.allclose(model.row_probabilities(_row(blocks, index)), expected[index], atol=1e-12)
    # a block missing, or of another width (a changed vocabulary), counts as empty, as in the matrix
    only_chars = {"chars": blocks["chars"]}
    wrong = {"words": sp.csr_matrix(np.ones((20, 4))), "chars": blocks["chars"]}
    for other in (only_chars, wrong):
        assert np.allclose(model.row_probabilities(_row(other, 5)), model.probabilities(other, 20)[5], atol=1e-12)
    ranking = model.ranking(model.row_probabilities(_row(blocks, 1)), 2)
    assert [r["name"] for r in ranking] == [r["name"] for r in model.rankings(blocks, 20, 2)[1]]
