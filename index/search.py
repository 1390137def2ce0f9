"""The search index the assistant asks: hybrid lexical + dense retrieval with a calibrated
confidence.

Build it once from the knowledge base (vectors come from the cache when
the knowledge and model are unchanged), then call :meth:`SearchIndex.search`.
Learned FAQ entries join and leave with :meth:`SearchIndex.add` and
:meth:`SearchIndex.remove` without a rebuild: only the new texts are
embedded, and BM25, which has no incremental update, is rebuilt from stored
terms. Every change builds a new immutable state and swaps it in, so a
search running in another thread never sees half an update.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.cache import VectorCache, knowledge_hash, unit_key
from index.compounds import Decompounder
from index.dense import DenseIndex, Embedder
from index.fusion import Evidence, Features, QueryEvidence, confidence, ranking_score
from index.glossary import Glossary
from index.lexical import LexicalIndex
from index.lexicon import Lexicon, parallel_pairs
from index.normalize import LANGUAGES
from index.overlap import Overlap, overlap
from index.query import AnalysedQuery, Vocabulary, analyse
from index.records import dense_units, lexical_documents, topic_documents
from index.twins import twins
from knowledge.model import Kind, KnowledgeBase, Record

log = logging.getLogger(__name__)

POOL = 20
"""Records taken from each ranking before fusion."""
DENSE_UNITS = 1000
"""Nearest units fetched from faiss: the dense ranking of records is taken from these."""
_ENCODE_CHUNK = 2048


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result.

    ``confidence`` is the calibrated probability (in [0, 1]) that the record
    answers the question; it means the same for every query, so one
    threshold (``Settings.answer_threshold``) decides. ``score`` is the
    reciprocal-rank fusion of both rankings (1 = first in both). Ranks are
    1-based positions in the lexical ranking (None when the record contains
    no query word) and in the dense ranking.
    """

    record: Record
    score: float
    confidence: float
    lexical_rank: int | None
    dense_rank: int | None
    lexical_score: float
    dense_score: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """A fused candidate with the features its confidence was computed from, and the raw
    evidence behind them (which the calibration script stores, to try other features)."""

    hit: Hit
    features: Features
    query: QueryEvidence
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class BuildStats:
    """What a build did: ``embedded`` and ``from_cache`` count distinct texts."""

    records: int
    units: int
    embedded: int
    from_cache: int
    seconds: float
    knowledge_hash: str


@dataclass(frozen=True, slots=True)
class _Entry:
    """A record with what both indexes need of it, kept for cheap rebuilds."""

    record: Record
    documents: tuple[tuple[str, ...], ...]
    topics: tuple[tuple[str, ...], ...]
    vectors: np.ndarray

    @classmethod
    def of(cls, record: Record, vectors: np.ndarray) -> _Entry:
        return cls(
            record,
            tuple(map(tuple, lexical_documents(record))),
            tuple(map(tuple, topic_documents(record))),
            vectors,
        )


@dataclass(frozen=True)
class _State:
    entries: tuple[_Entry, ...]
    lexical: LexicalIndex
    topics: LexicalIndex
    dense: DenseIndex
    vocabulary: Vocabulary
    kinds: np.ndarray = field(repr=False)
    twins: tuple[frozenset[int], ...] = field(repr=False)
    positions: dict[str, int] = field(repr=False)

    @classmethod
    def of(cls, entries: Sequence[_Entry], glossary: Glossary, dimension: int) -> _State:
        glossary_stems = dict.fromkeys(glossary.stems, 1)
        documents = [doc for e in entries for doc in e.documents]
        compounds = Decompounder(glossary_stems | _document_frequencies(documents))
        lexical = LexicalIndex(
            [_with_compound_parts(doc, compounds) for doc in documents],
            [i for i, e in enumerate(entries) for _ in e.documents],
        )
        topics = LexicalIndex(
            [_with_compound_parts(doc, compounds) for e in entries for doc in e.topics],
            [i for i, e in enumerate(entries) for _ in e.topics],
        )
        counts = [len(e.vectors) for e in entries]
        vectors = (
            np.concatenate([e.vectors for e in entries])
            if entries
            else np.zeros((0, dimension), dtype=np.float32)
        )
        unit_records = np.repeat(np.arange(len(entries)), counts)
        return cls(
            entries=tuple(entries),
            lexical=lexical,
            topics=topics,
            dense=DenseIndex(vectors, unit_records, len(entries)),
            vocabulary=Vocabulary(
                glossary_stems | lexical.document_frequencies(),
                Lexicon.learn(parallel_pairs([e.record for e in entries])),
            ),
            kinds=np.array([str(e.record.kind) for e in entries], dtype=object),
            twins=tuple(twins([e.record for e in entries])),
            positions={e.record.id: i for i, e in enumerate(entries)},
        )


