"""The on-disk cache of embeddings, so that a restart does not re-embed the knowledge.

Embedding is the only expensive part of building the index (BM25 is
rebuilt in well under a second), so only vectors are cached. One file per
model fingerprint and index code version (``vectors-<key>.npz`` in
``Settings.index_cache_dir``) holds the vector of every unit text, keyed by
the SHA-256 of that text. The knowledge hash of a build is therefore the set
of its unit hashes:

- unchanged knowledge: every vector comes from the file, nothing is embedded;
- a changed pack, or learned FAQ entries added since the last start: only
  the new or changed texts are embedded, and the file is rewritten to hold
  exactly the current units;
- another model, or a new :data:`INDEX_VERSION`: another file, so all is
  embedded again.

A missing file is built silently; an unreadable one is rebuilt with a
warning. Files are replaced atomically, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

INDEX_VERSION = "1"
KEY_BYTES = 16


def unit_key(text: str) -> bytes:
    """The cache key of one embedded text."""
    return hashlib.sha256(text.encode("utf-8")).digest()[:KEY_BYTES]


def knowledge_hash(keys: Sequence[bytes]) -> str:
    """One hash for a whole build, logged so that cache hits can be followed."""
    digest = hashlib.sha256()
    for key in sorted(set(keys)):
        digest.update(key)
    return digest.hexdigest()[:16]


class VectorCache:
    """Vectors of unit texts for one model and index version."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        key = hashlib.sha256(f"{fingerprint}|{INDEX_VERSION}".encode()).hexdigest()[:16]
        self.path = directory / f"vectors-{key}.npz"
        self.fingerprint = fingerprint

    def load(self) -> dict[bytes, np.ndarray]:
        """Cached vectors by unit key; empty when there is no usable file."""
        if not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
                fingerprint = str(data["fingerprint"])
            if fingerprint != self.fingerprint or len(keys) != len(vectors) or vectors.ndim != 2:
                raise ValueError("contents do not match the model")
        except Exception as error:
            log.warning("index cache %s is unreadable (%s); rebuilding it", self.path, error)
            return {}
        return {k.tobytes(): v for k, v in zip(keys, vectors.astype(np.float32), strict=True)}

    def save(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Replace the file with exactly these vectors; a failure to write only costs time later."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        except OSError as error:
            log.warning("cannot write index cache in %s: %s", self.path.parent, error)
            return
        try:
            with os.fdopen(fd, "wb") as file:
                np.savez(
                    file,
                    keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(-1, KEY_BYTES),
                    vectors=np.asarray(vectors, dtype=np.float32),
                    fingerprint=np.array(self.fingerprint),
                )
            os.replace(tmp, self.path)
        except OSError as error:
            Path(tmp).unlink(missing_ok=True)
            log.warning("cannot write index cache %s: %s", self.path, error)


def clear(directory: Path) -> int:
    """Delete every cached vector file in ``directory``; returns how many there were."""
    files = list(directory.glob("vectors-*.npz")) if directory.is_dir() else []
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)
