"""Search for a chamber of 2,000 posts: Material's search index (lang zh, jieba) against Pagefind's chunks.

    PYTHONPATH=. .venv/bin/python -m bench.search_bench [--posts 2000] [--members 200] [--bundle-pages 64:1024,128:1024]
        [--keep DIR]

Writes a deterministic synthetic chamber (seeded: the same corpus every run), builds it twice through our
pipeline (MkDocs + Material, blog plugin), once with Material's search plugin and once without it followed
by Pagefind, and prints a Markdown report (times are CPU seconds: the machine is shared, wall time is noisy): what a reader's first search downloads (gzip as served), the
index on disk, and the build time spent on search and on Chinese segmentation.
Pagefind's first search is measured in a real browser (Playwright, Debian's chromium): the files the search
page fetches for a query, each counted at its gzip size (Pagefind's chunks are gzip already); with
--bundle-pages, also with the index in bundles of each of those sizes (posts:others, search.index's
POST_BUNDLE_PAGES and BUNDLE_PAGES), and the time one post bundle takes to index (what an edit indexes again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import random
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench"
TODAY = dt.date(2026, 11, 25)
SEED = 20261125
QUERIES = ["调解", "光伏", "商会", "温州"]  # the words a reader's first search is measured for

# Words of a chamber's news, and characters for the names of companies and people (vocabulary breadth
# is what makes an index big: every post names its own companies).
WORDS = """商会 会员 企业 温州 安徽 江西 四川 合作 发展 项目 投资 考察 对接 座谈 会议 理事会 会长 副会长 秘书长 秘书处
维权 调解 纠纷 法律 顾问 咨询 培训 讲座 政策 税务 社保 融资 银行 贷款 担保 市场 营销 电商 直播 物流 供应链 制造
电器 五金 服装 鞋业 汽配 建筑 工程 装饰 光伏 储能 新能源 汽车 电池 数字化 智能 改造 升级 人才 招聘 就业 务工 返乡
春节 中秋 年会 联谊 慈善 助学 捐赠 救灾 防台 志愿 服务 公益 党建 学习 交流 经验 分享 走访 慰问 调研 报告 总结 部署
工作 计划 年度 目标 任务 落实 推进 成效 显著 积极 参与 组织 举办 召开 隆重 热烈 圆满 成功 顺利 进一步 加强 提升 优化
营商 环境 权益 保护 合同 货款 拖欠 工伤 赔偿 协议 签订 仲裁 诉讼 执行 司法 确认 风险 防范 合规 经营 管理 财务 审计
产业 园区 招商 引资 落地 开工 投产 产值 利润 订单 出口 外贸 海关 展会 品牌 质量 标准 认证 创新 研发 专利 技术 设备""".split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
NAME_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欢阳建国志远春晓"
)
FIRM_CHARS = "瑞鑫泰华宏盛恒通达信诚丰源隆昌鼎豪邦嘉裕兴利旺顺安康德正新元汇中海天龙凯博创精工美联合宇科"
PUNCT = ["，", "，", "、", "；"]
CATEGORIES = ["商会动态", "通知公告", "会员风采", "项目合作", "维权服务", "政策法规", "培训活动"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(NAME_CHARS) for _ in range(rng.choice((1, 2))))


def _firm(rng: random.Random) -> str:
    return "温州" + "".join(rng.choice(FIRM_CHARS) for _ in range(2)) + rng.choice(WORDS[30:60]) + "有限公司"


def _sentence(rng: random.Random) -> str:
    parts = []
    for i in range(rng.randint(3, 6)):
        clause = "".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
        if rng.random() < 0.25:
            clause += _firm(rng)
        elif rng.random() < 0.15:
            clause = _person(rng) + clause
        parts.append(clause)
        if i < 2 and rng.random() < 0.2:
            parts.append(f"{rng.randint(2, 980)}万元")
    return rng.choice(PUNCT).join(parts) + "。"


def _post(rng: random.Random, n: int, date: dt.date) -> str:
    title = "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6)))
    target = rng.randint(600, 1500)
    body: list[str] = []
    length = 0
    while length < target:
        if body and rng.random() < 0.15:
            block = "## " + "".join(rng.choice(WORDS) for _ in range(3))
        elif body and rng.random() < 0.1:
            block = "\n".join("- " + _sentence(rng) for _ in range(rng.randint(2, 4)))
        else:
            block = "".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        body.append(block)
        length += len(block)
    front = (
        f"---\ntitle: {title}{n}\ndate: {date.isoformat()}\ncategory: {rng.choice(CATEGORIES)}\nauthor: 秘书处\n---\n\n"
    )
    return front + "\n\n".join(body) + "\n"


def write_corpus(content: Path, posts: int, members: int = 200) -> None:
    """A chamber with `posts` synthetic Chinese posts of 600–1,500 characters and `members` members
    (deterministic)."""
    rng = random.Random(SEED)
    folder = content / SLUG
    (folder / "news").mkdir(parents=True, exist_ok=True)
    (folder / "chamber.yml").write_text(
        "name: 温州市基准商会\nhometown: 基准省\ncity: 温州\naddress: 温州市鹿城区基准路1号\n"
        "icp: 浙ICP备2026000001号-1\n",
        encoding="utf-8",
    )
    (folder / "charter.md").write_text("## 第一章　总则\n\n第一条　本会名称为温州市基准商会。\n", encoding="utf-8")
    rows = ["名称,联系人,职务,行业,简介"] + [
        f"{_firm(rng)}{i},{_person(rng)},会员,{rng.choice(WORDS[30:60])},{_sentence(rng)}" for i in range(members)
    ]
    (folder / "members.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    start = dt.date(2020, 1, 1)
    for n in range(posts):
        date = start + dt.timedelta(days=n * 2190 // posts)
        path = folder / "news" / str(date.year) / f"{date.isoformat()}-post-{n:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_post(rng, n, date), encoding="utf-8")


def _gz(path: Path) -> int:
    data = path.read_bytes()
    return min(len(data), len(gzip.compress(data, 6)))


def _mib(n: float) -> str:
    return f"{n / 1048576:.2f} MiB" if n >= 1048576 else f"{n / 1024:.0f} KiB"


def _build(content: Path, out: Path, *, material_search: bool) -> tuple[Path, float]:
    """One MkDocs build of the bench chamber through our pipeline; returns the site folder and seconds."""
    from chamberpress.build.cache_layout import cache_root
    from chamberpress.content.load import load_chamber
    from chamberpress.site.mkdocs_adapter import build_site, write_chamber_config
    from chamberpress.site.prepare import prepare_site

    stage = Path(tempfile.mkdtemp(prefix="bench-stage-"))
    base = None
    if material_search:
        base = stage / "base.yml"
        base.write_text(
            f"INHERIT: {ROOT / 'mkdocs.yml'}\ntheme:\n  custom_dir: {ROOT / 'theme/material'}\n"
            "plugins:\n  search:\n    lang: zh\n",
            encoding="utf-8",
        )
    site = out / ("material" if material_search else "pagefind")
    # Each build from nothing: the page cache of the one before would spare this one the conversions.
    shutil.rmtree(cache_root(content), ignore_errors=True)
    chamber = load_chamber(content, SLUG, today=TODAY)
    config = write_chamber_config(
        stage, slug=SLUG, content_dir=content, site_dir=site, today=TODAY.isoformat(), base=base
    )
    started = time.process_time()
    build_site(config, prepare_site(chamber, None))
    seconds = time.process_time() - started
    shutil.rmtree(stage)
    return site, seconds


def _material_first_search(site: Path) -> tuple[int, int, list[str]]:
    """Material's worker fetches the whole index, plus lunr and its Chinese support, on the first search."""
    js = site / "assets/javascripts"
    files = [
        site / "search/search_index.json",
        *sorted((js / "workers").glob("search.*.min.js")),
        js / "lunr/min/lunr.stemmer.support.min.js",
        js / "lunr/min/lunr.zh.min.js",
    ]
    return sum(f.stat().st_size for f in files), sum(_gz(f) for f in files), [f.name for f in files]


