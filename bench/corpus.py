"""A deterministic synthetic corpus: chambers × posts × members in realistic Chinese, for benchmarks.

    python -m bench.corpus OUT --chambers 1 --posts 2000 --members 3000

writes OUT/content/<slug>/ (our content contract) and OUT/stock/<slug>/ (the same posts as a stock MkDocs +
Material blog project, for the side-by-side comparison). Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
from pathlib import Path

SUBJECTS = [
    "商会",
    "理事会",
    "会长办公会",
    "秘书处",
    "维权部",
    "会员企业",
    "经济发展部",
    "青年企业家分会",
    "女企业家联谊会",
]
VERBS = ["召开", "举办", "组织", "参加", "走访", "考察", "慰问", "签约", "发布", "部署"]
OBJECTS = [
    "年度工作会议",
    "法律知识讲座",
    "项目对接会",
    "新春团拜会",
    "安全生产培训",
    "税收政策解读会",
    "光伏产业考察",
    "跨境电商沙龙",
    "助学捐赠仪式",
    "会员座谈会",
    "调解工作推进会",
    "金融服务对接会",
]
PHRASES = [
    "认真贯彻落实",
    "进一步加强",
    "充分发挥桥梁纽带作用",
    "推动两地经济共同发展",
    "切实维护会员合法权益",
    "不断提升服务水平",
    "营造良好营商环境",
    "积极参与温州建设",
    "凝聚在温乡贤力量",
    "深化交流合作",
    "帮助会员企业解决实际困难",
    "依法依规开展调解",
    "拓展光伏新能源市场",
    "加强行业自律",
    "促进稳定发展",
]
NOUNS = ["会员企业", "企业家", "与会人员", "各位理事", "相关部门负责人", "专家学者", "律师团队", "金融机构代表"]
INDUSTRIES = ["鞋革", "服装", "电气", "建筑工程", "餐饮", "物流", "光伏新能源", "商贸", "汽摩配", "印刷包装"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏飞鑫波辉"
PLACES = ["合肥", "芜湖", "蚌埠", "淮南", "马鞍山", "安庆", "六安", "阜阳", "宿州", "滁州", "黄山", "亳州"]
CATEGORIES = ["商会动态", "通知公告", "会员风采", "项目合作", "维权服务", "政策法规", "培训活动"]
POSITIONS = (
    ["会长"]
    + ["常务副会长"] * 2
    + ["执行会长", "监事长"]
    + ["副会长"] * 6
    + ["秘书长"]
    + ["常务理事"] * 10
    + ["理事"] * 20
)


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(NOUNS)}"
        f"{rng.choice(PHRASES)}，{rng.choice(PHRASES)}。"
    )


def paragraph(rng: random.Random, sentences: int) -> str:
    return "".join(sentence(rng) for _ in range(sentences))


def post_body(
    rng: random.Random, index: int, total: int, target_chars: int, images: list[str], more: bool = False
) -> str:
    parts = [paragraph(rng, 3)]
    if more:  # the summary marked off by the editor (Material's excerpt separator)
        parts.append("<!-- more -->")
    headings = ["会议概况", "主要内容", "下一步工作", "会员反响", "活动安排"]
    while sum(len(p) for p in parts) < target_chars:
        parts.append(f"## {rng.choice(headings)}")
        parts.append(paragraph(rng, rng.randint(2, 4)))
        kind = rng.random()
        if kind < 0.25:
            parts.append("\n".join(f"- {rng.choice(PHRASES)}" for _ in range(rng.randint(3, 5))))
        elif kind < 0.35:
            rows = [f"| {rng.choice(OBJECTS)} | {rng.randint(20, 300)} | {rng.choice(PLACES)} |" for _ in range(3)]
            parts.append("| 项目 | 人数 | 地点 |\n| --- | --- | --- |\n" + "\n".join(rows))
        elif kind < 0.45 and index + 1 < total:
            other = rng.randint(0, total - 1)
            parts.append(f"详见[相关报道]({post_name(other)}.md)。{paragraph(rng, 1)}")
    for number, image in enumerate(images):  # spread through the body
        parts.insert(min(len(parts), 1 + number * 2), f"![活动现场{number + 1}](images/{image})")
    return "\n\n".join(parts) + "\n"


def post_date(index: int, total: int, years: float = 2.0) -> dt.date:
    # Spread over the years before the pinned day (700 days for two), oldest first.
    span = int(years * 350)
    return dt.date(2026, 11, 20) - dt.timedelta(days=int((total - 1 - index) * span / max(total, 1)))


def post_name(index: int) -> str:
    return f"post-{index:05d}"


def make_image(path: Path, rng: random.Random) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 500), (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 700), rng.randint(0, 400)
        draw.rectangle(
            [x, y, x + rng.randint(20, 200), y + rng.randint(20, 150)],
            fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)),
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    path.write_bytes(buffer.getvalue())


def write_chamber(
    root: Path,
    slug: str,
    seed: int,
    posts: int,
    members: int,
    *,
    years: float = 2.0,
    more: float = 0.0,
    images: int = 0,
) -> None:
    """One chamber of `posts` posts over `years` years, `more` of them (a fraction) with a `<!-- more -->`
    separator after the first paragraph; every seventh post shows a photo, or every post `images` of them
    (of 20) when `images` is given; `members` rows in the roster (none: no roster file)."""
    rng = random.Random(seed)
    folder = root / "content" / slug
    stock = root / "stock" / slug
    (folder / "news" / "images").mkdir(parents=True, exist_ok=True)
    (stock / "docs" / "blog" / "posts" / "images").mkdir(parents=True, exist_ok=True)
    name = f"温州市{slug}商会"
    (folder / "chamber.yml").write_text(
        f"name: {name}\nshort_name: {slug}商会\nhometown: 安徽省\ncity: 温州\nfounded: 2012-05-20\n"
        f"address: 温州市鹿城区会展路{seed}号\nphone: 0577-8888{seed % 10000:04d}\nemail: office@example.cn\n"
        "departments:\n  - {name: 秘书处, head: 王伟, duties: 日常事务}\n"
        "meetings:\n  - {name: 会员大会, frequency: 每年一次}\n  - {name: 理事会, frequency: 每半年一次}\n"
        "dues:\n  - {position: 会长, amount: 50000}\n  - {position: 会员, amount: 2000}\n",
        encoding="utf-8",
    )
    photos = [f"photo-{i}.jpg" for i in range(20 if images else 5)]
    for image in photos:
        make_image(folder / "news" / "images" / image, rng)
        (stock / "docs" / "blog" / "posts" / "images" / image).write_bytes(
            (folder / "news" / "images" / image).read_bytes()
        )
    for index in range(posts):
        date = post_date(index, posts, years)
        title = f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}（第{index + 1}期）"
        category = CATEGORIES[index % len(CATEGORIES)]
        if images:
            shown = [photos[(index + k) % len(photos)] for k in range(images)]
        else:
            shown = [photos[index % 5]] if index % 7 == 0 else []
        separated = more > 0 and (index * more) % 1 + more >= 1  # an even spread of that fraction
        body = post_body(rng, index, posts, rng.randint(600, 1500), shown, separated)
        ours = (
            f"---\ntitle: {title}\ndate: {date.isoformat()}\ncategory: {category}\nauthor: 秘书处\n"
            f"source: 商会秘书处\n---\n\n{body}"
        )
        (folder / "news" / f"{post_name(index)}.md").write_text(ours, encoding="utf-8")
        theirs = (
            f"---\ntitle: {title}\ndate: {date.isoformat()}\ncategories:\n  - {category}\n---\n\n# {title}\n\n{body}"
        )
        (stock / "docs" / "blog" / "posts" / f"{post_name(index)}.md").write_text(theirs, encoding="utf-8")
    chapters = ["总则", "业务范围", "会员", "组织机构", "资产管理", "章程修改", "终止程序", "附则"]
    from chamberpress.chinese import format_numeral

    lines = [f"---\ntitle: {name}章程\n---\n"]
    article = 1
    for number, chapter in enumerate(chapters, start=1):
        lines.append(f"## 第{format_numeral(number)}章　{chapter}\n")
        for _ in range(6):
            ref = f"依照本章程第{format_numeral(max(1, article - 3))}条的规定，" if article > 4 else ""
            lines.append(f"第{format_numeral(article)}条　{ref}{paragraph(rng, 1)}\n")
            article += 1
    (folder / "charter.md").write_text("\n".join(lines), encoding="utf-8")
    rows = ["名称,联系人,职务,行业,籍贯,地址,电话,手机,入会日期,会费缴至,简介,公开,公开手机,身份证号"]
    for index in range(members):
        position = POSITIONS[index] if index < len(POSITIONS) else "会员"
        contact = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        joined = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 5400))
        rows.append(
            f"{rng.choice(PLACES)}{rng.choice(INDUSTRIES)}{index:04d}有限公司,{contact},{position},"
            f"{rng.choice(INDUSTRIES)},安徽省{rng.choice(PLACES)}市,温州市鹿城区工业路{index}号,"
            f"0577-{rng.randint(10000000, 99999999)},139{rng.randint(10000000, 99999999)},{joined},"
            f"2026-12-31,{paragraph(rng, 1)},{'否' if index % 50 == 49 else '是'},否,"
            f"3400001990{index:08d}"
        )
    if members:
        (folder / "members.csv").write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    (stock / "docs" / "index.md").write_text(f"# {name}\n", encoding="utf-8")
    (stock / "docs" / "blog" / "index.md").write_text("# 新闻动态\n", encoding="utf-8")
    (stock / "mkdocs.yml").write_text(
        f"site_name: {name}\ntheme:\n  name: material\n  language: zh\nplugins:\n  - search:\n      lang: zh\n"
        "  - blog:\n      blog_dir: blog\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--chambers", type=int, default=1)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--years", type=float, default=2.0, help="the years the posts spread over")
    parser.add_argument("--more", type=float, default=0.0, help="the share of posts with <!-- more -->")
    parser.add_argument("--images", type=int, default=0, help="photos in every post (0: one in seven posts)")
    args = parser.parse_args(argv)
    for number in range(args.chambers):
        write_chamber(
            args.out,
            f"c{number:02d}",
            seed=1000 + number,
            posts=args.posts,
            members=args.members,
            years=args.years,
            more=args.more,
            images=args.images,
        )


if __name__ == "__main__":
    main()
