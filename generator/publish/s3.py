"""S3-compatible object storage (Alibaba Cloud OSS, Tencent COS, Qiniu Kodo, Huawei OBS, MinIO): boto3,
with the endpoint, region and addressing style of `publish:`. Each file is one PUT (an object appears
whole), with its Content-Type and Cache-Control; its ETag, the MD5 of an object sent in one piece, tells
an object already in place without a record."""

from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from chamberpress.publish.address import Address
from chamberpress.publish.credentials import ENV_S3_KEY, ENV_S3_SECRET, Credentials, credentials_file
from chamberpress.publish.plan import LocalFile, Remote
from chamberpress.publish.targets import Listing, TargetError, split_listed
from chamberpress.i18n import _

PARALLEL = 8
# Errors that trying again cannot mend.
LASTING = frozenset(
    {
        "AccessDenied",
        "AllAccessDisabled",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "NoSuchBucket",
        "InvalidBucketName",
        "AuthorizationHeaderMalformed",
        "PermanentRedirect",
    }
)


class S3Target:
    parallel = PARALLEL

    def __init__(self, address: Address, credentials: Credentials) -> None:
        self.address = address
        self.bucket, self.prefix = address.host, address.path
        config = Config(
            s3={"addressing_style": address.addressing or "auto"},
            retries={"mode": "standard", "max_attempts": 3},
            # Newer boto3 adds CRC checksums to every upload by default; several S3-compatible stores
            # refuse them. Only where an operation requires one.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            max_pool_connections=PARALLEL * 2,
            connect_timeout=20,
            read_timeout=60,
        )
        self._client = boto3.session.Session().client(
            "s3",
            endpoint_url=address.endpoint,
            region_name=address.region or "us-east-1",
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key,
            config=config,
        )

    def listing(self) -> Listing:
        listing = Listing()
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    rel = item["Key"][len(self.prefix) :]
                    if rel and not rel.endswith("/"):
                        split_listed(rel, listing, Remote(item["Size"], item["ETag"].strip('"')))
        except (ClientError, BotoCoreError) as exc:
            raise _error(exc) from None
        return listing

    def same(self, file: LocalFile, remote: Remote) -> bool:
        return remote.stamp == file.md5

    def put(self, file: LocalFile, content_type: str, cache_control: str) -> Remote:
        try:
            with open(file.path, "rb") as body:
                answer = self._client.put_object(
                    Bucket=self.bucket,
                    Key=self.prefix + file.rel,
                    Body=body,
                    ContentType=content_type,
                    CacheControl=cache_control,
                )
        except (ClientError, BotoCoreError) as exc:
            raise _error(exc) from None
        return Remote(file.size, answer["ETag"].strip('"'))

    def delete(self, rels: list[str]) -> None:
        for start in range(0, len(rels), 1000):  # the most one request may delete
            batch = [{"Key": self.prefix + rel} for rel in rels[start : start + 1000]]
            try:
                answer = self._client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            except (ClientError, BotoCoreError) as exc:
                raise _error(exc) from None
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise TargetError(f"{first.get('Key')}: {first.get('Code')} {first.get('Message', '')}".strip())

    def close(self) -> None:
        self._client.close()


def _error(exc: Exception) -> TargetError:
    if isinstance(exc, NoCredentialsError):
        return TargetError(
            _("no access key: set {key} and {secret}, or write them in {file}").format(
                key=ENV_S3_KEY, secret=ENV_S3_SECRET, file=credentials_file()
            ),
            lasting=True,
        )
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "")
        return TargetError(f"{code}: {error.get('Message', exc)}", lasting=code in LASTING)
    return TargetError(str(exc))
