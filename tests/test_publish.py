"""`chamber publish`, against real servers on 127.0.0.1 started here: Debian's OpenSSH server (SFTP) with keys
made for the test, and moto's standalone S3 server; and a folder of this machine."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.publish_bench import SSHD, free_port, local_sshd, wait_for_port
from chamberpress import cli
from chamberpress.build.pipeline import build_chamber
from chamberpress.errors import ContentError
from chamberpress.publish import run as publish_run
from chamberpress.publish.address import parse_address
from chamberpress.publish.plan import cache_control, content_type, stage_of
from chamberpress.publish.run import publish_chamber
from tests.conftest import CHAMBER_YML, TODAY, post, site_files, write_chamber

REAL_CACHE = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """OpenSSH's server on a free port of 127.0.0.1 (bench/publish_bench.local_sshd): (port, the client's
    home folder with its key in .ssh/, the known_hosts line that trusts the server)."""
    if SSHD is None:
        pytest.skip("openssh-server is not installed (make setup-test installs it)")
    with local_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture
def sftp(sshd, monkeypatch, tmp_path):
    """The server trusted by this user (its key in ~/.ssh/known_hosts); returns (URL of a fresh folder, the
    folder as this machine sees it)."""
    port, home, known = sshd
    (home / ".ssh/known_hosts").write_text(known)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", REAL_CACHE)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    folder = tmp_path / "on-server" / "anhui"
    return f"sftp://{getpass.getuser()}@127.0.0.1:{port}{folder}", folder


@pytest.fixture(scope="module")
def s3_server():
    """moto's standalone S3 server on a free port of 127.0.0.1; yields its endpoint."""
    pytest.importorskip("moto.server")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, server, "moto_server")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def s3(s3_server, monkeypatch, tmp_path):
    """A fresh bucket; returns a boto3 client for looking at it and the bucket's name."""
    import boto3

    monkeypatch.setenv("CHAMBER_S3_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("CHAMBER_S3_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    bucket = f"site-{tmp_path.name.lower().replace('_', '-')[-40:]}".strip("-")
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="x"
    )
    client.create_bucket(Bucket=bucket)
    return client, bucket


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(publish_run, "RETRY_DELAYS", (0.01,))


def build(content: Path, out: Path, slug: str = "test") -> Path:
    build_chamber(slug, content, out, today=TODAY)
    return out / slug


def chamber_with_target(content: Path, publish: str, files: dict | None = None) -> None:
    write_chamber(content, chamber_yml=CHAMBER_YML + publish, files=files)


