"""Splitting long texts for platforms with a message size limit, and shortening them to a
line."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# Coarsest first: paragraphs, lines, sentences, words.
_SEPARATORS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    _SENTENCE_END,
    re.compile(r"\s+"),
)


def split_message(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at the coarsest boundary that fits.

    Paragraphs are kept whole where possible, then lines, sentences and
    words; a single word longer than ``limit`` is cut hard. Whitespace at the
    cuts is dropped; nothing else is.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    text = text.strip()
    if not text:
        return []
    return _split(text, limit, 0)


def _split(text: str, limit: int, level: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    parts: list[str] = []
    current = ""
    pattern = _SEPARATORS[level]
    position = 0
    for match in [*pattern.finditer(text), None]:
        piece = text[position : match.start() if match else len(text)]
        separator = match.group() if match else ""
        position = match.end() if match else len(text)
        candidate = current + piece
        if len(candidate) <= limit:
            current = candidate + separator
            continue
        if current.strip():
            parts.append(current.strip())
        if len(piece) > limit:
            parts.extend(_split(piece, limit, level + 1))
            current = ""
        else:
            current = piece + separator
    if current.strip():
        parts.append(current.strip())
    return parts


def one_line(text: str, limit: int) -> str:
    """``text`` on one line (whitespace collapsed), cut with "…" to at most ``limit`` characters:
    how a question is quoted in lists and notices."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
