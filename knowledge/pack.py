"""A knowledge pack: the directory of files the bot answers from.

The layout decides what each file is (see the README, "Replacing the
knowledge"): documents/ holds Markdown, PDF and DOCX documents, faq/ holds
FAQ YAML, tender plans are the CSV/XLSX files at the top or in tenders/,
and glossary.yaml is the glossary. Any other file (a README, notes) is
left alone, so staff can keep their own notes in the pack.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from knowledge.loaders.faq import load_faq_files
from knowledge.loaders.glossary import load_glossary
from knowledge.loaders.markdown import load_markdown
from knowledge.loaders.metadata import SIDECAR_SUFFIX
from knowledge.loaders.pdf import load_pdf
from knowledge.loaders.result import Loaded
from knowledge.loaders.sections import unique_ids
from knowledge.loaders.tenders import load_tender_files
from knowledge.loaders.word import load_docx
from knowledge.model import KnowledgeBase, LoadProblem, Passage
from knowledge.timing import link_problems

DOCUMENTS_DIR = "documents"
FAQ_DIR = "faq"
TENDERS_DIR = "tenders"
GLOSSARY_NAMES = ("glossary.yaml", "glossary.yml")

_DOCUMENT_LOADERS: dict[str, Callable[[Path, Path | None], Loaded[Passage]]] = {
    ".md": load_markdown,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
# Formats staff may reasonably drop where a document or a tender plan belongs, but that the
# loaders cannot read: say so rather than skip them silently.
_DOCUMENT_CONVERT = {".doc": ".docx", ".odt": ".docx", ".rtf": ".docx", ".pages": ".docx"}
_TENDERS_CONVERT = {".xls": ".xlsx", ".ods": ".xlsx", ".numbers": ".xlsx"}


class FileKind(StrEnum):
    DOCUMENT = "document"
    SIDECAR = "sidecar"
    FAQ = "faq"
    TENDERS = "tenders"
    GLOSSARY = "glossary"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class PackFile:
    kind: FileKind
    path: Path
    relative: Path


def default_pack_dir() -> Path:
    """The pack shipped with the package (knowledge/aarhus), wherever it is installed."""
    return Path(__file__).resolve().parent / "aarhus"


def pack_files(directory: Path) -> list[PackFile]:
    """The files of a pack the bot reads, sorted by path so that loading is deterministic."""
    found: list[PackFile] = []
    for path in sorted(directory.rglob("*"), key=lambda p: p.relative_to(directory).as_posix()):
        relative = path.relative_to(directory)
        if not path.is_file() or any(part.startswith((".", "~$")) for part in relative.parts):
            continue
        kind = _kind(relative)
        if kind is not None:
            found.append(PackFile(kind=kind, path=path, relative=relative))
    return found


def _kind(relative: Path) -> FileKind | None:
    suffix = relative.suffix.casefold()
    top = relative.parts[0] if len(relative.parts) > 1 else ""
    if top == DOCUMENTS_DIR:
        if relative.name.casefold().endswith(SIDECAR_SUFFIX):
            return FileKind.SIDECAR
        if suffix in _DOCUMENT_LOADERS:
            return FileKind.DOCUMENT
        return FileKind.UNSUPPORTED if suffix in _DOCUMENT_CONVERT else None
    if top == FAQ_DIR:
        return FileKind.FAQ if suffix in (".yaml", ".yml") else None
    if top in ("", TENDERS_DIR):
        if suffix in (".csv", ".xlsx"):
            return FileKind.TENDERS
        if suffix in _TENDERS_CONVERT:
            return FileKind.UNSUPPORTED
    if not top and relative.name.casefold() in GLOSSARY_NAMES:
        return FileKind.GLOSSARY
    return None


def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Everything in the pack (the shipped one by default); what could not be read is in
    ``problems``, and the rest loads."""
    root = directory if directory is not None else default_pack_dir()
    kb = KnowledgeBase()
    if not root.is_dir():
        kb.problems.append(LoadProblem(root, "knowledge directory does not exist"))
        return kb
    files = pack_files(root)

    def of(kind: FileKind) -> list[Path]:
        return [file.path for file in files if file.kind is kind]

    passages: Loaded[Passage] = Loaded()
    for file in files:
        if file.kind is FileKind.DOCUMENT:
            passages.extend(_DOCUMENT_LOADERS[file.path.suffix.casefold()](file.path, root))
        elif file.kind is FileKind.UNSUPPORTED:
            suffix = file.path.suffix.casefold()
            target = _DOCUMENT_CONVERT.get(suffix) or _TENDERS_CONVERT[suffix]
            kb.problems.append(
                LoadProblem(file.relative, f"cannot read this format: save it as {target}")
            )
    kb.passages = unique_ids(passages.records)
    faqs = load_faq_files(of(FileKind.FAQ), root)
    kb.faqs = faqs.records
    tenders = load_tender_files(of(FileKind.TENDERS), root)
    kb.tenders = tenders.records
    for path in of(FileKind.GLOSSARY):
        glossary = load_glossary(path, root)
        kb.glossary.extend(glossary.records)
        kb.problems.extend(glossary.problems)
    kb.problems.extend([*passages.problems, *faqs.problems, *tenders.problems])
    kb.problems.extend(link_problems(kb))
    kb.problems.sort(key=lambda p: (p.path.as_posix(), p.line or 0))
    return kb


def content_hash(directory: Path) -> str:
    """A fingerprint of every file the bot reads from the pack (path and bytes): the index
    cache key, so an unchanged pack is not embedded again after a restart."""
    digest = hashlib.sha256()
    for file in pack_files(directory):
        if file.kind is FileKind.UNSUPPORTED:
            continue
        data = file.path.read_bytes()
        digest.update(file.relative.as_posix().encode())
        digest.update(b"\0")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
