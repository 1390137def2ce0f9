"""Danish and English words the pack translates into each other, learned from the pack.

The pack says everything twice: each FAQ entry in Danish and English, each
document section in both languages, mostly sentence for sentence. A word
that keeps turning up in the Danish sentence exactly where another turns up
in its English translation is that word's translation (*gebyr* ↔ *fee*,
*leverandør* ↔ *supplier*). Knowing that lets a question in one language
meet text that exists only in the other — an answer staff published in
Danish, asked about in English — and gives the English embedding model
English words for a Danish question.

How: aligned pairs are the FAQ questions, the FAQ answers and the sections'
headings and texts, split into sentences where both versions have the same
number of sentences (else whole). Stems that co-occur in at least
:data:`MIN_PAIRS` pairs are scored by the Dice coefficient and linked
greedily, best first, each stem at most once (competitive linking,
Melamed 2000), keeping links of at least :data:`MIN_DICE`. Stems that occur
on both sides (*ean*, *espd*, the names of Danish bodies in English text) and
numbers need no translation and are never linked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from index.normalize import terms
from index.twins import translations
from knowledge.model import FaqEntry, Passage, Record

MIN_PAIRS = 3
MIN_DICE = 0.6
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

Pair = tuple[frozenset[str], frozenset[str]]
"""(Danish stems, English stems) of two texts that say the same."""


class Lexicon:
    """Translations between Danish and English stems, both ways."""

    def __init__(self, links: Iterable[tuple[str, str]]) -> None:
        self._to_english: dict[str, str] = {}
        self._to_danish: dict[str, str] = {}
        for danish, english in links:
            self._to_english[danish] = english
            self._to_danish[english] = danish

    def __len__(self) -> int:
        return len(self._to_english)

    def translations(self, stems: Iterable[str]) -> frozenset[str]:
        """The other language's stems for these stems (of either language)."""
        return frozenset(
            found
            for stem in stems
            for found in (self._to_english.get(stem), self._to_danish.get(stem))
            if found
        )

    @classmethod
    def learn(cls, pairs: Iterable[Pair]) -> Lexicon:
        danish: Counter[str] = Counter()
        english: Counter[str] = Counter()
        together: Counter[tuple[str, str]] = Counter()
        for da, en in pairs:
            danish.update(da)
            english.update(en)
            together.update((d, e) for d in da for e in en)
        scored = sorted(
            (
                (2 * count / (danish[d] + english[e]), count, d, e)
                for (d, e), count in together.items()
                if count >= MIN_PAIRS
                and not d.isdigit()
                and not e.isdigit()
                # A word both languages use (a name, "Indkøb og Udbud" in an English
                # sentence) is the same word, not a translation.
                and d not in english
                and e not in danish
            ),
            reverse=True,
        )
        linked_danish: set[str] = set()
        linked_english: set[str] = set()
        links = []
        for dice, _, d, e in scored:
            if dice < MIN_DICE:
                break
            if d in linked_danish or e in linked_english:
                continue
            links.append((d, e))
            linked_danish.add(d)
            linked_english.add(e)
        return cls(links)


def parallel_pairs(records: Sequence[Record]) -> Iterator[Pair]:
    """Aligned Danish/English texts of the pack: FAQ entries in both languages, and the
    Danish and English versions of each document section (same document, same place)."""
    for record in records:
        if isinstance(record, FaqEntry) and {"da", "en"} <= set(record.texts):
            da, en = record.texts["da"], record.texts["en"]
            yield _pair(da.question, en.question)
            yield from _sentence_pairs(da.answer, en.answer)
    for a, b in translations(records):
        da, en = sorted((records[a], records[b]), key=lambda r: r.languages != ("da",))
        if isinstance(da, Passage) and isinstance(en, Passage):
            yield _pair(da.heading, en.heading)
            yield from _sentence_pairs(da.text, en.text)


def _pair(danish: str, english: str) -> Pair:
    return frozenset(terms(danish, "da")), frozenset(terms(english, "en"))


def _sentence_pairs(danish: str, english: str) -> Iterator[Pair]:
    """Sentence by sentence where both texts have as many sentences, else the whole texts."""
    da, en = _sentences(danish), _sentences(english)
    if len(da) == len(en):
        yield from (_pair(d, e) for d, e in zip(da, en, strict=True))
    else:
        yield _pair(danish, english)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]