class SearchIndex:
    """Hybrid retrieval over every record of a knowledge base."""

    def __init__(
        self,
        entries: Sequence[_Entry],
        *,
        glossary: Glossary,
        embedder: Embedder,
        dimension: int,
        stats: BuildStats,
    ) -> None:
        self._glossary = glossary
        self._embedder = embedder
        self._dimension = dimension
        self.build_stats = stats
        self._state = _State.of(entries, glossary, dimension)

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        embedder: Embedder,
        cache_dir: Path | None = None,
        progress: bool = False,
    ) -> SearchIndex:
        """Index every record of ``kb``; vectors come from ``cache_dir`` where they can."""
        started = time.perf_counter()
        glossary = Glossary(kb.glossary)
        records = _unique(kb.records())
        units = [dense_units(r, glossary) for r in records]
        cache = VectorCache(cache_dir, embedder.fingerprint) if cache_dir else None
        cached = cache.load() if cache else {}
        flat = [text for texts in units for text in texts]
        keys = [unit_key(text) for text in flat]
        missing = list(dict.fromkeys(t for t, k in zip(flat, keys, strict=True) if k not in cached))
        fresh = _encode(embedder, missing, progress)
        vectors_by_key = {**cached, **dict(zip(map(unit_key, missing), fresh, strict=True))}
        dimension = _dimension(vectors_by_key, embedder)
        if cache and (missing or set(cached) != set(keys)):
            current = list(dict.fromkeys(keys))
            cache.save(
                current, np.array([vectors_by_key[k] for k in current]).reshape(-1, dimension)
            )

        entries = []
        position = 0
        for record, texts in zip(records, units, strict=True):
            block = [vectors_by_key[k] for k in keys[position : position + len(texts)]]
            position += len(texts)
            vectors = np.array(block, dtype=np.float32).reshape(-1, dimension)
            entries.append(_Entry.of(record, vectors))
        stats = BuildStats(
            records=len(records),
            units=len(flat),
            embedded=len(missing),
            from_cache=len(set(keys) & cached.keys()),
            seconds=time.perf_counter() - started,
            knowledge_hash=knowledge_hash(keys),
        )
        log.info(
            "index built: %d records, %d units (%d embedded, %d from cache) in %.1f s",
            stats.records,
            stats.units,
            stats.embedded,
            stats.from_cache,
            stats.seconds,
        )
        return cls(
            entries,
            glossary=glossary,
            embedder=embedder,
            dimension=dimension,
            stats=stats,
        )

    @property
    def size(self) -> int:
        """Number of records in the index."""
        return len(self._state.entries)

    def records(self) -> list[Record]:
        """Every indexed record, in index order."""
        return [e.record for e in self._state.entries]

    def record(self, record_id: str) -> Record | None:
        """The indexed record with this id, if any."""
        position = self._state.positions.get(record_id)
        return None if position is None else self._state.entries[position].record

    def twins(self, record_id: str) -> frozenset[str]:
        """Ids of the records that say the same as this one (see :mod:`index.twins`)."""
        state = self._state
        position = state.positions.get(record_id)
        if position is None:
            return frozenset()
        return frozenset(state.entries[i].record.id for i in state.twins[position])

    def add(self, records: Sequence[Record]) -> None:
        """Add records (learned FAQ entries), replacing any with the same id; embeds only these."""
        new = _unique(records)
        ids = {r.id for r in new}
        units = [dense_units(r, self._glossary) for r in new]
        flat = [text for texts in units for text in texts]
        vectors = _encode(self._embedder, flat, progress=False).reshape(-1, self._dimension)
        entries = [e for e in self._state.entries if e.record.id not in ids]
        position = 0
        for record, texts in zip(new, units, strict=True):
            block = vectors[position : position + len(texts)]
            position += len(texts)
            entries.append(_Entry.of(record, block))
        self._state = _State.of(entries, self._glossary, self._dimension)

    def remove(self, record_id: str) -> None:
        """Drop the record with this id (a withdrawn learned answer); unknown ids are ignored."""
        entries = [e for e in self._state.entries if e.record.id != record_id]
        if len(entries) != len(self._state.entries):
            self._state = _State.of(entries, self._glossary, self._dimension)

    def analyse(
        self, query: str, language: str | None = None, stem_languages: Collection[str] = LANGUAGES
    ) -> AnalysedQuery:
        """What the index makes of a query (see :mod:`index.query`); search takes the result
        as well as the text, so that a caller who looks at the analysis first does not pay
        for it twice."""
        return analyse(query, self._glossary, self._state.vocabulary, language, stem_languages)

    def overlap(self, text: str, other: str, language: str | None = None) -> Overlap:
        """How much of ``text`` ``other`` already says, both analysed as queries are."""
        mine, theirs = self.analyse(text, language), self.analyse(other, language)
        return overlap(mine.concepts, theirs.concepts, self._state.lexical)

    def search(
        self,
        query: str | AnalysedQuery,
        k: int = 5,
        *,
        kinds: Collection[Kind] | None = None,
        language: str | None = None,
    ) -> list[Hit]:
        """The ``k`` best records for ``query``, most confident first.

        ``kinds`` limits the result to those record kinds; ``language`` is the
        asker's language ("da"/"en"), used for stop words. An empty, stop-word
        only or punctuation-only query gives an empty list.
        """
        return [c.hit for c in self.candidates(query, kinds=kinds, language=language)[:k]]

    def candidates(
        self,
        query: str | AnalysedQuery,
        *,
        kinds: Collection[Kind] | None = None,
        language: str | None = None,
        stem_languages: Collection[str] = LANGUAGES,
    ) -> list[Candidate]:
        """Every fused candidate with its features, most confident first.

        :meth:`search` is this, cut to ``k``; the calibration script and the
        benchmark use it to see the features.
        """
        state = self._state
        if not state.entries:
            return []
        analysed = (
            query
            if isinstance(query, AnalysedQuery)
            else analyse(query, self._glossary, state.vocabulary, language, stem_languages)
        )
        if analysed.empty:
            return []
        allowed = (
            np.isin(state.kinds, [str(kind) for kind in kinds])
            if kinds is not None
            else np.ones(len(state.entries), dtype=bool)
        )
        if not allowed.any():
            return []

        lexical = state.lexical.score(analysed.concepts)
        topics = state.topics.score(analysed.concepts)
        lexical_scores = np.where(allowed, lexical.scores, 0.0)
        lexical_order = [int(d) for d in np.argsort(-lexical_scores, kind="stable")[:POOL]]
        lexical_order = [d for d in lexical_order if lexical_scores[d] > 0]

        vector = self._embedder.encode([analysed.dense_text])[0]
        if kinds is None:
            similar = state.dense.record_similarities(vector, DENSE_UNITS)
        else:
            similar = state.dense.similarity(vector, np.flatnonzero(allowed).tolist())
        dense_order = sorted(similar, key=lambda d: -similar[d])[:POOL]

        pool = list(dict.fromkeys(lexical_order + dense_order))
        absent = [d for d in pool if d not in similar]
        if absent:
            similar = {**similar, **state.dense.similarity(vector, absent)}
        known_cosines = np.array(list(similar.values()))

        written = analysed.language
        asked = QueryEvidence(
            asked=analysed.asked,
            known=analysed.known,
            numbers=analysed.numbers,
            concepts=len(analysed.concepts),
            known_concepts=int(lexical.known.sum()),
            english={"en": 1.0, "da": 0.0}.get(written or "", 0.5),
            upper_bound=lexical.upper_bound,
            known_bound=lexical.known_bound,
        )

        scored = []
        for doc in pool:
            lex, cos = float(lexical_scores[doc]), similar[doc]
            record = state.entries[doc].record
            rivals = state.twins[doc] | {doc}
            evidence = Evidence(
                lexical=lex,
                lexical_rank=1 + int((lexical_scores > lex).sum()) if lex > 0 else None,
                lexical_rival=_best_other(lexical_order, lexical_scores.__getitem__, rivals),
                dense=cos,
                dense_rank=1 + int((known_cosines > cos).sum()),
                dense_rival=_best_other(dense_order, similar.__getitem__, rivals),
                topic=float(topics.scores[doc]),
                topic_coverage=topics.known_coverage(doc),
                weighted_coverage=lexical.weighted_coverage(doc),
                kind=str(record.kind),
            )
            features = Features.of(asked, evidence)
            scored.append((doc, evidence, features, ranking_score(features)))

        out = []
        for doc, evidence, features, score in scored:
            rivals = state.twins[doc] | {doc}
            rival = max((other for d, _, _, other in scored if d not in rivals), default=None)
            hit = Hit(
                record=state.entries[doc].record,
                score=features.rrf,
                confidence=confidence(score, rival),
                lexical_rank=evidence.lexical_rank,
                dense_rank=evidence.dense_rank,
                lexical_score=evidence.lexical,
                dense_score=evidence.dense,
            )
            out.append(Candidate(hit, features, asked, evidence))
        out.sort(key=lambda c: (-c.hit.confidence, -c.hit.score))
        return out


