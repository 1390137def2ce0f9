"""How each kind of record is seen by the two indexes.

Lexical: BM25 documents per record, each text stemmed in its own language:
an FAQ entry by its questions, alternates and answer, one document per
language (with its tags); a passage by heading path and text; a tender by
all its fields (Danish, the language of the tender plan). A second, smaller
index holds only what the record is about (:func:`topic_documents`).

Dense: a record has several *units*, each embedded on its own, and scores
as its best unit. An FAQ entry has one unit per question or alternate and
one for question plus answer, per language, because a user's question is
most like another question. A passage long enough to be cut off by the
encoder is split into windows of sentences, each headed by the heading
path. Danish units get the English equivalents of their glossary terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.glossary import Glossary
from index.normalize import terms
from knowledge.model import FaqEntry, Passage, Record, Tender

WINDOW_WORDS = 120
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def tender_text(tender: Tender) -> str:
    """A tender row as one line of "field: value" text, in the order of the tender plan."""
    fields = (
        ("titel", tender.title),
        ("kategori", tender.category),
        ("ordregiver", tender.buyer),
        ("procedure", tender.procedure),
        ("status", tender.status),
        ("bekendtgørelse", tender.notice),
        ("offentliggjort", tender.published),
        ("tilbudsfrist", tender.deadline),
        ("forventet annoncering", tender.expected_publication),
        ("anslået værdi", tender.estimated_value),
        ("kontraktperiode", tender.contract_period),
        ("kontakt", tender.contact),
        ("bemærkning", tender.notes),
    )
    return ". ".join(f"{name}: {value}" for name, value in fields if value)


def record_text(record: Record, language: str = "da") -> str:
    """The text a record answers with: FAQ answer in ``language`` (if it has it), passage text,
    or the tender row."""
    if isinstance(record, FaqEntry):
        return record.text_for(language)[1].answer
    if isinstance(record, Passage):
        return record.text
    return tender_text(record)


def topic_documents(record: Record) -> list[list[str]]:
    """What a record is about, as a question would put it: an FAQ entry's questions and
    tags (one document per language), a passage's headings, a tender's title and category.

    Matched on its own as well as with the body, because a question that
    meets a record's own questions is a stronger sign than one that meets a
    word somewhere in a long text.
    """
    if isinstance(record, FaqEntry):
        tags = _tag_terms(record)
        return [
            terms(" ".join((text.question, *text.alternates)), lang) + tags
            for lang, text in record.texts.items()
        ]
    if isinstance(record, Passage):
        return [terms(" ".join(record.heading_path) or record.title, record.language)]
    return [terms(f"{record.title} {record.category}", "da")]


def lexical_documents(record: Record) -> list[list[str]]:
    """The documents BM25 scores a record by: an FAQ entry's questions, alternates and answer
    in each of its languages (with its tags), a passage's headings and text, a tender's
    fields."""
    if isinstance(record, FaqEntry):
        tags = _tag_terms(record)
        return [
            terms(" ".join((text.question, *text.alternates, text.answer)), lang) + tags
            for lang, text in record.texts.items()
        ]
    if isinstance(record, Passage):
        return [terms(" ".join((record.title, *record.heading_path, record.text)), record.language)]
    return [terms(tender_text(record), "da")]


def _tag_terms(entry: FaqEntry) -> list[str]:
    """Tags are keywords in either language: stemmed in both."""
    return [stem for tag in entry.tags for stem in {*terms(tag, "da"), *terms(tag, "en")}]


def _with_glossary(text: str, language: str, glossary: Glossary) -> str:
    if language != "da":
        return text
    english = glossary.english_equivalents(text)
    return f"{text} ({', '.join(english)})" if english else text


def _windows(text: str) -> Iterator[str]:
    """Consecutive sentences of about WINDOW_WORDS words (one window for a short text)."""
    window: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(text.strip()):
        n = len(sentence.split())
        if window and count + n > WINDOW_WORDS:
            yield " ".join(window)
            window, count = [], 0
        window.append(sentence)
        count += n
    if window:
        yield " ".join(window)


def dense_units(record: Record, glossary: Glossary) -> list[str]:
    """The texts embedded for a record; the record scores as the best of them."""
    if isinstance(record, FaqEntry):
        units = []
        for lang in record.languages:
            text = record.texts[lang]
            for question in (text.question, *text.alternates):
                units.append(_with_glossary(question, lang, glossary))
            units.append(_with_glossary(f"{text.question} {text.answer}", lang, glossary))
        return units
    if isinstance(record, Passage):
        path = record.heading_path
        head = " › ".join(path if path[:1] == (record.title,) else (record.title, *path))
        return [
            _with_glossary(f"{head}: {window}", record.language, glossary)
            for window in _windows(record.text)
        ] or [_with_glossary(head, record.language, glossary)]
    return [_with_glossary(tender_text(record), "da", glossary)]
