"""Which language a document is written in, when nobody said so."""

from __future__ import annotations

import re

from knowledge.model import LANGUAGES

# Frequent words that occur in only one of the two languages ("for", "at"
# and "i" are left out: they are common in both).
_DANISH_WORDS = frozenset(
    (
        *("og", "er", "det", "en", "et", "til", "af", "på", "med", "ikke", "der", "som", "kan"),
        *("skal", "har", "den", "de", "om", "fra", "vi", "du", "jeres", "eller", "ved", "hvis"),
        *("når", "også", "være", "bliver", "efter", "mellem", "hvor", "hvad", "kommunen"),
    )
)
_ENGLISH_WORDS = frozenset(
    (
        *("the", "and", "of", "to", "is", "in", "that", "with", "be", "are", "can", "must"),
        *("you", "your", "or", "by", "if", "when", "also", "not", "from", "this", "will"),
        *("have", "has", "which", "what", "where", "after", "between", "council", "municipality"),
    )
)
_NAMES: dict[str, str] = {
    "da": "da",
    "dan": "da",
    "dansk": "da",
    "danish": "da",
    "en": "en",
    "eng": "en",
    "engelsk": "en",
    "english": "en",
}
_WORD = re.compile(r"[a-zæøå]+")


def normalise_language(value: str) -> str | None:
    """``da``, ``da-DK``, ``Danish``, ``dansk`` -> ``da``; None for a language we do not serve."""
    code = re.split(r"[-_ ]", value.strip().casefold(), maxsplit=1)[0]
    found = _NAMES.get(code)
    return found if found in LANGUAGES else None


def guess_language(text: str) -> str:
    """Danish or English by letters and common words; Danish (the main language) if unsure."""
    lowered = text.casefold()
    danish = sum(lowered.count(letter) for letter in "æøå")
    english = 0
    for word in _WORD.findall(lowered):
        danish += word in _DANISH_WORDS
        english += word in _ENGLISH_WORDS
    return "en" if english > danish else "da"
