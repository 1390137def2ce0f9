"""Glossary expansion: words that mean the same thing in procurement.

Users say *regning* where the pack says *faktura*, *licitation* where it says
*udbud*, and English speakers say *bill* about a Danish passage. The
glossary of the pack (``kb.glossary``) groups such words across both
languages. Terms are compared as stem sequences (:func:`index.normalize.terms`
in the term's own language), so inflected and multi-word forms match too
(*regningen*, *call for tenders*).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence, Set
from dataclasses import dataclass

from index.normalize import terms
from knowledge.model import GlossaryGroup


@dataclass(frozen=True, slots=True)
class Term:
    """One glossary word or phrase as written, with its language and stems."""

    text: str
    language: str
    stems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """Glossary terms found at ``start`` covering ``length`` query words."""

    start: int
    length: int
    groups: tuple[int, ...]


class Glossary:
    """Finds glossary terms in stemmed text and names their synonyms."""

    def __init__(self, groups: Sequence[GlossaryGroup]) -> None:
        self._groups: list[tuple[Term, ...]] = []
        self._by_first_stem: dict[str, list[tuple[int, Term]]] = defaultdict(list)
        for group in groups:
            members = tuple(
                Term(text, lang, tuple(terms(text, lang)))
                for lang, texts in (("da", group.da), ("en", group.en))
                for text in texts
            )
            members = tuple(term for term in members if term.stems)
            if len(members) < 2:
                continue
            index = len(self._groups)
            self._groups.append(members)
            for term in members:
                self._by_first_stem[term.stems[0]].append((index, term))

    def __len__(self) -> int:
        return len(self._groups)

    @property
    def stems(self) -> frozenset[str]:
        """Every stem that occurs in a glossary term (known words for misspelling repair)."""
        return frozenset(s for group in self._groups for term in group for s in term.stems)

    def group(self, index: int) -> tuple[Term, ...]:
        return self._groups[index]

    def find(self, word_stems: Sequence[Set[str]], language: str | None = None) -> list[Match]:
        """Glossary terms in a text given as one set of candidate stems per word.

        Longest match first, left to right, without overlaps; several groups
        matching the same words are reported together. ``language`` limits
        the terms looked for to one language.
        """
        matches: list[Match] = []
        i = 0
        while i < len(word_stems):
            best_length, best_groups = 0, set()
            for first in word_stems[i]:
                for index, term in self._by_first_stem.get(first, ()):
                    if language and term.language != language:
                        continue
                    n = len(term.stems)
                    if n < best_length or i + n > len(word_stems):
                        continue
                    if all(term.stems[j] in word_stems[i + j] for j in range(1, n)):
                        if n > best_length:
                            best_length, best_groups = n, set()
                        best_groups.add(index)
            if best_length:
                matches.append(Match(i, best_length, tuple(sorted(best_groups))))
                i += best_length
            else:
                i += 1
        return matches

    def english_equivalents(self, text: str) -> list[str]:
        """The English term for each Danish glossary term in a Danish ``text``, in order, once.

        The default embedding model reads English only; appending these to a
        Danish text before encoding gives it something to understand. Only
        the first English term of a group is named: the synonyms added
        nothing measurable to retrieval but made every Danish text a third
        longer to embed (shipped pack: 15 s to 10 s; query 14 to 10 ms).
        """
        stems = [{s} for s in terms(text, "da")]
        seen: dict[str, None] = {}
        for match in self.find(stems, language="da"):
            for index in match.groups:
                english = [t for t in self._groups[index] if t.language == "en"]
                if english:
                    seen.setdefault(english[0].text, None)
        return list(seen)
