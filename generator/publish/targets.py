"""The places a site is published to, behind one small interface (Target): list what is there, send a file
so that it appears whole (written aside, then renamed into place, or one PUT), delete files. A folder on
this machine is here; an SFTP server in `sftp.py` (paramiko), object storage in `s3.py` (boto3); which one an
address opens is run.open_target's choice."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from chamberpress.folders import walk_files
from chamberpress.publish.plan import PART_PREFIX, LocalFile, Remote, is_private


class TargetError(Exception):
    """The target refused or failed. `lasting`: trying again cannot help (a login refused, no such bucket,
    no right to write), so the publish stops at once instead of retrying."""

    def __init__(self, message: str, *, lasting: bool = False) -> None:
        super().__init__(message)
        self.lasting = lasting


@dataclass
class Listing:
    files: dict[str, Remote] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)  # written aside by a publish cut short: removed


class Target(Protocol):
    parallel: int  # files sent at once

    def listing(self) -> Listing: ...

    def same(self, file: LocalFile, remote: Remote) -> bool:
        """Whether the target holds this content already, known without a record (else False)."""
        ...

    def put(self, file: LocalFile, content_type: str, cache_control: str) -> Remote: ...

    def delete(self, rels: list[str]) -> None: ...

    def close(self) -> None: ...


def split_listed(rel: str, listing: Listing, remote: Remote) -> None:
    """File a path found on a target: a part left over, or a file of the site (hidden ones are left alone)."""
    name = rel.rpartition("/")[2]
    if name.startswith(PART_PREFIX):
        listing.parts.append(rel)
    elif not is_private(rel):
        listing.files[rel] = remote


def emptied_folders(rels: list[str]) -> list[str]:
    """The folders that may have been left empty by deleting `rels`, deepest first."""
    folders = {rel.rsplit("/", i)[0] for rel in rels for i in range(1, rel.count("/") + 1)}
    return sorted(folders, key=lambda folder: (-folder.count("/"), folder))


class FolderTarget:
    """A folder of this machine (a web server's root, a mounted share)."""

    parallel = 4

    def __init__(self, root: Path) -> None:
        self.root = root

    def listing(self) -> Listing:
        listing = Listing()
        for rel, entry in walk_files(self.root):
            stat = entry.stat(follow_symlinks=False)
            split_listed(rel, listing, Remote(stat.st_size, str(stat.st_mtime_ns)))
        return listing

    def same(self, file: LocalFile, remote: Remote) -> bool:
        import hashlib

        with open(self.root / file.rel, "rb") as handle:
            return hashlib.file_digest(handle, "md5").hexdigest() == file.md5

    def put(self, file: LocalFile, content_type: str, cache_control: str) -> Remote:
        final = self.root / file.rel
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(f"{PART_PREFIX}{final.name}.{os.getpid()}")
        try:
            shutil.copyfile(file.path, part)
            os.chmod(part, 0o644)
            os.utime(part, (file.mtime, file.mtime))
            os.replace(part, final)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        stat = final.stat()
        return Remote(stat.st_size, str(stat.st_mtime_ns))

    def delete(self, rels: list[str]) -> None:
        for rel in rels:
            (self.root / rel).unlink(missing_ok=True)
        for folder in emptied_folders(rels):
            try:
                (self.root / folder).rmdir()
            except OSError:  # not empty: it holds files of the site still
                pass

    def close(self) -> None:
        pass
