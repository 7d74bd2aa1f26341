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
serving.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp

Blocks = Mapping[str, sp.csr_matrix]  # origin -> one row per message


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


@dataclass
class LinearIntentModel:
    origins: Tuple[str, ...]
    widths: Tuple[int, ...]
    idf: Tuple[np.ndarray, ...]
    weights: np.ndarray  # classes × features
    intercepts: np.ndarray  # classes
    classes: Tuple[str, ...]

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
        scores = np.asarray(scores)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def rankings(self, blocks: Blocks, rows: int, length: int) -> List[List[Dict[str, float]]]:
        out = []
        for row in self.probabilities(blocks, rows):
            order = np.argsort(-row, kind="stable")
            if length > 0:
                order = order[:length]
            out.append([{"name": self.classes[i], "confidence": float(row[i])} for i in order])
        return out

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
    model = LinearIntentModel(
        origins=origins,
        widths=tuple(blocks[o].shape[1] for o in origins),
        idf=idf,
        weights=np.zeros((0, 0)),
        intercepts=np.zeros(0),
        classes=(),
    )
    design = model.design_matrix(blocks, rows)
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
    model.weights, model.intercepts, model.classes = weights, intercepts, classes
    return model
