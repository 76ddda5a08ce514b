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


# Up to this many posts, each is searched for each name in turn: fewer than the automaton costs to make
# (a text edit's post against 3,000 members' 5,880 names: 5 ms against 30 ms).
FEW_POSTS = 4

Names = dict[str, tuple[str, ...]]  # a name a post may use → the members (full names) it names


def mention_names(members: list[Member]) -> Names:
    """The names posts are searched for (names_of each member), each with the members it names."""
    owners: dict[str, set[str]] = defaultdict(set)
    for member in members:
        for name in names_of(member):
            owners[name].add(member.name)
    return {name: tuple(sorted(who)) for name, who in owners.items()}


def mentions(posts: list[Post], members: list[Member], names: Names | None = None) -> dict[str, list[Post]]:
    """Member name → the posts that name it, newest first. `posts` are the published ones: drafts and
    scheduled posts must not be passed in. `names`: mention_names(members), where the caller kept it."""
    names = mention_names(members) if names is None else names
    if not names:
        return {}
    automaton = _automaton(names) if len(posts) > FEW_POSTS else None
    found: dict[str, list[Post]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: (p.date, p.rel), reverse=True):
        for name in _named(post, names, automaton):
            found[name].append(post)
    return dict(found)


def _named(post: Post, names: Names, automaton: ahocorasick.Automaton | None) -> set[str]:
    """The members a post names: every name found anywhere in its title or text (overlapping ones too), by
    the automaton of `names` where given, else name by name."""
    named: set[str] = set()
    if automaton is None:
        for name, who in names.items():
            if name in post.title or name in post.body:
                named.update(who)
        return named
    for text in (post.title, post.body):
        for _end, who in automaton.iter(text):
            named.update(who)
    return named


def _automaton(names: Names) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for name, who in names.items():
        automaton.add_word(name, who)
    automaton.make_automaton()
    return automaton
