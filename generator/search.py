"""Site search: a chunked static index (Pagefind, extended build: it segments Chinese) of the finished site.

Pagefind splits the index into small chunks, so a reader's first search fetches only the chunks for the
words typed (well under 1 MB for thousands of posts; see bench/RESULTS.md). It indexes only the parts of
pages marked `data-pagefind-body` (theme/material/partials/content.html): each page's own text, never
navigation, footers or listings. Drafts and scheduled posts are never built, so they are never indexed.
"""

from __future__ import annotations

import logging
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .markup import front_matter

log = logging.getLogger(__name__)

INDEX_DIR = "pagefind"          # the index and its script, at the site root
SEARCH_PAGE = "search.md"       # the search page (theme/material/search.html), where the header form leads
# Parts of indexed pages that are not text to find: heading permalinks (¶).
EXCLUDE_SELECTORS = ".headerlink"


class SearchIndexError(RuntimeError):
    """The indexer failed; the site is not put in place without its search."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    files: int
    bytes: int
    seconds: float


def search_page_markdown() -> str:
    return front_matter({"title": "搜索", "template": "search.html", "search": {"exclude": True},
                         "hide": ["navigation", "toc"]})


def _executable() -> Path:
    # The extended build segments Chinese (and Japanese) into words; the plain build does not.
    from pagefind_bin_extended import get_executable

    return get_executable()


def index_site(site_dir: Path) -> SearchIndex:
    """Write `<site_dir>/pagefind/`: the search index of the built site. Raises SearchIndexError."""
    started = time.perf_counter()
    command = [str(_executable()), "--site", str(site_dir), "--output-subdir", INDEX_DIR,
               "--force-language", "zh", "--exclude-selectors", EXCLUDE_SELECTORS, "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SearchIndexError(f"search indexing failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    index_dir = site_dir / INDEX_DIR
    files = [p for p in index_dir.rglob("*") if p.is_file()]
    pages = len(list(index_dir.glob("fragment/*.pf_fragment")))
    result = SearchIndex(pages, len(files), sum(p.stat().st_size for p in files), time.perf_counter() - started)
    log.info("search index: %d pages, %d files, %.1f KiB in %.2f s", result.pages, result.files,
             result.bytes / 1024, result.seconds)
    return result
