"""What chat-style typing turns into before the indexes see it: shorthand, fillers,
compounds, misspellings, Danish letters typed plainly, markup and code."""

from __future__ import annotations

from collections import Counter

import pytest

from index.compounds import Decompounder
from index.glossary import Glossary
from index.normalize import content_words, terms, words
from index.query import Vocabulary, analyse, without_markup, without_salutations
from knowledge.model import GlossaryGroup

PACK = (
    "Fakturaen sendes som elektronisk regning. Papir bruges ikke. Krav til lærlinge i "
    "kontrakten. Udbudsmaterialet og materialet. Tærskelværdien er en tærskel, og beløbet "
    "gælder varer. "
    "Tilbudsfristen er en frist for tilbud. Grønne områder og vintertjeneste. Hvad går "
    "udbuddet ud på? The threshold for services and supplies."
)
GLOSSARY = Glossary([GlossaryGroup(da=("faktura", "regning"), en=("invoice", "bill"))])


def vocabulary() -> Vocabulary:
    stems = terms(PACK, "da") + terms(PACK, "en")
    return Vocabulary(Counter(stems))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("pls", "please"),
        ("ppl", "people"),
        ("yrs", "years"),
        ("hva", "hvad"),
        ("ik", "ikke"),
        ("tlf", "telefon"),
        ("nr", "nummer"),
        ("mio", "million"),
        ("mill", "million"),
    ],
)
def test_chat_shorthand_becomes_the_word_it_stands_for(typed: str, meant: str) -> None:
    assert words(typed) == words(meant)


def test_thousands_written_with_k_meet_the_amount_written_out() -> None:
    assert terms("skylder 80k i skat", "da") == terms("skylder 80.000 i skat", "da")


def test_fillers_are_dropped_in_either_language() -> None:
    assert content_words("hvad fanden er egentlig en faktura sgu", "da") == ["faktura"]
    assert content_words("wtf is actually an invoice lol pls", "en") == ["invoice"]
    # A Dane writing "pls" or an English "egentlig" is still filler.
    assert content_words("faktura pls", "da") == ["faktura"]


@pytest.mark.parametrize(
    ("compound", "parts"),
    [
        ("papirregning", ("papir", "regning")),
        ("lærlingekrav", ("laerling", "krav")),
        ("tærskelbeløbet", ("taerskel", "beloeb")),
    ],
)
def test_unknown_compounds_split_into_words_the_pack_uses(
    compound: str, parts: tuple[str, ...]
) -> None:
    resolved = vocabulary().resolve(words(compound)[0], ("da", "en"))
    assert tuple(next(iter(slot)) for slot in resolved) == parts


def test_a_split_needs_every_part_known_and_no_stop_word_part() -> None:
    compounds = Decompounder({"papir": 3, "regning": 5, "for": 9})
    assert compounds.split("papirregning") == ("papir", "regning")
    assert compounds.split("forregning") is None  # "for" is a stop word, not a part
    assert compounds.split("papirxyzzy") is None


def test_known_compounds_are_kept_whole_when_the_whole_is_common() -> None:
    compounds = Decompounder({"tilbudsfrist": 50, "tilbud": 2, "frist": 2})
    assert compounds.split("tilbudsfrist") is None


@pytest.mark.parametrize(
    ("typed", "known"),
    [
        ("threshhold", "threshold"),  # a doubled letter
        ("treshold", "threshold"),  # a dropped one
        ("tihsold", None),  # too far from anything
        ("fakutra", "faktura"),  # two letters swapped count as one edit
    ],
)
def test_misspellings_are_repaired_to_the_nearest_known_stem(typed: str, known: str | None) -> None:
    vocab = vocabulary()
    resolved = vocab.resolve(typed, ("da", "en"))
    if known is None:
        assert not any(s in vocab for slot in resolved for s in slot)
    else:
        assert known in {s for slot in resolved for s in slot}


def test_danish_letters_typed_plainly_are_read_as_danish() -> None:
    vocab = vocabulary()
    assert vocab.danish_letters("omrad") == "omraad"  # "omrader" for "områder"
    assert vocab.danish_letters("gar") == "gaar"  # "gar" for "går"
    assert vocab.danish_letters("gron") == "groen"


@pytest.mark.parametrize(
    "message",
    [
        "`faktura`",
        "<script>alert('faktura')</script>",
        "{{ faktura }}",
        "SELECT * FROM faktura WHERE id = 1",
        "print('faktura')",
        "https://example.org/faktura",
    ],
)
def test_markup_and_code_are_no_question(message: str) -> None:
    assert "faktura" not in without_markup(message).casefold()


@pytest.mark.parametrize(
    ("message", "question"),
    [
        (
            "Dear Sir or Madam, what are the thresholds? Kind regards, Ann Lund",
            "what are the thresholds?",
        ),
        (
            "Til rette vedkommende. Hvad er fristen? Med venlig hilsen Jens, Hansen VVS ApS",
            "Hvad er fristen?",
        ),
        ("Hej, hvad er espd? mvh Jens", "hvad er espd?"),
        ("hi there, whats the threshold? thanks in advance", "whats the threshold?"),
    ],
)
def test_greetings_and_sign_offs_are_no_part_of_the_question(message: str, question: str) -> None:
    assert without_salutations(message).strip() == question


@pytest.mark.parametrize(
    "message",
    [
        "hej jeg vil gerne vide hvad espd er",  # no full stop after the greeting: fillers drop it
        "hello world",
        "hvad betyder mvh i en mail?",  # a sign-off word in the question, not after it
    ],
)
def test_a_message_without_a_greeting_or_sign_off_keeps_its_words(message: str) -> None:
    assert without_salutations(message) == message


def test_legal_references_survive_the_code_filter() -> None:
    assert without_markup("udbudslovens § 93(4)") == "udbudslovens § 93(4)"


@pytest.mark.parametrize(
    ("message", "content", "language"),
    [
        ("2026", False, False),
        ("' OR 1=1 --", False, True),
        ("asdf qwer", False, False),
        ("🙂🙂", False, False),
        ("tell me a joke", False, True),
        ("faktura 2026?", True, True),
        ("papirregning", True, True),
    ],
)
def test_what_the_analysis_says_about_content_and_language(
    message: str, content: bool, language: bool
) -> None:
    analysed = analyse(message, GLOSSARY, vocabulary())
    assert analysed.has_content is content
    assert analysed.is_language is language


def test_a_glossary_word_found_through_a_split_compound_gets_its_synonyms() -> None:
    analysed = analyse("koster en papirregning noget", GLOSSARY, vocabulary(), "da")
    alternatives = {a for concept in analysed.concepts for a in concept.alternatives}
    assert ("invoic",) in alternatives  # regning → invoice, via papir + regning
    assert [c.words for c in analysed.content] == [("papirregning",), ("papirregning",)]


def test_a_stem_the_stemmer_would_shorten_again_is_still_found() -> None:
    # Danish "momsen" stems to "moms", but "moms" itself to "mom".
    vocab = Vocabulary(Counter(terms("Beløbet er ekskl. moms.", "da")))
    assert vocab.resolve("momsen", ("da", "en")) == (frozenset({"mom"}),)
