"""Small back-off trigram language models for the kiosk recogniser, written as ARPA files.

pocketsphinx's own ``ArpaBoLM`` gives every context the same fixed back-off mass, so a phrase the
training text never contained gets almost no probability. Here the models are estimated with
interpolated Kneser-Ney smoothing (absolute discounting, continuation counts for the lower orders),
several models can be mixed with weights (a question's answers + what may always be said + the
general domain model), and the result is converted to the back-off form pocketsphinx reads.

Only the standard library: the corpora are a few thousand sentences.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Dict, Iterable, List, Sequence, TextIO, Tuple

BOS, EOS = "<s>", "</s>"
Gram = Tuple[str, ...]


class KneserNey:
    """Interpolated Kneser-Ney trigram model of a list of sentences (lists of words)."""

    def __init__(self, sentences: Iterable[Sequence[str]], discounts: Tuple[float, float, float] = (0.5, 0.7, 0.8)):
        self.discounts = discounts
        counts: List[Dict[Gram, float]] = [defaultdict(float) for _ in range(4)]
        for words in sentences:
            seq = (BOS,) + tuple(words) + (EOS,)
            for n in (1, 2, 3):
                for i in range(len(seq) - n + 1):
                    gram = seq[i:i + n]
                    if gram != (BOS,):
                        counts[n][gram] += 1.0
        self.vocab = sorted({g[0] for g in counts[1]} | {BOS})
        # Counts each order is estimated from: the raw count for the highest order and for grams
        # that start the sentence (nothing can precede <s>), continuation counts (how many
        # different words precede the gram) otherwise.
        self.kn: List[Dict[Gram, float]] = [defaultdict(float) for _ in range(4)]
        self.kn[3] = dict(counts[3])
        for n in (1, 2):
            for gram, count in counts[n].items():
                if gram[0] == BOS:
                    self.kn[n][gram] = count
            for gram in counts[n + 1]:
                if gram[1:] and gram[1] != BOS:
                    self.kn[n][gram[1:]] += 1.0
        # Per context: total count and number of distinct followers.
        self.context_total: List[Dict[Gram, float]] = [defaultdict(float) for _ in range(4)]
        self.context_types: List[Dict[Gram, int]] = [defaultdict(int) for _ in range(4)]
        for n in (1, 2, 3):
            for gram, count in self.kn[n].items():
                self.context_total[n][gram[:-1]] += count
                self.context_types[n][gram[:-1]] += 1
        self._cache: Dict[Gram, float] = {}

    def grams(self, n: int) -> Iterable[Gram]:
        return self.kn[n].keys()

    def set_vocabulary(self, words: Iterable[str]) -> None:
        """Spread the uniform floor over ``words`` too (a mixture's parts must share one vocabulary)."""
        vocab = sorted(set(self.vocab) | set(words) | {BOS})
        if vocab != self.vocab:
            self.vocab = vocab
            self._cache.clear()

    def prob(self, word: str, context: Gram = ()) -> float:
        context = tuple(context)[-2:]
        key = context + (word,)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        n = len(context) + 1
        if n == 1:
            lower = 1.0 / (len(self.vocab) - 1)  # uniform over the words (not <s>)
        else:
            lower = self.prob(word, context[1:])
        total = self.context_total[n].get(context, 0.0)
        if total <= 0:
            value = lower
        else:
            discount = self.discounts[n - 1]
            count = self.kn[n].get(key, 0.0)
            value = (max(count - discount, 0.0) + discount * self.context_types[n][context] * lower) / total
        self._cache[key] = value
        return value


class Mixture:
    """Linear interpolation of models: P(w|h) = sum_i weight_i * P_i(w|h)."""

    def __init__(self, parts: Sequence[Tuple[float, KneserNey]]):
        total = sum(weight for weight, _ in parts)
        self.parts = [(weight / total, model) for weight, model in parts if weight > 0]
        self.vocab = sorted({word for _, model in self.parts for word in model.vocab})
        for _, model in self.parts:  # a word one part lacks gets that part's uniform floor
            model.set_vocabulary(self.vocab)
        self._cache: Dict[Gram, float] = {}

    def set_vocabulary(self, words: Iterable[str]) -> None:
        vocab = sorted(set(self.vocab) | set(words))
        if vocab != self.vocab:
            self.vocab = vocab
            for _, model in self.parts:
                model.set_vocabulary(vocab)
            self._cache.clear()

    def grams(self, n: int) -> Iterable[Gram]:
        seen = set()
        for _, model in self.parts:
            seen.update(model.grams(n))
        return seen

    def prob(self, word: str, context: Gram = ()) -> float:
        key = tuple(context)[-2:] + (word,)
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = sum(weight * model.prob(word, key[:-1]) for weight, model in self.parts)
        return value


def write_arpa(model, handle: TextIO, header: str = "") -> Dict[str, int]:
    """Write ``model`` (KneserNey or Mixture) as a back-off ARPA trigram model."""
    vocab = [w for w in model.vocab]
    grams = {1: sorted((w,) for w in vocab), 2: sorted(model.grams(2)), 3: sorted(model.grams(3))}
    grams[2] = [g for g in grams[2] if g[-1] != BOS]
    grams[3] = [g for g in grams[3] if g[-1] != BOS and g[1] != EOS]
    by_context: Dict[Gram, List[Gram]] = defaultdict(list)
    for n in (2, 3):
        for gram in grams[n]:
            by_context[gram[:-1]].append(gram)

    def logprob(gram: Gram) -> float:
        if gram == (BOS,):
            return -99.0
        return math.log10(max(model.prob(gram[-1], gram[:-1]), 1e-99))

    def backoff(context: Gram) -> float:
        followers = by_context.get(context)
        if not followers:
            return 0.0
        seen_high = sum(model.prob(g[-1], context) for g in followers)
        seen_low = sum(model.prob(g[-1], context[1:]) for g in followers)
        numerator, denominator = 1.0 - seen_high, 1.0 - seen_low
        if numerator <= 1e-12 or denominator <= 1e-12:
            return -99.0 if numerator <= 1e-12 else 0.0
        return math.log10(numerator / denominator)

    if header:
        handle.write(header.rstrip("\n") + "\n")
    handle.write("\n\\data\\\n")
    for n in (1, 2, 3):
        handle.write(f"ngram {n}={len(grams[n])}\n")
    for n in (1, 2, 3):
        handle.write(f"\n\\{n}-grams:\n")
        for gram in grams[n]:
            line = f"{logprob(gram):.4f} {' '.join(gram)}"
            if n < 3:
                line += f" {backoff(gram):.4f}"
            handle.write(line + "\n")
    handle.write("\n\\end\\\n")
    return {f"{n}-grams": len(grams[n]) for n in (1, 2, 3)}
