"""Quality and speed of the bot, beside two baselines, in one run.

Run from the repository root: ``.venv/bin/python -m benchmarks.quality``
(``make bench``; ``--quick`` skips the 20x pack and the cold start). Prints
the tables for the README and writes ``benchmarks/results/quality.json``.

**Answers** (the figure a user notices): every question of both question
files (``shared/eval/chat.jsonl``, the way business owners type, and
``dev.jsonl``, plain sentences) goes through the assistant with default
settings, graded as ``udbudsbot eval`` grades (:mod:`bot.evaluation`): by
language and expected action, and the share of answers given that were
wrong. Plus a generated junk set (:func:`benchmarks.negatives.junk`, a seed
the confidence fit never used): the share answered and the share escalated,
both of which should be zero.

**Retrieval** against baselines, on the answerable questions of both files:
a hit is correct when its answer text (FAQ answer in the question's
language, else the passage text, else the tender row as text) matches every
``must_contain`` pattern. hit@1 and hit@3 by language for

- hybrid: :class:`index.search.SearchIndex` as the assistant uses it;
- bm25-plain: bm25s over the same record texts, lower-cased, no stemming,
  stop words, glossary or repairs;
- dense-plain: the default model alone, on the raw texts (no glossary).

**Confidence**: for questions the bot must not answer, the share whose top
hit is below the answer threshold; for answerable questions whose top hit
is correct, the share at or above it; swept over thresholds.

**Speed**: search latency (embedding included), index build for the shipped
pack (cold and from the cache) and for a synthetic pack 20 times larger
(every record copied with a new id and changed text, so nothing comes from
a cache), a new process's cold start with a warm cache to its first
answer, and peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import bm25s
import numpy as np

from benchmarks.negatives import junk
from bot.assistant import Assistant
from bot.config import Settings
from bot.conversation import Action, Asker, Question
from bot.evaluation import (
    EvalItem,
    Graded,
    digits_joined,
    format_table,
    is_correct,
    read_items,
    summarise,
    wrong_answers,
)
from bot.runtime import build_assistant
from index.dense import Embedder, load_embedder
from index.records import record_text, tender_text
from index.search import SearchIndex
from knowledge.model import FaqEntry, FaqText, KnowledgeBase, Passage, Record
from knowledge.pack import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT.parent / "shared" / "eval"
QUESTION_FILES = (EVAL_DIR / "chat.jsonl", EVAL_DIR / "dev.jsonl")
RESULTS = ROOT / "benchmarks" / "results" / "quality.json"
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 1.0, 0.05))
JUNK_MESSAGES = 1000
JUNK_SEED = 1234

Ranker = Callable[[str, str], list[Record]]


def answers(record: Record, item: EvalItem) -> bool:
    """Whether the record's answer text satisfies every pattern of the question."""
    text = digits_joined(record_text(record, item.language))
    return all(re.search(p, text, re.IGNORECASE) for p in item.must_contain)


def hit_rates(ranker: Ranker, items: Sequence[EvalItem]) -> dict[str, dict[str, float]]:
    """hit@1 and hit@3 overall and per language."""
    ranked = {q.id: ranker(q.question, q.language)[:3] for q in items}
    out = {}
    for lang in ("all", "da", "en"):
        group = [q for q in items if lang in ("all", q.language)]
        first = [any(answers(r, q) for r in ranked[q.id][:1]) for q in group]
        top3 = [any(answers(r, q) for r in ranked[q.id]) for q in group]
        out[lang] = {"n": len(group), "hit@1": _share(first), "hit@3": _share(top3)}
    return out


def _share(flags: Sequence[bool]) -> float:
    return round(sum(flags) / len(flags), 3) if flags else 0.0


