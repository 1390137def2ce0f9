"""From the text a user typed to what the lexical and dense indexes look for.

The steps: cut an over-long text, keep the content words, stem each with
both stemmers (or only the hinted language's), repair words the knowledge
does not contain by the nearest known stem (misspellings), then widen each
word or phrase found in the glossary to all its synonyms. The dense side
gets the text itself plus the English equivalents of Danish glossary terms,
because the default embedding model reads English.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.glossary import Glossary
from index.lexical import Concept
from index.normalize import LANGUAGES, content_words, word_stems

MAX_QUERY_CHARS = 1000
MAX_CONCEPTS = 48
FUZZY_MIN_LENGTH = 5


def fuzzy_distance(word: str) -> int:
    """Edits allowed when repairing a word: one for short words, two from eight letters."""
    return 1 if len(word) < 8 else 2


class Speller:
    """Repairs unknown query stems to the nearest stem the index knows."""

    def __init__(self, known: Iterable[str]) -> None:
        self._known = frozenset(known)
        self._by_length: dict[int, list[str]] = {}
        for term in self._known:
            self._by_length.setdefault(len(term), []).append(term)
        for bucket in self._by_length.values():
            bucket.sort()

    def __contains__(self, stem: str) -> bool:
        return stem in self._known

    def correct(self, stem: str) -> str | None:
        """The closest known stem within the allowed edits, or None.

        Only words of five letters or more are repaired (shorter ones have
        too many neighbours); candidates are limited to similar lengths so a
        lookup costs well under a millisecond.
        """
        if len(stem) < FUZZY_MIN_LENGTH or stem.isdigit():
            return None
        limit = fuzzy_distance(stem)
        candidates = [
            term
            for length in range(len(stem) - limit, len(stem) + limit + 1)
            for term in self._by_length.get(length, ())
        ]
        best = process.extractOne(stem, candidates, scorer=Levenshtein.distance, score_cutoff=limit)
        return best[0] if best else None


@dataclass(frozen=True, slots=True)
class AnalysedQuery:
    """What a query asks for, in the form each index needs."""

    concepts: tuple[Concept, ...]
    dense_text: str

    @property
    def empty(self) -> bool:
        return not self.concepts


def analyse(
    text: str,
    glossary: Glossary,
    speller: Speller,
    language: str | None = None,
    stem_languages: Collection[str] = LANGUAGES,
) -> AnalysedQuery:
    """Concepts for BM25 and text for the encoder; empty when nothing meaningful was asked.

    ``language`` is the asker's language: it picks the stop-word list
    (both lists when None). Words are stemmed in every language of
    ``stem_languages``, because questions mix languages (an English
    question about *udbudsloven*).
    """
    text = text[:MAX_QUERY_CHARS]
    words = content_words(text, language)[:MAX_CONCEPTS]
    stems: list[frozenset[str]] = []
    for word in words:
        candidates = word_stems(word, stem_languages)
        if not any(s in speller for s in candidates):
            repaired = {fixed for s in candidates if (fixed := speller.correct(s))}
            candidates = frozenset(repaired) or candidates
        stems.append(candidates)

    concepts: list[Concept] = []
    matches = {m.start: m for m in glossary.find(stems)}
    i = 0
    while i < len(words):
        match = matches.get(i)
        if match is None:
            concepts.append(Concept((words[i],), tuple((s,) for s in sorted(stems[i]))))
            i += 1
            continue
        alternatives = {term.stems for index in match.groups for term in glossary.group(index)}
        if match.length == 1:
            alternatives |= {(s,) for s in stems[i]}
        concepts.append(Concept(tuple(words[i : i + match.length]), tuple(sorted(alternatives))))
        i += match.length

    english = [t for t in glossary.english_equivalents(text) if t.casefold() not in text.casefold()]
    dense_text = f"{text} ({', '.join(english)})" if english else text
    return AnalysedQuery(tuple(concepts), dense_text if concepts else "")
