"""How the member directory scales: load a generated roster and generate its pages for 750, 1,500 and
3,000 members (optionally the whole MkDocs build too) and print the times, to check they grow linearly.

    PYTHONPATH=. .venv/bin/python bench/roster_scale.py            # loading (XLSX and CSV) + page generation
    PYTHONPATH=. .venv/bin/python bench/roster_scale.py --build    # … and the full site build (`chamber build`)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chamberpress.chinese import pinyin_key  # noqa: E402
from chamberpress.content.load import load_chamber  # noqa: E402
from chamberpress.site.directory import KNOWN_READINGS  # noqa: E402
from chamberpress.search.segmenter import segmenter  # noqa: E402
from chamberpress.site.docs import docs_tree  # noqa: E402

SIZES = (750, 1500, 3000)
HEADER = [
    "序号",
    "企业名称",
    "联系人",
    "商会职务",
    "所属行业",
    "籍贯",
    "企业地址",
    "办公电话",
    "手机号码",
    "电子邮箱",
    "网址",
    "入会日期",
    "会费缴至",
    "企业简介",
    "是否公开",
    "公开手机",
    "身份证号",
    "备注",
]
PLACES = "安徽合肥 安徽芜湖 安徽安庆 江西南昌 江西九江 四川成都 四川绵阳 浙江温州 福建福州 湖南长沙".split()
BRANDS = "信达 华强 鹏程 天府 星火 瓯江 鹿城 东方 恒通 金桥 宏远 嘉禾 永安 汇丰 瑞丰 中和 新华 海润 德信 正泰".split()
TRADES = {
    "建筑": "建筑工程",
    "商贸": "贸易",
    "物流": "物流",
    "餐饮": "餐饮管理",
    "制造": "机械制造",
    "科技": "信息科技",
    "金融": "投资管理",
    "服装": "服饰",
    "鞋业": "鞋业",
    "电气": "电气",
}
CHAMBER_YML = """name: 温州市规模测试商会
hometown: 安徽省
city: 温州
address: 温州市鹿城区测试路1号
departments:
  - name: 秘书处
    head: 秘书长
dues:
  - position: 会长
    amount: 50000
"""


def roster_rows(count: int, seed: int = 1) -> list[list]:
    rng = random.Random(seed)
    positions = ["会长"] + ["常务副会长"] * 3 + ["副会长"] * 20 + ["秘书长"] + ["常务理事"] * 40 + ["理事"] * 80
    rows = []
    for i in range(count):
        place, brand, (industry, trade) = rng.choice(PLACES), rng.choice(BRANDS), rng.choice(list(TRADES.items()))
        name = f"{place[2:]}{brand}{trade}有限公司第{i + 1}分公司"
        rows.append(
            [
                i + 1,
                name,
                f"联系人{i}",
                positions[i] if i < len(positions) else "会员",
                industry,
                place,
                f"温州市鹿城区某路{i}号",
                f"0577-8{i:07d}",
                f"139{i:08d}",
                f"m{i}@example.cn",
                f"https://m{i}.example.cn/",
                dt.date(2010 + i % 16, 1 + i % 12, 1 + i % 28),
                "2026-12-31",
                f"{name}成立于{2000 + i % 25}年，主营{trade}业务。",
                "否" if i % 50 == 0 else "是",
                "是" if i % 7 == 0 else "否",
                f"3301021980{i:08d}",
                "内部备注",
            ]
        )
    return rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "会员名录"
    sheet.append(["温州市规模测试商会会员名录"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_csv(path: Path, rows: list[list]) -> None:
    with path.open("w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows([[c.isoformat() if isinstance(c, dt.date) else c for c in row] for row in rows])


def timed(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time the full site build (slow)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown")
    args = parser.parse_args()

    # Dictionaries load once per build, whatever the roster's size: measured apart from the figures below.
    started = time.perf_counter()
    segmenter()
    pinyin_key("安徽")
    print(f"word segmenter and pinyin dictionaries: {time.perf_counter() - started:.2f}s once per build (not below)")

    print(
        f"{'members':>8} {'load xlsx':>10} {'load csv':>9} {'pages':>7} {'docs':>6} {'per member':>11}"
        + (f" {'site build':>11}" if args.build else "")
    )
    for size in SIZES:
        with tempfile.TemporaryDirectory(prefix="roster-scale-") as tmp:
            content = Path(tmp) / "content"
            rows = roster_rows(size)
            figures = {}
            for fmt, writer in (("xlsx", write_xlsx), ("csv", write_csv)):
                folder = content / fmt
                folder.mkdir(parents=True)
                (folder / "chamber.yml").write_text(CHAMBER_YML, encoding="utf-8")
                writer(folder / f"members.{fmt}", rows)
                figures[fmt] = timed(lambda fmt=fmt: load_chamber(content, fmt), args.repeat)
            chamber = load_chamber(content, "xlsx")
            tree: dict = {}

            def pages_once() -> None:
                KNOWN_READINGS.clear()  # time a cold start, as in a fresh build
                tree.update(docs_tree(chamber))

            pages = timed(pages_once, args.repeat)
            per_member = (figures["xlsx"] + pages) / size * 1000
            line = (
                f"{size:>8,} {figures['xlsx']:>9.2f}s {figures['csv']:>8.2f}s {pages:>6.2f}s {len(tree):>6,}"
                f" {per_member:>9.2f}ms"
            )
            if args.build:
                # A fresh process per build, as `chamber build` runs (interpreter start and imports included).
                command = [
                    sys.executable,
                    "-m",
                    "chamberpress.cli",
                    "build",
                    "xlsx",
                    "--content",
                    str(content),
                    "--out",
                    str(Path(tmp) / "sites"),
                ]
                build = timed(lambda: subprocess.run(command, cwd=ROOT, check=True, capture_output=True), 1)
                line += f" {build:>10.1f}s"
            print(line, flush=True)


if __name__ == "__main__":
    main()
