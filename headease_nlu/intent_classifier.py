"""LinearIntentClassifier: HeadEase's intent classifier, a tf-idf weighted logistic regression.

Why not DIET: the intents are backed by deterministic readers (short replies, the entity
extractor, the safety verdict, the dialogue's reading of answers), and on the blind sets a linear
model on the same sparse features scores as well as DIET (headease_nlu/README.md, "Intent
classifier"), trains in seconds instead of minutes and needs no TensorFlow when serving, which
takes TensorFlow's start-up time and memory out of the server (headease_rasa/without_tensorflow.py).

Why not Rasa's `LogisticRegressionClassifier`: it fits raw counts, so the 5,000 character n-gram
columns outweigh the word and regex features and long messages outweigh short ones ("is this an
emergency?" came out a `bot_challenge`). Here every featurizer's block is weighted as in tf-idf and
scaled on its own (`linear_model.py`), and the model is stored as plain arrays (no pickle).

The arithmetic is in `headease_nlu/linear_model.py`; this is the Rasa adapter.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from headease_nlu import linear_model

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent_model.npz"
SENTENCE, SEQUENCE = "sentence", "sequence"


def _text_features(message: Message) -> Dict[str, Dict[str, Any]]:
    """origin -> {"sentence" | "sequence": matrix} of the message's sparse text features."""
    per_origin: Dict[str, Dict[str, Any]] = {}
    for feature in message.features:
        if feature.attribute != TEXT or not feature.is_sparse():
            continue
        origins = feature.origin if isinstance(feature.origin, list) else [feature.origin]
        if len(origins) != 1:
            continue  # already combined features (not produced by Rasa 3.6's featurizers)
        per_origin.setdefault(origins[0], {})[feature.type] = feature.features
    return per_origin


def _sentence_row(kinds: Dict[str, Any]) -> sp.csr_matrix:
    """The featurizer's sentence features, or the sum of its token features where it gives none
    per sentence."""
    matrix = kinds.get(SENTENCE)
    if matrix is None:
        matrix = kinds[SEQUENCE].sum(axis=0)
    return sp.csr_matrix(matrix)


def sparse_blocks(messages: List[Message]) -> Dict[str, sp.csr_matrix]:
    """One row per message for every featurizer (origin) that gave sparse text features."""
    rows: Dict[str, Dict[int, sp.csr_matrix]] = {}
    widths: Dict[str, int] = {}
    for index, message in enumerate(messages):
        for origin, kinds in _text_features(message).items():
            matrix = _sentence_row(kinds)
            rows.setdefault(origin, {})[index] = matrix
            widths[origin] = matrix.shape[1]
    blocks = {}
    for origin, by_row in rows.items():
        empty = sp.csr_matrix((1, widths[origin]))
        blocks[origin] = sp.vstack([by_row.get(i, empty) for i in range(len(messages))], format="csr")
    return blocks


def _column_sums(matrix: Any) -> Tuple[np.ndarray, np.ndarray]:
    """The nonzero columns of a feature matrix and their sums over its rows (a sentence row, or
    a message's token rows), read off the coordinates without building another sparse matrix."""
    coo = matrix if sp.isspmatrix_coo(matrix) else sp.coo_matrix(matrix)
    columns, values = coo.col.astype(np.intp, copy=False), coo.data.astype(np.float64, copy=False)
    unique, inverse = np.unique(columns, return_inverse=True)
    if unique.size != columns.size:
        values = np.bincount(inverse, weights=values, minlength=unique.size)
    else:
        values = values[np.argsort(columns, kind="stable")]
    return unique, values


def message_row(message: Message) -> Dict[str, linear_model.SparseRow]:
    """The message's features per featurizer as nonzero columns and values (what a one-message
    prediction needs, without stacking sparse matrices)."""
    row = {}
    for origin, kinds in _text_features(message).items():
        matrix = kinds.get(SENTENCE)
        if matrix is None:
            matrix = kinds[SEQUENCE]
        columns, values = _column_sums(matrix)
        row[origin] = linear_model.SparseRow(width=matrix.shape[1], indices=columns, values=values)
    return row


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent = a tf-idf weighted multinomial logistic regression over the sparse features."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # inverse regularisation strength; chosen on the dev sets (headease_nlu/README.md)
            "C": 20.0,
            "max_iter": 2000,
            "random_state": 42,
            "ranking_length": 10,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "scipy", "numpy"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[linear_model.LinearIntentModel] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("LinearIntentClassifier: no intent examples, nothing to train.")
            return self._resource
        self._model = linear_model.fit(
            sparse_blocks(examples),
            [e.get(INTENT) for e in examples],
            c=float(self._config["C"]),
            max_iter=int(self._config["max_iter"]),
            random_state=self._config["random_state"],
        )
        with self._model_storage.write_to(self._resource) as directory:
            np.savez_compressed(directory / MODEL_FILE, **self._model.arrays())
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / MODEL_FILE, allow_pickle=False) as arrays:
                    model = linear_model.LinearIntentModel.from_arrays(dict(arrays))
        except (ValueError, FileNotFoundError, OSError):
            logger.debug("LinearIntentClassifier: no trained model in the model storage.")
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None or not messages:
            return messages
        length = int(self._config["ranking_length"])
        if len(messages) > 1:  # training data: one matrix product for all of them
            rankings = self._model.rankings(sparse_blocks(messages), len(messages), length)
        else:  # serving: one message
            rankings = [
                self._model.ranking(self._model.row_probabilities(message_row(messages[0])), length)
            ]
        for message, ranking in zip(messages, rankings):
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
