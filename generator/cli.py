"""The `chamber` command: new, build, serve, check, newsletter, audit, publish (and the commands later modules add).

Exit codes (EXIT_CODES, also in `chamber --help` and the guide's reference): 0 success, 1 content errors (each printed
as file:line: field: problem), 2 usage errors, 3 the machine stopped the work (no Chinese font, an
unsupported MkDocs or Material version, a full disk, a busy port, an internal error), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import gc
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from chamberpress.i18n import LANGUAGES, N_, _, ngettext, translate_argparse, use_language
from chamberpress.paths import BadOutputFolder, check_output_folder

if TYPE_CHECKING:
    from chamberpress.errors import Problem

# The commands' modules are imported when a command runs: until then, Ctrl-C is handled (run). So are logging
# and the content's errors: a build with nothing to do answers without them (_unchanged).

EXIT_CODES = {
    0: N_("success"),
    1: N_("content errors (each listed as file:line: field: problem)"),
    2: N_("usage errors (the command line, or an output folder that overlaps the content)"),
    3: N_(
        "the machine stopped the work (no Chinese font, an unsupported MkDocs or Material version, a full "
        "disk, a busy port, an internal error)"
    ),
    130: N_("interrupted (Ctrl-C); a build leaves the previous site unchanged"),
}

LANG_HELP = N_("the language of messages: zh (Chinese) or en (English); default: CHAMBERPRESS_LANG, else the locale")


class UsageError(Exception):
    """A mistake in the command line (exit 2)."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", type=Path, default=Path("content"), help=_("content folder (default: content/)"))
    common.add_argument("--out", type=Path, default=Path("sites"), help=_("output folder (default: sites/)"))
    common.add_argument("--debug", action="store_true", help=_("show Python tracebacks"))
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=_(LANG_HELP))
    common.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="chamber",
        description=_("ChamberPress: websites and newsletters for chambers of commerce"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_("exit codes:")
        + "\n"
        + "\n".join(f"  {code:>3}  {_(meaning)}" for code, meaning in EXIT_CODES.items()),
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=_(LANG_HELP))
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    p = sub.add_parser("new", parents=[common], help=_("scaffold a chamber folder with a working example"))
    p.add_argument("slug")
    p.add_argument("--name", help=_("the chamber's name, e.g. 温州市安徽商会"))

    p = sub.add_parser("build", parents=[common], help=_("build sites into <out>/<slug>/ and the portal"))
    p.add_argument("slugs", nargs="*", metavar="slug")
    p.add_argument("--all", action="store_true", help=_("every chamber under the content folder"))
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help=_("chambers built at once, each in its own process (default: the CPU count)"),
    )
    p.add_argument("--force", action="store_true", help=_("rebuild even the chambers whose inputs have not changed"))
    p.add_argument(
        "--plain",
        action="store_true",
        help=_("build without any speed shortcut (caches, copied pages, memos, parallel work): slower, the same site"),
    )

    p = sub.add_parser("serve", parents=[common], help=_("live preview of one chamber"))
    p.add_argument("slug")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", help=_("address to listen on (default 127.0.0.1:8000)"))
    p.add_argument("--plain", action="store_true", help=_("preview without any speed shortcut"))

    p = sub.add_parser("check", parents=[common], help=_("validate content; exit 1 with every problem listed"))
    p.add_argument("slugs", nargs="*", metavar="slug")

    p = sub.add_parser(
        "newsletter",
        parents=[common],
        help=_("print newsletter issues (PDF) for the printer into <out>/_newsletter/<slug>/"),
    )
    p.add_argument("slug")
    p.add_argument("--issue", metavar="ID", help=_("the issue newsletters/<ID>.yml, or the name of a new one"))
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help=_("first day of the period"))
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help=_("last day of the period"))
    p.add_argument("--paper", type=str.upper, choices=["A4", "A5"], help=_("paper size (default A4)"))
    p.add_argument(
        "--bleed",
        action="store_true",
        help=_("for the print shop: pages with bleed (chamber.yml newsletter.bleed, default 3mm) and crop marks"),
    )
    p.add_argument(
        "--booklet",
        action="store_true",
        help=_("blank pages before the back cover make the page count a multiple of 4 (as newsletter.booklet)"),
    )

    p = sub.add_parser(
        "audit", parents=[common], help=_("seven-haves report (七有) for the office, written to <out>/_audit/")
    )
    p.add_argument("slugs", nargs="*", metavar="slug", help=_("chambers to audit (default: all)"))
    p.add_argument("--year", type=_year, help=_("the audit year (default: the current year)"))

    p = sub.add_parser(
        "publish",
        parents=[common],
        help=_("send built sites to where they are served: a folder, sftp:// or s3:// (OSS, COS, Kodo, OBS)"),
        description=_(
            "Send a built site to the target in its chamber.yml (publish: to:), only the files that changed, assets before the pages that use them. Secrets come from the environment (CHAMBER_SFTP_PASSWORD, CHAMBER_S3_ACCESS_KEY_ID, CHAMBER_S3_SECRET_ACCESS_KEY) or ~/.config/chamberpress/credentials.yml, never from chamber.yml."
        ),
    )
    p.add_argument("slugs", nargs="*", metavar="slug")
    p.add_argument("--all", action="store_true", help=_("every chamber whose chamber.yml has a publish target"))
    p.add_argument(
        "--to",
        metavar="TARGET",
        help=_("publish one chamber here instead: a folder, sftp://user@host[:port]/path or s3://bucket/prefix"),
    )
    p.add_argument("--dry-run", action="store_true", help=_("show what would be sent and deleted; change nothing"))
    p.add_argument(
        "--force",
        action="store_true",
        help=_(
            "publish a site built before its content last changed, and replace files on a target that were not published from here"
        ),
    )

    p = sub.add_parser(
        "wechat",
        parents=[common],
        help=_("paste-ready WeChat (公众号) articles for the secretariat into <out>/_wechat/<slug>/ (never published)"),
    )
    p.add_argument("slug")
    p.add_argument(
        "post", nargs="?", help=_("the post's file in the chamber folder, e.g. news/2026/2026-08-12-dahui.md")
    )
    p.add_argument("--latest", type=_count, metavar="N", help=_("the N newest published posts instead"))
    return parser


