"""The platform-neutral brain: a ``Question`` in, a ``Reply`` out.

Order of decisions, each a cause rather than a case:

1. Form: empty or unreadable messages, language switches, choices picked
   from an earlier reply, commands (an unknown one gets the command list)
   and social phrases.
2. Things only a person may handle: an explicit request for a person, a
   request about one's own case (a meeting, a check, why we lost). Then a
   message that is not language at all (numbers, code, markup, random
   letters, emoji) is asked what it wants to know: never an answer, never a
   ticket. Private help with a bid in a specific tender is
   redirected to the tender's official Q&A, because equal treatment
   forbids answering one bidder privately.
3. Tender listings from the tender rows, never from free text; an empty or
   future-looking result goes to a person, because the list is not the
   official tender plan and "none" would be a guess.
4. Retrieval: a confident hit is answered with its citations; close
   candidates are offered as choices; a procurement question without a
   confident hit is escalated; anything else is out of scope.
5. Time (``validity``): the answer comes from the record that holds today
   (or in the years asked about) and says when a period has ended; a fact
   known for no such period goes to a person.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from bot import answers, intents, special_cases, tender_query, validity
from bot.conversation import Action, Asker, Choice, Question, Reply, short_id
from bot.escalation.interactions import InteractionRecord
from bot.escalation.learned import learned_citation
from bot.escalation.views import Candidate, Erasure, TicketView
from bot.follow_ups import followed_up
from bot.language import LanguageDetector, inline_language_request, requested_language
from bot.reporting import record as insights
from bot.scope import ScopeChecker
from bot.texts import CONTACT_SOURCE, text
from bot.watch import replies as watch
from index.query import AnalysedQuery
from index.search import Hit, SearchIndex
from knowledge.model import (
    Citation,
    FaqEntry,
    Kind,
    KnowledgeBase,
    LearnedEntry,
    Passage,
    Record,
    Tender,
)

MAX_QUESTION_CHARS = 1000
PICK_PREFIX = "pick:"
CLARIFY_FLOOR_RATIO = 0.7
CLARIFY_MARGIN = 0.15
TIE_MARGIN = 0.05
MAX_LISTED_TENDERS = 8
SESSION_LIMIT = 10_000

log = logging.getLogger(__name__)


class Escalations(watch.WatchDesk, Protocol):
    """The part of the escalation desk (``EscalationDesk``) the assistant needs."""

    async def open_ticket(
        self,
        question: str,
        language: str,
        asker: Asker,
        candidates: Sequence[Candidate] = (),
        confidence: float | None = None,
        *,
        follow_up_of: int | None = None,
    ) -> TicketView: ...

    async def open_tickets_of(self, asker: Asker) -> list[TicketView]: ...

    async def forget_user(self, platform: str, user_id: str) -> Erasure: ...

    async def record_interaction(self, record: InteractionRecord) -> None: ...


@dataclass(slots=True)
class _Session:
    """What the bot remembers of one asker between messages (in memory only).

    ``language`` is the reply language, ``preferred`` an explicit choice
    ("English please") that overrides detection, and ``written`` the language
    the last message was written in — search stems by that one.
    """

    language: str | None = None
    preferred: str | None = None
    written: str = "da"
    last_question: str = ""
    hits: list[Hit] = field(default_factory=list)


class Assistant:
    """Decides and words the reply; channels only render it."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        index: SearchIndex,
        desk: Escalations | None,
        *,
        answer_threshold: float,
        terms: answers.Terms,
        today: Callable[[], date] = validity.aarhus_today,
    ) -> None:
        self._knowledge = knowledge
        self._index = index
        self._desk = desk
        self._threshold = answer_threshold
        self._terms = terms
        self._today = today
        self._languages = LanguageDetector(
            danish_terms=(t for g in knowledge.glossary for t in g.da),
            english_terms=(t for g in knowledge.glossary for t in g.en),
        )
        self._scope = ScopeChecker(knowledge.glossary)
        self._tender_matches = tender_query.KeywordMatcher(terms, knowledge.glossary)
        self._timeline = validity.Timeline(knowledge)
        self._sessions: OrderedDict[tuple[str, str], _Session] = OrderedDict()

    async def reply(self, question: Question) -> Reply:
        session = self._session(question.asker)
        message, truncated = _clean(question.text)
        if not any(char.isalnum() for char in message):
            language = session.preferred or question.language_hint or session.language or "da"
            return Reply(Action.SMALL_TALK, text("empty", language), language)
        switched, message = inline_language_request(message)
        switched = switched or requested_language(message)
        if switched:
            session.preferred = session.language = switched
            if not message or requested_language(message):
                return Reply(Action.SMALL_TALK, text("language_switched", switched), switched)
        session.written = self._languages.detect(
            message, hint=question.language_hint or session.language
        )
        language = session.preferred or session.written
        session.language = language
        searched_before = session.hits
        try:
            reply = await self._decide(message, language, question.asker, session)
        except Exception:
            # The asker must always hear back; the cause goes to the log for staff.
            log.exception("could not answer %r", message[:200])
            return Reply(Action.SMALL_TALK, text("internal_error", language), language)
        if truncated:
            reply = _with_note(reply, text("too_long", language))
        await self._record(
            question.asker, message, reply, session, session.hits is not searched_before
        )
        return reply

    async def _record(
        self, asker: Asker, message: str, reply: Reply, session: _Session, searched: bool
    ) -> None:
        """Log the decision for the insights report; a failing log never costs the reply."""
        if self._desk is None:
            return
        top = insights.top_record(reply, session.hits, searched, self._knowledge)
        row = insights.interaction(asker.platform, message, reply, top, self._knowledge)
        try:
            await self._desk.record_interaction(row)
        except Exception:
            log.exception("could not record the interaction")

    async def _decide(self, message: str, language: str, asker: Asker, session: _Session) -> Reply:
        if message.startswith(PICK_PREFIX):
            return await self._picked(message.removeprefix(PICK_PREFIX), language, asker, session)
        recognised = intents.recognise(message)
        match recognised.intent:
            case intents.Intent.GREETING:
                return Reply(Action.SMALL_TALK, text("greeting", language), language)
            case intents.Intent.THANKS:
                return Reply(Action.SMALL_TALK, text("thanks", language), language)
            case intents.Intent.HELP:
                return Reply(Action.SMALL_TALK, text("help", language), language)
            case intents.Intent.UNKNOWN_COMMAND:
                return Reply(Action.SMALL_TALK, text("unknown_command", language), language)
            case intents.Intent.CONTACT:
                return Reply(
                    Action.ANSWER,
                    text("contact", language),
                    language,
                    citations=(Citation("Indkøb og Udbud", CONTACT_SOURCE),),
                    confidence=1.0,
                )
            case intents.Intent.HUMAN:
                wanted = recognised.argument or session.last_question or message
                return await self._escalate(
                    wanted, language, asker, session.hits, "human_requested"
                )
            case intents.Intent.DELETE:
                return await self._forget(asker, language)
            case intents.Intent.TENDER_LIST:
                wanted = recognised.argument or message
                return await self._list_tenders(wanted, language, asker, session)
            case (
                intents.Intent.SUBSCRIBE | intents.Intent.SUBSCRIPTIONS | intents.Intent.UNSUBSCRIBE
            ):
                return await watch.watch_reply(self._desk, recognised, language, asker)
        analysed = self._index.analyse(message, language=session.written)
        own_case = intents.asks_about_own_case(message)
        if not own_case and not analysed.has_content and not self._scope.in_domain(analysed):
            if analysed.is_language:
                return Reply(Action.OUT_OF_SCOPE, text("out_of_scope", language), language)
            return Reply(Action.SMALL_TALK, text("no_question", language), language)
        session.last_question = message
        hits = special_cases.general_first(
            self._timeline.current(
                self._index.search(analysed, k=8), message, self._today(), language
            ),
            analysed,
            self._threshold * CLARIFY_FLOOR_RATIO,
        )
        bid_talk = intents.talks_about_own_bid(message) or intents.asks_private_bid_help(message)
        if own_case or bid_talk:
            session.hits = hits
            learned = self._learned_answer(hits, message, language)
            if learned is not None:
                return learned
            if own_case:
                return await self._escalate(message, language, asker, hits)
            tender = self._mentioned_tender(analysed)
            if (
                intents.asks_private_bid_help(message)
                or intents.mentions_ongoing_tender(message)
                or tender is not None
            ):
                return self._redirect(language, tender)
        session.hits = hits
        return await self._from_hits(message, language, asker, hits, analysed)

    async def _from_hits(
        self,
        message: str,
        language: str,
        asker: Asker,
        hits: list[Hit],
        analysed: AnalysedQuery,
    ) -> Reply:
        top = hits[0] if hits else None
        in_domain = self._scope.in_domain(analysed)
        # A lone word outside procurement ("pass", "select") is no question to answer.
        answerable = in_domain or len(analysed.content) > 1
        if top is not None and answerable and top.confidence >= self._threshold:
            if self._tied(hits):
                return self._clarify(hits, language)
            best = self._in_language(top, language)
            if (
                isinstance(best.record, Tender)
                and tender_query.is_open(best.record, self._today())
                and intents.mentions_ongoing_tender(message)
            ):
                return self._redirect(language, best.record)
            return await self._answer_in_force(best, hits, message, language, asker)
        if top is not None and answerable and self._should_clarify(hits):
            return self._clarify(hits, language)
        if in_domain:
            if len(analysed.content) <= 1:
                # One word and no clear answer: ask what about it, rather than give a person
                # a ticket nobody can answer ("ean?", "udbud").
                topic = " ".join(analysed.content[0].words) if analysed.content else message
                return Reply(Action.SMALL_TALK, text("what_about", language, topic=topic), language)
            return await self._escalate(message, language, asker, hits)
        return Reply(
            Action.OUT_OF_SCOPE,
            text("out_of_scope", language),
            language,
            confidence=top.confidence if top else 0.0,
        )

    async def _answer_in_force(
        self, hit: Hit, hits: Sequence[Hit], message: str, language: str, asker: Asker
    ) -> Reply:
        """Answer from the record that holds for the time asked about (today, unless the
        question names years); a fact known for no such period goes to a person instead of
        being given as current."""
        ranked = [h.record for h in hits]
        resolved = self._timeline.resolve(hit.record, ranked, message, self._today(), language)
        if resolved.record is None:
            reply = await self._escalate(message, language, asker, hits)
            return _with_note(reply, resolved.missing, first=True)
        if isinstance(resolved.record, Passage | FaqEntry) and resolved.record.gap:
            # The knowledge says it does not know: show that, and let a person answer.
            reply = await self._escalate(message, language, asker, hits)
            known = answers.compose(resolved.record, message, language, self._terms)
            return _with_note(reply, known, first=True)
        return self._answer(dataclasses.replace(hit, record=resolved.record), message, language)

    def _answer(self, hit: Hit, message: str, language: str) -> Reply:
        record = hit.record
        dated = self._timeline.notes(record, message, self._today(), language)
        body = dated.around(answers.compose(record, message, language, self._terms))
        if isinstance(record, Tender):
            body = f"{body}\n\n{text('tenders_disclaimer', language)}"
        return Reply(
            Action.ANSWER,
            body,
            language,
            citations=(_citation(record, language),),
            confidence=hit.confidence,
            choices=dated.choices(language),
            record_ids=(record.id,),
        )

    def _in_language(self, hit: Hit, language: str) -> Hit:
        """The hit, or the version of it that is written in the asker's language (the
        translation of a passage), when the knowledge has one."""
        if language in hit.record.languages:
            return hit
        for twin_id in sorted(self._index.twins(hit.record.id)):
            twin = self._index.record(twin_id)
            if twin is not None and language in twin.languages:
                return dataclasses.replace(hit, record=twin)
        return hit

    def _distinct(self, hits: Sequence[Hit]) -> list[Hit]:
        """The hits without those that say the same as a better one (see ``index.twins``):
        two versions of one fact are no choice."""
        kept: list[Hit] = []
        said: set[str] = set()
        for hit in hits:
            if hit.record.id not in said:
                kept.append(hit)
                said |= {hit.record.id, *self._index.twins(hit.record.id)}
        return kept

    def _learned_answer(self, hits: Sequence[Hit], message: str, language: str) -> Reply | None:
        """The answer staff already published for this question, when it is the confident
        top hit: a rule that would send the question to a person or to a tender's Q&A (one's
        own case, future tenders, help with one's bid) yields to it, as a person has answered
        it, for everyone to see."""
        top = hits[0] if hits else None
        learned = top is not None and isinstance(top.record, LearnedEntry)
        if top is not None and learned and top.confidence >= self._threshold:
            return self._answer(top, message, language)
        return None

    def _tied(self, hits: list[Hit]) -> bool:
        """Two records that say different things fit about equally well (the thresholds for
        works and for supplies, asked without saying which): which one the asker means is
        theirs to say, not a coin toss."""
        distinct = self._distinct(hits)
        return (
            len(distinct) >= 2
            and distinct[1].confidence >= self._threshold
            and distinct[0].confidence - distinct[1].confidence <= TIE_MARGIN
        )

    def _should_clarify(self, hits: list[Hit]) -> bool:
        floor = self._threshold * CLARIFY_FLOOR_RATIO
        close = [h for h in self._distinct(hits)[:3] if h.confidence >= floor]
        return len(close) >= 2 and close[0].confidence - close[1].confidence <= CLARIFY_MARGIN

    def _clarify(self, hits: list[Hit], language: str) -> Reply:
        floor = self._threshold * CLARIFY_FLOOR_RATIO
        seen: set[str] = set()
        choices = []
        for hit in self._distinct(hits)[:3]:
            label = _label(hit.record, language)
            if hit.confidence < floor or label in seen:
                continue
            seen.add(label)
            choices.append(Choice(label=label, value=PICK_PREFIX + short_id(hit.record.id)))
        choices.append(Choice(label=text("clarify_none", language), value="/menneske"))
        return Reply(
            Action.CLARIFY,
            text("clarify", language),
            language,
            confidence=hits[0].confidence,
            choices=tuple(choices),
        )

    async def _picked(self, picked: str, language: str, asker: Asker, session: _Session) -> Reply:
        for hit in session.hits:
            if short_id(hit.record.id) == picked:
                return await self._answer_in_force(
                    hit, session.hits, session.last_question, language, asker
                )
        return Reply(Action.SMALL_TALK, text("help", language), language)

    async def _escalate(
        self,
        message: str,
        language: str,
        asker: Asker,
        hits: Sequence[Hit],
        wording: str = "escalated",
    ) -> Reply:
        candidates = [
            Candidate(
                title=_label(hit.record, language),
                record_id=hit.record.id,
                confidence=hit.confidence,
            )
            for hit in hits[:3]
        ]
        confidence = hits[0].confidence if hits else 0.0
        if self._desk is None:
            unsent = text("escalated_no_desk", language)
            return Reply(Action.ESCALATE, unsent, language, confidence=confidence)
        open_tickets = await self._desk.open_tickets_of(asker)
        ticket = await self._desk.open_ticket(
            message,
            language,
            asker,
            candidates,
            confidence,
            follow_up_of=followed_up(message, open_tickets, self._index, language),
        )
        key = "escalated_joined" if ticket.joined else wording
        return Reply(
            Action.ESCALATE,
            text(key, language, ticket=ticket.id),
            language,
            confidence=confidence,
            ticket_id=ticket.id,
        )

    def _redirect(self, language: str, tender: Tender | None) -> Reply:
        lines = [text("redirect_open_tender", language)]
        citations: tuple[Citation, ...] = ()
        if tender is not None:
            lines.append(
                text(
                    "redirect_tender_line",
                    language,
                    title=tender.title,
                    notice=tender.notice or "–",
                    url=tender.source_url,
                )
            )
            citations = (tender.citation(language),)
        return Reply(Action.REDIRECT, "\n\n".join(lines), language, citations=citations)

    def _mentioned_tender(self, analysed: AnalysedQuery) -> Tender | None:
        """The tender of our list a message is about, if one matches confidently."""
        hits = self._index.search(analysed, k=3, kinds=(Kind.TENDER,))
        if hits and hits[0].confidence >= self._threshold:
            record = hits[0].record
            return record if isinstance(record, Tender) else None
        return None

    async def _list_tenders(
        self, message: str, language: str, asker: Asker, session: _Session
    ) -> Reply:
        today = self._today()
        wanted = tender_query.parse_request(message, today)
        rows = tender_query.select(self._knowledge.tenders, wanted, today, self._tender_matches)
        keywords = " ".join(wanted.keywords)
        applied = text("tenders_filter", language, keywords=keywords) if keywords else ""
        subscribe = watch.subscribe_choice(keywords, language) if self._desk else None
        choices = (subscribe,) if subscribe else ()
        if not rows:
            session.hits = self._index.search(message, k=5, language=session.written)
            learned = self._learned_answer(session.hits, message, language)
            if learned is not None:
                return learned
            reply = await self._escalate(message, language, asker, [])
            if wanted.future:
                known = text("tenders_future_unknown", language, filter=applied)
            elif wanted.open_only:
                known = text("tenders_none_open", language, filter=applied)
            else:
                known = text("tenders_none", language, filter=applied)
            return dataclasses.replace(_with_note(reply, known, first=True), choices=choices)
        shown = rows[:MAX_LISTED_TENDERS]
        parts = [text("tenders_intro", language, filter=applied)]
        parts.extend(self._timeline.listed(row, language, today) for row in shown)
        if len(rows) > len(shown):
            parts.append(text("tenders_more", language, count=len(rows) - len(shown)))
        parts.append(text("tenders_disclaimer", language))
        return Reply(
            Action.ANSWER,
            "\n\n".join(parts),
            language,
            citations=tuple(row.citation(language) for row in shown),
            confidence=1.0,
            choices=choices,
            record_ids=tuple(row.id for row in shown),
        )

    async def _forget(self, asker: Asker, language: str) -> Reply:
        self._sessions.pop((asker.platform, asker.user_id), None)
        erased = await self._desk.forget_user(asker.platform, asker.user_id) if self._desk else None
        count = erased.total if erased else 0
        key = "deleted" if count else "deleted_nothing"
        return Reply(Action.SMALL_TALK, text(key, language, count=count), language)

    def _session(self, asker: Asker) -> _Session:
        key = (asker.platform, asker.user_id)
        session = self._sessions.pop(key, None) or _Session()
        self._sessions[key] = session
        while len(self._sessions) > SESSION_LIMIT:
            self._sessions.popitem(last=False)
        return session


def _clean(raw: str) -> tuple[str, bool]:
    """Drop control characters and cap the length, so no input can break a reply."""
    normalised = unicodedata.normalize("NFKC", raw)
    cleaned = "".join(
        char if char in "\n\t" or unicodedata.category(char)[0] != "C" else " "
        for char in normalised
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if len(cleaned) > MAX_QUESTION_CHARS:
        return cleaned[:MAX_QUESTION_CHARS], True
    return cleaned, False


def _label(record: Record, language: str) -> str:
    """How a candidate is named in choices and for staff: a heading or a question."""
    if isinstance(record, Passage):
        return record.heading
    return record.citation(language).title


def _citation(record: Record, language: str) -> Citation:
    """The record's source; an answer staff published cites them and its date, as it has no
    web page."""
    if isinstance(record, LearnedEntry):
        return learned_citation(record, language)
    return record.citation(language)


def _with_note(reply: Reply, note: str, *, first: bool = False) -> Reply:
    body = f"{note}\n\n{reply.text}" if first else f"{reply.text}\n\n{note}"
    return dataclasses.replace(reply, text=body)
