"""Site search: a chunked static index (Pagefind, extended build: it segments Chinese) of the finished site.

Pagefind splits the index into small chunks, so a reader's first search fetches only the chunks for the
words typed (well under 1 MB for thousands of posts; see bench/RESULTS.md). It indexes only the elements
marked `data-pagefind-body`: the article of each page (`mark_indexed`, whatever template drew it), never
navigation, footers, the home page or news listings. Drafts and scheduled posts are never built, so they
are never indexed; pages show public member fields only, so the index holds no other.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from .markup import front_matter

log = logging.getLogger(__name__)

INDEX_DIR = "pagefind"          # the index and its script, at the site root
SEARCH_PAGE = "search.md"       # the search page (theme/material/search.html), where the header form leads
# Parts of indexed pages that are not text to find: heading permalinks (¶).
EXCLUDE_SELECTORS = ".headerlink"
# The pages Pagefind reads: every page to depth 2 and every post. News listings (news/page/N, archive,
# category) hold no indexed text, and skipping them halves the indexing time of a big chamber.
PAGES_GLOB = "{*.html,*/index.html,*/*/index.html,news/[0-9][0-9][0-9][0-9]/**/*.html}"
MATERIAL_SEARCH_ASSETS = ("assets/javascripts/lunr/", "assets/javascripts/workers/search.")
# The page's own article as Material's templates draw it (base, blog post, and ours that extend them);
# news listings draw their excerpts in other elements, so they never match.
ARTICLE = re.compile(r'<article class="md-content__inner\b')


class SearchIndexError(RuntimeError):
    """The indexer failed; the site is not put in place without its search."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    files: int
    bytes: int
    seconds: float


def without_material_search(files: Files, config: MkDocsConfig) -> Files:
    """Leave Material's own search (lunr, its language packs, its worker) out of a site that does not use it."""
    if "material/search" in config.plugins or "search" in config.plugins:
        return files
    for file in [f for f in files if f.src_uri.startswith(MATERIAL_SEARCH_ASSETS)]:
        files.remove(file)
    return files


def mark_indexed(html: str, *, homepage: bool, meta: dict) -> str:
    """The page with its article marked for the index, unless it is the home page or opts out
    (front matter `search: {exclude: true}`, as Material's search plugin reads it)."""
    if homepage or (meta.get("search") or {}).get("exclude"):
        return html
    return ARTICLE.sub('<article data-pagefind-body class="md-content__inner', html, count=1)


def search_page_markdown() -> str:
    return front_matter({"title": "搜索", "template": "search.html", "search": {"exclude": True},
                         "hide": ["navigation", "toc"]})


def _executable() -> Path:
    # The extended build segments Chinese (and Japanese) into words; the plain build does not.
    try:
        from pagefind_bin_extended import get_executable

        return get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError("the search indexer is missing: pip install 'pagefind[extended]' "
                               f"(it is a dependency of this project: pip install -e .) [{exc}]") from None


def index_site(site_dir: Path, *, index_dir: Path | None = None, language: str = "zh") -> SearchIndex:
    """Write the search index of the built site into `index_dir` (default `<site_dir>/pagefind/`).
    Raises SearchIndexError.

    Pagefind numbers pages in the order it finds them, so the same pages give the same index only where
    the folder lists them in a fixed order (disk file systems list by name hash; a memory file system by
    creation, which two drawing processes make vary). `language` is for the benchmark (which measures
    the cost of segmenting Chinese against "en").
    """
    started = time.perf_counter()
    index_dir = index_dir or site_dir / INDEX_DIR
    command = [str(_executable()), "--site", str(site_dir), "--output-path", str(index_dir), "--glob", PAGES_GLOB,
               "--force-language", language, "--exclude-selectors", EXCLUDE_SELECTORS, "--quiet"]
    shutil.rmtree(index_dir, ignore_errors=True)     # never a stale chunk beside the new ones
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SearchIndexError(f"search indexing failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    files = [p for p in index_dir.rglob("*") if p.is_file()]
    pages = len(list(index_dir.glob("fragment/*.pf_fragment")))
    result = SearchIndex(pages, len(files), sum(p.stat().st_size for p in files), time.perf_counter() - started)
    log.info("search index: %d pages, %d files, %.1f KiB in %.2f s", result.pages, result.files,
             result.bytes / 1024, result.seconds)
    return result
