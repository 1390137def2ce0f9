"""Records that say the same thing: a passage and its translation, an FAQ entry and the
passage or tender row it was written from.

Why it matters: the confidence of an answer reads how far the record stands
above its rivals, and a "did you mean …?" offers close candidates as
choices. When the runner-up says the same thing as the leader, a small
margin is no doubt at all, and offering both is no choice. So margins are
taken against the best record that is *not* a twin, and choices never hold
two twins.

Two records are twins when

- they are the Danish and English version of the same section (same
  document, same position, same source), or
- they belong to one ``series`` (one fact for different periods: which one
  holds is for the date to decide, not the search), or
- their texts in a shared language are alike (:class:`Likeness`, at least
  :data:`TWIN_SIMILARITY`) and the amounts of one are all in the other:
  *the threshold for works in 2026* and *for supplies in 2026* share their
  words but not their amounts, and are not twins. Years do not count as
  amounts: two texts about one fact may date it differently.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import numpy as np
from scipy import sparse

from index.normalize import terms
from index.records import tender_text
from knowledge.model import FaqEntry, Passage, Record

TWIN_SIMILARITY = 0.4
_AMOUNT = re.compile(r"^(?!(19|20)\d\d$)\d{2,}$")


def _texts(record: Record) -> dict[str, str]:
    """What a record says, per language it says it in."""
    if isinstance(record, FaqEntry):
        return {lang: f"{t.question} {t.answer}" for lang, t in record.texts.items()}
    if isinstance(record, Passage):
        return {record.language: f"{record.heading} {record.text}"}
    return {"da": tender_text(record)}


class Likeness:
    """How alike records' texts are: TF-IDF cosine of their stemmed words, in the language
    they share (the better of two when they share both), and the amounts each holds.

    Kept sparse, and compared block by block, so that a pack of tens of
    thousands of records needs no square matrix in memory.
    """

    _BLOCK = 1024

    def __init__(self, records: Sequence[Record]) -> None:
        self.size = len(records)
        self.amounts: list[set[str]] = [set() for _ in records]
        self._languages: list[tuple[np.ndarray, sparse.csr_matrix]] = []
        for language in ("da", "en"):
            rows = [i for i, r in enumerate(records) if language in _texts(r)]
            bags = [Counter(terms(_texts(records[i])[language], language)) for i in rows]
            for i, bag in zip(rows, bags, strict=True):
                self.amounts[i] |= {t for t in bag if _AMOUNT.match(t)}
            if len(rows) > 1:
                self._languages.append((np.array(rows), _normalised(bags)))

    def similarities(self, index: int) -> np.ndarray:
        """Cosines of one record with every record (0 where they share no language)."""
        out = np.zeros(self.size, dtype=np.float32)
        for rows, matrix in self._languages:
            where = np.flatnonzero(rows == index)
            if len(where):
                similar = (matrix[where[0]] @ matrix.T).toarray().ravel()
                out[rows] = np.maximum(out[rows], similar)
        return out

    def same_amounts(self, a: int, b: int) -> bool:
        """Whether the amounts of one record are all in the other."""
        return self.amounts[a] <= self.amounts[b] or self.amounts[b] <= self.amounts[a]

    def alike(self, minimum: float) -> list[tuple[int, int]]:
        """Pairs (a < b) at least ``minimum`` alike and with the same amounts."""
        pairs: set[tuple[int, int]] = set()
        for rows, matrix in self._languages:
            for start in range(0, len(rows), self._BLOCK):
                block = (matrix[start : start + self._BLOCK] @ matrix.T).toarray()
                for i, j in zip(*np.nonzero(block >= minimum), strict=True):
                    a, b = int(rows[start + i]), int(rows[j])
                    if a < b and self.same_amounts(a, b):
                        pairs.add((a, b))
        return sorted(pairs)


def _normalised(bags: Sequence[Counter[str]]) -> sparse.csr_matrix:
    """Bags of words as unit-length rows, weighted by sublinear TF and IDF."""
    vocabulary: dict[str, int] = {}
    frequency: Counter[str] = Counter()
    for bag in bags:
        frequency.update(bag.keys())
        for term in bag:
            vocabulary.setdefault(term, len(vocabulary))
    data, columns, pointers = [], [], [0]
    for bag in bags:
        for term, count in bag.items():
            data.append((1 + math.log(count)) * math.log(len(bags) / frequency[term]))
            columns.append(vocabulary[term])
        pointers.append(len(data))
    matrix = sparse.csr_matrix((data, columns, pointers), shape=(len(bags), len(vocabulary)))
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    return sparse.csr_matrix(sparse.diags(1 / np.maximum(norms, 1e-12)) @ matrix)


def translations(records: Sequence[Record]) -> list[tuple[int, int]]:
    """Pairs of passages that are one section in two languages."""
    sections: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    positions: Counter[tuple[str, str]] = Counter()
    for index, record in enumerate(records):
        if isinstance(record, Passage):
            document = Path(record.source_file).stem.rsplit(".", 1)[0]
            position = positions[(document, record.language)]
            positions[(document, record.language)] += 1
            sections[(document, position, record.source_url)].append(index)
    return [
        (a, b)
        for members in sections.values()
        for i, a in enumerate(members)
        for b in members[i + 1 :]
        if records[a].language != records[b].language
    ]


def same_series(records: Sequence[Record]) -> list[tuple[int, int]]:
    """Pairs of records that state one fact for different periods (the thresholds of
    2024–25 and 2026–27): which of them holds is for the date, not the search, to decide."""
    series: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        if record.dates.series:
            series[record.dates.series].append(index)
    return [(a, b) for members in series.values() for a, b in combinations(members, 2)]


def twins(records: Sequence[Record], likeness: Likeness | None = None) -> list[frozenset[int]]:
    """For each record (by position), the positions of its twins (itself not included)."""
    likeness = likeness or Likeness(records)
    found: list[set[int]] = [set() for _ in records]
    pairs = translations(records) + same_series(records) + likeness.alike(TWIN_SIMILARITY)
    for a, b in pairs:
        found[a].add(b)
        found[b].add(a)
    return [frozenset(group) for group in found]