def _pagefind_first_search(site_parent: Path, site_name: str, query: str) -> tuple[int, int, list[str]]:
    """Open the search page in chromium with `?q=query` and count what it fetched for the search."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site_parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/{site_name}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--disable-sync",
                ],
            )
            page = browser.new_page()
            urls: list[str] = []
            page.on("requestfinished", lambda r: urls.append(r.url))
            page.goto(base + "search/?q=" + query)
            page.wait_for_selector(".cp-search__result, .cp-search__status:has-text('没有找到')")
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
    files = [
        site_parent / unquote(urlparse(u).path).lstrip("/")
        for u in urls
        if "/pagefind/" in u or u.endswith("chamber-search.js")
    ]
    files = [f for f in dict.fromkeys(files) if f.is_file()]
    return sum(f.stat().st_size for f in files), sum(_gz(f) for f in files), [f.name for f in files]


def _segmentation_seconds(content: Path) -> float:
    """jieba alone over every post's Markdown, as Material's search plugin cuts it (its model loaded by the
    Material build before): Material's cost of segmenting Chinese."""
    import jieba

    texts = [p.read_text(encoding="utf-8") for p in sorted((content / SLUG / "news").rglob("*.md"))]
    started = time.process_time()
    jieba.initialize()
    for text in texts:
        "\u200b".join(jieba.cut(text))
    return time.process_time() - started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _index(site: Path, language: str) -> tuple[object, float]:
    """Pagefind over the site; returns the index facts and the CPU seconds the indexer used."""
    from chamberpress.search.index import index_site

    before = _children_cpu()
    index = index_site(site, language=language)
    return index, _children_cpu() - before


