"""Secrets for publishing, which never live in `chamber.yml`: from the environment, or from a credentials
file in the user's config folder (`~/.config/chamberpress/credentials.yml`, readable by its owner only).

    # ~/.config/chamberpress/credentials.yml
    s3://anhui-site:                  # a bucket: the keys of the account that may write to it
      access_key_id: LTAI5t…
      secret_access_key: …
    sftp://deploy@203.0.113.10:       # a server and user, when no SSH key is used
      password: …

The environment wins over the file: CHAMBER_S3_ACCESS_KEY_ID and CHAMBER_S3_SECRET_ACCESS_KEY (else
boto3's own AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ~/.aws/credentials), CHAMBER_SFTP_PASSWORD (a
password, or the passphrase of the SSH key)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from chamberpress.publish.address import Address
from chamberpress.i18n import _

ENV_S3_KEY = "CHAMBER_S3_ACCESS_KEY_ID"
ENV_S3_SECRET = "CHAMBER_S3_SECRET_ACCESS_KEY"
ENV_SFTP_PASSWORD = "CHAMBER_SFTP_PASSWORD"
FIELDS = {"s3": ("access_key_id", "secret_access_key"), "sftp": ("password", "passphrase")}


class BadCredentials(ValueError):
    """The credentials file cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class Credentials:
    access_key_id: str | None = None
    secret_access_key: str | None = None
    password: str | None = None
    passphrase: str | None = None


def credentials_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(config) / "chamberpress" / "credentials.yml"


def credentials_for(address: Address) -> Credentials:
    """The secrets for one target (empty where none are given: SSH keys and boto3's own chain then)."""
    found = dict(_from_file(address))
    if address.scheme == "s3" and os.environ.get(ENV_S3_KEY):
        found["access_key_id"] = os.environ[ENV_S3_KEY]
        found["secret_access_key"] = os.environ.get(ENV_S3_SECRET)
    if address.scheme == "sftp" and os.environ.get(ENV_SFTP_PASSWORD):
        found["password"] = found["passphrase"] = os.environ[ENV_SFTP_PASSWORD]
    return Credentials(**found)


def _from_file(address: Address) -> dict[str, str]:
    path = credentials_file()
    if address.scheme not in FIELDS or not path.is_file():
        return {}
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise BadCredentials(
            _("{path} can be read by other users of this machine: run chmod 600 {path}").format(path=path)
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BadCredentials(_("{path} cannot be read: {exc}").format(path=path, exc=exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadCredentials(
            _("{path}: expected targets (s3://bucket, sftp://user@host) with their keys").format(path=path)
        )
    entry = data.get(address.credentials_name)
    if entry is None:
        return {}
    allowed = FIELDS[address.scheme]
    if not isinstance(entry, dict) or any(key not in allowed for key in entry):
        raise BadCredentials(
            _("{path}: {credentials_name}: expected the keys {keys}").format(
                path=path, credentials_name=address.credentials_name, keys=", ".join(allowed)
            )
        )
    return {key: str(value) for key, value in entry.items() if value is not None}
