"""Text normalisation shared by the index and the assistant.

Everything that compares words (BM25, glossary matching, misspelling
tolerance, the assistant's choice of the best sentences of a passage, tender
keyword filters) goes through :func:`terms`, so that a word typed by a user
and the same word in the knowledge end up as the same string.

The steps, in order:

1. Unicode NFKC (full-width digits, ligatures) and case folding.
2. Numbers are kept whole: dots and commas between two digits and spaces
   before a group of three digits are removed, so ``1.611.360``,
   ``1,611,360``, ``1 611 360`` and ``1611360`` are one term. Decimal marks
   go too (``2,5`` → ``25``), the same rule the evaluation uses.
3. Words are runs of letters and digits; hyphens and slashes split them
   (``e-faktura`` → ``e`` ``faktura``, ``2014/24`` → ``2014`` ``24``).
   Chat shorthand becomes the word it stands for (``pls`` → *please*,
   ``hva`` → *hvad*, ``mio`` → *million*, ``80k`` → ``80000``; see
   :mod:`index.shorthand`). Single letters are dropped, digits are kept.
4. Stop words (Danish and English lists below, plus chat fillers such as
   *egentlig* and *actually*) are dropped.
5. Snowball stemming (PyStemmer) in the text's language. The stemmer sees
   the Danish letters, which it needs to find word endings.
6. The stem is folded to one canonical spelling: æ → ae, ø → oe, å → aa
   (other accents, é → e, are dropped from words before stemming). Someone
   typing ``taerskelvaerdi`` or ``Aarhus`` without a Danish keyboard
   therefore matches ``tærskelværdi`` and ``Århus``. Folding towards the
   two-letter spelling, rather than the other way round, leaves English
   words such as *does* untouched.

Query words are stemmed with both stemmers (see :func:`word_stems`): a
Danish word in an English question (``udbudsloven``) must still meet the
Danish text, and the index takes the better of the two per word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from index.shorthand import FILLERS, SHORTHAND, expand_thousands

LANGUAGES: tuple[str, ...] = ("da", "en")
_STEMMER_NAMES = {"da": "danish", "en": "english"}

_DANISH_STOP_WORDS = """
ad af aldrig alle alt altid anden andet andre at bare bliver blev blevet blive bør da de dem den
denne der deres det dette dig din dine disse dit dog du efter eller en end er et for fordi fra få
får gerne gør han hans har havde have hende hendes her hos hun hvad hvem hver hvilke hvilken
hvilket hvis hvor hvordan hvorfor hvornår i ikke ind ingen intet jeg jer jeres jo kan kun kunne
lidt lige man mange med meget men mig min mine mit mod må nej noget nogen nogle nu når og også om
op os over på sig sin sine sit skal skulle selv som så sådan thi til ud under var vi vil ville vor
vore vores være været
"""

_ENGLISH_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can cannot could did do does doing don down during each few for from
further get got had has have having he her here hers herself him himself his how i if in into is
it its itself just let ll may me might more most must my myself no nor not now of off on once only
or other ought our ours ourselves out over own please re same shall she should so some such tell
than that the their theirs them themselves then there these they this those through to too under
until up us ve very was we were what when where which while who whom why will with would you your
yours yourself yourselves
"""

STOP_WORDS: dict[str, frozenset[str]] = {
    "da": frozenset(_DANISH_STOP_WORDS.split()) | FILLERS["da"],
    "en": frozenset(_ENGLISH_STOP_WORDS.split()) | FILLERS["en"],
}

# NFKC has already turned no-break spaces into plain ones. A space joins only
# thousands groups (``1 611 360``), so "i 2019 211 steder" keeps its year.
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[.,](?=\d)|(?<!\d{4})(?<=\d) (?=\d{3}(?!\d))")
_WORD = re.compile(r"[^\W_]+")
_DANISH_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def fold(text: str) -> str:
    """NFKC, case folding and whole numbers; the first step for any text that is matched."""
    return _DIGIT_SEPARATOR.sub("", unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=65536)
def _without_accents(word: str) -> str:
    """Accents dropped (é → e), Danish letters kept: they are letters, not accented ones.

    Cached, like :func:`canonical` and :func:`stem`: a pack has a few thousand
    distinct words but millions of occurrences.
    """
    if word.isascii():
        return word
    return "".join(c if c in "æøå" else _strip_marks(c) for c in word)


def _strip_marks(char: str) -> str:
    return "".join(d for d in unicodedata.normalize("NFD", char) if not unicodedata.combining(d))


@lru_cache(maxsize=65536)
def canonical(word: str) -> str:
    """The spelling a word is compared in: Danish letters as two letters, no other accents."""
    return _without_accents(word).translate(_DANISH_FOLD)


# Chat fillers are dropped whatever the message's language: Danes write "pls" and "wtf" too.
_ALL_FILLERS = FILLERS["da"] | FILLERS["en"]
_CANONICAL_STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(canonical(word) for word in words | _ALL_FILLERS)
    for lang, words in STOP_WORDS.items()
}
_ALL_STOP_WORDS = frozenset().union(*_CANONICAL_STOP_WORDS.values())


def words(text: str) -> list[str]:
    """The folded words of ``text`` (letters and digits), shorthand spelled out, single
    letters dropped."""
    found = _WORD.findall(fold(expand_thousands(text)))
    return [SHORTHAND.get(w, w) for w in map(_without_accents, found) if len(w) > 1 or w.isdigit()]


def is_stop_word(word: str, language: str | None = None) -> bool:
    """Whether a folded word is a stop word in ``language`` (in either language when None)."""
    stop = _CANONICAL_STOP_WORDS[language] if language else _ALL_STOP_WORDS
    return canonical(word) in stop


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[language])


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """The canonical stem of one folded word in ``language`` ("da" or "en")."""
    if word.isdigit():
        return word
    return canonical(_stemmer(language).stemWord(word))


def terms(text: str, language: str) -> list[str]:
    """Tokenise, drop stop words and stem ``text`` in ``language`` ("da" or "en").

    This is the one function to call when two texts must be compared word by
    word: the result of ``terms(a, lang)`` and ``terms(b, lang)`` share a
    string exactly when the words match after case, accent, spelling-without-
    Danish-keyboard, number formatting and inflection are set aside. Order
    and repeats are kept (BM25 needs term frequency).
    """
    if language not in _STEMMER_NAMES:
        raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
    return [stem(w, language) for w in words(text) if not is_stop_word(w, language)]


def content_words(text: str, language: str | None = None) -> list[str]:
    """The folded words of a query that carry meaning (stop words of ``language`` removed)."""
    return [w for w in words(text) if not is_stop_word(w, language)]


def word_stems(word: str, languages: Iterable[str] = LANGUAGES) -> frozenset[str]:
    """The stems of one query word in each of ``languages``; usually one or two strings."""
    return frozenset(stem(word, lang) for lang in languages)


def guess_language(text: str) -> str | None:
    """ "da" or "en" from stop words and Danish letters, or None when nothing tells.

    Good enough to choose a stemmer for a sentence; not a language detector.
    """
    folded = words(text)
    da = sum(w in STOP_WORDS["da"] for w in folded) + 2 * sum(
        any(c in w for c in "æøå") for w in folded
    )
    en = sum(w in STOP_WORDS["en"] for w in folded)
    if da == en:
        return None
    return "da" if da > en else "en"
