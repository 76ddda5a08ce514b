"""Shared fixtures: small chambers written inline, and the demo chambers built once per session."""

from __future__ import annotations

import compileall
import contextlib
import datetime as dt
import functools
import gzip
import html
import http.server
import json
import os
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

# The suite speaks English: its assertions quote the messages as the code writes them (English msgids).
# Set before anything runs, so that every command the tests start, in this process or in a child, inherits it;
# tests/test_i18n.py checks the Chinese interface by setting another language for itself.
os.environ["CHAMBERPRESS_LANG"] = "en"

from chamberpress.build.pipeline import build_chamber  # noqa: E402
from chamberpress.build.portal import write_portal  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionstart(session: pytest.Session) -> None:
    """The generator's modules compiled once, as Python does at an installed program's first run: where
    PYTHONDONTWRITEBYTECODE is set, each `chamber` command a test starts, and each fork server a build
    starts, compiled them again."""
    compileall.compile_dir(ROOT / "generator", quiet=1)


TODAY = dt.date(2026, 11, 25)  # builds in tests are pinned to one day, so scheduled posts are deterministic

CHAMBER_YML = """\
name: 温州市测试商会
short_name: 测试商会
hometown: 测试省
city: 温州
founded: 2015-06-18
address: 温州市鹿城区测试路1号
phone: 0577-88880000
email: office@example.cn
color: "#1565c0"
icp: 浙ICP备2026000001号-1
police_beian: 浙公网安备 33030202000001号
"""


def post(title: str, date: str, body: str = "正文第一段。", **meta: object) -> str:
    lines = [f"title: {title}", f"date: {date}"] + [f"{k}: {v}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


def write_chamber(
    content: Path,
    slug: str = "test",
    *,
    chamber_yml: str = CHAMBER_YML,
    files: dict[str, str | bytes] | None = None,
    default_files: bool = True,
) -> Path:
    """Write a chamber folder; `files` maps paths inside it to text or bytes (None-valued keys removed)."""
    folder = content / slug
    folder.mkdir(parents=True, exist_ok=True)
    all_files: dict[str, str | bytes | None] = {}
    if default_files:
        all_files.update(
            {
                "news/2026/2026-05-21-falv-peixun.md": post(
                    "法律知识培训班开班", "2026-05-21", category="培训活动", author="秘书处", source="商会秘书处"
                ),
                "news/2025/2025-12-30-nianhui.md": post("商会召开2025年年会", "2025-12-30"),
                "pages/about.md": "---\ntitle: 商会简介\n---\n\n本会成立于2015年。\n",
                "pages/join.md": "---\ntitle: 入会指南\n---\n\n欢迎入会。\n",
                "charter.md": "---\ntitle: 测试商会章程\n---\n\n## 第一章　总则\n\n第一条　本会名称为温州市测试商会。\n",
                "members.csv": "名称,联系人,职务,行业,手机\n甲公司,张三,会长,商贸,13900000001\n乙公司,李四,会员,物流,13900000002\n",
            }
        )
    all_files["chamber.yml"] = chamber_yml
    all_files.update(files or {})
    for rel, data in all_files.items():
        path = folder / rel
        if data is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, encoding="utf-8")
    return folder


def calls_recorded(monkeypatch, owner: type, name: str) -> list[tuple[object, tuple]]:
    """Each call of the method `owner.name` from now on, as (instance, positional arguments); the method
    still runs."""
    calls: list[tuple[object, tuple]] = []
    original = getattr(owner, name)

    def recording(self, *args, **kwargs):
        calls.append((self, args))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return calls


def parse(path: Path):
    """The parsed HTML document of a built page."""
    return lxml_html.fromstring(path.read_bytes())


def read_search_fragment(path: Path) -> dict:
    """One page of a site's search index (Pagefind: gzip JSON behind its signature): url, content, meta."""
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(b"pagefind_dcd"), path
    return json.loads(data[len(b"pagefind_dcd") :])


