"""The versions of the engines this project reaches into, and the check that the installed ones are among
them.

The build replaces or reads internals of MkDocs, Material, Python-Markdown, jieba and Pagefind (the table
in the developer guide, docs/guide/dev/engines.md). Each is known to hold for the minor versions below, the
same ranges as pyproject.toml; outside them a build could come out silently different, so it stops first
and names the range.
"""

from __future__ import annotations

from pathlib import Path

from packaging.version import InvalidVersion, Version

from chamberpress.build.records import read_json, write_json
from chamberpress.fingerprint import Engines, engines, installation_stamp, installed_versions, use_engines
from chamberpress.i18n import _

# distribution → (lowest supported, first unsupported): keep in step with pyproject.toml.
SUPPORTED: dict[str, tuple[str, str]] = {
    "mkdocs": ("1.6", "1.7"),
    "mkdocs-material": ("9.7", "9.9"),
    "markdown": ("3.5", "3.12"),
    "pymdown-extensions": ("10.0", "14.0"),
    "jieba": ("0.42", "0.43"),
    "pagefind": ("1.3", "1.6"),
}


class UnsupportedEngine(RuntimeError):
    """An installed engine's version is outside the range this project is known to work with (exit 3)."""


def unsupported(installed: dict[str, str | None] | None = None) -> list[str]:
    """One line per engine whose installed version (`installed`: name → version, None if missing; default:
    what is installed) is outside its supported range."""
    problems = []
    for name, (low, high) in SUPPORTED.items():
        found = installed.get(name) if installed is not None else _installed(name)
        wanted = f"{name}>={low},<{high}"
        if found is None:
            problems.append(_("{name} is not installed (install {wanted!r})").format(name=name, wanted=wanted))
            continue
        try:
            ok = Version(low) <= Version(found) < Version(high)
        except InvalidVersion:
            ok = False
        if not ok:
            problems.append(
                _(
                    "{name} {found} is installed, but this version of ChamberPress works with {wanted} (install that: pip install '{wanted}')"
                ).format(name=name, found=found, wanted=wanted)
            )
    return problems


def check_engines() -> None:
    """Raise UnsupportedEngine naming every engine outside its range."""
    problems = unsupported()
    if problems:
        raise UnsupportedEngine("; ".join(problems))


def _installed(name: str) -> str | None:
    return installed_versions().get(name)


def recall_engines(record: Path) -> None:
    """The installed engines' and libraries' versions (fingerprint.engines) taken from `record` where it was
    written under the installation stamp of this process, else read and written there. Reading them imports
    importlib.metadata and looks up each package: ~35 ms of every build's start, a tenth of a text edit's
    time, for versions that change only when packages are installed (which changes the stamp)."""
    stamp = installation_stamp()
    kept = read_json(record)
    versions, libraries = kept.get("versions"), kept.get("libraries")
    if kept.get("stamp") == stamp and isinstance(versions, str) and isinstance(libraries, str):
        use_engines(Engines(versions, stamp, libraries))
        return
    found = engines()
    if found.stamp == stamp:
        write_json(record, found._asdict())
