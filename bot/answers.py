"""Turn a retrieved record into answer text in the asker's language.

FAQ entries are answered with their own question and answer; a policy passage is
quoted by its heading and the sentences that bear on the question (all of it when
it is short); a tender is shown field by field. Nothing is paraphrased by the bot,
so an answer never holds a fact the knowledge does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlparse

from bot import tender_query
from bot.texts import text
from knowledge.model import FaqEntry, LearnedEntry, Passage, Record

Terms = Callable[[str, str], set[str]]
"""Content terms of a text in a language (normalised, stemmed): used to rank sentences."""

SHORT_PASSAGE = 1000
MAX_SENTENCES = 4
MAX_QUALIFIERS = 2

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«\"(])|\n+")
# A sentence that makes the one before it true only in part: a condition, an exception,
# an alternative ("Men …", "Dog …", "However …", "… unless …", "… instead …").
_QUALIFIER = re.compile(
    r"^(men|dog|ellers|kun|hvis|undtagen|medmindre|but|however|unless|except|only|if|"
    r"otherwise)\b|\b(dog|medmindre|undtagen|undtagelse|i stedet|however|unless|except|"
    r"exception|instead)\b",
    re.IGNORECASE,
)


def record_language(record: Record, language: str) -> str:
    """The language the answer will actually be written in."""
    if isinstance(record, LearnedEntry):
        return record.answer_language
    if isinstance(record, FaqEntry):
        return record.text_for(language)[0]
    if isinstance(record, Passage):
        return record.language
    return language


def compose(record: Record, question: str, language: str, terms: Terms) -> str:
    """The answer body for ``record`` (citations are rendered by the channel)."""
    if isinstance(record, FaqEntry):
        # The entry's own question heads its answer, as a heading heads a passage: an
        # answer that starts "Yes, …" must say what it says yes to, whatever the asker typed.
        faq = record.text_for(language)[1]
        body = f"{faq.question}\n{faq.answer.strip()}"
    elif isinstance(record, Passage):
        body = f"{record.heading}\n{_relevant_part(record.text, question, language, terms)}"
    else:
        body = tender_query.render(record, language)
    notes = []
    if record_language(record, language) != language:
        notes.append(text("other_language_answer", language))
    if language == "en" and _danish_source(record):
        notes.append(text("authoritative_danish", language))
    return "\n\n".join([body, *notes])


def split_sentences(passage: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(passage) if part.strip()]


def _relevant_part(passage: str, question: str, language: str, terms: Terms) -> str:
    """The whole passage when short, else the sentences sharing most terms with the question,
    each followed by the sentence that qualifies it (a condition, an exception, an
    alternative), because a rule without its exception is not the whole fact."""
    passage = passage.strip()
    if len(passage) <= SHORT_PASSAGE:
        return passage
    sentences = split_sentences(passage)
    wanted = terms(question, language)
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (-len(wanted & terms(sentences[i], language)), i),
    )
    keep = set(scored[:MAX_SENTENCES])
    qualifiers = [
        i + 1
        for i in sorted(keep)
        if i + 1 < len(sentences) and i + 1 not in keep and _QUALIFIER.search(sentences[i + 1])
    ]
    keep.update(qualifiers[:MAX_QUALIFIERS])
    return " ".join(sentences[i] for i in sorted(keep))


def _danish_source(record: Record) -> bool:
    """Sources on Danish sites (.dk) are Danish texts; English answers say they rule."""
    host = urlparse(record.source_url).hostname or ""
    return host.endswith(".dk")
