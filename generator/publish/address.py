"""Where a site is published, as written in `chamber.yml` (`publish:`) or after `--to`: a folder (a path or
`file:///…`), `sftp://user@host[:port]/path`, or `s3://bucket/prefix` with the options of S3-compatible
storage (endpoint, region, addressing). Pure: parsing and checking only, never a connection.

An address never holds a secret: a password in a URL is refused here, and keys named like secrets in
`publish:` are refused by the chamber.yml check (SECRET_KEYS)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from chamberpress.i18n import _

ADDRESSING = ("virtual", "path")
# Keys that hold secrets: never in chamber.yml, which every volunteer who edits the site can read.
SECRET_KEYS = frozenset(
    {
        "password",
        "passphrase",
        "secret",
        "secret_key",
        "secret_access_key",
        "access_key",
        "access_key_id",
        "access_key_secret",
        "accesskeyid",
        "accesskeysecret",
        "secretid",
        "secret_id",
        "token",
        "session_token",
        "private_key",
        "key",
        "credentials",
    }
)
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
HOST = re.compile(r"^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$")
USER = re.compile(r"^[A-Za-z0-9._-]+$")


class BadAddress(ValueError):
    """An address or option that cannot be published to; the message says what to write instead."""


@dataclass(frozen=True)
class Address:
    """One publishing target. `path`: the folder (file), the remote folder (sftp) or the key prefix, empty or
    ending in / (s3). `host`: the server (sftp) or the bucket (s3)."""

    scheme: str  # "file", "sftp" or "s3"
    path: str
    host: str = ""
    user: str = ""
    port: int | None = None
    endpoint: str | None = None
    region: str | None = None
    addressing: str | None = None

    def __str__(self) -> str:
        if self.scheme == "file":
            return self.path
        if self.scheme == "sftp":
            port = f":{self.port}" if self.port else ""
            return f"sftp://{self.user}@{self.host}{port}{self.path}"
        where = f" ({self.endpoint})" if self.endpoint else ""
        return f"s3://{self.host}/{self.path}{where}"

    @property
    def credentials_name(self) -> str:
        """How the credentials file names this target's secrets: `sftp://user@host` or `s3://bucket`."""
        if self.scheme == "sftp":
            return f"sftp://{self.user}@{self.host}"
        return f"s3://{self.host}"


def parse_address(
    text: str,
    *,
    base: Path | None = None,
    endpoint: str | None = None,
    region: str | None = None,
    addressing: str | None = None,
) -> Address:
    """The address `text` with its options. A relative folder is taken from `base` (refused without one: in
    chamber.yml a folder is written in full)."""
    text = text.strip()
    if not text:
        raise BadAddress(_("the address is empty"))
    if any(ord(char) < 32 for char in text):
        raise BadAddress(_("{text!r}: the address holds a control character").format(text=text))
    try:
        return _parse(text, base, endpoint, region, addressing)
    except BadAddress:
        raise
    except ValueError as exc:  # urlsplit's own, e.g. an unclosed [ of an IPv6 address
        raise BadAddress(f"{text!r}: {exc}") from None


def _parse(text: str, base: Path | None, endpoint: str | None, region: str | None, addressing: str | None) -> Address:
    scheme = urlsplit(text).scheme.lower() if "://" in text else ""
    if scheme in ("", "file"):
        address = Address("file", _folder(text, base))
    elif scheme == "sftp":
        address = _sftp(text)
    elif scheme == "s3":
        address = _s3(text)
    else:
        raise BadAddress(
            _(
                "{text!r}: publishing to {scheme}:// is not supported; write a folder, sftp://user@host/path or s3://bucket/prefix"
            ).format(text=text, scheme=scheme)
        )
    options = {"endpoint": endpoint, "region": region, "addressing": addressing}
    given = [name for name, value in options.items() if value]
    if address.scheme != "s3":
        if given:
            raise BadAddress(_("{keys}: only for an s3:// address").format(keys=", ".join(given)))
        return address
    if addressing and addressing not in ADDRESSING:
        raise BadAddress(_("addressing {addressing!r}: write virtual or path").format(addressing=addressing))
    if endpoint:
        url = urlsplit(endpoint)
        if url.scheme not in ("http", "https") or not url.hostname or url.username or url.password:
            raise BadAddress(
                _(
                    "endpoint {endpoint!r} is not a web address without a user name, e.g. https://oss-cn-hangzhou.aliyuncs.com"
                ).format(endpoint=endpoint)
            )
    return Address(
        "s3", address.path, address.host, endpoint=endpoint or None, region=region or None, addressing=addressing
    )


def _folder(text: str, base: Path | None) -> str:
    if text.lower().startswith("file://"):
        url = urlsplit(text)
        if url.netloc not in ("", "localhost"):
            raise BadAddress(
                _("{text!r}: a file:// address names a folder of this machine, e.g. file:///srv/www").format(text=text)
            )
        return str(Path(unquote(url.path)))
    path = Path(text).expanduser()
    if not path.is_absolute():
        if base is None:
            raise BadAddress(
                _("{text!r} is not a full path; write it from the root, e.g. /srv/www/anhui").format(text=text)
            )
        path = base / path
    return str(path.absolute())


def _sftp(text: str) -> Address:
    url = urlsplit(text)
    if url.password is not None:
        raise BadAddress(
            _(
                "sftp://{username}:…@{hostname}: a password never goes in the address; use an SSH key, or CHAMBER_SFTP_PASSWORD, or the credentials file"
            ).format(username=url.username, hostname=url.hostname)
        )
    try:
        port = url.port
    except ValueError:
        raise BadAddress(_("{text!r}: the port is not a number").format(text=text)) from None
    host, user = url.hostname or "", unquote(url.username or "")
    if not host or not HOST.match(host):
        raise BadAddress(_("{text!r}: no server name; write sftp://user@host/path").format(text=text))
    if not user or not USER.match(user):
        raise BadAddress(_("{text!r}: no user name; write sftp://user@host/path").format(text=text))
    path = unquote(url.path)
    if not path.startswith("/") or path.rstrip("/") == "" or ".." in PurePosixPath(path).parts:
        raise BadAddress(
            _("{text!r}: the folder on the server is written in full, e.g. sftp://{user}@{host}/srv/www").format(
                text=text, user=user, host=host
            )
        )
    if url.query or url.fragment:
        raise BadAddress(_("{text!r}: no ? or # in the address").format(text=text))
    return Address("sftp", path.rstrip("/"), host, user, port)


def _s3(text: str) -> Address:
    url = urlsplit(text)
    if url.username or url.password or "@" in url.netloc:
        raise BadAddress(
            _("an s3:// address never holds access keys; put them in the environment or the credentials file")
        )
    bucket = url.netloc
    if not BUCKET.match(bucket):
        raise BadAddress(
            _("{text!r}: {bucket!r} is not a bucket name (lower-case letters, digits, - and .)").format(
                text=text, bucket=bucket
            )
        )
    prefix = unquote(url.path).strip("/")
    if ".." in prefix.split("/") or "//" in prefix or url.query or url.fragment:
        raise BadAddress(
            _("{text!r}: write the prefix as folder names, e.g. s3://{bucket}/anhui/").format(text=text, bucket=bucket)
        )
    return Address("s3", f"{prefix}/" if prefix else "", bucket)