def _chosen_language(argv: list[str] | None) -> str | None:
    """--lang, read before the parser is made, so that its help and its errors are in that language (a wrong
    value is left to the parser to report). Read by hand: an argparse parser would already need the catalogue."""
    args = sys.argv[1:] if argv is None else argv
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    return chosen if chosen in LANGUAGES else None


def _count(text: str) -> int:
    if not (text.isdigit() and int(text) >= 1):
        raise argparse.ArgumentTypeError(_("{text!r} is not a number of posts such as 3").format(text=text))
    return int(text)


def _year(text: str) -> int:
    if not (text.isdigit() and 2000 <= int(text) <= 2100):
        raise argparse.ArgumentTypeError(_("{text!r} is not a year such as 2026").format(text=text))
    return int(text)


def _date(text: str) -> dt.date:
    from chamberpress.chinese import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("{exc}; write it as 2026-07-01").format(exc=exc)) from None


def _slugs(args: argparse.Namespace, *, allow_all: bool = True) -> list[str]:
    from chamberpress.folders import chamber_slugs

    found = chamber_slugs(args.content)
    if getattr(args, "all", False) or (allow_all and not args.slugs):
        if not found:
            raise UsageError(_("no chamber folders (with a chamber.yml) under {content}/").format(content=args.content))
        return found
    return list(args.slugs)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(str(problem), file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    slugs = _build_slugs(args)
    if len(slugs) == 1 and args.jobs > 1 and not args.plain:
        # Built in this process (build_many), its index needs an indexer: one starts loading its dictionary
        # while the build's modules are imported (a tenth of a second or two on each side).
        from chamberpress.search.index import warm_up_indexers

        warm_up_indexers(1)
    from chamberpress.build.pipeline import BuildLocked, build_many
    from chamberpress.errors import ContentError

    failed = 0
    progress = _Progress(len(slugs))
    for done, (slug, result) in enumerate(
        build_many(
            slugs,
            args.content,
            args.out,
            today=args.today,
            jobs=args.jobs,
            force=args.force,
            plain=args.plain,
            stale=getattr(args, "stale", None),  # found by _unchanged
        ),
        start=1,
    ):
        progress.clear()
        if isinstance(result, ContentError):
            failed += 1
            count = len(result.problems)
            print(
                ngettext(
                    "✗ {slug}: {count} content error; the previous site is unchanged",
                    "✗ {slug}: {count} content errors; the previous site is unchanged",
                    count,
                ).format(slug=slug, count=count),
                file=sys.stderr,
            )
            _print_problems(result.problems + result.warnings)
        elif isinstance(result, BuildLocked):
            failed += 1
            print(f"✗ {slug}: {result}", file=sys.stderr)
        elif result.skipped:
            _say_skipped(slug)
        elif result.text_edit is not None and result.summaries_shown:
            _print_problems(result.warnings)
            print(
                _(
                    "✓ {slug}: only the text of {count} post(s) changed, their summaries too; {pages} files rewritten in {seconds:.1f} s → {site_dir}/index.html"
                ).format(
                    slug=slug,
                    count=len(result.text_edit),
                    pages=len(result.text_edit) + len(result.summaries_shown),
                    seconds=result.seconds,
                    site_dir=result.site_dir,
                ),
                flush=True,
            )
        elif result.text_edit is not None:
            _print_problems(result.warnings)
            print(
                ngettext(
                    "✓ {slug}: only the text of {count} post changed; its page rewritten in {seconds:.1f} s → {site_dir}/index.html",
                    "✓ {slug}: only the text of {count} posts changed; their pages rewritten in {seconds:.1f} s → {site_dir}/index.html",
                    len(result.text_edit),
                ).format(slug=slug, count=len(result.text_edit), seconds=result.seconds, site_dir=result.site_dir),
                flush=True,
            )
        else:
            _print_problems(result.warnings)
            print(
                _("✓ {slug}: {pages} pages in {seconds:.1f} s → {site_dir}/index.html").format(
                    slug=slug, pages=result.pages, seconds=result.seconds, site_dir=result.site_dir
                ),
                flush=True,
            )
        progress.show(done)
    progress.clear()
    print(_("portal: {portal}").format(portal=_portal(args)))
    return 1 if failed else 0


def _build_slugs(args: argparse.Namespace) -> list[str]:
    if not args.slugs and not args.all:
        raise UsageError(_("name the chambers to build, or use --all"))
    return _slugs(args)


def _unchanged(args: argparse.Namespace) -> bool:
    """`chamber build` when every chamber named is as it was at its last good build: says so (as the build
    would, build_many skipping each) and writes the portal if it would differ, having loaded no more than
    the build records (no logging, no engines, none of the build's modules)."""
    slugs = _build_slugs(args)
    args.stale = _stale(args, slugs)
    if args.stale:
        return False
    for slug in slugs:
        _say_skipped(slug)
    print(_("portal: {portal}").format(portal=_portal(args)))
    return True


def _portal(args: argparse.Namespace) -> Path:
    """The portal, written again unless it is as its inputs give it (never with --force or --plain)."""
    from chamberpress.build.portal_record import PAGE_FILE, portal_current

    if not (args.force or args.plain) and portal_current(args.out, args.content, dt.date.today()):
        return args.out / PAGE_FILE
    from chamberpress.build.portal import write_portal

    _log_in_language(args.debug)  # drawing it may warn (a site's summary unreadable)
    return write_portal(args.out, args.content)


def _say_skipped(slug: str) -> None:
    print(_("· {slug}: unchanged since the last build, skipped").format(slug=slug), flush=True)


def _stale(args: argparse.Namespace, slugs: list[str]) -> dict[str, str | None]:
    """The chambers named that are not as they were at their last good build, each with the inputs key taken
    (build_many builds those, and skips the others); all of them with --force or --plain."""
    from chamberpress.build.cache_layout import project_dir_for
    from chamberpress.build.freshness import is_fresh

    if args.force or args.plain:
        return dict.fromkeys(slugs)
    project = project_dir_for(args.content)
    day = args.today or dt.date.today()
    stale: dict[str, str | None] = {}
    for slug in slugs:
        keys: dict[str, str] = {}
        if not is_fresh(slug, args.content, args.out, project, day, keys):
            stale[slug] = keys.get(slug)
    return stale


class _Progress:
    """A one-line progress bar on a terminal; nothing when the output is a file or a pipe."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.active = sys.stderr.isatty() and total > 1

    def show(self, done: int) -> None:
        if self.active and done < self.total:
            filled = round(30 * done / self.total)
            sys.stderr.write(f"\r[{'█' * filled}{'░' * (30 - filled)}] {done}/{self.total}")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.active:
            sys.stderr.write("\r" + " " * 45 + "\r")


def cmd_check(args: argparse.Namespace) -> int:
    from chamberpress.content.load import load_chamber
    from chamberpress.errors import ContentError
    from chamberpress.print.newsletter import load_issues
    from chamberpress.print.rules import publication_warnings

    errors = 0
    for slug in _slugs(args):
        try:
            chamber = load_chamber(args.content, slug, today=args.today)
            issues = load_issues(chamber)
        except ContentError as exc:
            errors += len(exc.problems)
            _print_problems(exc.problems + exc.warnings)
            continue
        _print_problems(chamber.warnings + publication_warnings(chamber, issues))
        print(_("✓ {slug}: no errors").format(slug=slug), file=sys.stderr)
    if not args.slugs or getattr(args, "all", False):
        from chamberpress.build.portal import PORTAL_FILE, load_portal_info

        try:
            load_portal_info(args.content)  # the portal's own file, beside the chambers
        except ContentError as exc:
            errors += len(exc.problems)
            _print_problems(exc.problems + exc.warnings)
        else:
            if (args.content / PORTAL_FILE).is_file():
                print(_("✓ {file}: no errors").format(file=PORTAL_FILE), file=sys.stderr)
    return 1 if errors else 0


def cmd_audit(args: argparse.Namespace) -> int:
    from chamberpress.audit.report import (
        CityAudit,
        audit_chamber,
        newsletter_issue_years,
        pdf_name,
        summary_table,
        write_report,
    )
    from chamberpress.content.load import load_chamber
    from chamberpress.errors import ContentError, Problems

    today = args.today or dt.date.today()
    year = args.year or today.year
    audits, unaudited = [], {}
    for slug in _slugs(args):
        try:
            chamber = load_chamber(args.content, slug, today=today)
            problems = Problems(args.content.parent)
            years = newsletter_issue_years(chamber, problems)
            problems.raise_if_errors()
        except ContentError as exc:
            unaudited[slug] = len(exc.problems)
            count = len(exc.problems)
            print(
                ngettext(
                    "✗ {slug}: {count} content error; not audited",
                    "✗ {slug}: {count} content errors; not audited",
                    count,
                ).format(slug=slug, count=count),
                file=sys.stderr,
            )
            _print_problems(exc.problems + exc.warnings)
            continue
        _print_problems(chamber.warnings + problems.warnings)
        audits.append(audit_chamber(chamber, year, years))
    city = CityAudit(year, today, audits)
    report = write_report(city, args.out, unaudited=unaudited)
    print(summary_table(city))
    print(
        _("\nreport: {report}/index.html  ·  figures: {report}/audit.json  ·  PDF: {report}/{pdf_name}").format(
            report=report, pdf_name=pdf_name(year)
        )
    )
    return 1 if unaudited else 0


def cmd_serve(args: argparse.Namespace) -> int:
    import tempfile

    from chamberpress.content.load import load_chamber
    from chamberpress.site.mkdocs_adapter import serve_site, write_chamber_config

    load_chamber(args.content, args.slug, today=args.today)  # refuse to start on broken content
    _check_address(args.dev_addr)
    with tempfile.TemporaryDirectory(prefix=f"chamber-serve-{args.slug}-") as stage:
        config_file = write_chamber_config(
            Path(stage), slug=args.slug, content_dir=args.content, site_dir=Path(stage) / "site", plain=args.plain
        )
        serve_site(config_file, dev_addr=args.dev_addr, plain=args.plain)
    return 0


def _check_address(address: str) -> None:
    """Refuse a busy or malformed --dev-addr before MkDocs starts, naming the address."""
    host, _colon, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(
            _("--dev-addr {address!r}: write it as host:port, e.g. 127.0.0.1:8000").format(address=address)
        )
    import socket

    try:
        with socket.create_server((host.strip("[]"), int(port))):
            pass
    except OSError as exc:
        raise AddressBusy(
            _(
                "cannot listen on {address}: {strerror}; another program (perhaps another chamber serve) uses it: choose another, e.g. --dev-addr {host}:{value}"
            ).format(address=address, strerror=exc.strerror, host=host, value=int(port) + 1)
        ) from None


class AddressBusy(Exception):
    """--dev-addr cannot be listened on (exit 3)."""


def cmd_new(args: argparse.Namespace) -> int:
    from chamberpress.content.scaffold import scaffold

    for path, what in scaffold(args.content, args.slug, name=args.name):
        print(f"  {path}  — {what}")
    print(_("\nPreview with: chamber serve {slug}    Build with: chamber build {slug}").format(slug=args.slug))
    return 0


def cmd_newsletter(args: argparse.Namespace) -> int:
    """One issue (--issue, and/or a period) or every issue file of the chamber, printed into
    <out>/_newsletter/<slug>/ for the printer (the site's own copies are printed by `chamber build`)."""
    from dataclasses import replace

    from chamberpress.content.load import load_chamber
    from chamberpress.print.newsletter import (
        ISSUE_ID,
        PRINTS_DIR,
        default_issue_id,
        load_issues,
        period_issue,
        write_issue,
    )
    from chamberpress.print.pdf import find_fonts
    from chamberpress.print.rules import publication_warnings

    chamber = load_chamber(args.content, args.slug, today=args.today)
    _print_problems(chamber.warnings)
    issues = load_issues(chamber)
    defined = {issue.id: issue for issue in issues}
    if args.issue is not None and not ISSUE_ID.match(args.issue):
        raise UsageError(_("--issue {issue!r}: use letters, digits, - and _ (e.g. 2026-q3)").format(issue=args.issue))
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(_("--from is after --to"))
    if args.issue in defined:
        issue = defined[args.issue]
        if args.date_from or args.date_to:
            period = replace(
                issue.definition, from_=args.date_from or issue.definition.from_, to=args.date_to or issue.definition.to
            )
            issue = replace(issue, definition=period)
        chosen = [issue]
    elif args.date_from or args.date_to:
        date_to = args.date_to or chamber.today
        chosen = [period_issue(args.issue or default_issue_id(args.date_from, date_to), args.date_from, date_to)]
    elif args.issue:
        raise UsageError(
            _(
                "there is no {slug}/newsletters/{issue}.yml; give --from and --to to print every post of a period"
            ).format(slug=args.slug, issue=args.issue)
        )
    elif issues:
        chosen = issues
    else:
        raise UsageError(
            _("{slug} has no newsletters/*.yml; give --from and --to (e.g. --from 2026-07-01 --to 2026-09-30)").format(
                slug=args.slug
            )
        )
    _print_problems(publication_warnings(chamber, chosen))
    fonts = find_fonts()
    # Not into the site: `chamber build` replaces it whole, and publishes the issues of newsletters/*.yml.
    # This copy is the print shop's: bleed and the booklet's blank pages are for it alone.
    out_dir = args.out / PRINTS_DIR / args.slug
    settings = chamber.info.newsletter
    bleed_mm = (settings.bleed_mm or 3.0) if args.bleed else (settings.bleed_mm or 0)
    for issue in chosen:
        result = write_issue(
            chamber,
            issue,
            out_dir,
            paper=args.paper,
            fonts=fonts,
            bleed_mm=bleed_mm,
            booklet=args.booklet or settings.booklet,
        )
        _print_problems(result.warnings)
        print(
            _("✓ {slug}: {number} ({pages} pages, {size:.1f} MB) → {pdf}").format(
                slug=args.slug,
                number=result.number,
                pages=result.pdf.pages,
                size=result.pdf.size / 1048576,
                pdf=result.pdf.path,
            )
        )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from chamberpress.content.chamber import load_chamber_info
    from chamberpress.errors import Problems
    from chamberpress.build.pipeline import BuildLocked, chamber_lock
    from chamberpress.publish.address import BadAddress, parse_address
    from chamberpress.publish.run import (
        PublishFailed,
        Refused,
        check_folder_target,
        publish_chamber,
        site_to_publish,
    )

    if not args.slugs and not args.all:
        raise UsageError(_("name the chambers to publish, or use --all"))
    if args.to and (args.all or len(args.slugs) > 1):
        raise UsageError(_("--to names the target of one chamber: give one chamber"))
    today = args.today or dt.date.today()
    failed = 0
    for slug in _slugs(args):
        problems = Problems(args.content.parent)
        info = load_chamber_info(args.content / slug, problems)
        if info is None or problems.errors:
            failed += 1
            print(_("✗ {slug}: chamber.yml has errors; nothing published").format(slug=slug), file=sys.stderr)
            _print_problems(problems.items)
            continue
        target = info.publish
        try:
            if args.to:
                options = {}
                if args.to.startswith("s3://") and target is not None:
                    options = {"endpoint": target.endpoint, "region": target.region, "addressing": target.addressing}
                address = parse_address(args.to, base=Path.cwd(), **options)
            elif target is None:
                if args.all:
                    print(_("· {slug}: no publish target in chamber.yml, skipped").format(slug=slug))
                    continue
                raise Refused(
                    _("no publish target: add publish: to: … to {path}, or give --to").format(
                        path=args.content / slug / "chamber.yml"
                    )
                )
            else:
                address = parse_address(
                    target.to, endpoint=target.endpoint, region=target.region, addressing=target.addressing
                )
            with chamber_lock(args.out, slug):  # no build swaps the site while it is sent
                site = site_to_publish(slug, args.content, args.out, force=args.force, today=today)
                check_folder_target(address, args.content, args.out)
                progress = _Progress(0)

                def show(done: int, total: int, progress: _Progress = progress) -> None:
                    progress.total, progress.active = total, sys.stderr.isatty() and total > 1
                    progress.show(done)

                try:
                    result = publish_chamber(
                        slug, site, address, args.content, dry_run=args.dry_run, force=args.force, progress=show
                    )
                finally:
                    progress.clear()
        except BadAddress as exc:
            if args.to:
                raise UsageError(f"--to {args.to}: {exc}") from None
            failed += 1
            print(_("✗ {slug}: publish: {problem}").format(slug=slug, problem=exc), file=sys.stderr)
            continue
        except (Refused, PublishFailed, BuildLocked) as exc:
            failed += 1
            print(f"✗ {slug}: {exc}", file=sys.stderr)
            continue
        if args.dry_run:
            print(f"{slug} → {address}:")
            marks = {"new": "+", "changed": "~", "changed on the target": "!"}
            for file in result.plan.send:
                print(f"  {marks[result.plan.why[file.rel]]} {file.rel}")
            for rel in result.plan.delete:
                print(f"  - {rel}")
        print(f"✓ {result.summary()}", flush=True)
    return 1 if failed else 0


def cmd_wechat(args: argparse.Namespace) -> int:
    """One post, or the newest few, as WeChat articles with the values for WeChat's form, for the editor."""
    from chamberpress.content.load import load_chamber
    from chamberpress.wechat.editor import find_post, latest_posts, require_site_url, write_article

    if (args.post is None) == (args.latest is None):
        raise UsageError(_("name one post (e.g. news/2026/2026-08-12-dahui.md) or give --latest N"))
    chamber = load_chamber(args.content, args.slug, today=args.today)
    _print_problems(chamber.warnings)
    require_site_url(chamber)
    if args.post is not None:
        post = find_post(chamber, args.post)
        if post is None:
            raise UsageError(
                _(
                    "{post!r} is not a post of {slug}: give its file under {content}/{slug}/, e.g. news/2026/2026-08-12-dahui.md"
                ).format(post=args.post, slug=args.slug, content=args.content)
            )
        posts = [post]
    else:
        posts = latest_posts(chamber, args.latest)
        if not posts:
            raise UsageError(_("{slug} has no published post yet").format(slug=args.slug))
    for post in posts:
        written = write_article(chamber, post, args.out)
        print(f"✓ {args.slug}: {post.title} → {written.path}")
        for notice in written.notices:
            print(f"  ! {notice}", file=sys.stderr)
    return 0


COMMANDS = {
    "build": cmd_build,
    "check": cmd_check,
    "serve": cmd_serve,
    "new": cmd_new,
    "audit": cmd_audit,
    "newsletter": cmd_newsletter,
    "publish": cmd_publish,
    "wechat": cmd_wechat,
}


def main(argv: list[str] | None = None, *, leaving: bool = False, interrupt: "_Interrupt | None" = None) -> int:
    """Run a command; `leaving`: the process leaves right after (run); `interrupt`: Ctrl-C handled since.
    It speaks the language of --lang, else of the environment (chamberpress.i18n), and so do its workers."""
    translate_argparse()
    lang = _chosen_language(argv)
    with use_language(lang):
        return _main(argv, leaving=leaving, interrupt=interrupt)


def _main(argv: list[str] | None, *, leaving: bool, interrupt: "_Interrupt | None") -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if leaving and args.command == "build":
        # What the last build leaves is left to the exit: the cycle collector, turned back on after a build
        # (build.pipeline._cycle_collection_paused), would at once walk everything the build made, for
        # nothing. Each build of several still collects what the one before it left.
        gc.disable()
    interrupt = interrupt or _Interrupt()
    try:
        with interrupt.handled():
            if args.command != "serve":
                from chamberpress.build.cache_layout import protected_folders

                check_output_folder(args.out, protected_folders(args.content))
            if args.command == "build" and _unchanged(args):
                # The engines need no check then: their versions are in the key of each chamber's last good
                # build, which checked them.
                return 0
            _log_in_language(args.debug)
            if args.command in ("build", "serve"):
                from chamberpress.build.cache_layout import engines_record
                from chamberpress.build.engines import check_engines, recall_engines

                recall_engines(engines_record(args.content))
                check_engines()  # a build with other engines could come out silently different
            return COMMANDS[args.command](args)
    except BaseException as exc:  # noqa: BLE001 - each kind is reported below, in the editor's terms
        return _report(exc, interrupted=interrupt.received, parser=parser, debug=args.debug, command=args.command)


# Log levels as a log line names them (_log_in_language).
LEVELS = {"DEBUG": N_("debug"), "INFO": N_("info"), "WARNING": N_("warning"), "ERROR": N_("error")}


def _log_in_language(debug: bool) -> None:
    """Log lines as `warning: message`, the level in the interface's language (set up once a command has
    work to do: logging's import is a large part of a build that has nothing to do)."""
    import logging

    class LevelInLanguage(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            level = LEVELS.get(record.levelname)
            return f"{_(level) if level else record.levelname}: {record.getMessage()}"

    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(LevelInLanguage())


# What an interrupted command leaves, by command.
INTERRUPTED = {
    "build": N_("the previous site is unchanged"),
    "newsletter": N_("the previous site is unchanged"),
    "audit": N_("the previous site is unchanged"),
    "publish": N_(
        "the target holds what was sent so far, never a page without its files; run the same command again to finish"
    ),
}


def _report(
    exc: BaseException, *, interrupted: bool, parser: argparse.ArgumentParser, debug: bool, command: str = "build"
) -> int:
    """Print one clear message for what stopped a command and return its exit code (EXIT_CODES)."""
    if interrupted:
        # Whatever the interrupt broke on its way (a pipe, a child process) is the interrupt.
        left = _(INTERRUPTED.get(command, N_("nothing was changed")))
        print(_("interrupted: {left}").format(left=left), file=sys.stderr)
        return 130
    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, (UsageError, BadOutputFolder)):
        parser.error(str(exc))  # exits 2
    from chamberpress.errors import ContentError

    if isinstance(exc, ContentError):
        _print_problems(exc.problems + exc.warnings)
        return 1
    from chamberpress.print.pdf import FontMissing

    from chamberpress.build.engines import UnsupportedEngine
    from chamberpress.build.site_folders import SiteInUse

    if isinstance(exc, (FontMissing, AddressBusy, UnsupportedEngine, SiteInUse)):
        print(_("chamber: {problem}").format(problem=exc), file=sys.stderr)
        return 3
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            _(
                "chamber: no room left on the disk{where}: free some space and run the command again; the previous site is unchanged"
            ).format(where=where),
            file=sys.stderr,
        )
        return 3
    if debug or not isinstance(exc, Exception):
        raise exc
    print(
        _("chamber: {kind}: {exc} (run again with --debug for the traceback)").format(kind=type(exc).__name__, exc=exc),
        file=sys.stderr,
    )
    return 3


class _Interrupt:
    """Ctrl-C ends a command with one line and exit 130. The first SIGINT raises KeyboardInterrupt here;
    later ones are ignored so that the clean-up (removing a half-built site) is not cut short. Child
    processes leave quietly on it (forked.quiet_on_interrupt): the whole process group receives it."""

    def __init__(self) -> None:
        self.received = False

    @contextlib.contextmanager
    def handled(self) -> Iterator[None]:
        if (
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler
            or threading.current_thread() is not threading.main_thread()
        ):
            yield  # SIGINT ignored (a background job) or set by the caller: left as it is
            return
        signal.signal(signal.SIGINT, self._on_signal)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def _on_signal(self, signum: int, frame: object) -> None:
        if not self.received:
            self.received = True
            raise KeyboardInterrupt


def run() -> None:
    """The `chamber` command. Once its work is done it leaves without the interpreter's teardown: freeing
    a large chamber's build object by object would keep the editor waiting after the site is in place."""
    interrupt = _Interrupt()
    with interrupt.handled():  # from the start: the commands' imports take a moment too
        try:
            code = main(leaving=True, interrupt=interrupt)
        except KeyboardInterrupt:  # between the handler and main's own handling
            with use_language(_chosen_language(None)):
                code = _report(KeyboardInterrupt(), interrupted=True, parser=_parser(), debug=False)
    sys.stdout.flush()
    sys.stderr.flush()
    if "logging" in sys.modules:  # set up by a command that had work to do
        sys.modules["logging"].shutdown()
    os._exit(code)


if __name__ == "__main__":
    run()
