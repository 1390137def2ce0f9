"""Tell Danish from English in short, sloppy business questions.

General-purpose detectors need more text than "faktura frist?" gives them, so
this counts cheap, strong signals instead: function words and common
question words of each language, procurement vocabulary (extendable with the
knowledge glossary), Danish letters, and Danish spellings typed without them
("hvornaar", "taerskel"). When the signals tie, the caller's hint (the
asker's last language) decides, then Danish, the bot's home language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

DANISH = "da"
ENGLISH = "en"

_DANISH_WORDS = frozenset(
    """
    og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har
    om vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal
    selv her alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne
    end dette mit også under have dig anden hende mine alt meget sit sine vor mod disse hvis
    din nogle hos blive mange ad bliver hendes været thi jer sådan hvordan hvornår hvilke
    hvilken hvilket hvem hvorfor kan må får få gør gøre findes finder hedder nej ja tak hej
    bare lige mere mest hvorledes hvornaar hvordan hvad sker betyder gælder gaelder bruger
    kommunen kommune virksomhed virksomheder firma mit vores jeres sende sender betale
    udbud udbuddet udbuddene licitation tilbud tilbuddet faktura fakturaer regning frist
    fristen tærskelværdi tærskelværdien taerskelvaerdi leverandør leverandør leverandoer
    indkøb indkoeb kontrakt kontrakten rammeaftale klage klagefrist betaling kroner kr
    hvornår blev findes stiftet indført nævn eksempler hører afdeling hvilke
    """.split()
)

_ENGLISH_WORDS = frozenset(
    """
    the a an and or of to in on at for with from by about into is are was were be been being
    do does did done have has had can could may might must shall should will would what
    which who whom whose when where why how i you he she it we they me my our your their this
    that these those there here not no yes please thanks thank hello hi get got give tell help
    any some many much more most if then than so as just only also after before again
    municipality city company business supplier suppliers tender tenders bid bids invoice
    invoices bill payment contract contracts threshold thresholds deadline complaint
    procurement buy buying purchase apply rules rule public act law procedure
    """.split()
)

# Sequences that only occur in Danish words typed on a non-Danish keyboard.
_DANISH_FRAGMENTS = re.compile(r"(hv[aeiou]|aa|oe[^s]|ae[^s]|sk[aeiø]|ighed|tion(en|er)|ning)")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

_SWITCH_TO_ENGLISH = re.compile(
    r"^\s*(/?english|/en|(in|på|paa) english|english,? please|speak english|"
    r"can you (answer|reply|write) in english|svar på engelsk|på engelsk)\W*$",
    re.IGNORECASE,
)
_SWITCH_TO_DANISH = re.compile(
    r"^\s*(/?dansk|/da|(in|på|paa) dansk|dansk,? tak|på dansk,? tak|in danish|"
    r"danish,? please|skriv på dansk|svar på dansk)\W*$",
    re.IGNORECASE,
)


# A request for the reply's language inside a question ("kædeansvar – english pls, what
# does it mean"): only with "please"/"tak" or an imperative, since "can I bid in English?"
# asks about the bid, not the reply.
_PLEASE = r"(please|pls|plz|tak)"
_INLINE_REQUEST = {
    ENGLISH: re.compile(
        rf"(?:^|[\s,.;:!?–—-])\(?((in\s+)?(english|eng)\s*,?\s*{_PLEASE}|{_PLEASE}\s+(in\s+)?english"
        r"|(answer|reply|write)\s+in\s+english|(svar|skriv)\s+p(å|aa)\s+engelsk"
        rf"|p(å|aa)\s+engelsk\s*,?\s*{_PLEASE})\)?(?=$|[\s,.;:!?–—-])",
        re.IGNORECASE,
    ),
    DANISH: re.compile(
        rf"(?:^|[\s,.;:!?–—-])\(?((p(å|aa)\s+)?dansk\s*,?\s*{_PLEASE}|(in\s+)?danish\s*,?\s*{_PLEASE}"
        r"|(svar|skriv)\s+p(å|aa)\s+dansk|(answer|reply|write)\s+in\s+danish)\)?"
        r"(?=$|[\s,.;:!?–—-])",
        re.IGNORECASE,
    ),
}


def inline_language_request(text: str) -> tuple[str | None, str]:
    """The reply language a question asks for on the way, and the question without that
    request (which is no part of what is asked)."""
    for language, pattern in _INLINE_REQUEST.items():
        found = pattern.search(text)
        if found:
            rest = f"{text[: found.start()]} {text[found.end() :]}"
            return language, " ".join(rest.split()).strip(" ,.;:–—-")
    return None, text


def requested_language(text: str) -> str | None:
    """The language a user explicitly asks to switch to ("English please", "på dansk")."""
    if _SWITCH_TO_ENGLISH.match(text):
        return ENGLISH
    if _SWITCH_TO_DANISH.match(text):
        return DANISH
    return None


class LanguageDetector:
    """Scores a text for Danish and English; extra vocabulary comes from the glossary."""

    def __init__(self, danish_terms: Iterable[str] = (), english_terms: Iterable[str] = ()) -> None:
        self._danish = _DANISH_WORDS | _words_of(danish_terms)
        self._english = _ENGLISH_WORDS | _words_of(english_terms)
        shared = self._danish & self._english
        self._danish -= shared - _DANISH_WORDS
        self._english -= shared - _ENGLISH_WORDS

    def scores(self, text: str) -> tuple[float, float]:
        """(Danish score, English score) from word and letter evidence."""
        folded = unicodedata.normalize("NFKC", text).casefold()
        words = _WORD.findall(folded)
        danish = sum(1.0 for word in words if word in self._danish)
        english = sum(1.0 for word in words if word in self._english)
        danish += 1.5 * sum(1 for char in folded if char in "æøå")
        unknown = [word for word in words if word not in self._danish | self._english]
        danish += 0.5 * sum(1 for word in unknown if _DANISH_FRAGMENTS.search(word))
        return danish, english

    def detect(self, text: str, hint: str | None = None) -> str:
        danish, english = self.scores(text)
        if danish > english:
            return DANISH
        if english > danish:
            return ENGLISH
        return hint if hint in (DANISH, ENGLISH) else DANISH


def _words_of(terms: Iterable[str]) -> frozenset[str]:
    return frozenset(
        word
        for term in terms
        for word in _WORD.findall(unicodedata.normalize("NFKC", term).casefold())
        if len(word) > 2
    )