def plain_bm25(kb: KnowledgeBase) -> Ranker:
    """Baseline: bm25s over the raw record texts, no stemming, stop words or glossary."""
    records = list(kb.records())
    corpus = [_raw_text(r) for r in records]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(corpus, stopwords=None, show_progress=False), show_progress=False
    )

    def rank(query: str, _lang: str) -> list[Record]:
        tokens = bm25s.tokenize([query], stopwords=None, show_progress=False)
        if not tokens.vocab:
            return []
        docs, scores = retriever.retrieve(tokens, k=3, show_progress=False)
        return [records[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return rank


def _raw_text(record: Record) -> str:
    if isinstance(record, FaqEntry):
        return " ".join(
            " ".join((t.question, *t.alternates, t.answer)) for t in record.texts.values()
        )
    if isinstance(record, Passage):
        return " ".join((*record.heading_path, record.text))
    return tender_text(record)


def hybrid(index: SearchIndex) -> Ranker:
    def rank(query: str, lang: str) -> list[Record]:
        return [c.hit.record for c in index.candidates(query, language=lang)]

    return rank


def dense_only(index: SearchIndex) -> Ranker:
    def rank(query: str, lang: str) -> list[Record]:
        found = [c.hit for c in index.candidates(query, language=lang)]
        return [h.record for h in sorted(found, key=lambda h: -h.dense_score)]

    return rank


def grade(assistant: Assistant, items: Sequence[EvalItem]) -> list[Graded]:
    """Every question through the assistant, each from its own asker."""

    async def run() -> list[Graded]:
        graded = []
        for item in items:
            asker = Asker(platform="benchmark", user_id=item.id, chat_id=item.id)
            reply = await assistant.reply(Question(text=item.question, asker=asker))
            graded.append(Graded(item, reply, is_correct(item, reply)))
        return graded

    return asyncio.run(run())


def decisions(graded: Sequence[Graded]) -> dict[str, object]:
    wrong, given = wrong_answers(graded)
    return {
        "table": summarise(graded),
        "wrong_answers": wrong,
        "answers_given": given,
        "wrong_share": round(wrong / max(given, 1), 4),
        "failures": [
            {"id": g.item.id, "expect": g.item.expect, "got": str(g.reply.action)}
            for g in graded
            if not g.correct
        ],
    }


def junk_replies(assistant: Assistant) -> dict[str, object]:
    """What the generated junk gets: it should be neither answered nor escalated."""
    items = [
        EvalItem(f"junk{i}", "da", text, "not_answer", ())
        for i, text in enumerate(junk(JUNK_MESSAGES, JUNK_SEED))
    ]
    graded = grade(assistant, items)
    actions = Counter(str(g.reply.action) for g in graded)
    return {
        "messages": len(items),
        "answered": round(actions[str(Action.ANSWER)] / len(items), 4),
        "escalated": round(actions[str(Action.ESCALATE)] / len(items), 4),
        "actions": dict(actions),
        "answered_examples": [g.item.question for g in graded if g.reply.action is Action.ANSWER][
            :10
        ],
        "escalated_examples": [
            g.item.question for g in graded if g.reply.action is Action.ESCALATE
        ][:10],
    }


def separation(
    index: SearchIndex, items: Sequence[EvalItem], threshold: float
) -> dict[str, object]:
    """Top-hit confidences of answerable and unanswerable questions, and a threshold sweep."""
    rows = []
    for q in items:
        hits = index.search(q.question, 1, language=q.language)
        top = hits[0] if hits else None
        rows.append(
            {
                "id": q.id,
                "expect": q.expect,
                "confidence": round(top.confidence, 4) if top else 0.0,
                "correct": bool(top and q.expect == "answer" and answers(top.record, q)),
            }
        )
    refuse = [r for r in rows if r["expect"] != "answer"]
    good = [r for r in rows if r["correct"]]
    sweep = {
        str(t): {
            "refused_below": _share([r["confidence"] < t for r in refuse]),
            "correct_above": _share([r["confidence"] >= t for r in good]),
        }
        for t in (*THRESHOLDS, threshold)
    }
    return {"sweep": sweep, "threshold": threshold}


def latency(index: SearchIndex, items: Sequence[EvalItem], rounds: int = 3) -> dict:
    for q in items[:5]:
        index.search(q.question, 5, language=q.language)
    times = []
    for _ in range(rounds):
        for q in items:
            started = time.perf_counter()
            index.search(q.question, 5, language=q.language)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "queries": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "max_ms": round(times[-1], 2),
    }


def enlarged(kb: KnowledgeBase, factor: int) -> KnowledgeBase:
    """The pack ``factor`` times over; each copy has new ids and text changed by a marker word."""
    out = KnowledgeBase(glossary=kb.glossary)
    for copy in range(factor):
        mark = f" (kopi {copy})" if copy else ""
        for p in kb.passages:
            out.passages.append(replace(p, id=f"{p.id}~{copy}", text=p.text + mark))
        for f in kb.faqs:
            texts = {
                lang: FaqText(
                    t.question + mark, t.answer + mark, tuple(a + mark for a in t.alternates)
                )
                for lang, t in f.texts.items()
            }
            out.faqs.append(replace(f, id=f"{f.id}~{copy}", texts=texts))
        for t in kb.tenders:
            out.tenders.append(replace(t, id=f"{t.id}~{copy}", title=t.title + mark))
    return out


def timed_build(kb: KnowledgeBase, embedder: Embedder, cache_dir: Path | None) -> dict:
    started = time.perf_counter()
    index = SearchIndex.build(kb, embedder, cache_dir=cache_dir)
    stats = index.build_stats
    return {
        "records": stats.records,
        "units": stats.units,
        "embedded": stats.embedded,
        "seconds": round(time.perf_counter() - started, 2),
    }


_COLD_START = """
import sys
from pathlib import Path
from index.dense import load_embedder
from index.search import SearchIndex
from knowledge.pack import load_knowledge
index = SearchIndex.build(load_knowledge(), load_embedder(None), cache_dir=Path(sys.argv[1]))
hits = index.search("Hvordan sender jeg en faktura til kommunen?", 3, language="da")
# VmHWM, not ru_maxrss: the latter would count the benchmark process this one was forked from.
status = Path("/proc/self/status").read_text()
rss = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
print(hits[0].record.id, index.build_stats.embedded, rss)
"""


def cold_start(cache_dir: Path) -> dict:
    """A new process: import, load model and knowledge, build from a warm cache, answer once."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _COLD_START, str(cache_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    top, embedded, rss_kb = result.stdout.split()[-3:]
    return {
        "seconds": round(seconds, 2),
        "first_hit": top,
        "embedded": int(embedded),
        "peak_rss_mb": round(int(rss_kb) / 1024),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--questions",
        type=Path,
        nargs="+",
        default=QUESTION_FILES,
        metavar="FILE",
        help="question files in the dev-set format (default: chat.jsonl and dev.jsonl)",
    )
    parser.add_argument("--quick", action="store_true", help="skip the 20x pack and cold start")
    args = parser.parse_args(argv)
    settings = Settings()
    files = {path.name: list(read_items(path)) for path in args.questions}
    kb = load_knowledge()
    started = time.perf_counter()
    embedder = load_embedder(None)
    results: dict[str, object] = {
        "model_load_s": round(time.perf_counter() - started, 2),
        "threshold": settings.answer_threshold,
    }

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        results["build_shipped"] = timed_build(kb, embedder, cache)
        results["build_shipped_warm"] = timed_build(kb, embedder, cache)
        index = SearchIndex.build(kb, embedder, cache_dir=cache)
        plain_index = SearchIndex.build(
            replace(kb, glossary=[]), embedder, cache_dir=cache / "plain"
        )
        assistant = build_assistant(settings, kb, index, None)
        results["answers"] = {
            name: decisions(grade(assistant, items)) for name, items in files.items()
        }
        results["junk"] = junk_replies(assistant)
        results["retrieval"] = {
            name: {
                "hybrid": hit_rates(hybrid(index), answerable),
                "bm25-plain": hit_rates(plain_bm25(kb), answerable),
                "dense-plain": hit_rates(dense_only(plain_index), answerable),
            }
            for name, items in files.items()
            if (answerable := [q for q in items if q.expect == "answer"])
        }
        every = [q for items in files.values() for q in items]
        results["confidence"] = {
            name: separation(index, items, settings.answer_threshold)
            for name, items in files.items()
        }
        results["latency"] = latency(index, every)
        if not args.quick:
            results["cold_start"] = cold_start(cache)
            results["build_20x"] = timed_build(enlarged(kb, 20), embedder, None)
    results["peak_rss_mb_benchmark"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report(results))
    return 0


def report(results: dict) -> str:
    lines = []
    for name, answered in results["answers"].items():
        lines += [f"{name} (threshold {results['threshold']})", format_table(answered["table"])]
        lines.append(
            f"wrong answers: {answered['wrong_answers']} of {answered['answers_given']} "
            f"({answered['wrong_share']:.1%})\n"
        )
    junked = results["junk"]
    lines.append(
        f"junk ({junked['messages']} generated messages): answered {junked['answered']:.1%}, "
        f"escalated {junked['escalated']:.1%}\n"
    )
    header = f"{'ranker':<14}{'hit@1':>8}{'hit@3':>8}{'da@1':>8}{'da@3':>8}{'en@1':>8}{'en@3':>8}"
    for name, rankers in results["retrieval"].items():
        lines += [f"retrieval, {name} (answerable questions)", header]
        for ranker, rates in rankers.items():
            cells = [rates[lang][m] for lang in ("all", "da", "en") for m in ("hit@1", "hit@3")]
            lines.append(f"{ranker:<14}" + "".join(f"{c:>8.3f}" for c in cells))
        lines.append("")
    t = str(results["threshold"])
    for name, confidence in results["confidence"].items():
        row = confidence["sweep"][t]
        lines.append(
            f"confidence at {t}, {name}: {row['refused_below']:.0%} of escalate/not_answer "
            f"below, {row['correct_above']:.0%} of correct top hits at or above"
        )
    lat = results["latency"]
    lines.append(f"search latency p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms")
    for key in ("build_shipped", "build_shipped_warm", "build_20x"):
        if key in results:
            b = results[key]
            lines.append(
                f"{key}: {b['records']} records, {b['units']} units, "
                f"{b['embedded']} embedded, {b['seconds']} s"
            )
    if "cold_start" in results:
        c = results["cold_start"]
        lines.append(f"cold start (warm cache): {c['seconds']} s, peak RSS {c['peak_rss_mb']} MB")
    lines.append(f"benchmark process peak RSS {results['peak_rss_mb_benchmark']} MB")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
