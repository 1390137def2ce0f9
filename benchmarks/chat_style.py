"""Questions the way business owners type them, generated from the knowledge pack.

The confidence model (:mod:`index.fusion`) must say "this answer is right"
for what people really write in Slack and Telegram: short, misspelled,
slangy, mixed Danish and English, with context before the question. The
pack's own questions are tidy. :class:`ChatStyle` rewrites a tidy question
into chat style with random, seeded transformations, each written from
general chat habits (never from a question set):

- keyboard-neighbour typos, dropped, doubled and swapped letters;
- æ, ø, å typed as ae/oe/aa, or as a/o/e;
- slang and abbreviations in both languages (``u``, ``ur``, ``pls``,
  ``hva``, ``ik``, ``nr``, ``mio``, ``80k``);
- fillers (*egentlig*, *sgu*, *actually*), greetings and sign-offs, context
  sentences about the asker's firm, formal e-mail frames;
- glossary synonyms (*regning* for *faktura*) and Danish/English
  code-switching (*invoice* in a Danish question, *udbud* in an English one);
- compounds split (*tilbuds frist*) and words joined;
- telegraphic style (function words dropped) and very short forms made of
  the question's rarest words (``espd??``, :meth:`ChatStyle.short`).

``benchmarks/fit_confidence.py`` applies it to the pack's questions,
headings and facts. Everything depends only on the seed and the text, so a
fit can be reproduced exactly.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

from index.normalize import is_stop_word, words
from knowledge.model import GlossaryGroup

_KEYBOARD_ROWS = ("qwertyuiopå", "asdfghjklæø", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    """Letters next to each letter on a Danish keyboard (same row, and the rows around)."""
    position = {c: (r, i) for r, row in enumerate(_KEYBOARD_ROWS) for i, c in enumerate(row)}
    out: dict[str, str] = {}
    for char, (row, col) in position.items():
        near = [
            other
            for other, (r, c) in position.items()
            if other != char and abs(r - row) <= 1 and abs(c - col) <= 1
        ]
        out[char] = "".join(near)
    return out


NEIGHBOURS = _neighbours()

# Full form → chat forms, per language. Multi-word forms first (longest match wins).
_CHAT_FORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "what is": ("whats", "what's", "wats"),
        "what's": ("whats",),
        "do not": ("dont",),
        "does not": ("doesnt",),
        "is not": ("isnt",),
        "cannot": ("cant",),
        "can't": ("cant",),
        "i am": ("im",),
        "going to": ("gonna",),
        "want to": ("wanna",),
        "you": ("u", "ya"),
        "are": ("r",),
        "your": ("ur",),
        "please": ("pls", "plz"),
        "people": ("ppl",),
        "year": ("yr",),
        "years": ("yrs",),
        "with": ("w", "w/"),
        "without": ("w/o",),
        "about": ("abt",),
        "because": ("bc", "cuz"),
        "through": ("thru",),
        "before": ("b4",),
        "number": ("no.", "nr", "#"),
        "information": ("info",),
        "approximately": ("approx", "~"),
        "maximum": ("max",),
        "department": ("dept",),
        "government": ("govt",),
        "documents": ("docs",),
        "requirements": ("reqs",),
        "specifications": ("specs",),
        "million": ("mill", "m", "mio"),
        "thanks": ("thx",),
        "municipality": ("kommune", "city", "council"),
        "denmark": ("dk",),
        "danish": ("dk",),
    },
    "da": {
        "hvad": ("hva", "va"),
        "kan": ("ka",),
        "ikke": ("ik", "ikk", "ik'"),
        "skal": ("ska",),
        "også": ("osse", "ogs"),
        "måske": ("mske",),
        "nummer": ("nr", "nr."),
        "telefonnummer": ("tlf nr", "tlf"),
        "telefon": ("tlf",),
        "million": ("mio", "mill"),
        "millioner": ("mio", "mill"),
        "vedrørende": ("vedr", "vedr."),
        "angående": ("ang", "ang."),
        "inklusive": ("inkl", "inkl."),
        "eksklusive": ("ekskl", "ex"),
        "cirka": ("ca", "ca."),
        "eventuelt": ("evt", "evt."),
        "i forhold til": ("ift", "ifht"),
        "for eksempel": ("fx", "f.eks."),
        "det": ("de",),
        "jeg": ("jg",),
        "kommunen": ("kommunen", "jer", "i"),
        "danmark": ("dk",),
    },
}
_FILLERS = {
    "da": ("egentlig", "lige", "bare", "sgu", "altså", "overhovedet", "nu", "godt"),
    "en": ("actually", "just", "even", "really", "like", "basically", "ever"),
}
_OPENERS = {
    "da": (
        "hej",
        "hej med jer",
        "hejsa",
        "halløj",
        "kort spm:",
        "hurtigt spørgsmål:",
        "Kære Indkøb og Udbud.",
        "Til rette vedkommende.",
        "Goddag,",
        "hej igen",
    ),
    "en": (
        "hi",
        "hey",
        "hello",
        "quick q:",
        "quick question –",
        "Dear Sir or Madam,",
        "Hello,",
        "hi there,",
        "hey guys",
        "Good morning,",
    ),
}
_CLOSERS = {
    "da": ("tak", "på forhånd tak", "mvh", "Venlig hilsen", "tak på forhånd!", "hilsen Jens"),
    "en": ("thx", "thanks", "pls", "cheers", "Kind regards", "Best regards", "thanks in advance"),
}
_TRADES = {
    "da": (
        "maler",
        "vvs",
        "rengørings",
        "it",
        "tømrer",
        "kloak",
        "anlægs",
        "cateringfirma",
        "el",
        "vognmands",
        "anlægsgartner",
        "konsulent",
        "rådgivnings",
        "bygge",
    ),
    "en": (
        "painting",
        "plumbing",
        "cleaning",
        "IT",
        "carpentry",
        "catering",
        "electrical",
        "transport",
        "landscaping",
        "consulting",
        "software",
        "construction",
    ),
}
_CONTEXT = {
    "da": (
        "vi er et lille {trade}firma i aarhus.",
        "jeg har et {trade}firma med {n} ansatte.",
        "vi overvejer at byde på noget hos jer.",
        "har aldrig budt på noget offentligt før.",
        "min revisor spurgte mig om det her.",
        "vi er en mindre virksomhed fra {town}.",
        "sidder lige med et tilbud.",
        "vores kunde er en skole i kommunen.",
        "undskyld hvis det er et dumt spørgsmål.",
        "har prøvet at google det uden held.",
    ),
    "en": (
        "we're a small {trade} company in aarhus.",
        "i run a {trade} business with {n} staff.",
        "we're thinking about bidding on something.",
        "never bid on public work before.",
        "my accountant asked me this.",
        "we're a small firm from {town}.",
        "working on a bid right now.",
        "sorry if this is a dumb question.",
        "tried googling it, no luck.",
        "new to danish public tenders.",
    ),
}
_TOWNS = ("Randers", "Silkeborg", "Skanderborg", "Horsens", "Viby", "Hamburg", "Malmö")

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_PLAIN = {"æ": "e", "ø": "o", "å": "a", "Æ": "E", "Ø": "O", "Å": "A"}
_DOUBLE = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}


class ChatStyle:
    """Rewrites tidy questions into chat style; deterministic for a seed and a text.

    ``surface_words`` are the pack's words (folded), for splitting compounds
    into parts the pack uses; ``rarity`` scores a word (higher: rarer in the
    pack), for choosing the words of a very short form.
    """

    def __init__(
        self,
        glossary: Sequence[GlossaryGroup],
        surface_words: set[str],
        rarity: Callable[[str], float],
        seed: int,
    ) -> None:
        self._glossary = [g for g in glossary if len(g.terms) > 1]
        self._surface = surface_words
        self._rarity = rarity
        self._seed = seed

    def rewrite(self, text: str, language: str, key: str) -> str:
        """``text`` (in ``language``) in chat style; ``key`` makes each rewrite reproducible."""
        rng = random.Random(f"{self._seed}:{key}")
        if rng.random() < 0.12:
            text = self._short_form(text, language, rng)
        else:
            for step, chance in (
                (self._synonym, 0.4),
                (self._code_switch, 0.2),
                (self._shorthand, 0.6),
                (self._telegraphic, 0.25),
                (self._filler, 0.3),
                (self._compound, 0.25),
            ):
                if rng.random() < chance:
                    text = step(text, language, rng)
            text = self._frame(text, language, rng)
        return _surface(text, rng)

    def short(self, text: str, language: str, key: str) -> str:
        """A very short form of ``text``: its rarest words, typed the chat way."""
        rng = random.Random(f"{self._seed}:short:{key}")
        return _surface(self._short_form(text, language, rng), rng)

    def _short_form(self, text: str, language: str, rng: random.Random) -> str:
        """One to three of the question's rarest content words: ``espd??``, ``tærskel varer``."""
        content = [w for w in _WORD_RE.findall(text) if not is_stop_word(w.casefold(), language)]
        if not content:
            return text
        ranked = sorted(dict.fromkeys(content), key=lambda w: -self._rarity(w))
        chosen = set(ranked[: rng.choice((1, 1, 2, 2, 3))])
        return " ".join(w for w in dict.fromkeys(content) if w in chosen)

    def _synonym(self, text: str, language: str, rng: random.Random) -> str:
        return self._swap_term(text, rng, lambda group: getattr(group, language), language)

    def _code_switch(self, text: str, language: str, rng: random.Random) -> str:
        other = "en" if language == "da" else "da"
        return self._swap_term(text, rng, lambda group: getattr(group, other), language)

    def _swap_term(
        self,
        text: str,
        rng: random.Random,
        replacements: Callable[[GlossaryGroup], tuple[str, ...]],
        language: str,
    ) -> str:
        """Replace one glossary term of ``language`` found in ``text`` by another of its group."""
        folded = text.casefold()
        found = [
            (term, group)
            for group in self._glossary
            for term in getattr(group, language)
            if re.search(rf"\b{re.escape(term.casefold())}\b", folded)
        ]
        if not found:
            return text
        term, group = rng.choice(found)
        options = [t for t in replacements(group) if t.casefold() != term.casefold()]
        if not options:
            return text
        pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
        return pattern.sub(rng.choice(options), text, count=1)

    def _shorthand(self, text: str, language: str, rng: random.Random) -> str:
        for full, forms in _CHAT_FORMS[language].items():
            pattern = re.compile(rf"\b{re.escape(full)}\b", re.IGNORECASE)
            if pattern.search(text) and rng.random() < 0.6:
                text = pattern.sub(lambda _, forms=forms: rng.choice(forms), text)
        return re.sub(r"\b(\d+)[.,]?000\b", lambda m: f"{m.group(1)}k", text)

    def _telegraphic(self, text: str, language: str, rng: random.Random) -> str:
        """Drop some function words, as people do in a hurry."""
        kept = [
            w
            for w in text.split()
            if not (is_stop_word(w.casefold().strip("?,.!"), language) and rng.random() < 0.4)
        ]
        return " ".join(kept) or text

    def _filler(self, text: str, language: str, rng: random.Random) -> str:
        parts = text.split()
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(_FILLERS[language]))
        return " ".join(parts)

    def _compound(self, text: str, language: str, rng: random.Random) -> str:
        """Split a compound the pack knows the parts of, or glue two words together."""
        parts = text.split()
        splits = [(i, s) for i, w in enumerate(parts) if (s := self._split(w))]
        if splits and rng.random() < 0.7:
            i, (head, tail) = rng.choice(splits)
            parts[i] = f"{head}{rng.choice((' ', '-'))}{tail}"
            return " ".join(parts)
        pairs = [i for i in range(len(parts) - 1) if parts[i].isalpha() and parts[i + 1].isalpha()]
        if pairs:
            i = rng.choice(pairs)
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        return " ".join(parts)

    def _split(self, word: str) -> tuple[str, str] | None:
        letters = word.strip("?,.!:;'\"()")
        if len(letters) < 9 or not letters.isalpha():
            return None
        folded = letters.casefold()
        for cut in range(4, len(folded) - 3):
            head, tail = folded[:cut], folded[cut:]
            stem = head[:-1] if head[-1] in "se" and head[:-1] in self._surface else head
            if stem in self._surface and tail in self._surface:
                return letters[:cut], letters[cut:]
        return None

    def _frame(self, text: str, language: str, rng: random.Random) -> str:
        """Greeting, context about the asker's firm, sign-off: what surrounds a real question."""
        if rng.random() < 0.3:
            sentence = rng.choice(_CONTEXT[language]).format(
                trade=rng.choice(_TRADES[language]),
                n=rng.choice((2, 4, 6, 12, 25)),
                town=rng.choice(_TOWNS),
            )
            text = f"{sentence} {text}" if rng.random() < 0.7 else f"{text} {sentence}"
        if rng.random() < 0.25:
            text = f"{rng.choice(_OPENERS[language])} {text}"
        if rng.random() < 0.2:
            text = f"{text} {rng.choice(_CLOSERS[language])}"
        return text


