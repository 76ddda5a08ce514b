"""Where a build keeps what it remembers: `.cache/` beside the content folder, one folder per kind of
record, per output folder where records describe a published site. Deleting `.cache/` at any time only
costs a full build."""

from __future__ import annotations

from pathlib import Path

from chamberpress.fingerprint import fingerprint
from chamberpress.paths import PROJECT_DIR
from chamberpress.i18n import _


def project_dir_for(content_dir: Path) -> Path:
    """The project a content folder belongs to: the one with the base mkdocs.yml beside it, else ours."""
    local = content_dir.resolve().parent
    return local if (local / "mkdocs.yml").is_file() else PROJECT_DIR


def cache_root(content_dir: Path) -> Path:
    return content_dir.resolve().parent / ".cache"


def protected_folders(content_dir: Path) -> dict[str, Path]:
    """The folders no output may overlap (paths.check_output_folder), by what an editor calls them: the
    content folder, the build records, and each chamber's folder, which may be a link to a place elsewhere."""
    folders = {_("the content folder"): content_dir, _("the build records (.cache/)"): cache_root(content_dir)}
    if content_dir.is_dir():
        folders |= {
            _("the chamber folder {name}").format(name=entry.name): entry
            for entry in sorted(content_dir.iterdir())
            if entry.is_symlink() and entry.is_dir()
        }
    return folders


def out_id(out_dir: Path) -> str:
    """A short name for an output folder, by its resolved path."""
    return fingerprint(str(out_dir.resolve()))[:16]


def engines_record(content_dir: Path) -> Path:
    """The installed engines' versions and the installation stamp they were read under (build/engines.py)."""
    return cache_root(content_dir) / "engines.json"


def build_record(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """What the published site of a chamber was built from (freshness.py)."""
    return cache_root(content_dir) / "builds" / out_id(out_dir) / f"{slug}.json"


def failure_record(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """Why the last build of a chamber into this output folder failed, while it did (freshness.py): its site
    is then older than its content, and is not published."""
    return cache_root(content_dir) / "builds" / out_id(out_dir) / f"{slug}.failed.json"


def portal_record(content_dir: Path, out_dir: Path) -> Path:
    """What the portal of an output folder was last written from (portal_record.py)."""
    return cache_root(content_dir) / "portal" / f"{out_id(out_dir)}.json"


def publish_record(content_dir: Path, target: str, slug: str) -> Path:
    """What was published of a chamber's site to one target, file by file (publish/run.py)."""
    return cache_root(content_dir) / "publish" / fingerprint(target)[:16] / f"{slug}.json"


def spare_dir(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """Where the spare copy of a chamber's site is kept (output.py): the site before last, brought up to
    date by the next build and swapped in. Under .cache/, never among the published sites: it holds pages
    taken down since."""
    return cache_root(content_dir) / "spares" / out_id(out_dir) / slug


def search_record(content_dir: Path, out_dir: Path, slug: str, *, spare: bool = False) -> Path:
    """Which search bundles the published site holds (or, with `spare`, the spare copy of the site), and
    from which pages (search.py): a bundle whose pages are unchanged is kept or copied instead of indexed
    again."""
    return cache_root(content_dir) / "search" / out_id(out_dir) / f"{slug}{'.spare' if spare else ''}.json"


def drawn_record(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """The keys of the published site's news posts (kept_pages.py): an unchanged post is copied from it."""
    return cache_root(content_dir) / "drawn" / out_id(out_dir) / f"{slug}.json"


def stage_dir(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """Where a chamber's docs are staged for MkDocs when it is built on disk (output.make_scratch found no
    room in memory), kept between builds so that only what changed is written again (one per output
    folder: its builds are serialised by that folder's lock)."""
    return cache_root(content_dir) / "stage" / out_id(out_dir) / slug


def frames_dir(content_dir: Path, slug: str) -> Path:
    """The frames of a chamber's post pages as last drawn (site/frames.py), whatever the output folder: a
    frame is used only for the published page it was cut from."""
    return cache_root(content_dir) / "frames" / slug


def text_edit_record(content_dir: Path, out_dir: Path, slug: str) -> Path:
    """What the published site was built from, file by file for the news (build/text_edit.py)."""
    return cache_root(content_dir) / "text-edit" / out_id(out_dir) / f"{slug}.pickle"
