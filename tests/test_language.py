"""The reply's language: asked for on its own, or on the way inside a question."""

from __future__ import annotations

import pytest

from bot.language import inline_language_request, requested_language


@pytest.mark.parametrize(
    ("message", "language", "question"),
    [
        ("serviceattest – english pls, where do I get one?", "en", "serviceattest"),
        ("hvad er en rammeaftale? english please", "en", "hvad er en rammeaftale?"),
        ("(english pls) what is espd", "en", "what is espd"),
        ("svar på engelsk: hvornår er fristen", "en", "hvornår er fristen"),
        ("what is a framework agreement, på dansk tak", "da", "what is a framework agreement"),
        ("pls in english: hvad koster det", "en", "hvad koster det"),
    ],
)
def test_a_request_inside_a_question_names_the_language_and_leaves_the_question(
    message: str, language: str, question: str
) -> None:
    found, rest = inline_language_request(message)
    assert found == language
    assert rest.startswith(question)
    assert "pls" not in rest and "please" not in rest and "tak" not in rest


@pytest.mark.parametrize(
    "message",
    [
        "can I submit my bid in english?",
        "må tilbuddet være på engelsk?",
        "is english ok in the tender documents",
        "tak for svaret",
    ],
)
def test_a_question_about_a_language_is_no_request(message: str) -> None:
    assert inline_language_request(message) == (None, message)


@pytest.mark.parametrize(
    ("message", "language", "inline"),
    [
        ("English please", "en", ("en", "")),  # a request with nothing else asked
        ("english pls", None, ("en", "")),  # the assistant takes it as a switch too
        ("på dansk", "da", (None, "på dansk")),  # no "tak": only the whole-message switch
    ],
)
def test_a_message_that_only_asks_for_a_language_is_a_switch(
    message: str, language: str | None, inline: tuple[str | None, str]
) -> None:
    assert requested_language(message) == language
    assert inline_language_request(message) == inline
