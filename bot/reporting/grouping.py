"""Group the questions the bot could not answer, so one missing FAQ entry shows up as one group.

Two questions are alike when their wording overlaps (cosine of character
4-gram TF-IDF vectors of the folded text: robust to Danish compounds and
inflection, *parkeringstilladelse* meets *parkere*) or when the embedding
model finds their meanings close. The bundled model reads English only, so
its similarity counts only between two English questions; a configured
model (``UDBUDSBOT_EMBEDDING_MODEL``, multilingual in production) counts for
every pair. Each similarity is divided by its own threshold, and groups are
formed by average-linkage agglomerative clustering: two groups merge while
their members are, on average, at least as alike as the threshold.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from index.normalize import canonical, fold, guess_language, is_stop_word, words

LEXICAL_THRESHOLD = 0.25
DENSE_THRESHOLD = 0.62
NGRAM = 4
MAX_QUESTIONS = 2000
"""The newest questions grouped at most (the clustering is cubic in their number)."""

Embed = Callable[[list[str]], np.ndarray]


def lexical_similarity(texts: Sequence[str]) -> np.ndarray:
    """Pairwise cosine of character n-gram TF-IDF vectors (n-grams within words, stop words
    left out), damped by the square root of the length ratio so that a one-word message
    ("udbud") is not alike every question that contains its word."""
    grams = [_ngrams(text) for text in texts]
    documents = Counter(gram for counts in grams for gram in counts)
    total = len(texts)
    vocabulary = {gram: i for i, gram in enumerate(documents)}
    matrix = np.zeros((total, len(vocabulary)), dtype=np.float32)
    for row, counts in enumerate(grams):
        for gram, count in counts.items():
            idf = math.log((1 + total) / (1 + documents[gram])) + 1
            matrix[row, vocabulary[gram]] = (1 + math.log(count)) * idf
    lengths = np.array([max(1, sum(counts.values())) for counts in grams], dtype=np.float32)
    balance = np.sqrt(np.minimum.outer(lengths, lengths) / np.maximum.outer(lengths, lengths))
    return _cosine(matrix) * balance


def _ngrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in words(text):
        if is_stop_word(word):
            continue
        padded = f" {canonical(word)} "
        if len(padded) <= NGRAM:
            grams[padded] += 1
            continue
        grams.update(padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1))
    return grams


def _cosine(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.where(norms == 0, 1, norms)
    return unit @ unit.T


def similarity(texts: Sequence[str], embed: Embed | None, english_only: bool) -> np.ndarray:
    """Pairwise similarity scaled so that 1 is "alike": the larger of the lexical and (where
    the model can read both questions) the dense similarity, each over its threshold."""
    scaled = lexical_similarity(texts) / LEXICAL_THRESHOLD
    if embed is not None and len(texts) > 1:
        dense = _cosine(np.asarray(embed(list(texts)), dtype=np.float32)) / DENSE_THRESHOLD
        if english_only:
            english = np.array([guess_language(text) == "en" for text in texts])
            dense = np.where(np.outer(english, english), dense, 0.0)
        scaled = np.maximum(scaled, dense)
    return scaled


def group(
    texts: Sequence[str], embed: Embed | None = None, english_only: bool = True
) -> list[list[int]]:
    """Indices of ``texts`` in groups of alike questions, largest group first.

    Identical questions (after folding) always share a group.
    """
    keys: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        keys.setdefault(" ".join(canonical(fold(text)).split()), []).append(i)
    unique = list(keys)
    if not unique:
        return []
    members = [keys[key] for key in unique]
    sizes = np.array([len(m) for m in members], dtype=np.float64)
    sims = similarity([texts[m[0]] for m in members], embed, english_only).astype(np.float64)
    clusters = _average_linkage(sims, sizes)
    groups = [sorted(i for c in cluster for i in members[c]) for cluster in clusters]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def _average_linkage(sims: np.ndarray, sizes: np.ndarray) -> list[list[int]]:
    """Merge the most alike pair of clusters while their size-weighted average similarity is
    at least 1 (Lance–Williams update for average linkage)."""
    n = len(sizes)
    clusters: list[list[int] | None] = [[i] for i in range(n)]
    weights = sizes.copy()
    between = sims.copy()
    np.fill_diagonal(between, -np.inf)
    while True:
        flat = int(np.argmax(between))
        a, b = divmod(flat, n)
        if between[a, b] < 1.0:
            break
        total = weights[a] + weights[b]
        merged = (weights[a] * between[a] + weights[b] * between[b]) / total
        between[a, :] = merged
        between[:, a] = merged
        between[a, a] = -np.inf
        between[b, :] = -np.inf
        between[:, b] = -np.inf
        weights[a] = total
        clusters[a] = [*clusters[a], *clusters[b]]  # type: ignore[misc]
        clusters[b] = None
    return [c for c in clusters if c is not None]
