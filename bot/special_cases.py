"""The general case first: a record about a special case answers only a question that names it.

Businesses ask the bot as suppliers to Aarhus Kommune. "tærskel 2026 varer?"
means the threshold when the municipality buys supplies, not the lower one of
the state, nor the one of utilities, nor the small-lots figure, although all
of those records say "threshold", "supplies" and "2026" just as well. A pack
entry names its special case (``special_case`` in the pack, see
:class:`knowledge.model.FaqEntry`); when the question names none of its words
and a record for the general case fits too, the special record is left out,
so the general one answers instead of a choice the asker cannot make sense of.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from index.normalize import terms
from index.query import AnalysedQuery
from index.search import Hit
from knowledge.model import LANGUAGES, FaqEntry, Record


def general_first(hits: Sequence[Hit], analysed: AnalysedQuery, floor: float) -> list[Hit]:
    """The hits without the special cases the question does not name, when one of the others
    reaches ``floor`` (fits at least loosely); otherwise all of them, as they came."""
    asked = query_stems(analysed)
    general = [hit for hit in hits if not _unnamed_special_case(hit.record, asked)]
    if any(hit.confidence >= floor for hit in general):
        return general
    return list(hits)


def query_stems(analysed: AnalysedQuery) -> frozenset[str]:
    """Every stem the question may mean: its words (repaired) and their glossary synonyms."""
    return frozenset(
        stem
        for concept in analysed.concepts
        for alternative in concept.alternatives
        for stem in alternative
    )


def _unnamed_special_case(record: Record, asked: frozenset[str]) -> bool:
    if not isinstance(record, FaqEntry) or not record.special_case:
        return False
    return not any(
        stems and stems <= asked for word in record.special_case for stems in _word_stems(word)
    )


@lru_cache(maxsize=1024)
def _word_stems(word: str) -> tuple[frozenset[str], ...]:
    """The stems of a special-case word or phrase, once per language it may be written in."""
    return tuple(frozenset(terms(word, language)) for language in LANGUAGES)
