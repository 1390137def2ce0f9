"""Is a message about selling to the public sector at all?

The difference between "escalate" and "out of scope" for a question the
knowledge cannot answer: a procurement question deserves a person, a question
about passports or the weather deserves a friendly pointer elsewhere. The
test is vocabulary: procurement words of both languages, matched inside
Danish compounds ("rengøringsudbud" holds "udbud"), and the glossary groups
that hold one of them (*licitation* is a synonym of *udbud*, so it counts;
*kommune* is in the glossary too, but a question about the municipality is
not a procurement question for that).

It reads the query as the index analysed it (:mod:`index.query`): markup and
code removed, stop words and chat fillers dropped, misspellings repaired and
glossary synonyms added, so *treshold* counts like *threshold* and the
Danish "så" typed as "saa" never meets an English glossary word.
"""

from __future__ import annotations

from collections.abc import Iterable

from index.normalize import canonical, terms
from index.query import AnalysedQuery
from knowledge.model import GlossaryGroup

_CORE_TERMS = """
udbud udbyde licitation tilbud tilbudsgiver byde bud indkøb indkøber indkøbe leverandør
leverance faktura fakturer regning ean kontrakt rammeaftale tærskel klage klagenævn
tilbudsfrist betalingsfrist standstill klausul lærling underleverandør konsortium egnethed
udelukkelse espd serviceattest tildeling kriterie ordregiver markedsdialog annoncering
bekendtgørelse cpv ted ski nemhandel oioubl peppol udbudsplan udbudsloven tilbudsloven
brobygning villemoes indkøbspolitik bundlinje samhandel kreditnota kravspecifikation
mindstekrav forhåndsmeddelelse rettelsesblad besigtigelse støtteerklæring underhåndsbud
innovationspartnerskab projektkonkurrence regime grænseoverskridende udlicitering
konkurrenceudsættelse kontrolbud sikkerhedsstillelse selvrensning kædeansvar
tender tendering procure procurement purchas buyer supplier suppliers invoice invoic
contract framework threshold complaint deadline clause apprentice subcontract consorti
suitabilit exclusion award bidder bidding bid bids quotation dialogue kfst
corrigendum outsourcing
"""
_MIN_INFIX = 4


class ScopeChecker:
    """Recognises procurement vocabulary in an analysed query."""

    def __init__(self, glossary: Iterable[GlossaryGroup] = ()) -> None:
        core = {canonical(word) for word in _CORE_TERMS.split()}
        self._exact = frozenset(core)
        self._infixes = tuple(sorted(t for t in core if len(t) >= _MIN_INFIX))
        self._phrases = {
            frozenset(terms(term, language))
            for group in glossary
            if any(self._is_core(canonical(t)) for t in group.terms)
            for language in ("da", "en")
            for term in getattr(group, language)
            if terms(term, language)
        }

    def _is_core(self, word: str) -> bool:
        return word in self._exact or any(term in word for term in self._infixes)

    def in_domain(self, query: AnalysedQuery) -> bool:
        words = {canonical(word) for concept in query.concepts for word in concept.words}
        if any(self._is_core(word) for word in words):
            return True
        stems = {s for concept in query.concepts for form in concept.alternatives for s in form}
        return any(self._is_core(s) for s in stems) or any(p <= stems for p in self._phrases)
