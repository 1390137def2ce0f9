"""Splitting long answers for platforms with message limits."""

from __future__ import annotations

import pytest

from bot.escalation import split_message


def test_short_text_is_one_part() -> None:
    assert split_message("  Kort svar.  ", 4096) == ["Kort svar."]
    assert split_message("   ", 10) == []


def test_paragraphs_are_kept_whole_when_they_fit() -> None:
    first, second = "Første afsnit. " * 3, "Andet afsnit, lidt længere. " * 3
    parts = split_message(f"{first}\n\n{second}", 100)
    assert parts == [first.strip(), second.strip()]


def test_long_paragraph_is_cut_between_sentences() -> None:
    text = "Dette er sætning nummer et. Her kommer nummer to! Og tre? Fire er den sidste."
    parts = split_message(text, 40)
    assert parts == [
        "Dette er sætning nummer et.",
        "Her kommer nummer to! Og tre?",
        "Fire er den sidste.",
    ]


def test_a_20000_character_answer_splits_within_the_limit_and_loses_nothing() -> None:
    text = "\n\n".join(f"Afsnit {n}: " + "Tilbudsloven gælder her. " * (30 + n) for n in range(25))
    text = text[:20_000]
    parts = split_message(text, 4096)
    assert len(parts) > 4
    assert all(0 < len(part) <= 4096 for part in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    assert split_message("kort " + "x" * 25, 10) == ["kort", "xxxxxxxxxx", "xxxxxxxxxx", "xxxxx"]


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        split_message("tekst", 0)
