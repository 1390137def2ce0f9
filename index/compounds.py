"""Danish compounds split into words the knowledge uses.

Danish glues words together: a business owner asks about a *papirregning*
or *lærlingekrav*, the knowledge talks about *regning* and *krav til
lærlinge*; one writes *tilbuds frist*, the other *tilbudsfrist*. Splitting
compounds on both sides makes them meet: a knowledge text gets the parts of
its compounds as extra terms (so *frist* also finds *tilbudsfrist*), and a
query word the knowledge does not contain is replaced by its parts.

Splitting works on canonical stems (:func:`index.normalize.stem`): a
snowball stemmer only rewrites the end of a word, so the stem of a compound
is its first part followed by the stem of its last part. A split is a
sequence of known stems, each at least :data:`MIN_PART` letters and not a
stop word, with an optional Danish linking letter (*s* or *e*) after every
part but the last. Among all splits the one with the highest geometric
mean of document frequencies wins (Koehn & Knight, 2003), preferring
fewer parts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import lru_cache

from index.normalize import is_stop_word

MIN_PART = 3
MIN_COMPOUND = 7
MAX_PARTS = 3
_LINKING = ("", "s", "e")


class Decompounder:
    """Splits stems into parts that the knowledge knows, by document frequency."""

    def __init__(self, frequencies: Mapping[str, int]) -> None:
        self._frequencies = {
            stem: count
            for stem, count in frequencies.items()
            if len(stem) >= MIN_PART and not stem.isdigit() and not is_stop_word(stem)
        }
        self._scored = lru_cache(maxsize=16384)(self._split)

    def split(self, stem: str) -> tuple[str, ...] | None:
        """The best split of ``stem`` into two or three known stems, or None."""
        scored = self._scored(stem)
        return scored[1] if scored else None

    def best_split(self, stems: Iterable[str]) -> tuple[str, ...] | None:
        """The best split among several stems of one word, the first winning a tie (give
        the Danish stem first: compounds are Danish)."""
        best: tuple[float, tuple[str, ...]] | None = None
        for stem in stems:
            scored = self._scored(stem)
            if scored and (best is None or scored[0] > best[0]):
                best = scored
        return best[1] if best else None

    def _split(self, stem: str) -> tuple[float, tuple[str, ...]] | None:
        if len(stem) < MIN_COMPOUND or not stem.isalpha():
            return None
        best = self._best(stem, MAX_PARTS)
        return best if best and len(best[1]) > 1 else None

    def _best(self, text: str, parts_left: int) -> tuple[float, tuple[str, ...]] | None:
        """(score, parts) of the best way to read ``text`` as at most ``parts_left`` stems."""
        whole = self._frequencies.get(text)
        best = (math.log(whole), (text,)) if whole else None
        if parts_left < 2:
            return best
        for cut in range(MIN_PART, len(text) - MIN_PART + 1):
            head = text[:cut]
            for link in _LINKING:
                if link and not head.endswith(link):
                    continue
                part = head[: len(head) - len(link)]
                count = self._frequencies.get(part)
                if not count:
                    continue
                rest = self._best(text[cut:], parts_left - 1)
                if rest is None:
                    continue
                parts = (part, *rest[1])
                # Geometric mean of frequencies, in logs: mean of the parts' log counts.
                score = (math.log(count) + rest[0] * len(rest[1])) / len(parts)
                if (
                    best is None
                    or score > best[0]
                    or (score == best[0] and len(parts) < len(best[1]))
                ):
                    best = (score, parts)
        return best
