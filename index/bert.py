"""A lean encoder for mean-pooled BERT sentence-transformers folders, in plain PyTorch.

Why it exists: importing ``sentence_transformers`` (and with it
``transformers``, scikit-learn and scipy) takes three to four seconds on
this class of machine, more than the whole rest of a start with a warm
index cache, and its ``encode`` adds a few milliseconds per query. The
bundled model (all-MiniLM-L6-v2) and many others are a BERT encoder
followed by mean pooling; that forward pass is a few dozen lines of
PyTorch over the folder's ``model.safetensors``, with the folder's own
``tokenizer.json`` (Hugging Face ``tokenizers``). The vectors are the same
as sentence-transformers' to within float rounding (a test checks it).

:func:`supports` says whether a folder is of that shape; anything else is
loaded with sentence-transformers by :mod:`index.dense`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer

_MODULES = {"Transformer", "Pooling", "Normalize"}


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _mean_pooling(config: dict) -> bool:
    """Mean pooling only, in the current (``pooling_mode``) or older (flags) config format."""
    if "pooling_mode" in config:
        return config["pooling_mode"] in ("mean", ["mean"])
    flags = {k: v for k, v in config.items() if k.startswith("pooling_mode_") and v is True}
    return set(flags) == {"pooling_mode_mean_tokens"}


def supports(folder: Path) -> bool:
    """Whether ``folder`` is a sentence-transformers BERT model with mean pooling only."""
    try:
        modules = _json(folder / "modules.json")
        config = _json(folder / "config.json")
        kinds = {m["type"].rsplit(".", 1)[-1]: m["path"] for m in modules}
        pooling = _json(folder / kinds["Pooling"] / "config.json")
    except (OSError, ValueError, KeyError):
        return False
    return (
        set(kinds) <= _MODULES
        and config.get("model_type") == "bert"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and config.get("hidden_act") == "gelu"
        and _mean_pooling(pooling)
        and (folder / "model.safetensors").is_file()
        and (folder / "tokenizer.json").is_file()
    )


class BertEncoder:
    """Mean-pooled, L2-normalised BERT sentence vectors."""

    def __init__(self, folder: Path, dtype: torch.dtype = torch.float32) -> None:
        config = _json(folder / "config.json")
        settings_file = folder / "sentence_bert_config.json"
        settings = _json(settings_file) if settings_file.exists() else {}
        self.max_length = int(settings.get("max_seq_length") or config["max_position_embeddings"])
        self.dimension = int(config["hidden_size"])
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_length)
        self._tokenizer.no_padding()
        self._pad_id = int(config.get("pad_token_id", 0))
        self._weights = {
            name.removeprefix("bert."): tensor.to(dtype)
            for name, tensor in load_file(str(folder / "model.safetensors")).items()
        }
        self.dtype = dtype

    def encode(self, texts: list[str], batch_tokens: int, workers: int = 1) -> np.ndarray:
        """Vectors for ``texts``, in batches of about ``batch_tokens`` tokens, on ``workers``
        threads.

        Texts are tokenised first and batched in order of their number of
        tokens, so a batch is padded to little more than its own length
        (sorted by characters instead, a third of the work was padding), and
        short texts go many to a batch, which keeps the matrix products
        large. Batches run in parallel on threads that each compute with one
        torch thread: on two cores that embeds a pack faster than one batch
        at a time on two torch threads, whose small products scale poorly.
        """
        tokens = [e.ids for e in self._tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)

        def run(chunk: list[int]) -> None:
            with torch.inference_mode():
                out[chunk] = self._batch([tokens[i] for i in chunk]).float().numpy()

        chunks = list(_batches(order, [len(t) for t in tokens], batch_tokens))
        if workers > 1 and len(chunks) > 1:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(run, chunks))
        else:
            for chunk in chunks:
                run(chunk)
        return out

    def _batch(self, tokens: list[list[int]]) -> torch.Tensor:
        length = max(map(len, tokens))
        ids = torch.full((len(tokens), length), self._pad_id)
        mask = torch.zeros((len(tokens), length), dtype=torch.bool)
        for row, sequence in enumerate(tokens):
            ids[row, : len(sequence)] = torch.tensor(sequence)
            mask[row, : len(sequence)] = True
        w = self._weights
        positions = torch.arange(ids.shape[1])
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        attention_mask = mask[:, None, None, :]
        for layer in range(self._layers):
            x = self._layer(x, attention_mask, f"encoder.layer.{layer}.")
        weights = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1)
        return torch.nn.functional.normalize(pooled.float(), dim=-1)

    def _layer(self, x: torch.Tensor, mask: torch.Tensor, prefix: str) -> torch.Tensor:
        batch, length, hidden = x.shape
        heads = self._heads

        def split(name: str) -> torch.Tensor:
            projected = self._linear(x, f"{prefix}attention.self.{name}")
            return projected.view(batch, length, heads, hidden // heads).transpose(1, 2)

        attended = torch.nn.functional.scaled_dot_product_attention(
            split("query"), split("key"), split("value"), attn_mask=mask
        )
        attended = attended.transpose(1, 2).reshape(batch, length, hidden)
        x = self._norm(
            x + self._linear(attended, f"{prefix}attention.output.dense"),
            f"{prefix}attention.output.LayerNorm",
        )
        inner = torch.nn.functional.gelu(self._linear(x, f"{prefix}intermediate.dense"))
        return self._norm(
            x + self._linear(inner, f"{prefix}output.dense"), f"{prefix}output.LayerNorm"
        )

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return torch.nn.functional.linear(
            x, self._weights[f"{name}.weight"], self._weights[f"{name}.bias"]
        )

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        w = self._weights
        return torch.nn.functional.layer_norm(
            x, (x.shape[-1],), w[f"{name}.weight"], w[f"{name}.bias"], self._eps
        )


def _batches(order: list[int], lengths: list[int], budget: int) -> Iterator[list[int]]:
    """Consecutive runs of ``order`` whose padded size (count x longest) stays within
    ``budget`` tokens; ``order`` is sorted by length, so the last one added is the longest."""
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) + 1) * lengths[i] > budget:
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch
