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
from collections.abc import Iterable

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
    """Recognises procurement vocabulary, including inside compounds."""

    def __init__(self, extra_terms: Iterable[str] = ()) -> None:
        words = [*_CORE_TERMS.split()]
        for term in extra_terms:
            words.extend(word for word in _WORD.findall(term) if len(word) >= 3)
        terms = {spelling for word in words for spelling in _spellings(_fold(word))}
        self._exact = frozenset(terms)
        self._infixes = tuple(sorted(t for t in terms if len(t) >= _MIN_INFIX))

    def in_domain(self, message: str) -> bool:
        for word in _WORD.findall(_fold(message)):
            if word in self._exact:
                return True
            if any(term in word for term in self._infixes):
                return True
        return False
