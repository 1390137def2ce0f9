"""Retrieval quality and speed on the development questions, against two baselines.

Run from the repository root: ``.venv/bin/python -m benchmarks.retrieval``
(``--dev PATH`` for another question file, ``--quick`` to skip the 20x pack
and cold-start measurements). Prints a table and writes
``benchmarks/results/retrieval.json``.

Quality (questions with ``expect: answer``): a hit is correct when its answer
text (FAQ answer in the question's language, else the passage text, else the
tender row as text) matches every ``must_contain`` regex, case-insensitively,
after dots, commas and spaces between two digits are removed. hit@1 and
hit@3 by language for:

- hybrid: :class:`index.search.SearchIndex` as the assistant uses it;
- hybrid, query stemmed only in the asker's language (the alternative to
  stemming every query word with both stemmers);
- bm25-plain: bm25s over the same record texts, lower-cased, no stemming,
  stop words or glossary;
- dense: the default model alone, on the raw texts (no glossary).

Confidence: for questions the bot must not answer (escalate, not_answer),
the share whose top hit is below the answer threshold; for answerable
questions whose top hit is correct, the share at or above it; swept over
thresholds. Speed: search latency (embedding included), build time for the
shipped pack and for a synthetic pack 20 times larger (every record copied
with a new id and changed text, so nothing comes from a cache), cold start
to the first result with a warm cache in a fresh process, and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import bm25s
import numpy as np

from index.dense import Embedder, load_embedder
from index.records import record_text, tender_text
from index.search import SearchIndex
from knowledge.model import FaqEntry, FaqText, KnowledgeBase, Passage, Record
from knowledge.pack import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "retrieval.json"
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 1.0, 0.05))
_DIGIT_GAP = re.compile(r"(?<=\d)[.,\s](?=\d)")

Ranker = Callable[[str, str], list[Record]]


@dataclass(frozen=True)
class DevQuestion:
    id: str
    lang: str
    question: str
    expect: str
    must_contain: tuple[str, ...]


def load_dev(path: Path) -> list[DevQuestion]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        DevQuestion(r["id"], r["lang"], r["question"], r["expect"], tuple(r["must_contain"]))
        for r in rows
    ]


def answers(record: Record, question: DevQuestion) -> bool:
    """Whether the record's answer text satisfies every pattern of the question."""
    text = _DIGIT_GAP.sub("", record_text(record, question.lang))
    return all(re.search(p, text, re.IGNORECASE) for p in question.must_contain)


def hit_rates(ranker: Ranker, questions: Sequence[DevQuestion]) -> dict[str, dict[str, float]]:
    """hit@1 and hit@3 overall and per language."""
    ranked = {q.id: ranker(q.question, q.lang)[:3] for q in questions}
    out = {}
    for lang in ("all", "da", "en"):
        group = [q for q in questions if lang in ("all", q.lang)]
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


def hybrid(index: SearchIndex, *, hinted_only: bool = False) -> Ranker:
    def rank(query: str, lang: str) -> list[Record]:
        stem_languages = (lang,) if hinted_only else ("da", "en")
        found = index.candidates(query, language=lang, stem_languages=stem_languages)
        return [c.hit.record for c in found]

    return rank


def dense_only(index: SearchIndex) -> Ranker:
    def rank(query: str, lang: str) -> list[Record]:
        found = [c.hit for c in index.candidates(query, language=lang)]
        return [h.record for h in sorted(found, key=lambda h: -h.dense_score)]

    return rank


def separation(index: SearchIndex, questions: Sequence[DevQuestion]) -> dict[str, object]:
    """Top-hit confidences of answerable and unanswerable questions, and a threshold sweep."""
    rows = []
    for q in questions:
        hits = index.search(q.question, 1, language=q.lang)
        top = hits[0] if hits else None
        rows.append(
            {
                "id": q.id,
                "lang": q.lang,
                "expect": q.expect,
                "top": top.record.id if top else None,
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
        for t in THRESHOLDS
    }
    return {"questions": rows, "sweep": sweep}


def latency(index: SearchIndex, questions: Sequence[DevQuestion], rounds: int = 3) -> dict:
    for q in questions[:5]:
        index.search(q.question, 5, language=q.lang)
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            index.search(q.question, 5, language=q.lang)
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
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--threshold", type=float, default=None, help="default: Settings")
    parser.add_argument("--quick", action="store_true", help="skip the 20x pack and cold start")
    args = parser.parse_args(argv)
    threshold = args.threshold
    if threshold is None:
        from bot.config import Settings

        threshold = Settings.model_fields["answer_threshold"].default

    questions = load_dev(args.dev)
    answerable = [q for q in questions if q.expect == "answer"]
    kb = load_knowledge()
    started = time.perf_counter()
    embedder = load_embedder(None)
    results: dict[str, object] = {"model_load_s": round(time.perf_counter() - started, 2)}

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        results["build_shipped"] = timed_build(kb, embedder, cache)
        results["build_shipped_warm"] = timed_build(kb, embedder, cache)
        index = SearchIndex.build(kb, embedder, cache_dir=cache)
        plain_index = SearchIndex.build(
            replace(kb, glossary=[]), embedder, cache_dir=cache / "plain"
        )
        results["quality"] = {
            "hybrid": hit_rates(hybrid(index), answerable),
            "hybrid-hinted-stemming": hit_rates(hybrid(index, hinted_only=True), answerable),
            "bm25-plain": hit_rates(plain_bm25(kb), answerable),
            "dense": hit_rates(dense_only(plain_index), answerable),
        }
        results["confidence"] = separation(index, questions)
        results["threshold"] = threshold
        results["latency"] = latency(index, questions)
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
    lines = [f"{'ranker':<24}{'hit@1':>8}{'hit@3':>8}{'da@1':>8}{'da@3':>8}{'en@1':>8}{'en@3':>8}"]
    for name, rates in results["quality"].items():
        cells = [rates[lang][m] for lang in ("all", "da", "en") for m in ("hit@1", "hit@3")]
        lines.append(f"{name:<24}" + "".join(f"{c:>8.3f}" for c in cells))
    t = str(results["threshold"])
    sweep = results["confidence"]["sweep"]
    row = sweep.get(t) or sweep[min(sweep, key=lambda s: abs(float(s) - float(t)))]
    lines.append(
        f"confidence at {t}: {row['refused_below']:.0%} of escalate/not_answer below, "
        f"{row['correct_above']:.0%} of correct answers at or above"
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
