"""Fusion of the lexical and dense rankings into one calibrated confidence.

Every candidate record (the best ``POOL`` of each ranking, see
:mod:`index.search`) gets the :class:`Features` below, computed from the
raw :class:`QueryEvidence` and :class:`Evidence`, and a logistic model
turns them into the probability that the record answers the question. The
candidates are ordered by that probability. Because it is a probability
fitted once, with constants in this file, it means the same for every
query and after every restart, and one threshold
(``Settings.answer_threshold``) decides whether to answer.

Two stages. :func:`ranking_score` is a logistic model over the features of
one candidate (:func:`feature_values`: BM25 over the record's text and over
what it is about, both normalised by the most the question could score from
the words the knowledge knows; cosines; margins over the best *rival*, a
record that is neither this one nor a twin from :mod:`index.twins`; ranks;
how much of the question the knowledge knows at all; one-concept and
numbers-only questions; the kind of record). It orders the candidates.
:func:`confidence` then weighs a candidate's score against its best rival's
score: the probability that it answers the question.

How it was fitted: ``benchmarks/fit_confidence.py`` (its docstring says how
the training questions are made: the pack's own questions, headings and
facts rewritten in chat style by ``benchmarks/chat_style.py``, with the asked
text held out of the index, and questions the pack cannot answer, never the
question files in ``shared/eval``). The script writes the constants below
(``--write``) and ``benchmarks/results/confidence_fit.json`` with the
cross-validated log loss, the answer rates by kind of question and the
threshold sweep. Refit after changing the features, the index, the embedding
model or the pack substantially.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

RRF_K = 60


def rrf(ranks: Sequence[int | None]) -> float:
    """Reciprocal rank fusion, scaled so that first in every list is 1."""
    best = len(ranks) / (RRF_K + 1)
    return sum(1 / (RRF_K + r) for r in ranks if r is not None) / best


@dataclass(frozen=True, slots=True)
class QueryEvidence:
    """What the analysis and both rankings say about the question as a whole.

    ``asked``/``known``/``numbers`` count content words (see
    :class:`index.query.AnalysedQuery`); ``concepts``/``known_concepts``
    the units BM25 scores; ``english`` is 1 for an English question, 0 for
    Danish, 0.5 when unknown; the bounds are the most the question could
    score in BM25 (with and without the words the knowledge lacks).
    """

    asked: int
    known: int
    numbers: int
    concepts: int
    known_concepts: int
    english: float
    upper_bound: float
    known_bound: float


@dataclass(frozen=True, slots=True)
class Evidence:
    """One candidate record in both rankings (ranks are 1-based; None: no query word).

    A rival score is the best score of a record that is neither this one nor
    one of its twins (:mod:`index.twins`): the competition that counts.
    ``topic`` is the BM25 score against what the record is about (its own
    questions, headings or title; :func:`index.records.topic_documents`), and
    ``topic_coverage`` the share of the known concepts found there.
    ``weighted_coverage`` is the share of the query's known concepts the
    record holds, each weighted by its IDF: a record holding only *aarhus* and
    *kommune* of a question about office chairs covers little.
    """

    lexical: float
    lexical_rank: int | None
    lexical_rival: float
    dense: float
    dense_rank: int
    dense_rival: float
    topic: float
    topic_coverage: float
    weighted_coverage: float
    kind: str


def feature_values(query: QueryEvidence, record: Evidence) -> dict[str, float]:
    """Every feature the confidence model may use, by name; the fit chooses among them."""
    bound = query.known_bound or 1.0
    lexical_first = float(record.lexical > 0 and record.lexical >= record.lexical_rival)
    dense_first = float(record.dense >= record.dense_rival)
    dense_margin = record.dense - record.dense_rival
    return {
        "lexical": record.lexical / bound,
        "lexical_margin": (record.lexical - record.lexical_rival) / bound,
        "dense": record.dense,
        "dense_margin": dense_margin,
        "dense_en": query.english * record.dense,
        "dense_margin_en": query.english * dense_margin,
        "english": query.english,
        "lexical_first": lexical_first,
        "dense_first": dense_first,
        "agreement": lexical_first * dense_first,
        "both_top3": float(
            record.lexical_rank is not None and record.lexical_rank <= 3 and record.dense_rank <= 3
        ),
        "topic": record.topic / bound,
        "topic_coverage": record.topic_coverage,
        "weighted_coverage": record.weighted_coverage,
        # The same share of everything asked, words the knowledge lacks counted at the
        # weight of its rarest word: an unknown subject ("kontorstole") weighs heavily.
        "overall_coverage": record.weighted_coverage * query.known_bound / query.upper_bound
        if query.upper_bound
        else 0.0,
        "known_share": query.known / query.asked if query.asked else 0.0,
        "unknown_words": math.log1p(query.asked - query.known),
        "single_concept": float(query.known_concepts == 1),
        "numeric_share": query.numbers / query.asked if query.asked else 0.0,
        "rrf": rrf((record.lexical_rank, record.dense_rank)),
        "faq": float(record.kind == "faq"),
        "tender": float(record.kind == "tender"),
    }


INCREASING: frozenset[str] = frozenset(
    {
        "lexical",
        "lexical_margin",
        "dense",
        "dense_margin",
        "dense_en",
        "dense_margin_en",
        "lexical_first",
        "dense_first",
        "agreement",
        "both_top3",
        "topic",
        "topic_coverage",
        "weighted_coverage",
        "overall_coverage",
        "known_share",
        "rrf",
    }
)
"""Features that are evidence for the record: more of them must never lower its score.

