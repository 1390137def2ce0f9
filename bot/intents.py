"""Recognise what a message is for before searching the knowledge.

Retrieval answers "what does the knowledge say about X"; it cannot tell a
greeting from a question, nor see that "what should we write in our bid to
win" must not get a private answer. These rules catch such messages by their
form (commands, social phrases, first-person bid talk, listing requests), in
Danish and English, including spellings without Danish letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    CONTACT = "contact"
    HUMAN = "human"
    DELETE = "delete"
    TENDER_LIST = "tender_list"
    SUBSCRIBE = "subscribe"
    SUBSCRIPTIONS = "subscriptions"
    UNSUBSCRIBE = "unsubscribe"
    UNKNOWN_COMMAND = "unknown_command"
    QUESTION = "question"


@dataclass(frozen=True, slots=True)
class Recognised:
    """The intent, and for a command the text after it (``/udbud rengøring``)."""

    intent: Intent
    argument: str = ""


def _pattern(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


# A command is "/name", optionally "@bot", then a space or the end: "/udbud/menneske" or
# "/start;ls" is not a command (and not a question either).
_COMMAND = re.compile(r"^\s*/(\w+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
_SLASH = re.compile(r"^\s*/")
_COMMANDS: dict[str, Intent] = {
    "start": Intent.GREETING,
    "help": Intent.HELP,
    "hjaelp": Intent.HELP,
    "hjælp": Intent.HELP,
    "kontakt": Intent.CONTACT,
    "contact": Intent.CONTACT,
    "menneske": Intent.HUMAN,
    "human": Intent.HUMAN,
    "person": Intent.HUMAN,
    "slet": Intent.DELETE,
    "delete": Intent.DELETE,
    "udbud": Intent.TENDER_LIST,
    "tenders": Intent.TENDER_LIST,
    "abonner": Intent.SUBSCRIBE,
    "abonnér": Intent.SUBSCRIBE,
    "subscribe": Intent.SUBSCRIBE,
    "abonnementer": Intent.SUBSCRIPTIONS,
    "subscriptions": Intent.SUBSCRIPTIONS,
    "afmeld": Intent.UNSUBSCRIBE,
    "unsubscribe": Intent.UNSUBSCRIBE,
}

_GREETING = _pattern(
    r"^\s*(hej+|hejsa|halløj|hallo|goddag|god ?morgen|godaften|dav|hi+|hello|hey|"
    r"good (morning|afternoon|evening))(\s+(there|med dig|bot|udbudsbot))?\W*$"
)
_THANKS = _pattern(
    r"^\s*((mange |tusind )?tak+( for (hjælpen|hjaelpen|svaret|det))?|"
    r"thanks?( you)?( (very much|a lot|for (the|your) (help|answer)))?|thx|ty|"
    r"super,? tak|great,? thanks)\W*$"
)
_HELP = _pattern(
    r"^\s*(hjælp|hjaelp|help|\?+|hvad kan du( hjælpe med| hjaelpe med)?|"
    r"what can you (do|help (me )?with)|how does this work|hvordan virker (du|det))\W*$"
)
_HUMAN = _pattern(
    r"\b(menneske|et rigtigt menneske|en medarbejder|en person|tale med (en|nogen)|"
    r"snakke med (en|nogen)|talk to (a|an|some) ?(human|person|real person|someone|employee)|"
    r"speak (to|with) (a|an) (human|person)|real person|human being|customer service)\b"
)
_DELETE = _pattern(
    r"\b(slet (mine|alle mine) (data|oplysninger)|delete my (data|information)|"
    r"forget me|glem mig)\b"
)
_TENDER_LIST = _pattern(
    r"\b(hvilke|hvad for nogle|kommende|planlagte|aktuelle|nye|åbne|aabne) (offentlige )?"
    r"(udbud|licitationer)\b",
    r"\budbud (kommer|er der|har i|er på vej|er i gang)\b",
    r"\b(which|what|any|upcoming|planned|current|open|new|list( of)?|show( me)?)"
    r" (public )?(tenders|calls for tenders|procurements)\b",
    r"\btenders (about|for|on|in|within|coming|planned)\b",
    r"\bwhat'?s open( now)?\b",
    r"\bhvad er (åbent|aabent|i udbud)\b",
    r"\budbudsplan(en)?\b.*\b(indeholder|står|kommer|hvilke)\b",
)


def recognise(text: str) -> Recognised:
    """Classify one message; anything not recognised is a question for the knowledge."""
    command = _COMMAND.match(text)
    if command:
        name = command.group(1).casefold()
        intent = _COMMANDS.get(name)
        argument = (command.group(2) or "").strip()
        # Commands take words: "/kontakt /menneske" is two commands glued, not one.
        if intent is not None and not argument.startswith("/"):
            return Recognised(intent, argument)
    if _SLASH.match(text):
        return Recognised(Intent.UNKNOWN_COMMAND)
    for pattern, intent in (
        (_GREETING, Intent.GREETING),
        (_THANKS, Intent.THANKS),
        (_HELP, Intent.HELP),
        (_DELETE, Intent.DELETE),
        (_HUMAN, Intent.HUMAN),
        (_TENDER_LIST, Intent.TENDER_LIST),
    ):
        if pattern.search(text):
            return Recognised(intent)
    return Recognised(Intent.QUESTION)


_OWN_BID = _pattern(
    r"\b(mit|vores|vort|jeres) (tilbud|bud)\b",
    r"\b(vores|min|mine) (løsning|loesning|produkt|pris|priser|ansøgning|ansoegning)\b",
    r"\b(our|my) (bid|offer|tender|solution|proposal|application|price|prices)\b",
    r"\bextra (days|time)\b|\bmore time\b|\bekstra (dage|tid)\b|\bforlæng(e|else)\b",
)
_ADVANTAGE = _pattern(
    r"\bfor at vinde\b",
    r"\bto win\b",
    r"\b(mellem os|os imellem|between (us|you and me)|off the record)\b",
)
_ONGOING_TENDER = _pattern(
    r"\b(der er i gang|som er i gang|igangværende|igangvaerende|aktuelle|nuværende|"
    r"nuvaerende|åbne|aabne|kørende)\b",
    r"\b(i gang nu|lige nu)\b",
    r"\b(current|ongoing|running|open|live|present)\b[\w\s-]{0,30}\b(tender|procurement|bid)",
    r"\b(tender|procurement)\b[\w\s-]{0,20}\b(now|currently|under way|underway)\b",
    r"\byour current\b",
)
_TENDER_WORD = _pattern(r"udbud|licitation|tender|procurement|\bbid\b|tilbud")


_PAST_RESULT = _pattern(
    r"\b(tabte|vandt|taber|vinder) vi\b",
    r"\bvi (tabte|vandt|tabt|vundet)\b",
    r"\bhvorfor fik (vi|jeg)\b",
    r"\bwhy did (we|i) (lose|not win|get)\b",
    r"\b(we|i) lost\b",
)
# A request addressed to the bot or the staff ("can you …") to act on something of the
# asker's own: it needs a person, whatever the knowledge says.
_REQUEST_TO_ACT = _pattern(
    r"\b(can|could|would|will) (you|u) (please |pls |just )?(check|verify|look up|find out|see|"
    r"confirm|look at|review|approve|tell (me|us) why|chase|follow up|sort out)\b",
    r"\b(kan|vil|kunne) (i|du) (lige |godt |venligst )?(tjekke|undersøge|undersoege|se efter|"
    r"slå op|slaa op|bekræfte|bekraefte|godkende|kigge på|kigge paa|se på|se paa|vurdere|"
    r"rykke for|følge op|foelge op)\b",
)
_FIRST_PERSON = _pattern(r"\b(my|our|we|us|me|mine|ours|min|mit|vores|vi|os|mig|jeg)\b")
_MEETING_REQUEST = _pattern(
    r"\b(kan|må|maa) (jeg|vi)(\s+\w+){0,2}\s+(få|faa|booke|holde|aftale)\s+(et\s+)?"
    r"(møde|moede)\b",
    r"\b(vil|ville) gerne (have|holde|booke) (et )?(møde|moede)\b",
    r"\b(can|could|may) (i|we)( \w+){0,2} (get|have|book|set up|schedule|arrange) a meeting\b",
    r"\b(want|would like|'d like|wanna) (a|to have a|to book a|to set up a)( \w+)? meeting\b",
    r"\b(call|ring til) (me|mig|os|us)\b",
)


def asks_private_bid_help(text: str) -> bool:
    """Help with one's own bid to gain an edge ("what do we write to win", "between us").

    Whatever the tender, equal treatment forbids answering that privately.
    """
    return (
        bool(_ADVANTAGE.search(text))
        and bool(_OWN_BID.search(text) or _TENDER_WORD.search(text))
        and not _PAST_RESULT.search(text)
    )


def talks_about_own_bid(text: str) -> bool:
    """A first-person question about one's own bid, price or solution, or more time for it.

    Private help only when a specific tender is meant (see the assistant); as a general
    question ("can I hand in my bid on paper?") the rules answer it.
    """
    return bool(_OWN_BID.search(text)) and not _PAST_RESULT.search(text)


def asks_about_own_case(text: str) -> bool:
    """A request only a person can handle: one's own past result, a check or approval of
    something of one's own, a meeting or a call."""
    return (
        bool(_PAST_RESULT.search(text))
        or bool(_MEETING_REQUEST.search(text))
        or (bool(_REQUEST_TO_ACT.search(text)) and bool(_FIRST_PERSON.search(text)))
    )


def mentions_ongoing_tender(text: str) -> bool:
    """The message refers to a tender that is under way now."""
    return bool(_ONGOING_TENDER.search(text)) and bool(_TENDER_WORD.search(text))
