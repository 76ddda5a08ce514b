"""The posts' staged Markdown (docs.content_tree) kept between builds: a post whose Markdown and what it
depends on are unchanged is not staged again."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from chamberpress.build.cache_layout import cache_root
from chamberpress.build.records import ShardedRecord

if TYPE_CHECKING:
    from chamberpress.content.model import Chamber


@dataclass
class StagedPosts:
    """Posts' staged Markdown by key (docs.content_tree keys each by the post and what else it depends
    on): `known` from earlier builds, `used` by this one."""

    known: dict[str, str] = field(default_factory=dict)
    used: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def staged_posts(chamber: Chamber) -> Iterator[StagedPosts]:
    """The posts' staged Markdown made by earlier builds, kept in .cache/staged/<slug>/; what this build
    used is kept when it is done."""
    record = ShardedRecord(cache_root(chamber.folder.parent) / "staged" / chamber.slug, "staged")
    staged = StagedPosts(known={k: v for k, v in record.known.items() if isinstance(v, str)})
    yield staged
    record.save(staged.used)