def settled(work: Path, limit: float = 60.0) -> list[Path]:
    """The entries of a build's work folder once its background removals (old sites) are done."""
    import time

    deadline = time.monotonic() + limit
    while any(p.name.startswith("building-") for p in work.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return list(work.iterdir())


def freed(out: Path, slug: str, limit: float = 30.0) -> bool:
    """Whether a build's scratch folders in memory are gone (removed in the background) within `limit`."""
    import time

    from chamberpress.build.output import leftover_scratch

    deadline = time.monotonic() + limit
    while leftover_scratch(out, slug) and time.monotonic() < deadline:
        time.sleep(0.05)
    return leftover_scratch(out, slug) == []


def needs_memory_builds(out: Path) -> None:
    """Skip the test where sites cannot be built in memory (no /dev/shm with room)."""
    from chamberpress.build.output import make_scratch

    probe = make_scratch(out, "probe")
    if probe is None:
        pytest.skip("no memory file system with room here")
    probe.rmdir()


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its path inside it: for comparing two builds byte for byte."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def site_texts(site: Path) -> list[tuple[Path, str]]:
    """Every file of the site as text: gzip unpacked (the search index's files too), JSON without \\u
    escapes, HTML unescaped, PDFs read."""
    texts = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # .gz, and the search index (Pagefind's files are gzip)
            data = gzip.decompress(data)
        if path.suffix == ".pdf":
            text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        else:
            text = data.decode("utf-8", errors="replace")
        if path.suffix == ".json":
            text += json.dumps(json.loads(data), ensure_ascii=False)
        text = text.replace("\u200b", "")  # the search index separates Chinese words with U+200B
        texts.append((path, text + html.unescape(text)))
    return texts


def text_of(node) -> str:
    return " ".join(node.text_content().split())


@pytest.fixture
def content(tmp_path: Path) -> Path:
    path = tmp_path / "content"
    path.mkdir()
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "sites"


@pytest.fixture(scope="session")
def test_site(tmp_path_factory) -> Path:
    """The inline test chamber built once: `<out>/test/`."""
    root = tmp_path_factory.mktemp("test-site")
    write_chamber(root / "content")
    build_chamber("test", root / "content", root / "sites", today=TODAY)
    write_portal(root / "sites")
    return root / "sites" / "test"


SICHUAN_BUNDLE_PAGES = 8  # the sichuan demo's ~40 indexed pages: several bundles, as a large chamber's


def in_bundles(patch: pytest.MonkeyPatch, pages: int, *, posts_apart: bool = True) -> None:
    """Index a test site of a few pages in bundles of `pages` to twice as many, posts and other pages apart,
    as a large chamber's (search.index.bundle_split); `posts_apart=False`: posts counted as other pages (one
    kind of bundle, for tests of what a bundle's reuse does, which does not depend on its kind)."""
    patch.setattr("chamberpress.search.index.SPLIT_FROM", 0)
    patch.setattr("chamberpress.search.index.BUNDLE_PAGES", pages)
    patch.setattr("chamberpress.search.index.POST_BUNDLE_PAGES", pages)
    patch.setattr("chamberpress.search.index.MOST_OTHER_BUNDLES", 64)
    if not posts_apart:
        patch.setattr("chamberpress.search.index.POSTS_DIR", "\0")


@pytest.fixture(scope="session")
def demo_sites(tmp_path_factory) -> Path:
    """Every demo chamber under content/ built once per session (with the pinned date): `<out>/`."""
    out = tmp_path_factory.mktemp("demo") / "sites"
    from chamberpress.content.load import chamber_slugs

    for slug in chamber_slugs(ROOT / "content"):
        with pytest.MonkeyPatch.context() as patch:
            if slug == "sichuan":  # its search index in bundles, as a large chamber's: searched in a browser
                in_bundles(patch, SICHUAN_BUNDLE_PAGES)
            build_chamber(slug, ROOT / "content", out, today=TODAY)
    write_portal(out, ROOT / "content", today=TODAY)
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """`folder` on http://127.0.0.1:<port>/ while the block runs; yields that address."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()


CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright, one for the session (Playwright's synchronous API allows one
    at a time in a process). No browser download, ever: make setup-test installs chromium, or a clear
    failure."""
    assert CHROMIUM.is_file(), "chromium is missing: run `make setup-test` (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
