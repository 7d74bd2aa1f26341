"""A linear intent model on sparse bag-of-features blocks: the arithmetic, no Rasa import.

Each featurizer's sentence features are one *block* (word counts, character n-gram counts,
regex hits, lexical-syntactic features). Raw counts let the block with the most columns (5,000
character n-grams) outweigh the others and long messages outweigh short ones, so each block is
weighted as in tf-idf and scaled on its own:

    x -> log(1 + x) * idf   (idf fitted on the training messages, smoothed as in scikit-learn)
      -> divided by its L2 norm (per block, per message)

and a multinomial logistic regression with balanced class weights is fitted on the blocks side
by side. What the model keeps is plain arrays (`LinearIntentModel.arrays`): the idf of every
block, the weights, the intercepts and the class names, stored as an `.npz` file without pickle,
and prediction is a sparse matrix product and a softmax — no scikit-learn object is loaded when
serving. One message (serving) is scored on its nonzero features only (`row_probabilities`), the
same arithmetic without building sparse matrices.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp

Blocks = Mapping[str, sp.csr_matrix]  # origin -> one row per message


@dataclass(frozen=True)
class SparseRow:
    """One message's features from one featurizer: the nonzero columns and their counts."""

    width: int
    indices: np.ndarray
    values: np.ndarray


RowBlocks = Mapping[str, SparseRow]  # origin -> one message's row


def sublinear(matrix: sp.spmatrix) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    np.log1p(np.abs(out.data), out=out.data)
    return out


def smooth_idf(matrix: sp.spmatrix) -> np.ndarray:
    """scikit-learn's smoothed idf: log((1 + n) / (1 + df)) + 1."""
    n = matrix.shape[0]
    document_frequency = np.bincount(sp.csr_matrix(matrix).indices, minlength=matrix.shape[1])
    return np.log((1.0 + n) / (1.0 + document_frequency)) + 1.0


def l2_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


@dataclass
class LinearIntentModel:
    origins: Tuple[str, ...]
    widths: Tuple[int, ...]
    idf: Tuple[np.ndarray, ...]
    weights: np.ndarray  # classes × features
    intercepts: np.ndarray  # classes
    classes: Tuple[str, ...]
    # the weights feature-major (features × classes): one feature's weights for every class are
    # contiguous, which is what a one-message prediction reads
    columns: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.columns = np.ascontiguousarray(self.weights.T)

    # --- features ---------------------------------------------------------------------------------
    def design_matrix(self, blocks: Blocks, rows: int) -> sp.csr_matrix:
        parts = []
        for origin, width, idf in zip(self.origins, self.widths, self.idf):
            block = blocks.get(origin)
            if block is None or block.shape[1] != width:
                # a featurizer that produced nothing for these messages (or changed its vocabulary,
                # which a retrain would have caught): its block counts as empty
                block = sp.csr_matrix((rows, width))
            parts.append(l2_rows(sp.csr_matrix(sublinear(block) @ sp.diags(idf))))
        return sp.hstack(parts, format="csr")

    # --- prediction -----------------------------------------------------------------------------
    def probabilities(self, blocks: Blocks, rows: int) -> np.ndarray:
        scores = self.design_matrix(blocks, rows) @ self.weights.T + self.intercepts
        return softmax(np.asarray(scores))

    def row_probabilities(self, row: RowBlocks) -> np.ndarray:
        """`probabilities` for one message, on its nonzero features only: the same arithmetic
        (sublinear count × idf, divided by the block's norm, times the weights) without building
        sparse matrices, which cost a hundred times more than the sums for one row."""
        columns = self.columns
        scores = self.intercepts.copy()
        offset = 0
        for origin, width, idf in zip(self.origins, self.widths, self.idf):
            features = row.get(origin)
            if features is not None and features.width == width and features.indices.size:
                values = np.log1p(np.abs(features.values)) * idf[features.indices]
                norm = float(np.sqrt(values @ values))
                if norm > 0.0:
                    scores += (values / norm) @ columns[offset + features.indices]
            offset += width
        return softmax(scores[np.newaxis, :])[0]

    def ranking(self, probabilities: np.ndarray, length: int) -> List[Dict[str, float]]:
        order = np.argsort(-probabilities, kind="stable")
        if length > 0:
            order = order[:length]
        return [{"name": self.classes[i], "confidence": float(probabilities[i])} for i in order]

    def rankings(self, blocks: Blocks, rows: int, length: int) -> List[List[Dict[str, float]]]:
        return [self.ranking(row, length) for row in self.probabilities(blocks, rows)]

    # --- storage --------------------------------------------------------------------------------
    def arrays(self) -> Dict[str, np.ndarray]:
        arrays = {
            "origins": np.array(self.origins, dtype=str),
            "widths": np.array(self.widths, dtype=np.int64),
            "weights": self.weights,
            "intercepts": self.intercepts,
            "classes": np.array(self.classes, dtype=str),
        }
        for index, idf in enumerate(self.idf):
            arrays[f"idf_{index}"] = idf
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> "LinearIntentModel":
        origins = tuple(str(o) for o in arrays["origins"])
        return cls(
            origins=origins,
            widths=tuple(int(w) for w in arrays["widths"]),
            idf=tuple(np.asarray(arrays[f"idf_{i}"], dtype=np.float64) for i in range(len(origins))),
            weights=np.asarray(arrays["weights"], dtype=np.float64),
            intercepts=np.asarray(arrays["intercepts"], dtype=np.float64),
            classes=tuple(str(c) for c in arrays["classes"]),
        )


def fit(
    blocks: Blocks,
    labels: Sequence[str],
    c: float,
    max_iter: int = 2000,
    random_state: Optional[int] = 42,
) -> LinearIntentModel:
    """Fit the model on one row per message in every block."""
    from sklearn.linear_model import LogisticRegression  # training only

    origins = tuple(sorted(blocks))
    if not origins:
        raise ValueError("no sparse features to train on: add a featurizer before the classifier")
    rows = len(labels)
    idf = tuple(smooth_idf(sublinear(blocks[o])) for o in origins)
    widths = tuple(blocks[o].shape[1] for o in origins)
    features_only = LinearIntentModel(origins, widths, idf, np.zeros((0, 0)), np.zeros(0), ())
    design = features_only.design_matrix(blocks, rows)
    classifier = LogisticRegression(
        C=c, max_iter=max_iter, class_weight="balanced", random_state=random_state, solver="lbfgs"
    )
    classifier.fit(design, list(labels))
    weights = np.asarray(classifier.coef_, dtype=np.float64)
    intercepts = np.asarray(classifier.intercept_, dtype=np.float64)
    classes = tuple(str(c) for c in classifier.classes_)
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: make the softmax explicit
        weights = np.vstack([-weights[0] / 2.0, weights[0] / 2.0])
        intercepts = np.array([-intercepts[0] / 2.0, intercepts[0] / 2.0])
    return LinearIntentModel(origins, widths, idf, weights, intercepts, classes)