def _bundle_sizes(site: Path, posts: int, others: int) -> None:
    """Index the site in bundles of `posts` posts and `others` other pages (POST_BUNDLE_PAGES, BUNDLE_PAGES)
    and print their number, their pages and the wall time one post bundle of median size takes to index
    (best of three, by one warm indexer)."""
    import chamberpress.search.index as search
    from chamberpress.search.indexer import lent_indexer

    search.POST_BUNDLE_PAGES, search.BUNDLE_PAGES = posts, others
    index = search.index_site(site)
    bundles = sorted(search.plan_bundles(site), key=lambda b: len(b.pages))
    of_posts = [b for b in bundles if b.name.startswith("news-")] or bundles
    median = of_posts[len(of_posts) // 2]
    options = {"language": "zh", "exclude_selectors": [search.EXCLUDE_SELECTORS]}
    with lent_indexer(search._executable(), **options) as indexer:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            indexer.index_pages(list(zip(median.pages, median.documents)))
            times.append(time.perf_counter() - started)
    print(
        f"\nposts:others = {posts}:{others}: {index.split.posts} post bundles and {index.split.others} others, "
        f"of {len(bundles[0].pages)}–{len(bundles[-1].pages)} pages ({index.pages} in all); one post bundle of "
        f"{len(median.pages)} pages indexed in {min(times):.2f} s; first search:\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument(
        "--bundle-pages",
        default="",
        help="also measure with bundles of these sizes (comma-separated posts:others, POST_BUNDLE_PAGES:BUNDLE_PAGES)",
    )
    parser.add_argument("--keep", type=Path, help="build here and keep the sites (default: a temp folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="search-bench-"))
    content, out = work / "content", work / "sites"
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    write_corpus(content, args.posts, args.members)

    material_site, material_build = _build(content, out, material_search=True)
    pagefind_site, plain_build = _build(content, out, material_search=False)
    _, unsegmented = _index(pagefind_site, "en")  # the same work without Chinese segmentation
    index, indexing = _index(pagefind_site, "zh")
    jieba_seconds = _segmentation_seconds(content)

    index_json = material_site / "search/search_index.json"
    m_raw, m_gz, m_files = _material_first_search(material_site)
    pf_files = [f for f in (pagefind_site / "pagefind").rglob("*") if f.is_file()]
    searches = {q: _pagefind_first_search(out, pagefind_site.name, q) for q in QUERIES}
    pages = sum(1 for _ in pagefind_site.rglob("*.html"))

    print(f"## Search for {args.posts} posts ({pages} pages), {dt.date.today().isoformat()}\n")
    print("| | Material search (lang zh, jieba) | Pagefind 1.5 extended (zh) |")
    print("| --- | ---: | ---: |")
    print(f"| index on disk | {_mib(index_json.stat().st_size)} (1 file) | {_mib(index.bytes)} ({index.files} files) |")
    print(
        f"| index gzip as served | {_mib(_gz(index_json))} | {_mib(sum(_gz(f) for f in pf_files))} (chunks are gzip) |"
    )
    worst = max(searches.values(), key=lambda s: s[1])
    print(f"| first search downloads (gzip) | {_mib(m_gz)} | {_mib(worst[1])} (largest of {len(QUERIES)} queries) |")
    total = plain_build + indexing
    print(f"| build without search (CPU) | {plain_build:.1f} s | {plain_build:.1f} s |")
    print(f"| build with search (CPU) | {material_build:.1f} s | {total:.1f} s |")
    print(
        f"| search share of the build | {(material_build - plain_build) / material_build:.0%} "
        f"| {indexing / total:.0%} ({indexing:.1f} s, segmentation included) |"
    )
    segmenting = max(indexing - unsegmented, 0.0)
    print(
        f"| Chinese segmentation | jieba alone {jieba_seconds:.1f} s "
        f"({jieba_seconds / material_build:.0%} of the build) | {segmenting:.1f} s "
        f"({segmenting / total:.0%} of the build: zh {indexing:.1f} s against en {unsegmented:.1f} s) |"
    )
    print(
        f"\nFirst search, Pagefind in {len(index.record)} bundles as built (files fetched by the search page, gzip):\n"
    )
    for query, (raw, gz, names) in searches.items():
        print(f"- {query}: {_mib(gz)} gzip ({_mib(raw)} on disk), {len(names)} files")
    # The same pages as one bundle (what a site under search.SPLIT_FROM pages gets): what the bundles cost
    # a reader.
    import chamberpress.search.index as search

    search.SPLIT_FROM = 10**9
    whole, whole_cpu = _index(pagefind_site, "zh")
    print(
        f"\nThe same pages indexed as one bundle ({whole_cpu:.1f} s CPU against {indexing:.1f} s in "
        f"{len(index.record)} bundles; {whole.files} files, {_mib(whole.bytes)}):\n"
    )
    for query in QUERIES:
        raw, gz, names = _pagefind_first_search(out, pagefind_site.name, query)
        print(f"- {query}: {_mib(gz)} gzip ({_mib(raw)} on disk), {len(names)} files")
    for sizes in (pair.split(":") for pair in args.bundle_pages.split(",") if pair):
        search.SPLIT_FROM = 1000
        _bundle_sizes(pagefind_site, int(sizes[0]), int(sizes[1]))
        for query in QUERIES:
            raw, gz, names = _pagefind_first_search(out, pagefind_site.name, query)
            print(f"- {query}: {_mib(gz)} gzip ({_mib(raw)} on disk), {len(names)} files")
    print(f"\nMaterial's first search fetches {', '.join(m_files)}: {_mib(m_raw)}, {_mib(m_gz)} gzip.")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
