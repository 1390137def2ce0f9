"""Text normalisation: what users type must meet what the knowledge says."""

from __future__ import annotations

import pytest

from index.glossary import Glossary
from index.normalize import canonical, guess_language, is_stop_word, terms, words
from knowledge.model import GlossaryGroup


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Aarhus", "Århus"),
        ("taerskelvaerdien", "tærskelværdien"),
        ("koebe", "købe"),
        ("TÆRSKELVÆRDI", "tærskelværdi"),
        ("cafe", "café"),
    ],
)
def test_spelling_without_danish_keyboard_matches(typed: str, written: str) -> None:
    assert terms(typed, "da") == terms(written, "da")


def test_danish_letters_are_stemmed_before_folding() -> None:
    # The Danish stemmer needs æ/ø/å to find endings; only the stem is folded.
    assert terms("tærskelværdierne", "da") == terms("tærskelværdi", "da") == ["taerskelvaerdi"]


@pytest.mark.parametrize("written", ["1.611.360", "1,611,360", "1 611 360", "1611360"])
def test_thresholds_written_any_way_are_one_number(written: str) -> None:
    assert terms(f"Tærskelværdien er {written} kr.", "da") == ["taerskelvaerdi", "1611360", "kr"]


def test_a_year_next_to_a_count_stays_two_numbers() -> None:
    assert terms("i 2019 211 lokationer", "da") == ["2019", "211", "lokation"]


def test_inflections_share_a_stem() -> None:
    assert terms("fakturaen fakturaer faktura", "da") == ["faktura"] * 3
    assert terms("invoices invoice invoicing", "en") == ["invoic"] * 3
    assert terms("udbuddet", "da") == terms("udbud", "da")


def test_stop_words_are_dropped_in_each_language() -> None:
    assert terms("Hvordan sender jeg en faktura til kommunen?", "da") == [
        "send",
        "faktura",
        "kommun",
    ]
    assert terms("How do I send an invoice to the municipality?", "en") == [
        "send",
        "invoic",
        "municip",
    ]
    assert is_stop_word("paa", "da")  # "på" typed without a Danish keyboard
    assert not is_stop_word("faktura")


def test_words_drop_punctuation_emoji_and_single_letters() -> None:
    assert words("e-faktura!!! 🙂 (OIOUBL) 2014/24") == ["faktura", "oioubl", "2014", "24"]
    assert words("") == []
    assert words("?!… 🙂🙂") == []


def test_canonical_folds_danish_letters_and_accents() -> None:
    assert canonical("æblegrød på ø") == "aeblegroed paa oe"
    assert canonical("entré") == "entre"


def test_unsupported_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        terms("hej", "de")


def test_guess_language() -> None:
    assert guess_language("Hvordan sender jeg en faktura?") == "da"
    assert guess_language("How do I send an invoice?") == "en"
    assert guess_language("OIOUBL") is None


def test_glossary_finds_inflected_and_multiword_terms() -> None:
    glossary = Glossary(
        [
            GlossaryGroup(da=("faktura", "regning"), en=("invoice", "bill")),
            GlossaryGroup(da=("udbud", "licitation"), en=("tender", "call for tenders")),
        ]
    )
    stems = [{*terms(w, "da"), *terms(w, "en")} for w in ("send", "regningen", "call", "tenders")]
    matches = glossary.find(stems)
    assert [(m.start, m.length) for m in matches] == [(1, 1), (2, 2)]
    # One English word per concept, the group's first: synonyms would only lengthen the text.
    assert glossary.english_equivalents("Regningen sendes efter licitationen") == [
        "invoice",
        "tender",
    ]


def test_glossary_skips_groups_with_fewer_than_two_usable_terms() -> None:
    glossary = Glossary([GlossaryGroup(da=("og",), en=("the",)), GlossaryGroup(da=("x",), en=())])
    assert len(glossary) == 0
