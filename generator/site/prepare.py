"""The pages step: a loaded chamber and its printed PDFs → the docs MkDocs builds (`PreparedSite`).

`chamber build` prepares the site before MkDocs starts and hands it over (mkdocs_adapter.build_site);
`chamber serve` has the plugin prepare it at each rebuild. Both run `prepare_site`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from chamberpress import chinese
from chamberpress.build import forked
from chamberpress.build.cache_layout import cache_root
from chamberpress.content.model import Chamber
from chamberpress.print.newsletter import Printed
from chamberpress.site import blog, directory
from chamberpress.site.directory import slug_memo
from chamberpress.site.docs import (
    Tree,
    content_tree,
    editor_sources,
    members_tree,
    nav,
    printed_tree,
    split_tree,
    write_tree,
)
from chamberpress.site.staged_posts import StagedPosts, staged_posts


@dataclass(frozen=True)
class PreparedSite:
    """What MkDocs is given for one chamber, besides the shared config."""

    chamber: Chamber
    printed: Printed | None  # the newsletter issues and charter.pdf printed for this build (none under serve)
    staged: Tree  # docs written into the docs folder (posts, photos, files: Material's blog reads them there)
    generated: dict[str, str]  # docs handed to MkDocs in memory (pages, profiles)
    editor_pages: frozenset[str]  # docs paths of what editors wrote: their HTML is sanitized
    nav: list[dict[str, str]]


Printing = forked.Finished[Printed] | forked.Forked[Printed]


def prepare_site(
    chamber: Chamber,
    printing: Printing | None,
    *,
    shortcuts: bool = True,
    workers: int = 1,
    members: forked.Primed | None = None,
) -> PreparedSite:
    """The chamber's docs: the pages made from its content, then those of what `printing` printed (waited
    for once the rest is made: it runs in another process meanwhile).

    With `shortcuts`, the names and staged posts of earlier builds are taken from `.cache/`, and the
    members' docs (word cutting and pinyin for their URL names and order) are made by another process
    while this one makes the rest, when the build has two: by `members` (`prime_members`) when given."""
    with (
        slug_memo(chamber) if shortcuts else contextlib.nullcontext(),
        staged_posts(chamber) if shortcuts else contextlib.nullcontext(StagedPosts()) as posts_staged_before,
    ):
        if members is not None:
            # The roster, the chamber's facts and the published posts (profiles list those naming the member)
            # make the members' docs: drafts and scheduled posts stay here.
            making = members.send(dataclasses.replace(chamber, posts=chamber.published_posts), _name_memos())
        else:
            making = forked.call(_members_and_names, chamber, background=shortcuts and workers > 1)
        try:
            tree = content_tree(chamber, members=lambda: _learn_names(making.result()), staged=posts_staged_before)
            _later_names(chamber)  # made by the members' process as a rule: known here by now
        except BaseException:
            for helper in (making, printing):  # waited for; their errors are not the one to report
                if helper is not None:
                    with contextlib.suppress(BaseException):
                        helper.result()
            raise
    printed = printing.result() if printing else None
    tree.update(printed_tree(chamber, printed))
    staged, generated = split_tree(tree)
    return PreparedSite(chamber, printed, staged, generated, frozenset(editor_sources(chamber)), nav(chamber, printed))


def write_docs(site: PreparedSite, docs_dir: Path, *, shortcuts: bool = True) -> None:
    """Write the site's staged docs into `docs_dir`. Photos' web copies are kept by content in `.cache/`
    for the next build; without shortcuts they are made afresh beside the docs folder."""
    photos = docs_dir.parent / "photos" if not shortcuts else cache_root(site.chamber.folder.parent) / "images"
    write_tree(site.staged, docs_dir, photos)


# --- the members' docs, made by another process -------------------------------------------------------------

Names = tuple[dict[str, str], dict[str, str], dict[str, str]]


def _name_memos() -> Names:
    """The names made so far in this process: URL names, sort keys, slugs (kept by directory.slug_memo)."""
    return directory.KNOWN_SLUGS, directory.KNOWN_READINGS, chinese.KNOWN_PINYIN


def _add_names(names: Names) -> None:
    for memo, made in zip(_name_memos(), names):
        memo.update(made)


def _later_names(chamber: Chamber) -> None:
    """Names asked for after the pages step (the blog's categories, the portal's order), made now so that the
    memo keeps them with the others."""
    blog.category_slugs(chamber)
    directory.reading(chamber.info.name)


def _members_and_names(chamber: Chamber) -> tuple[Tree, Names]:
    """The members' docs, with the names made for them and _later_names: where another process makes them,
    that process alone loads the pinyin dictionary (tens of MiB) that names not yet kept need."""
    tree = members_tree(chamber)
    _later_names(chamber)
    return tree, _name_memos()


def _learn_names(made: tuple[Tree, Names]) -> Tree:
    """The members' docs; the names made in the other process join this one's, for the memo."""
    tree, names = made
    _add_names(names)
    return tree


def _members_knowing(chamber: Chamber, known: Names) -> tuple[Tree, Names]:
    """_members_and_names in a process forked before the memo of known names was read: given it first."""
    _add_names(known)
    return _members_and_names(chamber)


def prime_members() -> forked.Primed:
    """A process that loads the naming dictionaries now and makes the members' docs once sent the chamber
    (`prepare_site`): started before the content is read, whose reading leaves a core idle."""
    return forked.Primed(directory.load_dictionaries, _members_knowing)