def _best_other(
    order: Sequence[int], score: Callable[[int], float], excluded: frozenset[int]
) -> float:
    """The best score in a ranking among records not in ``excluded`` (0 when none)."""
    return float(next((score(d) for d in order if d not in excluded), 0.0))


def _document_frequencies(documents: Iterable[Sequence[str]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for terms in documents:
        counts.update(set(terms))
    return dict(counts)


def _with_compound_parts(terms: Sequence[str], compounds: Decompounder) -> list[str]:
    """The terms of a text plus the parts of its compounds, so that *frist* finds
    *tilbudsfrist* and a query typed *tilbuds frist* finds both."""
    return [*terms, *(part for term in terms for part in compounds.split(term) or ())]


def _unique(records: Iterable[Record]) -> list[Record]:
    """Records by id, the last of a repeated id winning (ids are unique in a valid pack)."""
    by_id: dict[str, Record] = {}
    for record in records:
        if record.id in by_id:
            log.warning("record id %r occurs twice; the later one is indexed", record.id)
        by_id[record.id] = record
    return list(by_id.values())


def _encode(embedder: Embedder, texts: list[str], progress: bool) -> np.ndarray:
    """Embed in chunks (shortest first, for even batches), with a progress bar if asked."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[np.ndarray] = [np.empty(0)] * len(texts)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), unit="text", desc="embedding")
    for start in range(0, len(order), _ENCODE_CHUNK):
        chunk = order[start : start + _ENCODE_CHUNK]
        vectors = embedder.encode([texts[i] for i in chunk])
        for i, vector in zip(chunk, vectors, strict=True):
            out[i] = vector
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    return np.array(out, dtype=np.float32)


def _dimension(vectors: dict[bytes, np.ndarray], embedder: Embedder) -> int:
    for vector in vectors.values():
        return int(vector.shape[-1])
    return int(embedder.encode(["dimension"]).shape[1])
