"""From the text a user typed to what the lexical and dense indexes look for.

The steps: cut an over-long text, drop markup and code (a question is
never inside them), keep the content words (chat shorthand spelled out,
fillers dropped: :mod:`index.normalize`), stem each with both stemmers
(and add the other language's word where the pack translates it:
:mod:`index.lexicon`), and make every word the knowledge does not contain
into one it does: a
Danish letter typed as a plain one (*omrader*, *gar*), a misspelling one or
two edits from a known stem, or a compound split into known parts
(*papirregning* → *papir* + *regning*). Then each word or phrase found in
the glossary is widened to all its synonyms. The dense side gets the text
itself plus the English equivalents of Danish glossary terms, because the
default embedding model reads English.

The analysis also says how much of the question the knowledge knows at
all (:attr:`AnalysedQuery.known` of :attr:`AnalysedQuery.asked`) and whether it holds any word
besides numbers: the confidence model and the assistant's guard against
junk read these.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.compounds import Decompounder
from index.glossary import Glossary
from index.lexical import Concept
from index.lexicon import Lexicon
from index.normalize import LANGUAGES, content_words, guess_language, word_stems
from index.normalize import stem as stem_word
from index.normalize import words as all_words
from index.shorthand import GREETINGS, SIGN_OFFS

MAX_QUERY_CHARS = 1000
MAX_CONCEPTS = 48
FUZZY_MIN_LENGTH = 5
MAX_LETTER_VARIANTS = 2
MIN_NUMBER_DIGITS = 2
"""A lone digit ("1", "§ 5", "3 uger") is in too many texts to tell anything apart."""
CONTEXT_WEIGHT = 0.5
"""How much a word counts when it stands in a sentence of context, not in the question."""

# Markup and code carry no question: inline code, code blocks, template and
# shell interpolation, HTML tags and entities, URLs, and statements in SQL or a
# programming language (the start of one to the end of its line).
_MARKUP = re.compile(
    r"```.*?```|`[^`]*`|\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]*\}|\$\([^)]*\)|<[^>]{1,200}>|&\w+;"
    r"|https?://\S+"
    r"|\b(select\s+[\w*,.\s]+?\s+from|insert\s+into|drop\s+table|delete\s+from|union\s+select"
    r"|update\s+\w+\s+set)\b[^\n]*"
    r"|;\s*(select|insert|update|delete|drop|union|exec|waitfor|shutdown)\b[^\n]*"
    r"|\b(def|class|function|import|from|return|console|print|echo)\b[^\n]*?[()=:;{}][^\n]*"
    r"|\b[a-z_]\w*_\w*\b|\b[a-z_]\w*\([^)]*\)",
    re.DOTALL | re.IGNORECASE,
)
_GREETING = re.compile(
    rf"^\W*({'|'.join(map(re.escape, GREETINGS))})\b[^.,;:!?\n]{{0,40}}[.,;:!\n]",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    rf"(?:(?<=[.!?,\s])|^)\s*({'|'.join(map(re.escape, SIGN_OFFS))})\b[^?]*$", re.IGNORECASE
)
# A Danish letter typed as the plain letter on a keyboard without it: å → a, ø → o, æ → e.
_PLAIN_FOR_DANISH = {"a": ("aa", "ae"), "o": ("oe",), "e": ("ae",)}


# Chat messages put context first and the question last ("we're a small painting firm. can
# we bid …?"): sentences are split at . ! ? : and line breaks, and a sentence is a question
# when it ends with "?", has a question word among its first three words, or starts with a
# verb (in Danish and English a question starts with its verb).
_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")
_INTERROGATIVES = frozenset(
    """
    hvad hvem hvor hvordan hvorfor hvornår hvilke hvilken hvilket hva hvorn what who where
    when why how which whats
    """.split()
)
_VERBS = frozenset(
    """
    kan må skal er har bliver gælder findes betyder kommer tæller koster vil skulle kunne bør
    ka ska can may must is are do does did will should could would has have
    """.split()
)
_CONJUNCTIONS = frozenset("og men eller så and but or so".split())


def _is_question(sentence: str) -> bool:
    opening = all_words(sentence)[:4]
    if opening and opening[0] in _CONJUNCTIONS:
        opening = opening[1:]
    return (
        sentence.rstrip().endswith("?")
        or any(word in _INTERROGATIVES for word in opening)
        or (bool(opening) and opening[0] in _VERBS)
    )


def _weighted_sentences(text: str) -> list[tuple[str, float]]:
    """The message's sentences with how much their words count: context sentences count
    :data:`CONTEXT_WEIGHT` when there is a question sentence, else every sentence counts."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    questions = [_is_question(s) for s in sentences]
    if not any(questions):
        return [(text, 1.0)]
    return [(s, 1.0 if q else CONTEXT_WEIGHT) for s, q in zip(sentences, questions, strict=True)]


