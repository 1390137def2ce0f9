"""Fit the confidence model of :mod:`index.fusion` on chat-style questions made from the pack.

Run from the repository root: ``.venv/bin/python -m benchmarks.fit_confidence``
(a few minutes; ``--reuse`` refits from the questions asked last time,
``--write`` puts the fitted constants into ``index/fusion.py`` and the
threshold into ``bot/config.py``). It writes
``benchmarks/results/confidence_fit.json``. The question files in
``shared/eval/`` are never used here: the quality benchmark
(``benchmarks/quality.py``) measures the fitted model on them.

Labelled questions (all rewritten into chat style by
:class:`benchmarks.chat_style.ChatStyle`, besides the tidy original):

- every FAQ alternate, asked of an index in which no FAQ entry has its
  alternates, so the question cannot find itself;
- every FAQ main question, asked of an index in which each entry's first
  alternate stands in for its question;
- every passage heading, asked of an index without headings, and a few
  rare words of one sentence of each passage (the way people type a fact
  they half remember: ``serviceattest gæld``);
- questions about each tender, naming part of its title.

The asked record and the records that say the same are right, records that
say something else are wrong, and those in between are left out (see
:class:`Grader`).
Negative questions (:mod:`benchmarks.negatives`: municipal but not
procurement, off-topic, procurement the pack cannot answer, and junk): every
candidate is wrong. Negatives weigh as much in total as positives.

Questions with no word the knowledge knows are left out: the assistant's
guard against junk answers them before the model is asked.

Every candidate of every question is one row. Both stages are L2-regularised
logistic regressions fitted by Newton's method (the second on out-of-fold
scores of the first); features that a fit weighs against their meaning are
dropped (:data:`index.fusion.INCREASING`, :data:`index.fusion.DECREASING`).
Quality is measured by 5-fold cross-validation grouped by record (all
rewrites of one record's questions fall in one fold). The answer threshold
is judged out of fold by the right answers it gives less :data:`WRONG_COST`
times the wrong ones (a wrong procurement fact is taken to cost a business as
much as three hand-offs to a person); of the thresholds within one standard
error of the best, the highest is taken (:func:`choose_threshold`). The grader's "wrong"
is pessimistic (a record that answers just as well in other words counts as
wrong): reading 40 held-out answers it called wrong at a confidence of 0.5
or more found 27 truly wrong (:data:`GRADER_PRECISION`), so a graded wrong
answer counts as that share of a wrong one.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import random
import re
import sys
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from benchmarks.chat_style import ChatStyle, surface_vocabulary
from benchmarks.negatives import (
    BUSINESS,
    MUNICIPAL,
    NEAR_DOMAIN,
    OFF_TOPIC,
    about_known_tenders,
    junk,
    questions,
)
from index.dense import load_embedder
from index.fusion import (
    DECREASING,
    INCREASING,
    RIVAL_FLOOR,
    Evidence,
    QueryEvidence,
    feature_values,
)
from index.normalize import word_stems
from index.records import record_text
from index.search import SearchIndex
from index.twins import Likeness, twins
from knowledge.model import FaqText, KnowledgeBase, Tender
from knowledge.pack import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "confidence_fit.json"
FUSION = ROOT / "index" / "fusion.py"
CONFIG = ROOT / "bot" / "config.py"
ROWS_CACHE = Path(tempfile.gettempdir()) / "udbudsbot-confidence-rows.pickle"
SEED = 20261205
REWRITES = 2
FACT_EVERY = 3
JUNK = 600
L2 = 1e-2
FOLDS = 5
THRESHOLDS = tuple(round(float(t), 2) for t in np.arange(0.2, 0.95, 0.05))
WRONG_COST = 3.0
GRADER_PRECISION = 27 / 40


@dataclass(frozen=True, slots=True)
class Asked:
    """One generated question: language, text, right record (None: none), origin, and the
    group it belongs to for cross-validation (its record, or its negative template)."""

    language: str
    text: str
    target: str | None
    origin: str
    group: str


@dataclass(frozen=True, slots=True)
class Found:
    """One candidate of an asked question: its record, evidence, label (1: it answers,
    None: nobody can say) and the records that say the same (which are not its rivals)."""

    record_id: str
    evidence: Evidence
    label: float | None
    twins: frozenset[str]


@dataclass(frozen=True, slots=True)
class Answered:
    """An asked question with every candidate."""

    asked: Asked
    query: QueryEvidence
    candidates: tuple[Found, ...]


def without_alternates(kb: KnowledgeBase) -> tuple[KnowledgeBase, list[Asked]]:
    faqs, asked = [], []
    for entry in kb.faqs:
        texts = {lang: replace(t, alternates=()) for lang, t in entry.texts.items()}
        faqs.append(replace(entry, texts=texts))
        asked += [
            Asked(lang, a, entry.id, "alternate", entry.id)
            for lang, t in entry.texts.items()
            for a in t.alternates
        ]
    return replace(kb, faqs=faqs), asked


def without_questions(kb: KnowledgeBase) -> tuple[KnowledgeBase, list[Asked]]:
    faqs, asked = [], []
    for entry in kb.faqs:
        texts = {}
        for lang, t in entry.texts.items():
            if t.alternates:
                texts[lang] = FaqText(t.alternates[0], t.answer, t.alternates[1:])
                asked.append(Asked(lang, t.question, entry.id, "question", entry.id))
            else:
                texts[lang] = t
        faqs.append(replace(entry, texts=texts))
    return replace(kb, faqs=faqs), asked


def without_headings(kb: KnowledgeBase) -> tuple[KnowledgeBase, list[Asked]]:
    passages, asked = [], []
    for passage in kb.passages:
        passages.append(replace(passage, heading_path=()))
        if passage.heading_path and passage.heading_path[-1] != passage.title:
            heading = passage.heading_path[-1]
            asked.append(Asked(passage.language, heading, passage.id, "heading", passage.id))
    return replace(kb, passages=passages), asked


def fact_questions(kb: KnowledgeBase, style: ChatStyle, rng: random.Random) -> list[Asked]:
    """The rarest words of a sentence of every third passage, typed the chat way."""
    out = []
    for number, passage in enumerate(kb.passages[::FACT_EVERY]):
        sentences = [s for s in passage.text.split(". ") if len(s.split()) >= 4]
        if sentences:
            text = style.short(rng.choice(sentences), passage.language, f"fact:{number}")
            out.append(Asked(passage.language, text, passage.id, "fact", passage.id))
    return out


_TENDER_QUESTIONS = {
    "da": ("hvornår er fristen i {}?", "hvad ved I om {}?", "{} – hvem vandt?", "{} udbud"),
    "en": ("when is the deadline for {}?", "what do you know about {}?", "{} tender"),
}


def tender_questions(tenders: Sequence[Tender], rng: random.Random) -> list[Asked]:
    """Questions naming the first few words of a tender's title, in both languages."""
    out = []
    for tender in tenders:
        title = " ".join(tender.title.split()[: rng.randint(2, 5)])
        for lang, templates in _TENDER_QUESTIONS.items():
            text = rng.choice(templates).format(title)
            out.append(Asked(lang, text, tender.id, "tender", tender.id))
    return out


