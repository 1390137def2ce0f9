"""Lexical scoring: BM25 (bm25s) over stemmed terms, one document per record.

A query is scored as a list of :class:`Concept`\\ s rather than loose terms.
A concept is one thing the asker said (a word, or a glossary phrase) with
every way the knowledge may express it: its Danish and English stems, its
glossary synonyms, a repaired misspelling. A document earns the best score
among a concept's alternatives, so synonyms widen recall without counting
twice when a text happens to use two of them.

Scores are also returned divided by the most the query could score at all
(the sum over concepts of the largest IDF among its alternatives, with an
unknown word counted as if it were the rarest term), which is comparable
across queries and feeds the calibrated confidence.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

# bm25s sets its own logger to DEBUG on import, which would print a line at
# every rebuild; let the application's logging configuration decide instead.
logging.getLogger("bm25s").setLevel(logging.NOTSET)

K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing the query asks about, the stem sequences that express it, and how much it
    counts (less when it stands in a sentence of context rather than in the question)."""

    words: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class LexicalScores:
    """BM25 per document, which concepts each document contains, and what each concept weighs.

    A concept's weight is the most it can add to a score's IDF part: the
    largest IDF among its alternatives, or for a concept the knowledge does
    not contain at all (``known`` false), the IDF of the rarest term.
    """

    scores: np.ndarray
    matched: np.ndarray
    weights: np.ndarray
    known: np.ndarray

    @property
    def upper_bound(self) -> float:
        """The most this query could score, unknown words included."""
        return float(self.weights.sum())

    @property
    def known_bound(self) -> float:
        """The most this query could score from the words the knowledge contains."""
        return float(self.weights[self.known].sum())

    def normalised(self, doc: int) -> float:
        return float(self.scores[doc]) / self.upper_bound if self.upper_bound else 0.0

    def known_coverage(self, doc: int) -> float:
        """Share of the concepts the knowledge contains that ``doc`` contains."""
        count = int(self.known.sum())
        return float(self.matched[self.known, doc].sum()) / count if count else 0.0

    def weighted_coverage(self, doc: int) -> float:
        """Share of the known concepts' weight that ``doc`` contains: rare words count more."""
        bound = self.known_bound
        return float(self.weights[self.matched[:, doc]].sum()) / bound if bound else 0.0


class LexicalIndex:
    """BM25 over pre-tokenised documents; rebuilt whole when records change (it is cheap).

    A record may have several documents (an FAQ entry one per language): each
    is scored on its own, so a long bilingual entry is not marked down for the
    length of the language the question is not in, and the record scores as
    its best document. ``owners`` names the record of each document (one
    document per record when left out).
    """

    def __init__(
        self, documents: Sequence[Sequence[str]], owners: Sequence[int] | None = None
    ) -> None:
        self._owners = np.asarray(owners if owners is not None else range(len(documents)))
        self.size = int(self._owners.max()) + 1 if len(self._owners) else 0
        self._documents = len(documents)
        self._bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        self._vocab: dict[str, int] = {}
        self._doc_freq = np.zeros(0, dtype=np.int64)
        if any(documents):
            self._bm25.index([list(doc) for doc in documents], show_progress=False)
            self._vocab = {t: i for t, i in self._bm25.vocab_dict.items() if t}
            indptr = np.asarray(self._bm25.scores["indptr"])
            self._doc_freq = np.diff(indptr)
        self._max_idf = self._idf_for(0)

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self._vocab)

    def document_frequencies(self) -> dict[str, int]:
        """In how many documents each term occurs."""
        return {term: int(self._doc_freq[index]) for term, index in self._vocab.items()}

    def __contains__(self, term: str) -> bool:
        return term in self._vocab

    def _idf_for(self, doc_freq: int) -> float:
        return math.log(1 + (self._documents - doc_freq + 0.5) / (doc_freq + 0.5))

    def idf(self, term: str) -> float:
        index = self._vocab.get(term)
        return self._idf_for(int(self._doc_freq[index]) if index is not None else 0)

    def _term_scores(self, term: str) -> np.ndarray:
        """BM25 of one term in every document."""
        index = self._vocab.get(term)
        if index is None:
            return np.zeros(self._documents, dtype=np.float32)
        return self._bm25.get_scores_from_ids([index])

    def _per_record(self, per_document: np.ndarray) -> np.ndarray:
        """The best document's value for each record (along the last axis)."""
        out = np.zeros((*per_document.shape[:-1], self.size), dtype=per_document.dtype)
        np.maximum.at(out.T, self._owners, per_document.T)
        return out

    def _alternative_scores(self, stems: tuple[str, ...]) -> np.ndarray:
        """A phrase counts only where all its words occur; its weakest word limits it."""
        scores = self._term_scores(stems[0])
        for term in stems[1:]:
            scores = np.minimum(scores, self._term_scores(term))
        return scores

    def score(self, concepts: Sequence[Concept]) -> LexicalScores:
        """Per record: the BM25 of its best document, and which concepts any of its
        documents contains."""
        total = np.zeros(self._documents, dtype=np.float32)
        matched = np.zeros((len(concepts), self._documents), dtype=bool)
        weights = np.zeros(len(concepts))
        known = np.zeros(len(concepts), dtype=bool)
        for row, concept in enumerate(concepts):
            best = np.zeros(self._documents, dtype=np.float32)
            alternatives = [s for s in concept.alternatives if all(t in self._vocab for t in s)]
            for stems in alternatives:
                best = np.maximum(best, self._alternative_scores(stems))
            weights[row] = concept.weight * max(
                (min(self.idf(t) for t in s) for s in alternatives), default=self._max_idf
            )
            known[row] = bool(alternatives)
            total += concept.weight * best
            matched[row] = best > 0
        return LexicalScores(self._per_record(total), self._per_record(matched), weights, known)
