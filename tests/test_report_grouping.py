"""Unanswered questions in groups: paraphrases of one question together, a different one apart."""

from __future__ import annotations

import pytest

from bot.reporting.grouping import group
from index.dense import Embedder

PARKING = [
    "Kan vores håndværkere få parkeringstilladelse ved kommunens skoler?",
    "Hvor må vores håndværkere parkere, når de arbejder på en skole?",
    "Får håndværkere gratis parkering ved kommunale skoler?",
]
REGISTER = [
    "Hvordan opdaterer vi vores firmaoplysninger i kommunens leverandørregister?",
    "Vi har fået ny adresse – hvordan ændrer vi det i jeres leverandørregister?",
]
COURSES_EN = [
    "Does the municipality run courses for first-time bidders?",
    "Are there any courses on bidding for new suppliers?",
]
OTHERS = ["Hvad er vejret i morgen?", "udbud", "Kan I hjælpe mig med at forny mit pas?"]


def as_sets(texts: list[str], groups: list[list[int]]) -> set[frozenset[str]]:
    return {frozenset(texts[i] for i in members) for members in groups}


@pytest.mark.model
def test_paraphrases_group_together_with_the_bundled_model(bundled_embedder: Embedder) -> None:
    texts = [*PARKING, *OTHERS, *REGISTER, *COURSES_EN, PARKING[0]]
    groups = group(texts, bundled_embedder.encode)
    found = as_sets(texts, groups)
    assert frozenset(PARKING) in found
    assert frozenset(REGISTER) in found
    # English paraphrases with little shared wording meet through the embedding model.
    assert frozenset(COURSES_EN) in found
    assert all(frozenset({other}) in found for other in OTHERS)
    # The repeated question counts twice, in the largest group, which comes first.
    assert len(groups[0]) == 4 and texts[groups[0][0]] == PARKING[0]


def test_wording_alone_groups_danish_paraphrases_and_keeps_others_apart() -> None:
    texts = [*PARKING, *REGISTER, *OTHERS]
    found = as_sets(texts, group(texts))
    assert found == {
        frozenset(PARKING),
        frozenset(REGISTER),
        *(frozenset({other}) for other in OTHERS),
    }


def test_nothing_to_group() -> None:
    assert group([]) == []