def publish(*args: str, content: Path, out: Path, capsys) -> tuple[int, str, str]:
    code = cli.main(["publish", *args, "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def bucket_files(client, bucket: str, prefix: str = "") -> dict[str, bytes]:
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"][len(prefix) :]] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {rel for rel, data in after.items() if before.get(rel) != data}


EDIT = {
    "news/2026/2026-05-21-falv-peixun.md": post("法律知识培训班开班", "2026-05-21", "培训内容已更新。"),
    "news/2025/2025-12-30-nianhui.md": None,
}


# The plan ------------------------------------------------------------------------------------------------


def test_files_are_sent_assets_first_then_pages_then_the_entrances():
    assert stage_of("assets/stylesheets/main.57a0d79d.min.css") == 0
    assert stage_of("news/2026/images/a.jpg") == stage_of("charter.pdf") == 0
    assert stage_of("pagefind/fragment/zh_f6fe738.pf_fragment") == 0
    assert stage_of("pagefind/pagefind-entry.json") == 1
    assert stage_of("news/2026/05/falv/index.html") == stage_of("404.html") == 2
    assert stage_of("index.html") == stage_of("feed.xml") == stage_of("sitemap.xml") == 3


def test_types_and_cache_lifetimes_for_object_storage():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("assets/javascripts/members.js") == "application/javascript; charset=utf-8"
    assert content_type("feed.xml") == "application/xml; charset=utf-8"
    assert content_type("charter.pdf") == "application/pdf"
    assert content_type("sitemap.xml.gz") == "application/gzip"
    assert content_type("assets/logo.png") == "image/png"
    assert cache_control("news/index.html") == "public, max-age=300"
    assert cache_control("assets/stylesheets/main.57a0d79d.min.css") == "public, max-age=31536000, immutable"
    assert cache_control("pagefind/fragment/zh_f6fe738.pf_fragment").endswith("immutable")
    assert cache_control("news/2026/images/huanjie-dahui.jpg") == "public, max-age=86400"


def test_addresses():
    address = parse_address("sftp://deploy@192.0.2.10:2222/srv/chambers/anhui/")
    assert (address.user, address.host, address.port, address.path) == (
        "deploy",
        "192.0.2.10",
        2222,
        "/srv/chambers/anhui",
    )
    address = parse_address(
        "s3://anhui-site/www", endpoint="https://oss-cn-hangzhou.aliyuncs.com", addressing="virtual"
    )
    assert (address.host, address.path) == ("anhui-site", "www/")
    assert parse_address("file:///srv/www/anhui").path == "/srv/www/anhui"
    with pytest.raises(ValueError, match="password never goes in the address"):
        parse_address("sftp://deploy:hunter2@192.0.2.10/srv")
    with pytest.raises(ValueError, match="only for an s3:// address"):
        parse_address("/srv/www", endpoint="https://example.cn")


# SFTP ----------------------------------------------------------------------------------------------------


def test_sftp_first_publish_then_an_edit_then_a_change_on_the_server(content, out, sftp, capsys):
    url, folder = sftp
    chamber_with_target(content, f"publish:\n  to: {url}\n")
    site = build(content, out)
    first = site_files(site)

    code, stdout, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 0, stderr
    assert site_files(folder) == first  # byte for byte
    assert f"test: {len(first):,} sent" in stdout and "0 unchanged, 0 deleted" in stdout

    # An edit: only the files whose bytes changed are sent; the removed post's files are deleted.
    write_chamber(content, chamber_yml=CHAMBER_YML + f"publish:\n  to: {url}\n", files=EDIT)
    second = site_files(build(content, out))
    result = publish_chamber("test", site, parse_address(url), content)
    assert {file.rel for file in result.plan.send} == changed_files(first, second)
    removed = sorted(set(first) - set(second))
    assert removed and result.plan.delete == removed and result.deleted == len(removed)
    assert site_files(folder) == second

    # Someone changes the server: a page rewritten, a picture deleted, a file added. Noticed and mended.
    page = next(rel for rel in second if rel.endswith("index.html") and "/" in rel)
    (folder / page).write_bytes(b"x" * len(second[page]))  # the same size: only its time tells
    os.utime(folder / page, (time.time() + 5, time.time() + 5))
    picture = next(rel for rel in second if rel.startswith("assets/"))
    (folder / picture).unlink()
    (folder / "stray.html").write_text("not ours", encoding="utf-8")
    (folder / ".well-known").mkdir()
    (folder / ".well-known/acme").write_text("kept", encoding="utf-8")
    code, stdout, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 0, stderr
    assert "2 sent" in stdout and "1 deleted" in stdout and "2 changed on the target" in stdout
    on_server = site_files(folder)
    assert on_server.pop(".well-known/acme") == b"kept"  # hidden files of the server are left alone
    assert on_server == second

    # Nothing changed: nothing sent.
    code, stdout, _ = publish("test", content=content, out=out, capsys=capsys)
    assert code == 0 and f"0 sent (0.0 kB), {len(second):,} unchanged, 0 deleted" in stdout


def test_dry_run_changes_nothing(content, out, sftp, capsys):
    url, folder = sftp
    chamber_with_target(content, f"publish:\n  to: {url}\n")
    build(content, out)
    code, stdout, stderr = publish("test", "--dry-run", content=content, out=out, capsys=capsys)
    assert code == 0, stderr
    assert not folder.exists()
    assert "  + index.html" in stdout and "dry run: nothing changed" in stdout

    assert publish("test", content=content, out=out, capsys=capsys)[0] == 0
    before = site_files(folder)
    stamps = {path: path.stat().st_mtime_ns for path in folder.rglob("*")}
    write_chamber(content, chamber_yml=CHAMBER_YML + f"publish:\n  to: {url}\n", files=EDIT)
    build(content, out)
    code, stdout, _ = publish("test", "--dry-run", content=content, out=out, capsys=capsys)
    assert code == 0
    assert "  ~ " in stdout
    assert "  - news/" in stdout
    assert site_files(folder) == before
    assert {path: path.stat().st_mtime_ns for path in folder.rglob("*")} == stamps


KILLER = """
import os, signal, sys
from bench.publish_bench import SSHD, free_port, local_sshd, wait_for_port
from chamberpress import cli
from chamberpress.publish.sftp import SftpTarget

put = SftpTarget.put
count = 0

def put_then_die(self, *args):
    global count
    count += 1
    if count == {at}:
        os.kill(os.getpid(), signal.SIGKILL)
    return put(self, *args)

SftpTarget.put = put_then_die
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_publish_killed_half_way_completes_when_run_again(content, out, sftp, capsys):
    url, folder = sftp
    chamber_with_target(content, f"publish:\n  to: {url}\n")
    site = build(content, out)
    args = ["publish", "test", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]
    killed = subprocess.run([sys.executable, "-c", KILLER.format(at=12), *args], capture_output=True, env=os.environ)
    assert killed.returncode == -9
    arrived = site_files(folder)
    assert 0 < len(arrived) < len(site_files(site))
    # Cut short among the assets: no page yet that could show a missing picture or style.
    assert not any(rel.endswith(".html") for rel in arrived)
    (folder / "assets/.chamber-part-chamber.css").write_text("half a file", encoding="utf-8")  # cut short

    code, stdout, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 0, stderr
    assert site_files(folder) == site_files(site)  # no part file left over either


def test_an_unknown_server_is_refused_with_the_command_to_trust_it(content, out, sftp, sshd, capsys):
    url, folder = sftp
    port, home, _ = sshd
    (home / ".ssh/known_hosts").write_text("")
    chamber_with_target(content, f"publish:\n  to: {url}\n")
    build(content, out)
    code, _, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 1
    assert "not yet trusted" in stderr and f"ssh-keyscan -p {port} 127.0.0.1 >> ~/.ssh/known_hosts" in stderr
    assert not folder.exists()


# S3 ------------------------------------------------------------------------------------------------------


def test_s3_first_publish_edit_and_a_change_in_the_bucket(content, out, s3, s3_server, capsys):
    client, bucket = s3
    target = f"publish:\n  to: s3://{bucket}/www/\n  endpoint: {s3_server}\n  addressing: path\n"
    chamber_with_target(content, target)
    site = build(content, out)
    first = site_files(site)

    code, stdout, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 0, stderr
    assert bucket_files(client, bucket, "www/") == first
    head = client.head_object(Bucket=bucket, Key="www/index.html")
    assert head["ContentType"] == "text/html; charset=utf-8" and head["CacheControl"] == "public, max-age=300"
    css = next(rel for rel in first if rel.startswith("assets/stylesheets/main."))
    assert client.head_object(Bucket=bucket, Key=f"www/{css}")["CacheControl"].endswith("immutable")

    write_chamber(content, chamber_yml=CHAMBER_YML + target, files=EDIT)
    second = site_files(build(content, out))
    code, stdout, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 0, stderr
    removed = set(first) - set(second)
    assert f"{len(changed_files(first, second))} sent" in stdout and f"{len(removed)} deleted" in stdout
    assert bucket_files(client, bucket, "www/") == second

    charter = second["charter/index.html"]
    client.put_object(Bucket=bucket, Key="www/charter/index.html", Body=b"x" * len(charter))  # same size
    client.put_object(Bucket=bucket, Key="www/stray.txt", Body=b"not ours")
    code, stdout, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 0, stderr
    assert "1 sent" in stdout and "1 deleted" in stdout and "1 changed on the target" in stdout
    assert bucket_files(client, bucket, "www/") == second


def test_s3_without_a_record_finds_what_is_already_there(content, out, s3, s3_server, capsys):
    """The ETag is the MD5 of an object sent whole: a bucket filled before (another machine, a lost
    .cache/) is not sent again."""
    client, bucket = s3
    chamber_with_target(content, f"publish:\n  to: s3://{bucket}\n  endpoint: {s3_server}\n  addressing: path\n")
    site = build(content, out)
    assert publish("test", content=content, out=out, capsys=capsys)[0] == 0
    shutil.rmtree(content.parent / ".cache" / "publish")
    code, stdout, _ = publish("test", content=content, out=out, capsys=capsys)
    assert code == 0 and f"0 sent (0.0 kB), {len(site_files(site)):,} unchanged" in stdout


# Folders, refusals, privacy ------------------------------------------------------------------------------


def test_private_folders_and_links_out_never_arrive(content, out, tmp_path, capsys):
    site = build(write_chamber(content).parent, out)
    for private in ("_audit", "_wechat", "_newsletter", ".chamber"):
        (site / private).mkdir()
        (site / private / "report.html").write_text("secretariat only", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the site", encoding="utf-8")
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    target = tmp_path / "www"
    code, stdout, stderr = publish(
        "test", "--to", f"file://{target}", "--force", content=content, out=out, capsys=capsys
    )
    assert code == 0, stderr
    arrived = site_files(target)
    assert arrived and not any(rel.split("/")[0] in ("_audit", "_wechat", "_newsletter", ".chamber") for rel in arrived)
    assert "link.txt" not in arrived
    assert not any(b"secretariat only" in data or b"outside the site" in data for data in arrived.values())


@pytest.mark.parametrize(
    "publish_yml",
    [
        "publish:\n  to: s3://anhui-site/\n  secret_access_key: abc123\n",
        "publish:\n  to: sftp://deploy:hunter2@192.0.2.10/srv/www\n",
        "password: hunter2\n",
    ],
)
def test_a_secret_in_chamber_yml_is_refused(content, out, publish_yml, capsys):
    chamber_with_target(content, publish_yml)
    code, stdout, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 1
    assert "chamber.yml" in stderr and ("never goes in chamber.yml" in stderr or "password never goes" in stderr)
    assert "hunter2" not in stderr and "abc123" not in stderr
    assert cli.main(["check", "test", "--content", str(content), "--out", str(out)]) == 1


def test_refused_sites(content, out, tmp_path, capsys):
    target = tmp_path / "www"
    chamber_with_target(content, f"publish:\n  to: {target}\n")
    code, _, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 1 and "there is no site" in stderr and "chamber build test" in stderr

    build(content, out)
    write_chamber(content, chamber_yml=CHAMBER_YML + f"publish:\n  to: {target}\n", files=EDIT)
    code, _, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 1 and "content changed since the site" in stderr and "--force" in stderr
    assert not target.exists()
    code, _, stderr = publish("test", "--force", content=content, out=out, capsys=capsys)
    assert code == 0, stderr

    build(content, out)
    bad = content / "test/news/2026/2026-06-01-bad.md"
    bad.write_text("---\ntitle: 缺日期\n---\n\n正文。\n", encoding="utf-8")
    with pytest.raises(ContentError):
        build(content, out)
    code, _, stderr = publish("test", "--force", content=content, out=out, capsys=capsys)
    assert code == 1 and "the last build failed" in stderr and "bad.md" in stderr

    # The bad post removed, the content is again what the published site was built from; the build is not
    # skipped all the same (the failure stands until a build succeeds), and then the site may be published.
    bad.unlink()
    assert cli.main(["build", "test", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat()]) == 0
    assert "unchanged since the last build" not in capsys.readouterr().out
    assert publish("test", content=content, out=out, capsys=capsys)[0] == 0


def test_a_first_publish_does_not_wipe_a_folder_of_other_files(content, out, tmp_path, capsys):
    target = tmp_path / "www"
    (target / "old").mkdir(parents=True)
    (target / "old/page.html").write_text("someone's", encoding="utf-8")
    chamber_with_target(content, f"publish:\n  to: {target}\n")
    build(content, out)
    code, _, stderr = publish("test", content=content, out=out, capsys=capsys)
    assert code == 1 and "not in the site" in stderr and "old/page.html" in stderr
    assert (target / "old/page.html").exists() and not (target / "index.html").exists()


def test_a_publish_is_refused_while_the_chamber_is_being_built(content, out, tmp_path, capsys):
    """A build swaps the site into place: a publish meanwhile could send half of one and half of the other.
    Both take the chamber's lock; the publish that finds it held stops and says why."""
    from chamberpress.build.pipeline import chamber_lock

    build(write_chamber(content).parent, out)
    target = tmp_path / "www"
    with chamber_lock(out, "test"):
        code, _, stderr = publish(
            "test", "--to", f"file://{target}", "--force", content=content, out=out, capsys=capsys
        )
    assert code == 1 and "being built or published by another command" in stderr, stderr
    assert not target.exists()
    assert publish("test", "--to", f"file://{target}", "--force", content=content, out=out, capsys=capsys)[0] == 0


def test_an_interrupted_publish_says_how_to_finish(capsys):
    """Ctrl-C during a publish: not the build's message (the site is not what was interrupted)."""
    assert (
        cli._report(KeyboardInterrupt(), interrupted=True, parser=cli._parser(), debug=False, command="publish") == 130
    )
    err = capsys.readouterr().err
    assert "run the same command again to finish" in err and "previous site" not in err
