"""`chamber publish`: one chamber's built site sent to its target, step by step (publish_chamber).

    1. refuse a site that is not the content's      site_to_publish (build/freshness.py)
    2. connect, list the target                      open_target, Target.listing
    3. the plan: what to send, in which order        plan.make_plan, with the record of what was sent
    4. send, stage by stage, then delete             _send_all, Target.put, Target.delete
    5. keep the record of what is now there          .cache/publish/ (build/cache_layout.publish_record)

The record is written as files arrive (and whatever stops the publish), so a publish cut short, run
again, sends only what is still missing; a record lost costs only files sent again."""

from __future__ import annotations

import datetime as dt
import logging
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from chamberpress.build.cache_layout import cache_root, project_dir_for, publish_record
from chamberpress.build.freshness import is_fresh, last_failure
from chamberpress.build.records import read_json, write_json
from chamberpress.paths import is_inside
from chamberpress.publish.address import Address
from chamberpress.publish.credentials import BadCredentials, credentials_for
from chamberpress.publish.plan import (
    STAGES,
    LocalFile,
    Plan,
    Remote,
    Sent,
    cache_control,
    content_type,
    make_plan,
    site_files,
    stage_of,
)
from chamberpress.publish.targets import FolderTarget, Target, TargetError
from chamberpress.i18n import _

log = logging.getLogger(__name__)

RETRY_DELAYS = (1.0, 3.0, 9.0)  # seconds before each new try of a file that failed
SAVE_EVERY = 2.0  # seconds between writes of the record while files are sent

Progress = Callable[[int, int], None]  # (files done, files to do)


class Refused(Exception):
    """The site is not one to publish, or the target not one to publish to (exit 1); the message says why
    and what to do."""


class PublishFailed(Exception):
    """A file could not be sent or deleted, even after retries (exit 1); the message names the file and
    the target. What was sent is recorded: run again to go on."""


@dataclass
class PublishResult:
    slug: str
    address: Address
    plan: Plan
    seconds: float = 0.0
    deleted: int = 0
    dry_run: bool = False
    left_out: list[str] = field(default_factory=list)  # files of the site never sent (private, links out)

    def summary(self) -> str:
        plan = self.plan
        counts = dict(
            slug=self.slug,
            sent=len(plan.send),
            size=_size(plan.bytes),
            unchanged=plan.unchanged,
            deleted=len(plan.delete) if self.dry_run else self.deleted,
        )
        if self.dry_run:
            line = _("{slug}: {sent:,} to send ({size}), {unchanged:,} unchanged, {deleted:,} to delete").format(
                **counts
            )
        else:
            line = _("{slug}: {sent:,} sent ({size}), {unchanged:,} unchanged, {deleted:,} deleted").format(**counts)
        if plan.mended:
            line += _(", {mended:,} changed on the target").format(mended=plan.mended)
        return line + (_(" (dry run: nothing changed)") if self.dry_run else f", {self.seconds:.1f} s")


def _size(count: int) -> str:
    return f"{count / 1048576:.1f} MB" if count >= 104858 else f"{count / 1024:.1f} kB"


def site_to_publish(slug: str, content_dir: Path, out_dir: Path, *, force: bool, today: dt.date) -> Path:
    """The built site of a chamber, if it may be published: built, by a build that did not fail since, from
    the present content (unless `force`: the site as it is)."""
    site = out_dir / slug
    if site.is_symlink() or not site.is_dir():
        raise Refused(
            _("there is no site in {site}: build it first (chamber build {slug})").format(site=site, slug=slug)
        )
    failure = last_failure(slug, content_dir, out_dir)
    if failure is not None:
        raise Refused(
            _(
                "the last build failed ({failure}); the site in {site} is older than the content: mend it, build again (chamber build {slug}), then publish"
            ).format(failure=failure, site=site, slug=slug)
        )
    if not force and not is_fresh(slug, content_dir, out_dir, project_dir_for(content_dir), today):
        raise Refused(
            _(
                "the content changed since the site in {site} was built: build it again (chamber build {slug}), or publish the site as it is with --force"
            ).format(site=site, slug=slug)
        )
    return site


def check_folder_target(address: Address, content_dir: Path, out_dir: Path) -> None:
    """A folder target may not overlap the content, the build records or the built sites."""
    if address.scheme != "file":
        return
    target = Path(address.path)
    for what, folder in (
        (_("the content folder"), content_dir),
        (_("the build records"), cache_root(content_dir)),
        (_("the built sites"), out_dir),
    ):
        if is_inside(target, folder) or is_inside(folder, target):
            raise Refused(
                _("{address}: the target overlaps {what} ({folder}); publish to a folder of its own").format(
                    address=address, what=what, folder=folder
                )
            )


