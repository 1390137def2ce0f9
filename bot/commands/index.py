"""``udbudsbot index build|search``: build the search index cache, and try a question on it.

``build`` embeds whatever the cache does not hold yet (everything with
``--force``), so that the bot's next start is quick; it reports counts and
time. ``search`` shows what the retrieval layer finds for a question, with
ranks and confidence, for staff checking why the bot answered as it did.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.search import SearchIndex


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("index", help="build or query the search index")
    actions = parser.add_subparsers(dest="index_action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build", help="embed the knowledge into the index cache and report counts and time"
    )
    _knowledge_option(build)
    build.add_argument(
        "--force", action="store_true", help="discard the cache and embed everything again"
    )
    build.set_defaults(handler=build_index)
    search = actions.add_parser("search", help="show the best records for a question")
    _knowledge_option(search)
    search.add_argument("question", help="the question, in quotes")
    search.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    search.add_argument("--language", choices=("da", "en"), help="the asker's language")
    search.set_defaults(handler=search_index)


def _knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knowledge",
        type=Path,
        metavar="DIR",
        help="the pack directory (default: UDBUDSBOT_KNOWLEDGE_DIR, else the shipped pack)",
    )


def _open(
    args: argparse.Namespace, *, force: bool, progress: bool
) -> tuple[SearchIndex, Path] | None:
    from bot.config import Settings
    from index.cache import clear
    from index.dense import EmbeddingModelError, load_embedder
    from index.search import SearchIndex
    from knowledge.pack import default_pack_dir, load_knowledge

    settings = Settings()
    directory: Path = args.knowledge or settings.knowledge_dir or default_pack_dir()
    if not directory.is_dir():
        print(f"udbudsbot index: no such knowledge directory: {directory}", file=sys.stderr)
        return None
    kb = load_knowledge(directory)
    for problem in kb.problems:
        print(f"warning: {problem}", file=sys.stderr)
    try:
        embedder = load_embedder(settings.embedding_model)
    except EmbeddingModelError as error:
        print(f"udbudsbot index: {error}", file=sys.stderr)
        return None
    cache_dir = settings.index_cache_dir
    if force:
        clear(cache_dir)
    return SearchIndex.build(kb, embedder, cache_dir=cache_dir, progress=progress), cache_dir


def build_index(args: argparse.Namespace) -> int:
    opened = _open(args, force=args.force, progress=True)
    if opened is None:
        return 2
    index, cache_dir = opened
    stats = index.build_stats
    print(
        f"Indexed {stats.records} records as {stats.units} texts: {stats.embedded} embedded, "
        f"{stats.from_cache} from the cache, in {stats.seconds:.1f} s."
    )
    print(f"Cache: {cache_dir} (knowledge hash {stats.knowledge_hash})")
    return 0


def search_index(args: argparse.Namespace) -> int:
    opened = _open(args, force=False, progress=False)
    if opened is None:
        return 2
    index, _ = opened
    hits = index.search(args.question, args.k, language=args.language)
    if not hits:
        print("No results.")
    for number, hit in enumerate(hits, 1):
        print(
            f"{number}. {hit.record.id} ({hit.record.kind}) confidence {hit.confidence:.2f} "
            f"lexical #{hit.lexical_rank or '-'} dense #{hit.dense_rank or '-'}"
        )
    return 0
