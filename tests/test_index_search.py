"""Build and search the index end to end with a tiny embedding model built in the test.

The tiny model is a randomly initialised one-layer BERT with a word-level
tokenizer, saved as a sentence-transformers folder and loaded through the
same :func:`index.dense.load_embedder` the bot uses: the whole pipeline
runs, nothing is downloaded, and matching is carried by the lexical side.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.dense import Embedder, EmbeddingModelError, load_embedder
from index.search import SearchIndex
from knowledge.model import (
    FaqEntry,
    FaqText,
    GlossaryGroup,
    Kind,
    KnowledgeBase,
    LearnedEntry,
    Passage,
    Tender,
)

FAKTURA = Passage(
    id="politik#faktura",
    title="Indkøbspolitik",
    heading_path=("Faktura",),
    text="Fakturaen skal sendes elektronisk i OIOUBL-format via NemHandel. Kommunen betaler "
    "inden 30 dage.",
    source_url="https://example.org/faktura",
    language="da",
    source_file="politik.da.md",
)
THRESHOLD = Passage(
    id="regler#taerskel",
    title="Udbudsregler",
    heading_path=("Tærskelværdier",),
    text="Tærskelværdien for kommunale køb af varer og tjenesteydelser er 1.611.360 kr.",
    source_url="https://example.org/taerskel",
    language="da",
    source_file="regler.da.md",
)
EXCLUSION = Passage(
    id="rules#exclusion",
    title="Procurement rules",
    heading_path=("Exclusion grounds",),
    text="Bribery and fraud are mandatory exclusion grounds for a bidder.",
    source_url="https://example.org/exclusion",
    language="en",
    source_file="rules.en.md",
)
EAN = FaqEntry(
    id="ean",
    texts={
        "da": FaqText(
            "Hvor finder jeg kommunens EAN-numre?",
            "Listen over EAN-numre ligger på kommunens hjemmeside.",
            ("liste over ean numre",),
        ),
        "en": FaqText(
            "Where do I find the EAN numbers?",
            "The list of EAN numbers is on the municipality's website.",
            ("ean number list",),
        ),
    },
    source_url="https://example.org/ean",
)
CLEANING = Tender(
    id="T1",
    title="Rengøring af skoler",
    source_url="https://example.org/t1",
    category="rengøring",
    status="planlagt",
)
GLOSSARY = [
    GlossaryGroup(da=("faktura", "regning", "e-faktura"), en=("invoice", "bill", "e-invoice")),
    GlossaryGroup(da=("udbud", "licitation"), en=("tender", "call for tenders")),
]
QUERIES = (
    "hvordan sender jeg en regning how do i send a bill taerskelvaerdi 1,611,360 fakturra "
    "rengøring pizza"
)


def make_kb() -> KnowledgeBase:
    return KnowledgeBase(
        passages=[FAKTURA, THRESHOLD, EXCLUSION],
        faqs=[EAN],
        tenders=[CLEANING],
        glossary=list(GLOSSARY),
    )


def build_tiny_model(folder: Path, seed: int, pooling: str = "mean") -> Path:
    """A sentence-transformers model with a random one-layer BERT and a word-level tokenizer."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    words = sorted(
        {w.strip(".,?!:").lower() for r in make_kb().records() for w in str(r).split()}
        | set(QUERIES.split())
    )
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *words])}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
    )
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    bert = folder / "bert"
    BertModel(config).save_pretrained(bert)
    fast.save_pretrained(bert)
    word = Transformer(str(bert), max_seq_length=64)
    pool = Pooling(word.get_embedding_dimension(), pooling_mode=pooling)
    out = folder / "model"
    SentenceTransformer(modules=[word, pool], device="cpu").save(str(out))
    return out


