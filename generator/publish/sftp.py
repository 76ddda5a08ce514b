"""An SFTP server (a small cloud server with nginx): paramiko, with the user's SSH agent or keys in
`~/.ssh`, and the server's key checked against `~/.ssh/known_hosts` — an unknown server is refused, with
the command that lets the user check and trust it. Files are written aside and renamed into place
(OpenSSH's posix-rename), so that nginx never serves half a file."""

from __future__ import annotations

import contextlib
import logging
import posixpath
import queue
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import paramiko

from chamberpress.publish.address import Address
from chamberpress.publish.credentials import ENV_SFTP_PASSWORD, Credentials
from chamberpress.publish.plan import PART_PREFIX, LocalFile, Remote
from chamberpress.publish.targets import Listing, TargetError, emptied_folders, split_listed
from chamberpress.i18n import _

log = logging.getLogger(__name__)

KNOWN_HOSTS = Path("~/.ssh/known_hosts")
CHANNELS = 4  # SFTP sessions over the one connection: files sent at once, so that round trips overlap


class SftpTarget:
    parallel = CHANNELS

    def __init__(self, address: Address, credentials: Credentials) -> None:
        self.address = address
        self.root = address.path
        self._credentials = credentials
        self._idle: queue.SimpleQueue[paramiko.SFTPClient] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._made: set[str] = set()  # folders known to exist
        self._client = self._connect()

    def _connect(self) -> paramiko.SSHClient:
        address = self.address
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        known = KNOWN_HOSTS.expanduser()
        if known.is_file():
            client.load_host_keys(str(known))
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        port = address.port or 22
        try:
            client.connect(
                address.host,
                port=port,
                username=address.user,
                password=self._credentials.password,
                passphrase=self._credentials.passphrase,
                allow_agent=True,
                look_for_keys=True,
                timeout=20,
                banner_timeout=20,
                auth_timeout=20,
            )
        except paramiko.BadHostKeyException as exc:
            raise TargetError(
                _(
                    "the server's key is not the one in {known_hosts} ({key_type} {fingerprint}): it was changed, or another machine answers; ask whoever runs the server before removing the old key (ssh-keygen -R {host_spec})"
                ).format(
                    known_hosts=KNOWN_HOSTS,
                    key_type=exc.key.get_name(),
                    fingerprint=exc.key.fingerprint,
                    host_spec=_host_spec(address.host, port),
                ),
                lasting=True,
            ) from None
        except paramiko.AuthenticationException:
            raise TargetError(
                _(
                    "the server refused the login of {user}: load a key it accepts into the SSH agent (ssh-add) or ~/.ssh, or give the password in {variable}"
                ).format(user=address.user, variable=ENV_SFTP_PASSWORD),
                lasting=True,
            ) from None
        except paramiko.SSHException as exc:
            if "known_hosts" in str(exc):
                keyscan = f"ssh-keyscan{f' -p {port}' if port != 22 else ''} {address.host} >> ~/.ssh/known_hosts"
                login = f"ssh{f' -p {port}' if port != 22 else ''} {address.user}@{address.host}"
                raise TargetError(
                    _(
                        "this server is not yet trusted (its key is not in {known_hosts}). Check its fingerprint with whoever runs it, then trust it: {login} (answer yes), or {keyscan}"
                    ).format(known_hosts=KNOWN_HOSTS, login=login, keyscan=keyscan),
                    lasting=True,
                ) from None
            raise TargetError(str(exc)) from None
        except OSError as exc:
            raise TargetError(_("cannot connect: {value}").format(value=exc.strerror or exc)) from None
        return client

    @contextlib.contextmanager
    def _session(self) -> Iterator[paramiko.SFTPClient]:
        """An SFTP session over the connection, for one thread at a time: at most CHANNELS are opened (a
        server allows ten per connection). A session whose connection dropped is replaced by a new one."""
        try:
            sftp = self._idle.get_nowait()
        except queue.Empty:
            sftp = None
        if sftp is None or sftp.sock.closed:
            with self._lock:
                transport = self._client.get_transport()
                if transport is None or not transport.is_active():
                    self._client.close()
                    self._client = self._connect()
                    transport = self._client.get_transport()
                sftp = paramiko.SFTPClient.from_transport(transport)
        try:
            yield sftp
        finally:
            self._idle.put(sftp)

    def _path(self, rel: str) -> str:
        return posixpath.join(self.root, rel)

    def listing(self) -> Listing:
        """Every file under the folder, folder by folder, a level's folders listed at once."""
        listing = Listing()
        try:
            with self._session() as sftp:
                sftp.stat(self.root)
        except FileNotFoundError:
            return listing  # made on the first put
        except OSError as exc:
            raise TargetError(str(exc), lasting=True) from None
        level = [""]
        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            while level:
                following = []
                for folder, entries in zip(level, pool.map(self._list, level)):
                    self._made.add(folder)
                    for entry in entries:
                        rel = f"{folder}{entry.filename}"
                        if stat.S_ISDIR(entry.st_mode or 0):
                            if not entry.filename.startswith("."):
                                following.append(rel + "/")
                        else:
                            split_listed(rel, listing, Remote(entry.st_size or 0, str(entry.st_mtime)))
                level = following
        return listing

    def _list(self, folder: str) -> list[paramiko.SFTPAttributes]:
        with self._session() as sftp:
            return sftp.listdir_attr(self._path(folder))

    def same(self, file: LocalFile, remote: Remote) -> bool:
        return False  # SFTP gives no digest: without a record, a file is sent again

    def put(self, file: LocalFile, content_type: str, cache_control: str) -> Remote:
        with self._session() as sftp:
            return self._put(sftp, file)

    def _put(self, sftp: paramiko.SFTPClient, file: LocalFile) -> Remote:
        folder, _slash, name = file.rel.rpartition("/")
        self._make_folders(sftp, folder)
        final = self._path(file.rel)
        part = self._path(f"{folder}/{PART_PREFIX}{name}" if folder else f"{PART_PREFIX}{name}")
        mtime = int(file.mtime)
        try:
            with open(file.path, "rb") as handle:
                sftp.putfo(handle, part, file.size, confirm=False)
            sftp.utime(part, (mtime, mtime))
            sftp.posix_rename(part, final)
        except OSError as exc:
            raise TargetError(f"{exc.strerror or exc}", lasting=isinstance(exc, PermissionError)) from None
        return Remote(file.size, str(mtime))

    def _make_folders(self, sftp: paramiko.SFTPClient, folder: str) -> None:
        """Make the folder (relative to the root) and those above it where missing: the root's own too,
        and its parents on a first publish."""
        parts = folder.split("/") if folder else []
        wanted = [("", self.root)]
        wanted += [
            ("/".join(parts[: depth + 1]) + "/", self._path("/".join(parts[: depth + 1])))
            for depth in range(len(parts))
        ]
        for key, path in wanted:
            if key in self._made:
                continue
            for above in _ancestors(self.root) if key == "" else ():
                self._make(sftp, above)
            self._make(sftp, path)
            self._made.add(key)

    @staticmethod
    def _make(sftp: paramiko.SFTPClient, path: str) -> None:
        try:
            sftp.mkdir(path)
        except OSError:
            try:  # made meanwhile by another thread, or there all along
                if not stat.S_ISDIR(sftp.stat(path).st_mode or 0):
                    raise TargetError(_("{path} is a file, not a folder").format(path=path), lasting=True) from None
            except FileNotFoundError:
                raise TargetError(_("cannot make the folder {path}").format(path=path), lasting=True) from None

    def delete(self, rels: list[str]) -> None:
        with self._session() as sftp:
            self._delete(sftp, rels)

    def _delete(self, sftp: paramiko.SFTPClient, rels: list[str]) -> None:
        for rel in rels:
            try:
                sftp.remove(self._path(rel))
            except FileNotFoundError:
                pass
        for folder in emptied_folders(rels):
            try:
                sftp.rmdir(self._path(folder))
                self._made.discard(folder + "/")
            except OSError:  # not empty: it holds files of the site still
                pass

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().close()
        self._client.close()


def _ancestors(path: str) -> list[str]:
    """The folders above `path`, from the top: /srv, /srv/chambers for /srv/chambers/anhui."""
    parts = path.strip("/").split("/")[:-1]
    return ["/" + "/".join(parts[: depth + 1]) for depth in range(len(parts))]


def _host_spec(host: str, port: int) -> str:
    return host if port == 22 else f"[{host}]:{port}"