The fit drops any of these that would get a negative weight (a sign of
overlap with another feature), so the model stays monotone and behaves
sensibly on questions unlike those it was fitted on.
"""

DECREASING: frozenset[str] = frozenset({"unknown_words"})
"""Features that are evidence against: a word the knowledge has never seen is a sign the
question is about something it does not know, so it must never raise the score."""

RANKING_INTERCEPT = -7.7084
RANKING_COEFFICIENTS: dict[str, float] = {
    "lexical": 3.8348,
    "lexical_margin": 3.4280,
    "dense": 0.2574,
    "dense_margin": 3.2401,
    "dense_en": 1.0395,
    "dense_margin_en": 0.7729,
    "english": -0.2963,
    "lexical_first": 0.1806,
    "dense_first": 0.1247,
    "topic_coverage": 0.3507,
    "weighted_coverage": 0.8034,
    "overall_coverage": 2.1090,
    "known_share": 0.6429,
    "single_concept": -1.5837,
    "numeric_share": 2.9257,
    "rrf": 3.3555,
    "faq": -0.4580,
    "tender": -1.0923,
}


CONFIDENCE_INTERCEPT = -0.0781
CONFIDENCE_OWN = 0.9911
CONFIDENCE_RIVAL = -0.0511
RIVAL_FLOOR = -15.0
"""A candidate without a rival competes with a record scored this low."""


FEATURE_NAMES: tuple[str, ...] = tuple(RANKING_COEFFICIENTS)
"""The features the fitted model uses (a subset of :func:`feature_values`)."""


@dataclass(frozen=True, slots=True)
class Features:
    """The model's inputs for one candidate, in :data:`FEATURE_NAMES` order."""

    values: tuple[float, ...]
    rrf: float

    @classmethod
    def of(cls, query: QueryEvidence, record: Evidence) -> Features:
        named = feature_values(query, record)
        return cls(tuple(named[name] for name in FEATURE_NAMES), named["rrf"])


def ranking_score(features: Features) -> float:
    """The first stage: how well the record matches, as a logit (orders the candidates)."""
    return RANKING_INTERCEPT + sum(
        RANKING_COEFFICIENTS[name] * value
        for name, value in zip(FEATURE_NAMES, features.values, strict=True)
    )


def confidence(score: float, rival: float | None) -> float:
    """The second stage: probability that the record answers the question, from its own
    ranking score and that of its best rival (the best candidate that is not a twin)."""
    z = (
        CONFIDENCE_INTERCEPT
        + CONFIDENCE_OWN * score
        + CONFIDENCE_RIVAL * max(RIVAL_FLOOR, RIVAL_FLOOR if rival is None else rival)
    )
    return 1 / (1 + math.exp(-z)) if z > -500 else 0.0