class CountingEmbedder:
    """Wraps a real embedder to count the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.fingerprint = inner.fingerprint
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Embedder, Embedder]:
    folder = tmp_path_factory.mktemp("tiny-models")
    first = load_embedder(str(build_tiny_model(folder / "a", seed=1)))
    second = load_embedder(str(build_tiny_model(folder / "b", seed=2)))
    return first, second


@pytest.fixture
def embedder(models: tuple[Embedder, Embedder]) -> CountingEmbedder:
    return CountingEmbedder(models[0])


@pytest.fixture
def index(embedder: CountingEmbedder) -> SearchIndex:
    return SearchIndex.build(make_kb(), embedder)


def top(index: SearchIndex, query: str, **options: object) -> str | None:
    hits = index.search(query, 3, **options)
    return hits[0].record.id if hits else None


def test_build_indexes_every_record(index: SearchIndex) -> None:
    assert index.size == 5
    assert {r.id for r in index.records()} == {
        "politik#faktura",
        "regler#taerskel",
        "rules#exclusion",
        "ean",
        "T1",
    }


def test_glossary_synonym_finds_the_danish_passage(index: SearchIndex) -> None:
    assert top(index, "Hvordan sender jeg en regning?", language="da") == "politik#faktura"
    assert top(index, "How do I send a bill?", language="en") == "politik#faktura"


def test_numbers_and_spelling_without_danish_letters(index: SearchIndex) -> None:
    assert top(index, "taerskelvaerdi 1,611,360") == "regler#taerskel"
    assert top(index, "1 611 360 kr") == "regler#taerskel"


def test_misspelled_word_is_repaired(index: SearchIndex) -> None:
    assert top(index, "fakturra") == "politik#faktura"
    assert top(index, "bestikelse", language="da") is not None


def test_hits_are_ordered_and_confidences_are_probabilities(index: SearchIndex) -> None:
    hits = index.search("send faktura til kommunen", 5, language="da")
    assert hits[0].record.id == "politik#faktura"
    confidences = [h.confidence for h in hits]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert hits[0].lexical_rank == 1
    assert hits[0].dense_rank is not None


def test_kinds_filter(index: SearchIndex) -> None:
    tenders = index.search("rengøring af skoler", 5, kinds=[Kind.TENDER])
    assert [h.record.id for h in tenders] == ["T1"]
    faqs = index.search("rengøring af skoler", 5, kinds=[Kind.FAQ])
    assert all(h.record.kind is Kind.FAQ for h in faqs)


@pytest.mark.parametrize("query", ["", "   ", "?!… 🙂🙂", "hvad er det", "what is the"])
def test_empty_punctuation_and_stop_word_queries_find_nothing(
    index: SearchIndex, query: str
) -> None:
    assert index.search(query) == []


@pytest.mark.parametrize("query", ["你好，我想买东西", "مرحبا كيف حالك", "best pizza in town"])
def test_other_scripts_and_off_topic_give_low_confidence(index: SearchIndex, query: str) -> None:
    assert all(h.confidence < 0.5 for h in index.search(query))


def test_a_huge_query_is_cut_and_answered_quickly(index: SearchIndex) -> None:
    query = "faktura " + "x" * 10_000
    started = time.perf_counter()
    hits = index.search(query)
    assert time.perf_counter() - started < 2.0
    assert hits and hits[0].record.id == "politik#faktura"


def test_learned_faq_is_added_and_removed_without_rebuild(
    index: SearchIndex, embedder: CountingEmbedder
) -> None:
    learned = FaqEntry(
        id="learned-1",
        texts={"da": FaqText("Hvornår er der licitation på vinduespudsning?", "I maj.")},
        source_url="https://example.org/learned",
        learned=True,
    )
    before = embedder.texts
    index.add([learned])
    assert embedder.texts - before == 2  # its question, and question with answer
    assert index.size == 6
    assert top(index, "licitation vinduespudsning", language="da") == "learned-1"

    index.add([replace(learned, texts={"da": FaqText("Hvornår pudses vinduerne?", "I juni.")})])
    assert index.size == 6
    assert top(index, "pudses vinduerne", language="da") == "learned-1"

    index.remove("learned-1")
    assert index.size == 5
    assert "learned-1" not in {r.id for r in index.records()}
    assert all(h.record.id != "learned-1" for h in index.search("pudses vinduerne"))
    index.remove("no-such-id")
    assert index.size == 5


def test_an_entry_added_later_is_found_exactly_as_if_it_had_been_in_the_pack(
    embedder: CountingEmbedder,
) -> None:
    """Learned answers join with ``add``; every analysis a pack record gets (stems, glossary,
    compounds, misspelling repair, the dense units) must reach them the same way."""
    learned = LearnedEntry(
        id="learned-7",
        texts={
            "da": FaqText(
                "Må man sende regningen på papir?", "Nej, kun som e-faktura.", ("papirfaktura",)
            ),
            "en": FaqText("Can I send a paper bill?", "Nej, kun som e-faktura."),
        },
        source_url="udbudsbot:learned/7",
        learned=True,
        number=7,
        answer_language="da",
    )
    kb = make_kb()
    kb.faqs.append(learned)
    with_pack = SearchIndex.build(kb, embedder)
    added_later = SearchIndex.build(make_kb(), embedder)
    added_later.add([learned])

    for query in (
        "Kan jeg sende fakturaen på papir?",
        "paper invoice",
        "papirfakturra",
        "regning",
        QUERIES,
    ):
        expected = {h.record.id: round(h.confidence, 6) for h in with_pack.search(query, 10)}
        found = {h.record.id: round(h.confidence, 6) for h in added_later.search(query, 10)}
        assert found == expected, query
    assert top(added_later, "Må man sende regningen på papir?") == "learned-7"


def test_cache_hit_means_nothing_is_embedded(embedder: CountingEmbedder, tmp_path: Path) -> None:
    first = SearchIndex.build(make_kb(), embedder, cache_dir=tmp_path)
    assert first.build_stats.embedded > 0
    assert first.build_stats.from_cache == 0
    embedder.texts = 0
    second = SearchIndex.build(make_kb(), embedder, cache_dir=tmp_path)
    assert embedder.texts == 0
    assert second.build_stats.embedded == 0
    query = "Hvordan sender jeg en regning?"
    assert [(h.record.id, h.confidence) for h in second.search(query)] == [
        (h.record.id, h.confidence) for h in first.search(query)
    ]


def test_changed_record_is_embedded_again_alone(embedder: CountingEmbedder, tmp_path: Path) -> None:
    SearchIndex.build(make_kb(), embedder, cache_dir=tmp_path)
    kb = make_kb()
    kb.passages[1] = replace(THRESHOLD, text="Tærskelværdien for bygge- og anlægsarbejder.")
    embedder.texts = 0
    rebuilt = SearchIndex.build(kb, embedder, cache_dir=tmp_path)
    assert rebuilt.build_stats.embedded == 1
    assert embedder.texts == 1
    assert top(rebuilt, "anlægsarbejder") == "regler#taerskel"
    assert all(h.lexical_rank is None for h in rebuilt.search("1611360"))


def test_other_model_does_not_use_the_cache(
    models: tuple[Embedder, Embedder], tmp_path: Path
) -> None:
    first = SearchIndex.build(make_kb(), models[0], cache_dir=tmp_path)
    other = CountingEmbedder(models[1])
    assert other.fingerprint != models[0].fingerprint
    second = SearchIndex.build(make_kb(), other, cache_dir=tmp_path)
    assert second.build_stats.embedded == first.build_stats.embedded
    assert second.build_stats.from_cache == 0


def test_corrupt_cache_is_rebuilt_with_a_warning(
    embedder: CountingEmbedder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    SearchIndex.build(make_kb(), embedder, cache_dir=tmp_path)
    (cache_file,) = tmp_path.glob("vectors-*.npz")
    cache_file.write_bytes(b"not a cache")
    with caplog.at_level(logging.WARNING, logger="index.cache"):
        rebuilt = SearchIndex.build(make_kb(), embedder, cache_dir=tmp_path)
    assert "unreadable" in caplog.text
    assert rebuilt.build_stats.from_cache == 0
    assert top(rebuilt, "fakturaen") == "politik#faktura"
    again = SearchIndex.build(make_kb(), embedder, cache_dir=tmp_path)
    assert again.build_stats.embedded == 0


def test_empty_knowledge_base(embedder: CountingEmbedder) -> None:
    empty = SearchIndex.build(KnowledgeBase(), embedder)
    assert empty.size == 0
    assert empty.search("faktura") == []
    empty.add([EAN])
    assert top(empty, "EAN numre") == "ean"


def test_missing_model_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="UDBUDSBOT_EMBEDDING_MODEL"):
        load_embedder(str(tmp_path / "no-such-model"))


def test_lean_encoder_matches_sentence_transformers(
    models: tuple[Embedder, Embedder], tmp_path: Path
) -> None:
    from sentence_transformers import SentenceTransformer

    from index.dense import BertEmbedder, SentenceTransformerEmbedder

    folder = build_tiny_model(tmp_path, seed=1)
    lean = load_embedder(str(folder))
    assert isinstance(lean, BertEmbedder)
    texts = ["hvordan sender jeg en faktura", "bill", "rengøring af skoler " * 20]
    reference = SentenceTransformer(str(folder), device="cpu").encode(
        texts, normalize_embeddings=True
    )
    assert (lean.encode(texts) * reference).sum(axis=1).min() > 0.999  # bfloat16 or float32
    assert lean.fingerprint == SentenceTransformerEmbedder(folder).fingerprint


def test_other_pooling_is_loaded_through_sentence_transformers(tmp_path: Path) -> None:
    from index.dense import SentenceTransformerEmbedder

    embedder = load_embedder(str(build_tiny_model(tmp_path, seed=3, pooling="cls")))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    index = SearchIndex.build(make_kb(), embedder)
    assert top(index, "Hvordan sender jeg en regning?", language="da") == "politik#faktura"


def test_batching_and_threads_do_not_change_the_vectors(tmp_path: Path) -> None:
    """Texts are regrouped by token count and spread over threads; each text must still get
    exactly the vector it gets when embedded alone."""
    from index.bert import BertEncoder

    encoder = BertEncoder(build_tiny_model(tmp_path, seed=3))
    words = "faktura regning udbud licitation rengøring skoler ean nummer".split()
    texts = [" ".join(words[: 1 + i % len(words)] * (1 + i % 5)) for i in range(40)]
    alone = np.array([encoder.encode([text], batch_tokens=64)[0] for text in texts])
    together = encoder.encode(texts, batch_tokens=64, workers=2)
    assert np.allclose(together, alone, atol=1e-5)
