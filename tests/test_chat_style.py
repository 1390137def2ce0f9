"""The generator of chat-style training questions and of junk: seeded, varied, and true to
the habits it claims to imitate."""

from __future__ import annotations

import re

from benchmarks.chat_style import NEIGHBOURS, ChatStyle, surface_vocabulary
from benchmarks.negatives import MUNICIPAL, about_known_tenders, junk, questions
from knowledge.model import GlossaryGroup

QUESTION = "Hvad er tilbudsfristen, og hvordan sender jeg en faktura til kommunen?"
GLOSSARY = [GlossaryGroup(da=("faktura", "regning"), en=("invoice", "bill"))]
RARITY = {"tilbudsfristen": 3.0, "faktura": 2.0, "kommunen": 0.1, "sender": 0.5}


def style(seed: int = 7) -> ChatStyle:
    surface = surface_vocabulary(["tilbud fristen faktura kommunen sender"])
    return ChatStyle(GLOSSARY, surface, lambda w: RARITY.get(w.casefold(), 0.0), seed)


def rewrites(count: int = 300, seed: int = 7) -> list[str]:
    writer = style(seed)
    return [writer.rewrite(QUESTION, "da", f"q{i}") for i in range(count)]


def test_a_rewrite_depends_only_on_seed_and_key() -> None:
    assert style().rewrite(QUESTION, "da", "k") == style().rewrite(QUESTION, "da", "k")
    assert rewrites(50, seed=1) != rewrites(50, seed=2)


def test_rewrites_are_varied() -> None:
    assert len(set(rewrites())) > 250


def test_rewrites_use_the_habits_of_chat() -> None:
    texts = rewrites()
    assert any("hva " in t or t.startswith("va ") for t in texts)  # shorthand
    assert any("regning" in t.casefold() for t in texts)  # a glossary synonym
    assert any("invoice" in t.casefold() for t in texts)  # code-switching
    assert any("tilbuds frist" in t or "tilbuds-frist" in t for t in texts)  # split compound
    assert any(t == t.lower() for t in texts) and any(t != t.lower() for t in texts)
    assert any(len(t.split()) <= 3 for t in texts)  # very short forms
    typo = re.compile(r"tilbudsfriste|tilbudsfrsten|tilbudsfrsiten|tilbudsffristen|faktuar")
    assert sum(bool(typo.search(t)) for t in texts) >= 1


def test_a_short_form_keeps_the_rarest_words() -> None:
    shortened = [style().short(QUESTION, "da", f"s{i}").casefold() for i in range(40)]
    assert all(len(s.split()) <= 4 for s in shortened)  # at most three words and a "?"
    # The most common word never makes it into a short form; the rarest nearly always does
    # (a typo may have slipped into it).
    assert not any("kommunen" in s for s in shortened)
    assert sum(s.startswith("tilbudsfristen") for s in shortened) > 20


def test_typos_stay_on_the_keyboard() -> None:
    assert set(NEIGHBOURS["a"]) >= {"s", "q"}
    assert "p" not in NEIGHBOURS["a"]


def test_junk_is_seeded_distinct_and_holds_no_question() -> None:
    first = junk(1000, seed=5)
    assert first == junk(1000, seed=5)
    assert len(set(first)) == 1000
    assert first != junk(1000, seed=6)
    kinds = {
        "numbers": r"^[\d.,+ ?!]+$",
        "code": r"SELECT|print\(|def |console\.log",
        "markup": r"<\w+|\*\*|\[link\]",
        "injection": r"OR 1=1|\{\{7\*7\}\}|etc/passwd",
        "glued commands": r"^/\w+\S*\s*/\w+|^/\w+/",
    }
    for kind, pattern in kinds.items():
        assert any(re.search(pattern, m) for m in first), kind


def test_negative_templates_make_questions_in_both_languages() -> None:
    made = questions(MUNICIPAL)
    assert {lang for lang, _ in made} == {"da", "en"}
    assert all("{}" not in text for _, text in made)
    about = about_known_tenders(["Rengøring af skoler"])
    assert about and all("Rengøring af skoler" in text for _, text in about)
