"""Fusion of the lexical and dense rankings into one calibrated confidence.

PLACEHOLDER DOCSTRING — replaced once the fit is done.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import astuple, dataclass

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
    agreement: float
    coverage: float
    rrf: float

    def values(self) -> tuple[float, ...]:
        return astuple(self)


FEATURE_NAMES: tuple[str, ...] = tuple(Features.__dataclass_fields__)

INTERCEPT = -7.9622
COEFFICIENTS: dict[str, float] = {
    "lexical": 6.558,
    "lexical_margin": 4.5224,
    "dense": 1.9368,
    "dense_margin": 3.9604,
    "agreement": 1.1265,
    "coverage": 3.1998,
    "rrf": 1.8789,
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
