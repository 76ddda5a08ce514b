"""The interface's language: every message the `chamber` command prints (help, progress, summaries, warnings,
errors) is written in English in the code, wrapped in `_()`, and translated from one gettext catalogue,
`locale/zh_CN/LC_MESSAGES/chamberpress.po`.

The language is Chinese unless English is asked for: `--lang en` (the CLI), else CHAMBERPRESS_LANG, else the
first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set: `en…` gives English, anything else — `zh_CN.UTF-8`,
C, POSIX, nothing set (as on Windows), another language — Chinese, since the people who run the tool are a
Chinese chamber's secretariat. The CLI writes its choice into CHAMBERPRESS_LANG for the command's duration,
so worker processes, forked or spawned, speak the same language.

The catalogue is read the first time a Chinese message is needed, from its compiled copy beside the .po
(`chamberpress.mo`, made by `make messages`) through the standard library's gettext, when that copy was
compiled from the .po as it is (its header names the .po's SHA-256): Babel's reader costs a command more than
the rest of its start when nothing is to be built. A copy made from another .po is not used: the .po itself
is read then, with Babel. English needs no catalogue at all.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gettext
import hashlib
import io
import os
from pathlib import Path
from typing import Iterator, Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DOMAIN = "chamberpress"
CATALOGUE = Path(__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
# The variables that may name the language, strongest first (GNU gettext's order, ours before them).
LANGUAGE_VARIABLES = ("CHAMBERPRESS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language() -> Language:
    """The interface's language, from the environment (the CLI puts --lang there)."""
    for name in LANGUAGE_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            # LANGUAGE is a list (en_GB:en): its first entry is the preferred one.
            return "en" if value.split(":")[0].lower().startswith("en") else "zh"
    return "zh"


@contextlib.contextmanager
def use_language(lang: Language | None) -> Iterator[None]:
    """Speak `lang` (None: as the environment says) until the block ends, in this process and in the
    worker processes it starts meanwhile (they inherit the environment)."""
    if lang is None:
        yield
        return
    before = os.environ.get("CHAMBERPRESS_LANG")
    os.environ["CHAMBERPRESS_LANG"] = lang
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CHAMBERPRESS_LANG", None)
        else:
            os.environ["CHAMBERPRESS_LANG"] = before


@functools.cache
def translations(lang: Language) -> gettext.NullTranslations:
    """The catalogue of `lang`: English is the code's own text; Chinese is the compiled catalogue when it is
    the .po's, else the .po itself."""
    if lang == "en":
        return gettext.NullTranslations()
    source = CATALOGUE.read_bytes()
    with contextlib.suppress(OSError):  # missing or damaged (gettext says OSError): the .po is read instead
        compiled = gettext.GNUTranslations(io.BytesIO(CATALOGUE.with_suffix(".mo").read_bytes()))
        if compiled_from(compiled) == source_digest(source):
            return compiled
    return gettext.GNUTranslations(io.BytesIO(compile_catalogue(source)))


def source_digest(source: bytes) -> str:
    """What names a .po's text in the header of the catalogue compiled from it."""
    return f"po-sha256:{hashlib.sha256(source).hexdigest()}"


def compiled_from(compiled: gettext.GNUTranslations) -> str:
    """The digest of the .po a compiled catalogue was made from (`source_digest`), "" if it names none."""
    return compiled.info().get("project-id-version", "").rpartition(" ")[2]


def compile_catalogue(source: bytes) -> bytes:
    """The .mo of a .po's text, its header naming the .po (as its version, `source_digest`). A fuzzy
    (unchecked) translation is left out: the English is shown instead."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(source), locale="zh_CN", domain=DOMAIN)
    catalog.version = source_digest(source)
    mo = io.BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    return mo.getvalue()


def _(message: str) -> str:
    """`message` (English, as written in the code) in the interface's language."""
    if not message:
        return message  # gettext's "" is the catalogue's header, never a message
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for a count `n` (Chinese has one form, English two)."""
    return translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message to translate where it is defined (a module-level table), for `_()` where it is shown."""
    return message


# argparse's own words (headings, its errors) come from its module-level gettext; translated from this
# catalogue so that `chamber --help` speaks one language. The msgids are argparse's (Python 3.11–3.13);
# one it changes falls back to English.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("one of the arguments %s is required"),
)


def translate_argparse() -> None:
    """Route argparse's messages through this catalogue (its module globals `_` and `ngettext`, read at
    each use). Idempotent; English stays argparse's own text."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


if __name__ == "__main__":  # `make messages`: the compiled catalogue made again from the .po
    CATALOGUE.with_suffix(".mo").write_bytes(compile_catalogue(CATALOGUE.read_bytes()))
