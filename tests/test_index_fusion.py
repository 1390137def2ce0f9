"""The confidence behaves as a confidence: more evidence never lowers it."""

from __future__ import annotations

import pytest

from index.fusion import Features, confidence, rrf

BASE = {
    "lexical": 0.3,
    "lexical_margin": 0.0,
    "dense": 0.6,
    "dense_margin": 0.0,
    "ranks": (2, 2),
    "coverage": 0.5,
}


def conf(english: float = 1.0, **changes: object) -> float:
    return confidence(Features.of(**{**BASE, **changes}, english=english))  # type: ignore[arg-type]


def test_rrf_is_one_when_first_in_both_and_falls_with_rank() -> None:
    assert rrf((1, 1)) == pytest.approx(1.0)
    assert rrf((None, None)) == 0.0
    assert rrf((1, None)) == pytest.approx(0.5)
    assert rrf((1, 1)) > rrf((1, 2)) > rrf((2, 2)) > rrf((10, 10)) > rrf((None, 10))


@pytest.mark.parametrize("english", [0.0, 0.5, 1.0])
@pytest.mark.parametrize(
    ("feature", "values"),
    [
        ("lexical", (0.0, 0.2, 0.4, 0.8)),
        ("lexical_margin", (-0.3, 0.0, 0.1, 0.3)),
        ("coverage", (0.0, 0.25, 0.5, 1.0)),
        ("dense", (0.1, 0.4, 0.7, 0.9)),
        ("ranks", ((None, 30), (5, 5), (2, 1), (1, 1))),
    ],
)
def test_confidence_rises_with_each_kind_of_evidence(
    english: float, feature: str, values: tuple[object, ...]
) -> None:
    confidences = [conf(english, **{feature: value}) for value in values]
    assert confidences == sorted(confidences)
    assert confidences[-1] > confidences[0]


def test_dense_margin_counts_for_english_questions() -> None:
    assert conf(1.0, dense_margin=0.1) > conf(1.0, dense_margin=0.0) > conf(1.0, dense_margin=-0.1)


def test_confidence_is_a_probability_at_the_extremes() -> None:
    strongest = conf(
        lexical=1.0, lexical_margin=1.0, dense=1.0, dense_margin=1.0, ranks=(1, 1), coverage=1.0
    )
    weakest = conf(
        lexical=0.0,
        lexical_margin=-1.0,
        dense=-1.0,
        dense_margin=-1.0,
        ranks=(None, 1000),
        coverage=0.0,
    )
    assert 0.9 < strongest <= 1.0
    assert 0.0 <= weakest < 0.01


def test_no_lexical_match_stays_below_an_even_chance() -> None:
    # Only the dense side, first and well ahead: the default model alone is not trusted.
    assert conf(0.0, lexical=0.0, coverage=0.0, ranks=(None, 1), dense=0.8, dense_margin=0.1) < 0.5
