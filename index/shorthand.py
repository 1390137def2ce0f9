"""How business owners shorten words in chat, and the words that carry no question.

People type ``pls``, ``ur``, ``hva``, ``ik`` and ``80k`` in Slack and
Telegram; the knowledge says *please*, *your*, *hvad*, *ikke* and
*80.000*. :data:`SHORTHAND` maps a folded chat form to the word it stands
for, so that normalisation (:func:`index.normalize.words`) turns both into
the same word; :data:`FILLERS` are words that colour a message without
asking anything (*egentlig*, *sgu*, *actually*, *wtf*) and are dropped like
stop words, so they neither match nor dilute a question.

The lists are written from general Danish and English chat usage, not from
any question set. Forms that are also real words of the domain (``it``,
``ski``, ``ted``, ``ean``) are never listed.
"""

from __future__ import annotations

import re
from typing import Final

SHORTHAND: Final[dict[str, str]] = {
    # English
    "ur": "your",
    "urs": "yours",
    "pls": "please",
    "plz": "please",
    "ppl": "people",
    "yr": "year",
    "yrs": "years",
    "yrly": "yearly",
    "mth": "month",
    "mths": "months",
    "wk": "week",
    "wks": "weeks",
    "whats": "what",
    "wats": "what",
    "wat": "what",
    "hows": "how",
    "whos": "who",
    "wheres": "where",
    "whens": "when",
    "thats": "that",
    "theres": "there",
    "dont": "do",
    "doesnt": "does",
    "didnt": "did",
    "cant": "cannot",
    "wont": "will",
    "isnt": "is",
    "arent": "are",
    "wasnt": "was",
    "havent": "have",
    "hasnt": "has",
    "shouldnt": "should",
    "couldnt": "could",
    "wouldnt": "would",
    "im": "i",
    "ive": "i",
    "youre": "you",
    "theyre": "they",
    "ya": "you",
    "yall": "you",
    "thru": "through",
    "tho": "though",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "b4": "before",
    "abt": "about",
    "gonna": "going",
    "wanna": "want",
    "gotta": "must",
    "info": "information",
    "max": "maximum",
    "govt": "government",
    "gov": "government",
    "dept": "department",
    "mgmt": "management",
    "rn": "now",
    "atm": "now",
    "incl": "including",
    "excl": "excluding",
    "docs": "documents",
    "doc": "document",
    "reqs": "requirements",
    "req": "requirement",
    "specs": "specifications",
    "spec": "specification",
    # Danish
    "hva": "hvad",
    "hvorn": "hvornår",
    "ka": "kan",
    "ku": "kunne",
    "ik": "ikke",
    "ikk": "ikke",
    "ska": "skal",
    "sku": "skulle",
    "osse": "også",
    "ogs": "også",
    "nogn": "nogen",
    "mske": "måske",
    "nr": "nummer",
    "tlf": "telefon",
    "tlfnr": "telefonnummer",
    "telefonnr": "telefonnummer",
    "mobilnr": "telefonnummer",
    "inkl": "inklusive",
    "ekskl": "eksklusive",
    "maks": "maksimum",
    # Amounts, in the knowledge's own words
    "dkk": "kr",
    "mill": "million",
    "mil": "million",
    "mln": "million",
    "mio": "million",
    "millioner": "million",
    "bn": "billion",
    "mia": "billion",
    "milliard": "billion",
    "milliarder": "billion",
}
"""Chat form (folded, as :func:`index.normalize.words` sees it) → the word it stands for."""

_DANISH_FILLERS = """
egentlig egentligt lige bare sgu fanden fandme pokker altså nok jo vel godt mon
overhovedet hej hejsa halløj kære venlig venligst hilsen hilsner tak takker mvh vh
okay ok ja nå jamen hmm øh øhm haha hehe lol
undre undrer tænker tænkte ting ca cirka evt eventuelt dvs pga ift ifht mht ifm
vedr vedrørende ang angående iflg ifølge
"""

_ENGLISH_FILLERS = """
actually just like even really basically literally simply quite pretty kinda sorta
hey hi hello hiya dear regards sincerely thanks thank thx cheers please
ok okay yes yeah yep nope hmm um uh lol haha wtf omg btw fyi imo tbh
guys folks stuff thing things quick wondering wonder curious approx approximately
anyway somebody someone something anything everything
"""

GREETINGS: Final[tuple[str, ...]] = (
    "kære",
    "hej",
    "hejsa",
    "halløj",
    "goddag",
    "godmorgen",
    "til rette vedkommende",
    "dear",
    "hi",
    "hey",
    "hello",
    "good morning",
    "good afternoon",
    "to whom it may concern",
)
"""How a message opens; up to its first comma or full stop, such an opening asks nothing
("Dear Sir or Madam,", "Kære Indkøb og Udbud.")."""

SIGN_OFFS: Final[tuple[str, ...]] = (
    "med venlig hilsen",
    "venlig hilsen",
    "venlige hilsner",
    "de bedste hilsner",
    "bedste hilsner",
    "mvh",
    "vh",
    "på forhånd tak",
    "tak på forhånd",
    "kind regards",
    "best regards",
    "yours sincerely",
    "yours faithfully",
    "thanks in advance",
    "thank you in advance",
)
"""How a message ends; with the name and firm after it, such an ending asks nothing."""

FILLERS: Final[dict[str, frozenset[str]]] = {
    "da": frozenset(_DANISH_FILLERS.split()),
    "en": frozenset(_ENGLISH_FILLERS.split()),
}
"""Words that ask nothing, per language; dropped like stop words."""

_THOUSANDS = re.compile(r"\b(\d+)\s?k\b", re.IGNORECASE)


def expand_thousands(text: str) -> str:
    """``80k`` and ``80 k`` → ``80000``: the knowledge writes thousands out in full."""
    return _THOUSANDS.sub(lambda m: f"{m.group(1)}000", text)
