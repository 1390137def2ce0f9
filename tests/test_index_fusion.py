"""The confidence behaves as a confidence: more evidence never lowers it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.fusion import (
    DECREASING,
    INCREASING,
    RANKING_COEFFICIENTS,
    Evidence,
    Features,
    QueryEvidence,
    confidence,
    ranking_score,
    rrf,
)

QUERY = QueryEvidence(
    asked=4,
    known=4,
    numbers=0,
    concepts=4,
    known_concepts=4,
    english=1.0,
    upper_bound=12.0,
    known_bound=12.0,
)
BASE = Evidence(
    lexical=4.0,
    lexical_rank=2,
    lexical_rival=5.0,
    dense=0.5,
    dense_rank=2,
    dense_rival=0.6,
    topic=2.0,
    topic_coverage=0.5,
    weighted_coverage=0.5,
    kind="faq",
)


def conf(english: float = 1.0, rival: float | None = None, **changes: object) -> float:
    evidence = replace(BASE, **changes)  # type: ignore[arg-type]
    # Ranks follow the scores, as they do in a search.
    evidence = replace(
        evidence,
        lexical_rank=(1 if evidence.lexical >= evidence.lexical_rival else 2)
        if evidence.lexical > 0
        else None,
        dense_rank=1 if evidence.dense >= evidence.dense_rival else 2,
    )
    score = ranking_score(Features.of(replace(QUERY, english=english), evidence))
    return confidence(score, rival)


def test_rrf_is_one_when_first_in_both_and_falls_with_rank() -> None:
    assert rrf((1, 1)) == pytest.approx(1.0)
    assert rrf((None, None)) == 0.0
    assert rrf((1, None)) == pytest.approx(0.5)
    assert rrf((1, 1)) > rrf((1, 2)) > rrf((2, 2)) > rrf((10, 10)) > rrf((None, 10))


def test_the_fitted_model_weighs_evidence_the_way_it_points() -> None:
    used = set(RANKING_COEFFICIENTS)
    assert all(RANKING_COEFFICIENTS[name] >= 0 for name in INCREASING & used)
    assert all(RANKING_COEFFICIENTS[name] <= 0 for name in DECREASING & used)


@pytest.mark.parametrize("english", [0.0, 0.5, 1.0])
@pytest.mark.parametrize(
    "changes",
    [
        [{"lexical": v} for v in (0.0, 2.0, 4.0, 6.0, 10.0)],
        [{"lexical_rival": v} for v in (9.0, 5.0, 3.0, 0.0)],
        [{"dense": v} for v in (0.1, 0.4, 0.7, 0.9)],
        [{"dense_rival": v} for v in (0.9, 0.6, 0.3)],
        [{"weighted_coverage": v, "topic_coverage": v} for v in (0.0, 0.25, 0.5, 1.0)],
    ],
    ids=["lexical", "lexical rival", "dense", "dense rival", "coverage"],
)
def test_confidence_rises_with_each_kind_of_evidence(
    english: float, changes: list[dict[str, float]]
) -> None:
    confidences = [conf(english, **change) for change in changes]
    assert confidences == sorted(confidences)
    assert confidences[-1] > confidences[0]


def test_a_strong_rival_lowers_the_confidence() -> None:
    assert conf(rival=5.0) < conf(rival=-5.0) <= conf(rival=None)


def test_confidence_is_a_probability_at_the_extremes() -> None:
    full = {"weighted_coverage": 1.0, "topic_coverage": 1.0}
    strongest = conf(lexical=12.0, lexical_rival=0.0, dense=0.9, dense_rival=0.2, **full)
    empty = {"weighted_coverage": 0.0, "topic_coverage": 0.0}
    weakest = conf(lexical=0.0, topic=0.0, dense=0.0, dense_rival=0.9, **empty)
    assert 0.9 < strongest <= 1.0
    assert 0.0 <= weakest < 0.01


def test_no_lexical_match_stays_below_an_even_chance() -> None:
    # Only the dense side, first and well ahead: the default model alone is not trusted.
    empty = {"weighted_coverage": 0.0, "topic_coverage": 0.0}
    assert conf(0.0, lexical=0.0, topic=0.0, dense=0.8, dense_rival=0.6, **empty) < 0.5
