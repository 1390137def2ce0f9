"""Fit the confidence model of :mod:`index.fusion` on questions made from the pack itself.

Run from the repository root: ``.venv/bin/python -m benchmarks.fit_confidence``.
It prints the intercept and coefficients to paste into ``index/fusion.py``
and writes ``benchmarks/results/confidence_fit.json``. The development
questions (``shared/eval/dev.jsonl``) are never used here; the retrieval
benchmark reports how the fitted model separates them.

Labelled data:

- positive questions: every FAQ alternate, asked of an index in which no
  FAQ entry has its alternates (so the question cannot find itself), and
  every FAQ main question, asked of an index in which each entry's first
  alternate stands in for its question. The asked entry is the right
  candidate; other FAQ entries among the candidates are wrong. Passages and
  tenders among them are left out, because one may well answer the
  question too and nobody labelled them.
- negative questions: :mod:`benchmarks.calibration_queries`, off-topic and
  out-of-knowledge, Danish and English; every candidate is wrong.

Every candidate of every question is one row (features of
:class:`index.fusion.Features`, label). Negative questions are weighted so
that they count as much in total as the positive ones (an even prior of
answerable and unanswerable questions). The model is an L2-regularised
logistic regression fitted by Newton's method.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.calibration_queries import NEGATIVE_QUERIES
from index.dense import load_embedder
from index.fusion import FEATURE_NAMES
from index.search import SearchIndex
from knowledge.model import FaqEntry, FaqText, KnowledgeBase, Passage, Record
from knowledge.pack import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "confidence_fit.json"
L2 = 1e-2

Query = tuple[str, str, str | None]
"""(language, text, id of the right FAQ entry or None)."""


def without_alternates(kb: KnowledgeBase) -> tuple[KnowledgeBase, list[Query]]:
    faqs, queries = [], []
    for entry in kb.faqs:
        texts = {lang: replace(t, alternates=()) for lang, t in entry.texts.items()}
        faqs.append(replace(entry, texts=texts))
        queries += [(lang, a, entry.id) for lang, t in entry.texts.items() for a in t.alternates]
    return replace(kb, faqs=faqs), queries


def without_questions(kb: KnowledgeBase) -> tuple[KnowledgeBase, list[Query]]:
    faqs, queries = [], []
    for entry in kb.faqs:
        texts = {}
        for lang, t in entry.texts.items():
            if t.alternates:
                texts[lang] = FaqText(t.alternates[0], t.answer, t.alternates[1:])
                queries.append((lang, t.question, entry.id))
            else:
                texts[lang] = t
        faqs.append(replace(entry, texts=texts))
    return replace(kb, faqs=faqs), queries


def without_headings(kb: KnowledgeBase) -> tuple[KnowledgeBase, list[Query]]:
    passages, queries = [], []
    for passage in kb.passages:
        passages.append(replace(passage, heading_path=()))
        if passage.heading_path and passage.heading_path[-1] != passage.title:
            queries.append((passage.language, passage.heading_path[-1], passage.id))
    return replace(kb, passages=passages), queries


def _document(record: object) -> str | None:
    """The document a passage comes from, language left out (its translation is a twin)."""
    if not isinstance(record, Passage):
        return None
    return re.sub(r"\.(da|en)$", "", Path(record.source_file).stem)


def _unlabelled(record: object, target: Record) -> bool:
    """Candidates that may answer as well as the target but were not labelled: skipped."""
    if record.id == target.id:
        return False
    if isinstance(target, FaqEntry):
        return not isinstance(record, FaqEntry)
    return isinstance(record, FaqEntry) or _document(record) == _document(target)


def rows(index: SearchIndex, queries: Sequence[Query]) -> list[dict]:
    by_id = {r.id: r for r in index.records()}
    out = []
    for number, (lang, text, target_id) in enumerate(queries):
        target = by_id.get(target_id) if target_id else None
        for candidate in index.candidates(text, language=lang):
            record = candidate.hit.record
            if target is not None and _unlabelled(record, target):
                continue
            out.append(
                {
                    "query": number,
                    "positive_query": target is not None,
                    "rrf": candidate.hit.score,
                    "x": candidate.features.values(),
                    "y": float(record.id == target_id),
                }
            )
    return out


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted L2 logistic regression by Newton's method; returns [intercept, *coefficients]."""
    design = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(design.shape[1])
    penalty = L2 * np.eye(len(beta))
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (w * (p - y)) + penalty @ beta
        hessian = (design * (w * p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def main() -> int:
    kb = load_knowledge()
    embedder = load_embedder(None)
    cache = Path(tempfile.gettempdir()) / "udbudsbot-calibration-index"
    data = []
    for variant in (without_alternates, without_questions, without_headings):
        variant_kb, queries = variant(kb)
        index = SearchIndex.build(variant_kb, embedder, cache_dir=cache)
        negatives: list[Query] = [(lang, text, None) for lang, text in NEGATIVE_QUERIES]
        name = variant.__name__
        data += [{**r, "key": f"{name}:{r['query']}"} for r in rows(index, queries)]
        data += [{**r, "key": f"{name}:negative:{r['query']}"} for r in rows(index, negatives)]

    x = np.array([r["x"] for r in data])
    y = np.array([r["y"] for r in data])
    positive_queries = {r["key"] for r in data if r["positive_query"]}
    negative_queries = {r["key"] for r in data if not r["positive_query"]}
    weight = len(positive_queries) / max(len(negative_queries), 1)
    w = np.array([1.0 if r["positive_query"] else weight for r in data])
    beta = fit(x, y, w)
    intercept, coefficients = (
        float(beta[0]),
        dict(zip(FEATURE_NAMES, beta[1:].tolist(), strict=True)),
    )

    scores = 1 / (1 + np.exp(-(beta[0] + x @ beta[1:])))
    summary = summarise(data, scores)
    summary["cross_validated_log_loss"] = cross_validated_log_loss(data, x, y, w)
    summary.update(
        intercept=round(intercept, 4),
        coefficients={k: round(v, 4) for k, v in coefficients.items()},
        rows=len(data),
        positive_queries=len(positive_queries),
        negative_queries=len(negative_queries),
        negative_weight=round(weight, 2),
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    print(f"\nINTERCEPT = {intercept:.4f}")
    print("COEFFICIENTS: dict[str, float] = {")
    for name, value in coefficients.items():
        print(f'    "{name}": {value:.4f},')
    print("}")
    return 0


def cross_validated_log_loss(
    data: list[dict], x: np.ndarray, y: np.ndarray, w: np.ndarray, folds: int = 5
) -> float:
    """Weighted log loss on held-out questions (5 folds by question): compares feature sets."""
    fold = np.array([zlib.crc32(r["key"].encode()) % folds for r in data])
    losses, weights = [], []
    for k in range(folds):
        train, test = fold != k, fold == k
        beta = fit(x[train], y[train], w[train])
        p = np.clip(1 / (1 + np.exp(-(beta[0] + x[test] @ beta[1:]))), 1e-9, 1 - 1e-9)
        losses.append(-(w[test] * (y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p))).sum())
        weights.append(w[test].sum())
    return round(float(sum(losses) / sum(weights)), 5)


def summarise(data: list[dict], scores: np.ndarray) -> dict:
    """Top-1 accuracy by confidence and by RRF, and how well the top confidence separates."""
    by_query: dict[str, list[tuple[float, dict]]] = {}
    for score, row in zip(scores, data, strict=True):
        by_query.setdefault(row["key"], []).append((float(score), row))
    top_by_confidence: dict[str, list[float]] = {}
    top_by_rrf: dict[str, list[float]] = {}
    positive_tops, negative_tops = [], []
    for key, items in by_query.items():
        best = max(items, key=lambda item: item[0])
        if items[0][1]["positive_query"]:
            variant = key.split(":")[0]
            top_by_confidence.setdefault(variant, []).append(best[1]["y"])
            top_by_rrf.setdefault(variant, []).append(
                max(items, key=lambda item: item[1]["rrf"])[1]["y"]
            )
            if best[1]["y"]:
                positive_tops.append(best[0])
        else:
            negative_tops.append(best[0])
    return {
        "top1_by_confidence": {
            k: round(float(np.mean(v)), 3) for k, v in top_by_confidence.items()
        },
        "top1_by_rrf": {k: round(float(np.mean(v)), 3) for k, v in top_by_rrf.items()},
        "correct_tops_at_or_above_0.5": round(float(np.mean(np.array(positive_tops) >= 0.5)), 3),
        "negative_tops_below_0.5": round(float(np.mean(np.array(negative_tops) < 0.5)), 3),
    }


if __name__ == "__main__":
    sys.exit(main())