def publish_chamber(
    slug: str,
    site: Path,
    address: Address,
    content_dir: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> PublishResult:
    """Publish `site` to `address`; see the module's steps."""
    started = time.perf_counter()
    files, left_out = site_files(site)
    record_path = publish_record(content_dir, str(address), slug)
    record = _read_record(record_path)
    # 2. Connect and list what the target holds.
    target = _attempt(lambda: open_target(address), f"{address}")
    try:
        listing = _attempt(target.listing, f"{address}")
        # 3. The plan.
        plan = make_plan(files, listing.files, record, target.same)
        result = PublishResult(slug, address, plan, dry_run=dry_run, left_out=left_out)
        if dry_run:
            return result
        if not record and plan.delete and not force:
            shown = ", ".join(plan.delete[:3]) + (", …" if len(plan.delete) > 3 else "")
            raise Refused(
                _(
                    "{address} holds {count:,} files that are not in the site of {slug} ({shown}), and nothing was published there from here before: publishing would delete them. Publish into an empty folder, or give --force to replace them"
                ).format(address=address, count=len(plan.delete), slug=slug, shown=shown)
            )
        # 4. Send, stage by stage; then delete what the site no longer has. 5. Keep the record throughout.
        kept = {rel: sent for rel, sent in record.items() if rel in files and rel in listing.files}
        kept |= plan.found
        book = _Book(record_path, str(address), kept)
        try:
            _send_all(target, plan, book, address, progress)
            doomed = plan.delete + listing.parts
            if doomed:
                _attempt(lambda: target.delete(doomed), f"{address}: deleting {doomed[0]} and others")
            result.deleted = len(plan.delete)
        finally:
            book.save()
    finally:
        target.close()
    result.seconds = time.perf_counter() - started
    return result


def open_target(address: Address) -> Target:
    """Connect to the target (checking the server's key, logging in)."""
    if address.scheme == "sftp":
        from chamberpress.publish.sftp import SftpTarget

        return SftpTarget(address, credentials_for(address))
    if address.scheme == "s3":
        from chamberpress.publish.s3 import S3Target

        return S3Target(address, credentials_for(address))
    return FolderTarget(Path(address.path))


def _read_record(path: Path) -> dict[str, Sent]:
    files = read_json(path).get("files")
    if not isinstance(files, dict):
        return {}
    record = {}
    for rel, value in files.items():
        if isinstance(value, list) and len(value) == 3:
            md5, size, stamp = value
            if isinstance(md5, str) and isinstance(size, int) and isinstance(stamp, str):
                record[rel] = Sent(md5, size, stamp)
    return record


class _Book:
    """The record being kept while files are sent: written every few seconds and at the end."""

    def __init__(self, path: Path, target: str, files: dict[str, Sent]) -> None:
        self.path, self.target, self.files = path, target, files
        self._saved = time.monotonic()

    def sent(self, file: LocalFile, remote: Remote) -> None:
        self.files[file.rel] = Sent(file.md5, remote.size, remote.stamp)
        if time.monotonic() - self._saved > SAVE_EVERY:
            self.save()

    def save(self) -> None:
        files = {rel: [sent.md5, sent.size, sent.stamp] for rel, sent in sorted(self.files.items())}
        write_json(self.path, {"target": self.target, "files": files})
        self._saved = time.monotonic()


def _send_all(target: Target, plan: Plan, book: _Book, address: Address, progress: Progress | None) -> None:
    """Send the plan's files stage by stage: a stage starts once every file of the one before is in place."""
    total, done = len(plan.send), 0
    with ThreadPoolExecutor(max_workers=target.parallel) as pool:
        for stage in range(len(STAGES)):
            files = [file for file in plan.send if stage_of(file.rel) == stage]
            if not files:
                continue
            running = {pool.submit(_send, target, file, address): file for file in files}
            try:
                while running:
                    finished, _running = wait(running, timeout=SAVE_EVERY, return_when=FIRST_EXCEPTION)
                    for future in finished:
                        file = running.pop(future)
                        book.sent(file, future.result())  # raises the file's error: the others are cancelled
                        done += 1
                        if progress:
                            progress(done, total)
            except BaseException:
                for future in running:
                    future.cancel()
                raise


def _send(target: Target, file: LocalFile, address: Address) -> Remote:
    return _attempt(
        lambda: target.put(file, content_type(file.rel), cache_control(file.rel)), f"{file.rel} → {address}"
    )


def _attempt(action: Callable, what: str):
    """Do `action`, trying again after a pause when it fails in a way that may pass (a network error, a
    server busy); raise PublishFailed naming `what` when it does not."""
    for delay in (*RETRY_DELAYS, None):
        try:
            return action()
        except BadCredentials as exc:
            raise Refused(str(exc)) from None
        except TargetError as exc:
            if exc.lasting or delay is None:
                raise PublishFailed(f"{what}: {exc}") from None
            error = exc
        except (OSError, EOFError, ConnectionError) as exc:
            if delay is None:
                raise PublishFailed(f"{what}: {exc}") from None
            error = exc
        except Exception as exc:  # a library's own error (paramiko, botocore): may pass too
            if delay is None:
                raise PublishFailed(f"{what}: {type(exc).__name__}: {exc}") from None
            error = exc
        log.warning(
            "%s", _("{what}: {error}; trying again in {delay:.0f} s").format(what=what, error=error, delay=delay)
        )
        time.sleep(delay)
