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
    """One thing the query asks about, and the stem sequences that express it."""

    words: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class LexicalScores:
    """BM25 per document, plus which concepts each document contains."""

    scores: np.ndarray
    matched: np.ndarray
    upper_bound: float

    def normalised(self, doc: int) -> float:
        return float(self.scores[doc]) / self.upper_bound if self.upper_bound else 0.0

    def coverage(self, doc: int) -> float:
        """Share of the query's concepts that ``doc`` contains."""
        return float(self.matched[:, doc].mean()) if self.matched.shape[0] else 0.0


class LexicalIndex:
    """BM25 over pre-tokenised documents; rebuilt whole when records change (it is cheap)."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.size = len(documents)
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

    def __contains__(self, term: str) -> bool:
        return term in self._vocab

    def _idf_for(self, doc_freq: int) -> float:
        return math.log(1 + (self.size - doc_freq + 0.5) / (doc_freq + 0.5))

    def idf(self, term: str) -> float:
        index = self._vocab.get(term)
        return self._idf_for(int(self._doc_freq[index]) if index is not None else 0)

    def _term_scores(self, term: str) -> np.ndarray:
        index = self._vocab.get(term)
        if index is None:
            return np.zeros(self.size, dtype=np.float32)
        return self._bm25.get_scores_from_ids([index])

    def _alternative_scores(self, stems: tuple[str, ...]) -> np.ndarray:
        """A phrase counts only where all its words occur; its weakest word limits it."""
        scores = self._term_scores(stems[0])
        for term in stems[1:]:
            scores = np.minimum(scores, self._term_scores(term))
        return scores

    def score(self, concepts: Sequence[Concept]) -> LexicalScores:
        total = np.zeros(self.size, dtype=np.float32)
        matched = np.zeros((len(concepts), self.size), dtype=bool)
        upper_bound = 0.0
        for row, concept in enumerate(concepts):
            best = np.zeros(self.size, dtype=np.float32)
            known = [s for s in concept.alternatives if all(t in self._vocab for t in s)]
            for stems in known:
                best = np.maximum(best, self._alternative_scores(stems))
            bound = max((min(self.idf(t) for t in s) for s in known), default=self._max_idf)
            total += best
            matched[row] = best > 0
            upper_bound += bound
        return LexicalScores(total, matched, upper_bound)
