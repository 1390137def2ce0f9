"""Fusion of the lexical and dense rankings into one calibrated confidence.

Every candidate record (the best ``POOL`` of each ranking, see
:mod:`index.search`) gets the :class:`Features` below, and a logistic model
turns them into the probability that the record answers the question. The
candidates are ordered by that probability: on the pack's own questions
(below) it puts the right entry first clearly more often than reciprocal
rank fusion alone (FAQ main questions 0.77 against 0.73, headings 0.84
against 0.77, sloppy alternates 0.66 against 0.58). Because it is a
probability fitted once, with constants in this file, it means the same for
every query and after every restart, and one threshold
(``Settings.answer_threshold``) decides whether to answer.

Features (per candidate; "other" = the best other record of that ranking):

- ``lexical``: BM25 divided by the most this query could score
  (:class:`index.lexical.LexicalScores`), so comparable across queries;
- ``lexical_margin``: (BM25 − best other BM25) / the same bound; positive
  only for the lexical top hit;
- ``dense``, ``dense_margin``: cosine of the record's best unit, and its
  difference to the best other record;
- ``dense_en``, ``dense_margin_en``, ``english``: the same for English
  questions only, and an English-question offset. The default model reads
  English; the fit gives Danish cosines far less weight;
- ``lexical_first``, ``dense_first``, ``dense_first_en``, ``agreement``:
  first in the lexical ranking, in the dense ranking (overall and for
  English questions), in both;
- ``coverage``: share of the question's concepts (words or glossary phrases)
  that the record contains;
- ``rrf``: reciprocal rank fusion of both ranks, 1 when first in both.

How it was fitted (``benchmarks/fit_confidence.py``, never on
``shared/eval/dev.jsonl``): questions generated from the shipped pack with
the asked text held out of the index, namely 1,659 FAQ alternates (index
without alternates), 396 FAQ main questions (index with an alternate in
the question's place) and 470 passage headings (index without headings);
the asked record is the positive and other records of the same kind are
negatives (records that may answer as well but were not labelled, such as
the translation of a passage, are left out). Plus 60 questions the pack
cannot answer, written for this (``benchmarks/calibration_queries.py``:
off-topic and out-of-knowledge, Danish and English), all candidates
negative and weighted so that answerable and unanswerable questions weigh
the same. L2-regularised logistic regression, Newton's method; the script
prints these constants and the 5-fold cross-validated log loss used to
choose the feature set. Refit after changing the features, the index, the
embedding model or the pack substantially.

Separation on the development questions is reported by
``benchmarks/retrieval.py`` (see ``benchmarks/results/retrieval.json``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

RRF_K = 60


def rrf(ranks: Sequence[int | None]) -> float:
    """Reciprocal rank fusion, scaled so that first in every list is 1."""
    best = len(ranks) / (RRF_K + 1)
    return sum(1 / (RRF_K + r) for r in ranks if r is not None) / best


@dataclass(frozen=True, slots=True)
class Features:
    """What the confidence of one candidate record is computed from."""

    lexical: float
    lexical_margin: float
    dense: float
    dense_margin: float
    dense_en: float
    dense_margin_en: float
    english: float
    lexical_first: float
    dense_first: float
    dense_first_en: float
    agreement: float
    coverage: float
    rrf: float

    @classmethod
    def of(
        cls,
        *,
        lexical: float,
        lexical_margin: float,
        dense: float,
        dense_margin: float,
        ranks: tuple[int | None, int | None],
        coverage: float,
        english: float,
    ) -> Features:
        """Features from the raw measurements; ``english`` is 1, 0, or 0.5 when unknown."""
        lexical_first, dense_first = float(ranks[0] == 1), float(ranks[1] == 1)
        return cls(
            lexical=lexical,
            lexical_margin=lexical_margin,
            dense=dense,
            dense_margin=dense_margin,
            dense_en=english * dense,
            dense_margin_en=english * dense_margin,
            english=english,
            lexical_first=lexical_first,
            dense_first=dense_first,
            dense_first_en=english * dense_first,
            agreement=lexical_first * dense_first,
            coverage=coverage,
            rrf=rrf(ranks),
        )

    def values(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in FEATURE_NAMES)


FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Features))

INTERCEPT = -9.3626
COEFFICIENTS: dict[str, float] = {
    "lexical": 5.5213,
    "lexical_margin": 3.3643,
    "dense": 0.1322,
    "dense_margin": 2.6990,
    "dense_en": 2.9287,
    "dense_margin_en": -2.0557,
    "english": -1.9467,
    "lexical_first": 0.5206,
    "dense_first": 0.7441,
    "dense_first_en": 0.5106,
    "agreement": 0.2734,
    "coverage": 3.1497,
    "rrf": 4.6010,
}


def logit(features: Features) -> float:
    return INTERCEPT + sum(
        COEFFICIENTS[name] * value
        for name, value in zip(FEATURE_NAMES, features.values(), strict=True)
    )


def confidence(features: Features) -> float:
    """Probability that the candidate answers the question, from the fitted logistic model."""
    z = logit(features)
    return 1 / (1 + math.exp(-z)) if z > -500 else 0.0
