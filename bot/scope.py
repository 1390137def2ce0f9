"""Is a message about selling to the public sector at all?

The difference between "escalate" and "out of scope" for a question the
knowledge cannot answer: a procurement question deserves a person, a question
about passports or the weather deserves a friendly pointer elsewhere. The
test is vocabulary: procurement words of both languages (the glossary adds
more), matched inside Danish compounds ("rengøringsudbud" holds "udbud").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from knowledge.model import GlossaryGroup

Terms = Callable[[str, str], set[str]]

_CORE_TERMS = """
udbud udbyde licitation tilbud tilbudsgiver byde bud indkøb indkøber indkøbe køber købe
leverandør leverance levere faktura fakturer regning betaling betale ean kontrakt aftale
rammeaftale tærskel klage klagenævn frist standstill klausul lærling elev underleverandør
konsortium egnethed udelukkelse espd serviceattest tildeling kriterie ordregiver
markedsdialog annoncering bekendtgørelse cpv ted ski nemhandel oioubl peppol
udbudsplan udbudsloven tilbudsloven erhverv brobygning villemoes indkøbspolitik
bundlinje bæredygtig samhandel fairtrade økologi cvr moms
tender tendering procure procurement purchas buyer buying supplier supply suppliers invoice
invoic bill billing payment contract framework threshold complaint deadline clause apprentice
subcontract consorti suitabilit exclusion award bidder bidding bid bids offer quotation
notice publish dialogue lot lots vat kfst
"""

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MIN_INFIX = 4


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def _spellings(term: str) -> set[str]:
    """The term as written and as typed without Danish letters (tærskel, taerskel)."""
    return {term, term.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")}


class ScopeChecker:
    """Recognises procurement vocabulary: core words inside compounds, glossary terms by stem.

    Glossary terms are compared as stemmed content words in their own language
    (``terms`` drops that language's stop words), not as substrings: a
    multi-word term such as "åbning af tilbud" must not make "åbningstiderne"
    look like procurement, nor "call for tenders" make "for" a domain word. A
    term of several words counts only when all its words are there ("supply of
    goods" is procurement, "a good recipe" is not).
    """

    def __init__(self, glossary: Iterable[GlossaryGroup] = (), terms: Terms | None = None) -> None:
        core = {spelling for word in _CORE_TERMS.split() for spelling in _spellings(word)}
        self._exact = frozenset(core)
        self._infixes = tuple(sorted(t for t in core if len(t) >= _MIN_INFIX))
        self._terms = terms
        groups = list(glossary)
        self._glossary = {
            language: {
                frozenset(terms(term, language))
                for group in groups
                for term in getattr(group, language)
                if terms and terms(term, language)
            }
            for language in ("da", "en")
        }

    def in_domain(self, message: str) -> bool:
        for word in _WORD.findall(_fold(message)):
            if word in self._exact or any(term in word for term in self._infixes):
                return True
        if self._terms is None:
            return False
        for language, phrases in self._glossary.items():
            stems = self._terms(message, language)
            if any(phrase <= stems for phrase in phrases):
                return True
        return False