def negative_questions(kb: KnowledgeBase, rng: random.Random) -> list[Asked]:
    titles = [" ".join(t.title.split()[:5]) for t in kb.tenders]
    out = [
        Asked(lang, text, None, f"negative:{kind}", f"{kind}:{zlib.crc32(text.encode()) % 97}")
        for kind, made in (
            ("municipal", questions(MUNICIPAL)),
            ("business", questions(BUSINESS)),
            ("off_topic", questions(OFF_TOPIC)),
            ("near_domain", questions(NEAR_DOMAIN) + about_known_tenders(titles)),
        )
        for lang, text in made
    ]
    out += [
        Asked(rng.choice(("da", "en")), text, None, "negative:junk", f"junk:{i % 97}")
        for i, text in enumerate(junk(JUNK, SEED))
    ]
    return out


def chat_versions(asked: Iterable[Asked], style: ChatStyle) -> Iterator[Asked]:
    """Each question as written, and :data:`REWRITES` chat-style rewrites of it."""
    for number, question in enumerate(asked):
        yield question
        if question.origin in ("negative:junk", "fact"):
            continue
        for rewrite in range(REWRITES):
            key = f"{question.origin}:{number}:{rewrite}"
            text = style.rewrite(question.text, question.language, key)
            yield replace(question, text=text, origin=f"{question.origin}:chat")


