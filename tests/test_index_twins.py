"""Records that say the same thing are found, so neither margins nor choices count them twice."""

from __future__ import annotations

from index.twins import twins
from knowledge.model import FaqEntry, FaqText, Passage


def passage(pid: str, language: str, heading: str, text: str, document: str = "doc") -> Passage:
    return Passage(
        id=pid,
        title="T",
        heading_path=(heading,),
        text=text,
        source_url=f"https://example.org/{heading}",
        language=language,
        source_file=f"{document}.{language}.md",
    )


def faq(fid: str, question: str, answer: str) -> FaqEntry:
    return FaqEntry(id=fid, texts={"da": FaqText(question, answer)}, source_url="https://e.org")


WORKS = faq(
    "works",
    "Hvad er tærskelværdien for bygge- og anlægsarbejder i 2026?",
    "Tærskelværdien for bygge- og anlægsarbejder er 40.313.840 kr. i 2026.",
)
SUPPLIES = faq(
    "supplies",
    "Hvad er tærskelværdien for varer og tjenesteydelser i 2026?",
    "Tærskelværdien for varer og tjenesteydelser er 1.611.360 kr. i 2026.",
)
INVOICE = faq(
    "invoice",
    "Hvordan sender jeg en faktura til kommunen?",
    "Fakturaen skal sendes elektronisk via NemHandel med kommunens EAN-nummer.",
)
INVOICE_PASSAGE = passage(
    "doc.da#faktura",
    "da",
    "Faktura",
    "Kommunen modtager kun elektroniske fakturaer via NemHandel, og fakturaen skal have "
    "kommunens EAN-nummer.",
)
INVOICE_ENGLISH = passage(
    "doc.en#invoice",
    "en",
    "Faktura",
    "The municipality only accepts electronic invoices through NemHandel.",
)
TAX = faq(
    "tax",
    "Kan jeg byde, hvis jeg skylder skat?",
    "Skylder du 100.000 kr. eller mere til det offentlige, skal du udelukkes.",
)


def test_a_section_and_its_translation_are_twins() -> None:
    found = twins([INVOICE_PASSAGE, INVOICE_ENGLISH])
    assert found == [frozenset({1}), frozenset({0})]


def test_an_faq_entry_and_the_passage_saying_the_same_are_twins() -> None:
    found = twins([INVOICE, INVOICE_PASSAGE, TAX])
    assert found[0] == frozenset({1})
    assert found[2] == frozenset()


def test_the_same_words_with_other_amounts_are_not_twins() -> None:
    assert twins([WORKS, SUPPLIES]) == [frozenset(), frozenset()]


def test_translations_need_the_same_document_and_position() -> None:
    other_document = passage("x.en#invoice", "en", "Faktura", "Invoices.", document="x")
    assert twins([INVOICE_PASSAGE, other_document]) == [frozenset(), frozenset()]
