"""What the interaction log keeps of one decision: action, confidence, the record and its topic.

The topic is what the report counts "most asked" and 👍/👎 by: an FAQ
entry's first tag, a document's Danish title (so the Danish and English
versions of a document are one topic), or the tender list. Commands and
button values are never kept as question text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.conversation import Reply
from bot.escalation.interactions import InteractionRecord
from index.search import Hit
from knowledge.model import FaqEntry, KnowledgeBase, Passage, Record, Tender

TENDER_TOPIC = "Udbudslisten"
LEARNED_TOPIC = "Svar fra medarbejdere"


def top_record(
    reply: Reply, hits: Sequence[Hit], fresh: bool, knowledge: KnowledgeBase
) -> Record | None:
    """The record a reply rests on: its first cited record, else (for a question just
    searched, ``fresh``) the best hit."""
    if reply.record_ids:
        wanted = reply.record_ids[0]
        for hit in hits:
            if hit.record.id == wanted:
                return hit.record
        return next((r for r in knowledge.records() if r.id == wanted), None)
    return hits[0].record if fresh and hits else None


def topic_of(record: Record, knowledge: KnowledgeBase) -> tuple[str, tuple[str, ...]]:
    """The topic and tags of a record, as the report groups them."""
    if isinstance(record, Tender):
        return TENDER_TOPIC, (record.category,) if record.category else ()
    topics = _topics(knowledge)
    if isinstance(record, FaqEntry):
        if record.learned:
            return LEARNED_TOPIC, record.tags
        fallback = record.tags[0] if record.tags else record.citation("da").title
        return topics.by_url.get(record.source_url, fallback), record.tags
    return topics.by_document.get(_document(record), record.title), record.heading_path


@dataclass(frozen=True, slots=True)
class _Topics:
    by_document: dict[str, str]
    by_url: dict[str, str]


_cache: list[tuple[KnowledgeBase, _Topics]] = []


def _topics(knowledge: KnowledgeBase) -> _Topics:
    """Document titles (Danish) by document and by source URL, worked out once per knowledge.

    An FAQ entry takes the title of the document written from the same source
    page; where several are, the one with most sections from it.
    """
    if _cache and _cache[0][0] is knowledge:
        return _cache[0][1]
    by_document: dict[str, str] = {}
    per_url: dict[str, Counter[str]] = defaultdict(Counter)
    for passage in knowledge.passages:
        if passage.language == "da":
            by_document[_document(passage)] = passage.title
            per_url[passage.source_url][passage.title] += 1
    by_url = {
        url: min(counts, key=lambda title: (-counts[title], title))
        for url, counts in per_url.items()
    }
    topics = _Topics(by_document, by_url)
    _cache[:] = [(knowledge, topics)]
    return topics


def _document(passage: Passage) -> str:
    """The document a passage belongs to, whatever its language (``documents/rules-lots``)."""
    return passage.source_file.removesuffix(".md").removesuffix(f".{passage.language}")


def interaction(
    platform: str, message: str, reply: Reply, record: Record | None, knowledge: KnowledgeBase
) -> InteractionRecord:
    """The log row of one decision; the question text only if it is a question, not a command."""
    topic, tags = topic_of(record, knowledge) if record is not None else (None, ())
    typed = not message.startswith(("/", "pick:"))
    return InteractionRecord(
        platform=platform,
        language=reply.language,
        action=str(reply.action),
        confidence=round(reply.confidence, 4),
        record_id=record.id if record is not None else None,
        topic=topic,
        tags=tags,
        question=message if typed else None,
        ticket_id=reply.ticket_id,
    )