UNRELATED = 0.15


class Grader:
    """Whether a record answers what another was asked about, by how alike their texts are.

    The asked record answers, and so does every record that says the same
    (:mod:`index.twins`: text at least ``TWIN_SIMILARITY`` alike with the
    same amounts) in the question's language. A record whose text
    has little in common with it (:data:`UNRELATED`) does not. In between
    nobody can say, and the candidate is left out of the fit. So an FAQ
    entry and a passage compete on equal terms, and the model learns which
    to trust.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        records = list(kb.records())
        self._records = records
        self._position = {r.id: i for i, r in enumerate(records)}
        self._likeness = Likeness(records)
        self._twins = twins(records, self._likeness)
        self._similar: dict[int, np.ndarray] = {}

    def grade(self, candidate: str, target: str | None, language: str) -> float | None:
        """1 when the candidate answers the question, 0 when it does not, None when unsure.

        A twin only in another language than the question's (the translation of
        the asked passage) is left out: right, but not the answer to rank first.
        """
        if target is None:
            return 0.0
        if candidate == target:
            return 1.0
        a, b = self._position.get(candidate), self._position.get(target)
        if a is None or b is None:
            return None
        if a in self._twins[b]:
            return 1.0 if language in self._records[a].languages else None
        if b not in self._similar:
            self._similar[b] = self._likeness.similarities(b)
        return 0.0 if self._similar[b][a] <= UNRELATED else None


def ask_all(
    index: SearchIndex, asked: Sequence[Asked], grader: Grader, name: str
) -> list[Answered]:
    out = []
    for question in tqdm(asked, desc=name, unit="q", leave=False):
        analysed = index.analyse(question.text, question.language)
        if not analysed.has_content:
            # No word the knowledge knows: the assistant asks what is meant and never
            # reaches the confidence model (see its guard against junk).
            continue
        found = index.candidates(analysed)
        if not found:
            continue
        rows = tuple(
            Found(
                c.hit.record.id,
                c.evidence,
                grader.grade(c.hit.record.id, question.target, question.language),
                index.twins(c.hit.record.id),
            )
            for c in found
        )
        out.append(Answered(question, found[0].query, rows))
    return out


def generate(kb: KnowledgeBase) -> list[Answered]:
    """Ask every generated question of its held-out index; the slow part (minutes)."""
    embedder = load_embedder(None)
    cache = Path(tempfile.gettempdir()) / "udbudsbot-calibration-index"
    full = SearchIndex.build(kb, embedder, cache_dir=cache, progress=True)
    vocabulary = full._state.vocabulary

    def rarity(word: str) -> float:
        counts = [vocabulary.frequency(s) for s in word_stems(word.casefold())]
        known = [c for c in counts if c]
        return 1 / min(known) if known else 0.0

    texts = [record_text(r, lang) for r in kb.records() for lang in r.languages]
    texts += [t.question for f in kb.faqs for t in f.texts.values()]
    style = ChatStyle(kb.glossary, surface_vocabulary(texts), rarity, SEED)
    rng = random.Random(SEED)
    grader = Grader(kb)

    negatives = list(chat_versions(negative_questions(kb, rng), style))
    extra = fact_questions(kb, style, rng) + tender_questions(kb.tenders, rng)
    answered: list[Answered] = []
    for number, variant in enumerate((without_alternates, without_questions, without_headings)):
        variant_kb, asked = variant(kb)
        if variant is without_headings:
            asked += extra
        index = SearchIndex.build(variant_kb, embedder, cache_dir=cache, progress=True)
        mine = [q for i, q in enumerate(negatives) if i % 3 == number]
        questions_asked = list(chat_versions(asked, style)) + mine
        answered += ask_all(index, questions_asked, grader, variant.__name__)
    return answered


@dataclass(frozen=True)
class Table:
    """Every candidate of every question as arrays, for fitting and cross-validation.

    ``label`` is NaN where nobody labelled the candidate; ``rivals`` holds,
    per question, a matrix saying which of its candidates may be each
    candidate's rival (not itself, not a twin).
    """

    x: np.ndarray
    label: np.ndarray
    weight: np.ndarray
    fold: np.ndarray
    starts: np.ndarray
    rivals: list[np.ndarray]

    @property
    def labelled(self) -> np.ndarray:
        return ~np.isnan(self.label)


def table(answered: Sequence[Answered], names: Sequence[str]) -> Table:
    positives = sum(a.asked.target is not None for a in answered)
    negative_weight = positives / max(len(answered) - positives, 1)
    x, label, weight, fold, starts, rivals = [], [], [], [], [0], []
    for item in answered:
        question_weight = 1.0 if item.asked.target else negative_weight
        question_fold = zlib.crc32(item.asked.group.encode()) % FOLDS
        ids = [c.record_id for c in item.candidates]
        for found in item.candidates:
            values = feature_values(item.query, found.evidence)
            x.append([values[name] for name in names])
            label.append(np.nan if found.label is None else found.label)
            weight.append(question_weight)
            fold.append(question_fold)
        starts.append(len(x))
        rivals.append(
            np.array(
                [
                    [other != c.record_id and other not in c.twins for other in ids]
                    for c in item.candidates
                ]
            )
        )
    return Table(
        np.array(x), np.array(label), np.array(weight), np.array(fold), np.array(starts), rivals
    )


def rival_scores(data: Table, scores: np.ndarray) -> np.ndarray:
    """Each candidate's best rival's ranking score (the floor when it has none)."""
    out = np.full(len(scores), RIVAL_FLOOR)
    for number, allowed in enumerate(data.rivals):
        start, end = data.starts[number], data.starts[number + 1]
        own = scores[start:end]
        best = np.where(allowed, own[None, :], -np.inf).max(axis=1)
        out[start:end] = np.maximum(best, RIVAL_FLOOR)
    return out


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted L2 logistic regression by Newton's method; returns [intercept, *coefficients]."""
    design_matrix = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(design_matrix.shape[1])
    penalty = L2 * np.eye(len(beta))
    penalty[0, 0] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-design_matrix @ beta))
        gradient = design_matrix.T @ (w * (p - y)) + penalty @ beta
        hessian = (design_matrix * (w * p * (1 - p))[:, None]).T @ design_matrix + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def _linear(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    return beta[0] + x @ beta[1:]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


@dataclass(frozen=True)
class Model:
    """Both stages: ranking coefficients, and (intercept, own, rival) of the confidence."""

    ranking: np.ndarray
    confidence: np.ndarray

    def scores(self, data: Table) -> np.ndarray:
        return _linear(self.ranking, data.x)


def monotone_features(data: Table, names: Sequence[str]) -> list[str]:
    """The features to use: all, less those that a fit weighs against their meaning
    (:data:`index.fusion.INCREASING` negatively, :data:`index.fusion.DECREASING`
    positively), dropped one at a time, the worst first."""
    chosen = list(names)
    keep = data.labelled
    while True:
        columns = [names.index(n) for n in chosen]
        beta = fit(data.x[keep][:, columns], data.label[keep], data.weight[keep])
        weights = dict(zip(chosen, beta[1:], strict=True))
        wrong = [(w, n) for n, w in weights.items() if n in INCREASING and w < 0]
        wrong += [(-w, n) for n, w in weights.items() if n in DECREASING and w > 0]
        if not wrong:
            return chosen
        chosen.remove(min(wrong)[1])


def fit_model(data: Table, train: np.ndarray) -> tuple[Model, np.ndarray]:
    """Fit both stages on the questions in ``train`` (a row mask); the confidence stage is
    fitted on ranking scores from models that did not see the row (stacking), so that it
    learns how far to trust a score on questions it has not seen."""
    keep = train & data.labelled
    ranking = fit(data.x[keep], data.label[keep], data.weight[keep])
    stacked = np.zeros(len(data.label))
    for k in np.unique(data.fold[train]):
        inner = train & data.labelled & (data.fold != k)
        stacked[data.fold == k] = _linear(
            fit(data.x[inner], data.label[inner], data.weight[inner]), data.x[data.fold == k]
        )
    second = np.column_stack([stacked, rival_scores(data, stacked)])
    confidence = fit(second[keep], data.label[keep], data.weight[keep])
    return Model(ranking, confidence), stacked


def confidences(model: Model, data: Table) -> np.ndarray:
    scores = model.scores(data)
    second = np.column_stack([scores, rival_scores(data, scores)])
    return _sigmoid(_linear(model.confidence, second))


def out_of_fold(data: Table) -> tuple[np.ndarray, float]:
    """Confidence of every candidate from models that never saw its fold, and the weighted
    log loss on labelled candidates (the figure that compares feature sets)."""
    predictions = np.zeros(len(data.label))
    for k in range(FOLDS):
        model, _ = fit_model(data, data.fold != k)
        predictions[data.fold == k] = confidences(model, data)[data.fold == k]
    keep = data.labelled
    p = np.clip(predictions[keep], 1e-9, 1 - 1e-9)
    y, w = data.label[keep], data.weight[keep]
    loss = -(w * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum() / w.sum()
    return predictions, round(float(loss), 5)


Decision = tuple[str, bool, float, bool | None]
"""(origin, answerable, confidence of the top candidate, top is right — None: unlabelled)."""


def decisions(answered: Sequence[Answered], data: Table, predictions: np.ndarray) -> list[Decision]:
    out = []
    for number, item in enumerate(answered):
        start, end = data.starts[number], data.starts[number + 1]
        best = start + int(np.argmax(predictions[start:end]))
        label = data.label[best]
        right = None if np.isnan(label) else bool(label)
        out.append(
            (item.asked.origin, item.asked.target is not None, float(predictions[best]), right)
        )
    return out


def sweep(rows: Sequence[Decision]) -> dict[str, dict[str, float]]:
    """Per threshold: share of answerable questions answered right, and share of answers
    given that are wrong (a wrong record, or any record for an unanswerable question)."""
    out = {}
    answerable = [r for r in rows if r[1]]
    for threshold in THRESHOLDS:
        given = [r for r in rows if r[2] >= threshold and r[3] is not None]
        wrong = [r for r in given if not r[3]]
        right = [r for r in answerable if r[2] >= threshold and r[3]]
        out[f"{threshold:.2f}"] = {
            "answered_right": round(len(right) / max(len(answerable), 1), 3),
            "wrong_share": round(len(wrong) / max(len(given), 1), 4),
        }
    return out


def choose_threshold(rows: Sequence[Decision]) -> float:
    """The most cautious threshold whose value (right answers less :data:`WRONG_COST` times
    the wrong ones) is within one standard error of the best threshold's.

    The value changes little over a wide band of thresholds, so the best one
    alone moves with any small change to the pack or the features (0.45 one
    fit, 0.55 the next). Among thresholds the held-out questions cannot tell
    apart, the highest is taken: when in doubt, a person answers. The error is
    that of the paired difference in value, question by question.
    """
    labelled = [r for r in rows if r[3] is not None]
    cost = WRONG_COST * GRADER_PRECISION

    def gains(threshold: float) -> np.ndarray:
        return np.array([(1.0 if r[3] else -cost) if r[2] >= threshold else 0.0 for r in labelled])

    by_threshold = {t: gains(t) for t in THRESHOLDS}
    best = max(THRESHOLDS, key=lambda t: by_threshold[t].sum())

    def indistinguishable(threshold: float) -> bool:
        difference = by_threshold[best] - by_threshold[threshold]
        error = math.sqrt(len(difference) * difference.var()) if len(difference) else 0.0
        return difference.sum() <= error

    return max(t for t in THRESHOLDS if t >= best and indistinguishable(t))


def by_origin(rows: Sequence[Decision], threshold: float) -> dict:
    grouped: dict[str, list[Decision]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    out = {}
    for origin, items in sorted(grouped.items()):
        answered = [r for r in items if r[2] >= threshold]
        labelled = [r for r in items if r[3] is not None]
        out[origin] = {
            "questions": len(items),
            "answered": round(len(answered) / len(items), 3),
            "top_right_of_labelled": round(
                sum(bool(r[3]) for r in labelled) / max(len(labelled), 1), 3
            ),
            "answered_right": round(sum(bool(r[3]) for r in answered) / len(items), 3),
            "answered_wrong": round(sum(r[3] is False for r in answered) / len(items), 3),
        }
    return out


def write_constants(model: Model, names: Sequence[str], threshold: float) -> None:
    """Replace the fitted constants in the source, where the bot reads them."""
    coefficients = "".join(
        f'    "{name}": {value:.4f},\n'
        for name, value in zip(names, model.ranking[1:], strict=True)
    )
    intercept, own, rival = model.confidence
    source = FUSION.read_text(encoding="utf-8")
    source = re.sub(
        r"RANKING_INTERCEPT = .*?\n}\n",
        f"RANKING_INTERCEPT = {model.ranking[0]:.4f}\n"
        f"RANKING_COEFFICIENTS: dict[str, float] = {{\n{coefficients}}}\n",
        source,
        count=1,
        flags=re.DOTALL,
    )
    for name, value in (("INTERCEPT", intercept), ("OWN", own), ("RIVAL", rival)):
        source = re.sub(rf"CONFIDENCE_{name} = .*", f"CONFIDENCE_{name} = {value:.4f}", source)
    FUSION.write_text(source, encoding="utf-8")
    config = CONFIG.read_text(encoding="utf-8")
    config = re.sub(
        r"(answer_threshold: float = Field\(default=)[0-9.]+", rf"\g<1>{threshold:.2f}", config
    )
    CONFIG.write_text(config, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"refit from the questions asked last time ({ROWS_CACHE})",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="put the constants into index/fusion.py and the threshold into bot/config.py",
    )
    args = parser.parse_args(argv)
    if args.reuse and ROWS_CACHE.exists():
        answered = pickle.loads(ROWS_CACHE.read_bytes())
    else:
        answered = generate(load_knowledge())
        ROWS_CACHE.write_bytes(pickle.dumps(answered))

    candidates = list(feature_values(answered[0].query, answered[0].candidates[0].evidence))
    names = monotone_features(table(answered, candidates), candidates)
    data = table(answered, names)
    predictions, loss = out_of_fold(data)
    held_out = decisions(answered, data, predictions)
    thresholds = sweep(held_out)
    threshold = choose_threshold(held_out)
    model, _ = fit_model(data, np.ones(len(data.label), dtype=bool))
    summary = {
        "questions": len(answered),
        "answerable": sum(a.asked.target is not None for a in answered),
        "rows": int(data.labelled.sum()),
        "cross_validated_log_loss": loss,
        "threshold": round(threshold, 2),
        "by_origin_at_threshold": by_origin(held_out, threshold),
        "sweep": thresholds,
        "ranking_intercept": round(float(model.ranking[0]), 4),
        "ranking_coefficients": {
            n: round(float(v), 4) for n, v in zip(names, model.ranking[1:], strict=True)
        },
        "confidence": [round(float(v), 4) for v in model.confidence],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "sweep"}, indent=2))
    if args.write:
        write_constants(model, names, threshold)
        print(f"written to {FUSION.relative_to(ROOT)} and {CONFIG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    # Run through the imported module, so that the pickled questions name classes that
    # a later ``--reuse`` (or another script) can find.
    from benchmarks.fit_confidence import main as fit_main

    sys.exit(fit_main())
