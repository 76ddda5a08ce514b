"""A shortcut trusted only once its first results equal those of the full way (profiles drawn from a shell
or converted by their heading only, posts copied from the published site): any difference, and the full
way is taken for the rest of the build.

checked shortcut: one whose first few results are also made the full way and compared before it is used
alone, so that an input it overlooks shows up as a difference instead of a stale page.
"""

from __future__ import annotations


class Checked:
    def __init__(self, needed: int) -> None:
        self.needed = needed  # equal results before the shortcut is trusted
        self.passed = 0
        self.trusted: bool | None = None  # None while still checking; False: the full way from now on

    def compare(self, shortcut: object, full: object) -> None:
        """One result both ways."""
        if shortcut != full:
            self.trusted = False
        elif self.trusted is None:
            self.passed += 1
            if self.passed >= self.needed:
                self.trusted = True
