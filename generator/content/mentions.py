"""Which published posts name which members: by full name or trade name (字号), in the title or the text.

One pass over each post's text with an Aho–Corasick automaton of every member's names (pyahocorasick), so
the work grows with the length of the posts plus the number of names, not with their product.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import ahocorasick

from chamberpress.content.trade_names import is_place, trade_name

if TYPE_CHECKING:
    from chamberpress.content.members import Member
    from chamberpress.content.news import Post

SHORTEST = 2  # a trade name of one character (红) would be found in any text


def names_of(member: Member) -> set[str]:
    """The names a post may use for a member: the full name, and the trade name unless it is too short or
    only a place (浙江集团有限公司 → 浙江)."""
    names = {member.name}
    trade = trade_name(member.name)
    if len(trade) >= SHORTEST and not is_place(trade):
        names.add(trade)
    return names


def mentions(posts: list[Post], members: list[Member]) -> dict[str, list[Post]]:
    """Member name → the posts that name it, newest first. `posts` are the published ones: drafts and
    scheduled posts must not be passed in."""
    automaton = ahocorasick.Automaton()
    owners: dict[str, set[str]] = defaultdict(set)
    for member in members:
        for name in names_of(member):
            owners[name].add(member.name)
    if not owners:
        return {}
    for name, who in owners.items():
        automaton.add_word(name, tuple(sorted(who)))
    automaton.make_automaton()
    found: dict[str, list[Post]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: (p.date, p.rel), reverse=True):
        named: set[str] = set()
        for text in (post.title, post.body):
            for _end, who in automaton.iter(text):
                named.update(who)
        for name in named:
            found[name].append(post)
    return dict(found)