def _surface(text: str, rng: random.Random) -> str:
    """Case, punctuation, Danish letters and typos: how the text is typed."""
    if rng.random() < 0.85:
        text = text.lower()
    return _typos(_danish_letters(_punctuation(text, rng), rng), rng)


def _punctuation(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return text.rstrip("?.!")
    if roll < 0.5:
        return text.rstrip("?.!") + rng.choice(("??", "???", "?!", "!!", " ?"))
    return text


def _danish_letters(text: str, rng: random.Random) -> str:
    """æøå as typed on a keyboard without them: ae/oe/aa, or just a/o/e."""
    roll = rng.random()
    if roll < 0.3:
        return "".join(_DOUBLE.get(c, c) for c in text)
    if roll < 0.42:
        return "".join(_PLAIN.get(c, c) for c in text)
    return text


def _typos(text: str, rng: random.Random) -> str:
    """Zero to two slips of the finger in words of four letters or more."""
    count = rng.choices((0, 1, 2), weights=(0.4, 0.4, 0.2))[0]
    for _ in range(count):
        spans = [m.span() for m in _WORD_RE.finditer(text) if m.end() - m.start() >= 4]
        if not spans:
            break
        start, end = rng.choice(spans)
        i = rng.randrange(start + 1, end)
        char = text[i]
        kind = rng.choice(("neighbour", "drop", "double", "swap"))
        if kind == "neighbour" and NEIGHBOURS.get(char.lower()):
            text = text[:i] + rng.choice(NEIGHBOURS[char.lower()]) + text[i + 1 :]
        elif kind == "drop":
            text = text[:i] + text[i + 1 :]
        elif kind == "double":
            text = text[:i] + char + text[i:]
        elif i + 1 < end:
            text = text[:i] + text[i + 1] + char + text[i + 2 :]
    return text


def surface_vocabulary(texts: Sequence[str]) -> set[str]:
    """The pack's folded words of four letters or more (for splitting compounds)."""
    return {w for text in texts for w in words(text) if len(w) >= 4 and w.isalpha()}
