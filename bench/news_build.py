"""Build one synthetic chamber with N posts and report the time, and Markdown conversions per post.

    PYTHONPATH=$PWD .venv/bin/python bench/news_build.py --posts 500

The posts are 600–1,500 Chinese characters with headings, a list, a table and links, like the ones the
perf notes were measured with. Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import markdown

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHAMBER_YML, write_chamber  # noqa: E402
from chamberpress.build.pipeline import build_chamber  # noqa: E402

WORDS = "商会组织会员企业开展学习交流活动提升服务能力推动项目合作维护合法权益促进家乡发展" * 4


def synthetic_post(index: int, day: dt.date, rng: random.Random) -> str:
    size = rng.randint(600, 1500)
    paragraphs = [WORDS[i % 40 : i % 40 + 60] + "。" for i in range(0, size, 60)]
    categories = ["商会动态", "通知公告", "会员风采", "项目合作", "维权服务", "政策法规", "培训活动"]
    body = [
        paragraphs[0],
        "## 活动情况",
        *paragraphs[1:4],
        "- 第一项\n- 第二项\n- 第三项",
        "| 项目 | 数量 |\n| --- | --- |\n| 企业 | 30 |\n| 人员 | 120 |",
        "## 下一步",
        *paragraphs[4:],
        "详见[商会官网](https://example.cn/)。",
    ]
    return (
        f"---\ntitle: 第{index}期商会新闻\ndate: {day.isoformat()}\ncategory: {categories[index % 7]}\n---\n\n"
        + "\n\n".join(body)
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(1)
    conversions = 0
    convert = markdown.Markdown.convert

    def counting(self, source):  # type: ignore[no-untyped-def]
        nonlocal conversions
        conversions += 1
        return convert(self, source)

    markdown.Markdown.convert = counting  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as temp:
        content = Path(temp) / "content"
        start = dt.date(2020, 1, 1)
        files: dict[str, str | bytes] = {
            f"news/{start.year + i * 3 // 1000}/p{i}.md": synthetic_post(i, start + dt.timedelta(days=i * 2), rng)
            for i in range(args.posts)
        }
        write_chamber(content, "bench", chamber_yml=CHAMBER_YML, files=files)
        began, began_cpu = time.perf_counter(), time.process_time()
        result = build_chamber("bench", content, Path(temp) / "sites", today=dt.date(2030, 1, 1))
        seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    print(
        f"{args.posts} posts: {result.pages} pages in {seconds:.1f} s ({cpu:.1f} s CPU); "
        f"{conversions} Markdown conversions ({conversions / args.posts:.2f} per post)"
    )


if __name__ == "__main__":
    main()
