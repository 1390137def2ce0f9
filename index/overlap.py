"""How much of one text another already says, as the lexical index reads both.

Used to tell a follow-up from a new question: a message that mostly repeats
the words of an open question (after stemming, misspelling repair and the
glossary, so *regning* meets *faktura*) is about the same thing. Words are
weighted by their inverse document frequency in the index, as BM25 weighs
them, so shared common words (*kommune*, *udbud*) count for little and a
shared rare one (*kontorstole*) for much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.lexical import Concept, LexicalIndex


@dataclass(frozen=True, slots=True)
class Overlap:
    """``concepts``: the content words or glossary phrases of the text; ``shared``: the
    IDF-weighted share of them (0–1) that the other text contains too."""

    concepts: int
    shared: float


def overlap(text: Sequence[Concept], other: Sequence[Concept], lexical: LexicalIndex) -> Overlap:
    """The overlap of ``text`` with ``other``, words weighted by ``lexical``'s IDF."""
    if not text:
        return Overlap(0, 0.0)
    theirs = {alternative for concept in other for alternative in concept.alternatives}
    weights = [_weight(concept, lexical) for concept in text]
    shared = sum(
        weight
        for concept, weight in zip(text, weights, strict=True)
        if theirs.intersection(concept.alternatives)
    )
    total = sum(weights)
    return Overlap(len(text), shared / total if total else 0.0)


def _weight(concept: Concept, lexical: LexicalIndex) -> float:
    """A concept is as common as its most common known expression (a phrase: its most
    common word), so a glossary word widened to rare synonyms stays common; a word the
    index does not know weighs the most."""
    known = [a for a in concept.alternatives if all(stem in lexical for stem in a)]
    if not known:
        return lexical.idf("")
    return min(lexical.idf(stem) for alternative in known for stem in alternative)