def fuzzy_distance(word: str) -> int:
    """Edits allowed when repairing a word: one for short words, two from eight letters."""
    return 1 if len(word) < 8 else 2


def without_markup(text: str) -> str:
    """``text`` with code spans, templates, tags and links removed."""
    return _MARKUP.sub(" ", text)


def without_salutations(text: str) -> str:
    """``text`` without the greeting it opens with and the sign-off it ends with (the words
    of "Dear Sir or Madam" or "Venlig hilsen Jens, Hansen VVS" are no part of a question)."""
    return _SIGN_OFF.sub(" ", _GREETING.sub(" ", text, count=1))


class Vocabulary:
    """The stems the knowledge contains, with document frequencies: repairs query words.

    A query word the index does not know is made into one it does, in order
    of how sure the repair is: its stem stemmed once more, a plainly typed
    Danish letter, a one-edit misspelling, a compound split into known parts, a
    two-edit misspelling.
    Ties between repairs go to the more frequent stem. Lookups cost well
    under a millisecond: candidates are limited to similar lengths.
    """

    def __init__(self, frequencies: Mapping[str, int], lexicon: Lexicon | None = None) -> None:
        self._frequencies = dict(frequencies)
        self._lexicon = lexicon or Lexicon(())
        self._by_length: dict[int, list[str]] = {}
        for term in sorted(self._frequencies):
            self._by_length.setdefault(len(term), []).append(term)
        self._compounds = Decompounder(self._frequencies)

    def __contains__(self, stem: str) -> bool:
        return stem in self._frequencies

    def frequency(self, stem: str) -> int:
        return self._frequencies.get(stem, 0)

    def translations(self, stems: Iterable[str]) -> frozenset[str]:
        """The other language's stems for these, as the pack translates them
        (:mod:`index.lexicon`), where the index knows them."""
        return frozenset(t for t in self._lexicon.translations(stems) if t in self)

    def split(self, stem: str) -> tuple[str, ...] | None:
        """Known parts of a compound stem (see :class:`index.compounds.Decompounder`)."""
        return self._compounds.split(stem)

    def correct(self, stem: str, limit: int | None = None) -> str | None:
        """The most frequent known stem within the fewest edits (transpositions count one).

        Only words of five letters or more are repaired: shorter ones have
        too many neighbours. ``limit`` defaults to :func:`fuzzy_distance`.
        """
        if len(stem) < FUZZY_MIN_LENGTH or stem.isdigit():
            return None
        limit = fuzzy_distance(stem) if limit is None else limit
        best: tuple[int, int, str] | None = None
        for length in range(len(stem) - limit, len(stem) + limit + 1):
            bucket = self._by_length.get(length, ())
            for term, distance, _ in process.extract(
                stem, bucket, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                key = (int(distance), -self._frequencies[term], term)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def restem(self, stem: str) -> str | None:
        """The known stem of a stem: snowball stemmers are not idempotent (Danish *momsen*
        stems to *moms*, but *moms* itself to *mom*), so a stem may need a second pass."""
        again = {stem_word(stem, lang) for lang in LANGUAGES} - {stem}
        known = [s for s in again if s in self._frequencies]
        return max(known, key=self.frequency) if known else None

    def danish_letters(self, stem: str) -> str | None:
        """The known stem ``stem`` is when plain letters stand for æ, ø, å (*gar* → *gaar*)."""
        positions = [i for i, char in enumerate(stem) if char in _PLAIN_FOR_DANISH]
        found: list[str] = []
        for count in range(1, MAX_LETTER_VARIANTS + 1):
            for chosen in combinations(positions, count):
                found += (v for v in _variants(stem, chosen) if v in self._frequencies)
            if found:
                return max(found, key=self.frequency)
        return None

    def resolve(self, word: str, languages: Collection[str]) -> tuple[frozenset[str], ...]:
        """The stems one query word stands for: one set, or one per part of a split compound.

        Unknown words come back as their plain stems (they match nothing, but
        count as asked).
        """
        stems = word_stems(word, languages)
        if word.isdigit() or any(s in self for s in stems):
            return (stems,)
        for repair in (self.restem, self.danish_letters, lambda s: self.correct(s, limit=1)):
            fixed = {f for s in stems if (f := repair(s))}
            if fixed:
                return (frozenset(fixed),)
        parts = self._compounds.best_split(
            stem_word(word, lang) for lang in _danish_first(languages)
        )
        if parts:
            return tuple(frozenset((part,)) for part in parts)
        fixed = {f for s in stems if (f := self.correct(s))}
        return (frozenset(fixed) or stems,)


def _danish_first(languages: Collection[str]) -> list[str]:
    """The languages to stem a word in, Danish first (the language of compounds)."""
    return sorted(languages, key=lambda lang: lang != "da")


def _variants(stem: str, positions: tuple[int, ...]) -> Iterator[str]:
    """Every spelling of ``stem`` with the letters at ``positions`` read as Danish letters."""
    if not positions:
        yield stem
        return
    first, rest = positions[-1], positions[:-1]
    for shorter in _variants(stem, rest):
        for replacement in _PLAIN_FOR_DANISH[stem[first]]:
            yield shorter[:first] + replacement + shorter[first + 1 :]


@dataclass(frozen=True, slots=True)
class AnalysedQuery:
    """What a query asks for, in the form each index needs, and how much of it is known.

    ``asked`` counts the content words (split compounds count their parts),
    ``known`` those the knowledge contains after repair, ``numbers`` those
    that are numbers; ``function_words`` counts the words dropped as stop
    words or fillers; ``language`` is the one it was written in, when known;
    ``content`` holds the concepts that are not numbers and that the
    knowledge knows (what the question is about, as far as the bot can tell).
    """

    concepts: tuple[Concept, ...]
    dense_text: str
    asked: int
    known: int
    numbers: int
    function_words: int
    language: str | None
    content: tuple[Concept, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.concepts

    @property
    def has_content(self) -> bool:
        """Whether the knowledge knows at least one word of the query that is not a number."""
        return bool(self.content)

    @property
    def is_language(self) -> bool:
        """Whether the query reads as Danish or English at all ("tell me a joke" does;
        numbers, code, random letters and emoji do not)."""
        return self.has_content or self.function_words > 0


def analyse(
    text: str,
    glossary: Glossary,
    vocabulary: Vocabulary,
    language: str | None = None,
    stem_languages: Collection[str] = LANGUAGES,
) -> AnalysedQuery:
    """Concepts for BM25 and text for the encoder; empty when nothing meaningful was asked.

    ``language`` is the asker's language: it picks the stop-word list
    (both lists when None). Words are stemmed in every language of
    ``stem_languages``, because questions mix languages (an English
    question about *udbudsloven*).
    """
    text = without_salutations(without_markup(text[:MAX_QUERY_CHARS]))
    asked = content_words(text, language)
    words: list[str] = []
    stems: list[frozenset[str]] = []
    weights: list[float] = []
    for sentence, weight in _weighted_sentences(text):
        for word in content_words(sentence, language):
            if len(words) >= MAX_CONCEPTS:
                break
            if word.isdigit() and len(word) < MIN_NUMBER_DIGITS:
                continue
            resolved = vocabulary.resolve(word, stem_languages)
            words += [word] * len(resolved)
            stems += resolved
            weights += [weight] * len(resolved)
    known = sum(any(s in vocabulary for s in slot) for slot in stems)
    numbers = sum(word.isdigit() for word in words)

    concepts: list[Concept] = []
    content: list[Concept] = []
    matches = {m.start: m for m in glossary.find(stems)}
    i = 0
    while i < len(words):
        match = matches.get(i)
        if match is None:
            forms = stems[i] | vocabulary.translations(stems[i])
            concepts.append(Concept((words[i],), tuple((s,) for s in sorted(forms)), weights[i]))
            if not words[i].isdigit() and any(s in vocabulary for s in stems[i]):
                content.append(concepts[-1])
            i += 1
            continue
        alternatives = {term.stems for index in match.groups for term in glossary.group(index)}
        if match.length == 1:
            alternatives |= {(s,) for s in stems[i]}
        span = slice(i, i + match.length)
        weight = max(weights[span])
        concepts.append(Concept(tuple(words[span]), tuple(sorted(alternatives)), weight))
        content.append(concepts[-1])
        i += match.length

    english = [t for t in glossary.english_equivalents(text) if t.casefold() not in text.casefold()]
    dense_text = f"{text} ({', '.join(english)})" if english else text
    return AnalysedQuery(
        tuple(concepts),
        dense_text if concepts else "",
        len(stems),
        known,
        numbers,
        sum(not w.isdigit() for w in all_words(text)) - sum(not w.isdigit() for w in asked),
        language or guess_language(text),
        tuple(content),
    )
