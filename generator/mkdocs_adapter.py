"""The edge to MkDocs: derive a chamber's config from the shared base, run a build, run the live server.

Kept apart so that another engine could replace MkDocs without touching loading or page generation.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from .cache import project_dir_for
from .model import Chamber

log = logging.getLogger(__name__)

def base_config_path(content_dir: Path) -> Path:
    """The shared `mkdocs.yml`: beside the content folder if the project has one, else the package's own."""
    return project_dir_for(content_dir) / "mkdocs.yml"


def _base_custom_dir(base: Path) -> str:
    class _Loader(yaml.SafeLoader):
        pass

    # The base config may hold MkDocs' Python tags; only the theme folder is wanted here.
    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    data = yaml.load(base.read_text(encoding="utf-8"), Loader=_Loader) or {}
    custom = (data.get("theme") or {}).get("custom_dir") or "theme/material"
    return str((base.parent / custom).resolve())


def write_chamber_config(stage: Path, *, slug: str, content_dir: Path, site_dir: Path,
                         today: str | None = None, base: Path | None = None) -> Path:
    """Write `<stage>/mkdocs.yml`: INHERIT the base, with this chamber's folders. Returns its path."""
    base = base or base_config_path(content_dir)
    docs_dir = stage / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    plugin: dict = {"slug": slug, "content_dir": str(content_dir.resolve())}
    if today:
        plugin["today"] = today
    derived = {
        "INHERIT": str(base.resolve()),
        "docs_dir": str(docs_dir.resolve()),
        "site_dir": str(site_dir.resolve()),
        "theme": {"custom_dir": _base_custom_dir(base)},
        "plugins": {"chamber": plugin},
    }
    path = stage / "mkdocs.yml"
    path.write_text(yaml.safe_dump(derived, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_site(config_file: Path, chamber: Chamber | None = None) -> MkDocsConfig:
    """One MkDocs build; `chamber`, already loaded and checked, spares the plugin loading it again."""
    config = load_config(config_file=str(config_file))
    if chamber is not None:
        config.plugins["chamber"].chamber = chamber
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return config


def serve_site(config_file: Path, dev_addr: str | None = None, open_browser: bool = False) -> None:
    from mkdocs.commands.serve import serve

    kwargs = {"dev_addr": dev_addr} if dev_addr else {}
    serve(config_file=str(config_file), livereload=True, watch_theme=True, open_in_browser=open_browser,
          **kwargs)
