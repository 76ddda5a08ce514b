"""Material's own search (lunr, its language packs, its worker) left out of a site that does not use it: the
sites are searched with Pagefind (search/)."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

MATERIAL_SEARCH_ASSETS = ("assets/javascripts/lunr/", "assets/javascripts/workers/search.")


def without_material_search(files: Files, config: MkDocsConfig) -> Files:
    """Leave Material's own search (lunr, its language packs, its worker) out of a site that does not use it."""
    if "material/search" in config.plugins or "search" in config.plugins:
        return files
    for file in [f for f in files if f.src_uri.startswith(MATERIAL_SEARCH_ASSETS)]:
        files.remove(file)
    return files
