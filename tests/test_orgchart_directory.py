"""The organisation chart (organization/), the directory's trade-name index and filter, and the posts a
profile lists: pure functions, built pages read back, and one look in a browser at phone width."""

from __future__ import annotations

from pathlib import Path

import pytest

from chamberpress.build.pipeline import build_chamber
from chamberpress.content.chamber import load_chamber_info
from chamberpress.content.trade_names import trade_name
from chamberpress.errors import Problems
from conftest import CHAMBER_YML, ROOT, TODAY, parse, post, text_of, write_chamber

ARTIFACTS = ROOT / "test-artifacts" / "directory"


def chart(doc) -> list[tuple]:
    """The chart read from its markup: (name, [units beside], [units below]) for each top unit."""

    def unit(li) -> tuple:
        name = text_of(li.xpath("./div[@class='cp-org__row']/div[@class='cp-org__node']/strong")[0])
        beside = [unit(c) for c in li.xpath("./div[@class='cp-org__row']/ul[@class='cp-org__beside']/li")]
        below = [unit(c) for c in li.xpath("./ul[contains(@class, 'cp-org__units')]/li")]
        return (name, beside, below)

    return [unit(li) for li in doc.xpath("//div[@class='cp-orgchart']/ul[@class='cp-org']/li")]


def names_below(doc, name: str) -> set[str]:
    """Every unit drawn below (inside the subtree of) the unit called `name`."""
    (li,) = doc.xpath(f"//li[div/div/strong='{name}']")
    return {text_of(s) for s in li.xpath("./ul//strong[@class='cp-org__name']")}


# --- trade names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "trade"),
    [
        ("温州红星电器有限公司", "红星电器"),
        ("浙江省温州市红星电器股份有限公司", "红星电器"),
        ("温州市鹿城区皖盈酒楼", "皖盈酒楼"),
        ("瑞安市华联超市有限公司", "华联超市"),  # 超市 is no place: 瑞安市 goes, 华联超市 stays
        ("安徽信达建筑集团有限公司", "信达建筑"),
        ("浙江徽鼎电气有限公司", "徽鼎电气"),
        ("温州市皖宜鞋材有限公司", "皖宜鞋材"),
        ("温州市瓯海区红星五金厂", "红星五金"),
        ("温州某某商行", "某某"),
        ("红星电器（温州）有限公司", "红星电器"),
        ("中国平安保险（集团）股份有限公司", "平安保险"),
        ("温州大别山电气有限责任公司", "大别山电气"),
        ("鹿城区星火餐饮店", "星火餐饮店"),
        # Where stripping would leave nothing, the last step's rest or the name itself.
        ("浙江集团有限公司", "浙江"),
        ("温州有限公司", "温州"),
        ("有限公司", "有限公司"),
        ("温州", "温州"),
        ("  温州皖江建设工程有限公司 ", "皖江建设工程"),
    ],
)
def test_trade_name(name: str, trade: str) -> None:
    assert trade_name(name) == trade


# --- the organisation chart -----------------------------------------------------------------------------


def test_default_chart_of_a_demo_chamber(demo_sites: Path) -> None:
    doc = parse(demo_sites / "anhui/organization/index.html")
    assert chart(doc) == [
        (
            "会员大会",
            [],
            [
                (
                    "理事会",
                    [("监事会", [], [])],
                    [
                        (
                            "会长办公会议",
                            [],
                            [
                                (
                                    "秘书长",
                                    [],
                                    [
                                        (
                                            "秘书处",
                                            [],
                                            [
                                                ("会员部", [], []),
                                                ("维权部", [], []),
                                                ("宣传信息部", [], []),
                                                ("经济发展部", [], []),
                                            ],
                                        )
                                    ],
                                )
                            ],
                        )
                    ],
                )
            ],
        )
    ]
    assert "监事会" not in names_below(doc, "会长办公会议") | names_below(doc, "理事会")  # beside, not under
    assert {"会员部", "维权部", "宣传信息部", "经济发展部"} <= names_below(doc, "秘书处")
    (supervisors,) = doc.xpath("//li[div/div/strong='监事会']")
    assert text_of(supervisors.cssselect(".cp-org__line")[0]) == "监事长 储德胜"
    # Read without CSS: a heading-free nested list, each person whole.
    assert all(p.text and "、" not in p.text for p in doc.cssselect(".cp-org__person"))


ORG_YML = (
    CHAMBER_YML
    + """\
positions: [会长, 副会长, 监事长, 秘书长, 会员]
departments:
  - name: 综合部
    head: 钱七
  - name: 联络部
organization:
  - name: 会员代表大会
    units:
      - name: 理事会
        note: 每届五年
        beside:
          - name: 监事会
            roles: [监事长]
        units:
          - name: 会长
            roles: [会长, 副会长]
            units:
              - name: 秘书处
                head: 孙秘书
                departments: yes
      - name: 顾问委员会
"""
)
ORG_MEMBERS = "名称,联系人,职务\n甲公司,张三,会长\n乙公司,李四,副会长\n丙公司,王五,监事长\n丁公司,赵六,会员\n"


@pytest.fixture(scope="module")
def custom_org(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("org")
    write_chamber(root / "content", "org", chamber_yml=ORG_YML, files={"members.csv": ORG_MEMBERS})
    build_chamber("org", root / "content", root / "sites", today=TODAY)
    return root / "sites" / "org"


def test_custom_organization_is_drawn(custom_org: Path) -> None:
    doc = parse(custom_org / "organization/index.html")
    assert chart(doc) == [
        (
            "会员代表大会",
            [],
            [
                (
                    "理事会",
                    [("监事会", [], [])],
                    [("会长", [], [("秘书处", [], [("综合部", [], []), ("联络部", [], [])])])],
                ),
                ("顾问委员会", [], []),
            ],
        )
    ]
    lines = {
        text_of(li.xpath("./div/div/strong")[0]): [text_of(x) for x in li.xpath("./div/div/div")]
        for li in doc.cssselect(".cp-org__unit")
    }
    assert lines["理事会"] == ["每届五年"]
    assert lines["会长"] == ["张三", "副会长 李四"]  # the unit's own role is not repeated
    assert lines["监事会"] == ["监事长 王五"]
    assert lines["秘书处"] == ["负责人 孙秘书"]
    assert lines["综合部"] == ["钱七"] and lines["联络部"] == []
    assert "赵六" not in text_of(doc.cssselect(".cp-orgchart")[0])
    # Its stylesheet only here; the directory's neither here nor on the home page.
    sheets = [link.get("href") for link in doc.cssselect("link[rel=stylesheet]")]
    assert "../assets/stylesheets/orgchart.css" in sheets and not [s for s in sheets if "members.css" in s]
    home = parse(custom_org / "index.html")
    assets = [e.get("href") or e.get("src") for e in home.cssselect("link[rel=stylesheet], script[src]")]
    assert not [a for a in assets if "members." in a or "orgchart" in a]


BAD_ORG = (
    CHAMBER_YML
    + """\
organization:
  - name: 会员大会
    units:
      - name: 理事会
        roles: [会长, 总裁]
        departments: yes
        besides: []
      - units: []
      - name: 监事会
        departments: yes
"""
)


def test_bad_organization_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    folder = write_chamber(tmp_path / "content", "bad", chamber_yml=BAD_ORG)
    problems = Problems(tmp_path)
    assert load_chamber_info(folder, problems) is None
    assert [str(p) for p in problems.errors] == [
        "content/bad/chamber.yml:18: organization.0.units.0.besides: unknown key (did you mean 'beside'?)",
        "content/bad/chamber.yml:19: organization.0.units.1.name: is required but missing (机构名称，如 理事会)",
    ]
    # The schema passes, the rules beyond it do not: a role that is no position, the departments twice.
    folder = write_chamber(
        tmp_path / "content",
        "bad",
        chamber_yml=BAD_ORG.replace("        besides: []\n", "").replace("      - units: []\n", ""),
    )
    problems = Problems(tmp_path)
    load_chamber_info(folder, problems)
    assert [str(p) for p in problems.errors] == [
        "content/bad/chamber.yml:16: organization.0.units.0.roles.1: '总裁' is not one of the chamber's positions "
        "(one of: 会长、常务副会长、执行会长、监事长、副会长、秘书长、常务理事、理事、会员)",
        "content/bad/chamber.yml:19: organization.0.units.1.departments: the departments are already drawn below "
        "another unit (departments: yes on one unit only)",
        "content/bad/chamber.yml:17: organization.0.units.0.departments: departments: yes, but chamber.yml lists no "
        "departments (list them under `departments:` (name, head, duties))",
    ]
    folder = write_chamber(tmp_path / "content", "bad", chamber_yml=CHAMBER_YML + "organization: []\n")
    problems = Problems(tmp_path)
    load_chamber_info(folder, problems)
    assert [str(p) for p in problems.errors] == [
        "content/bad/chamber.yml:12: organization: no unit is listed "
        "(units such as - name: 会员大会, or leave organization out for the default chart)"
    ]


# --- profiles: the posts that name the member -------------------------------------------------------------

MENTION_MEMBERS = "名称,联系人,职务,行业\n温州红星电器有限公司,张三,会长,电器\n浙江集团有限公司,李四,会员,商贸\n乙公司,王五,会员,物流\n"


@pytest.fixture(scope="module")
def mention_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mentions")
    files = {
        "members.csv": MENTION_MEMBERS,
        # By full name in the text; by trade name in the title; neither; a draft and a scheduled post never.
        "news/2026/2026-03-01-a.md": post("春季座谈会", "2026-03-01", "温州红星电器有限公司等企业参加。"),
        "news/2026/2026-06-01-b.md": post("红星电器新厂投产", "2026-06-01", "新厂投产。"),
        "news/2026/2026-07-01-c.md": post("浙江企业交流", "2026-07-01", "浙江各地企业家参加。"),
        "news/2026/2026-08-01-d.md": post("红星电器草稿", "2026-08-01", "草稿。", draft="true"),
        "news/2026/2026-12-01-e.md": post("红星电器年会", "2026-12-01", "将于12月举行。"),
    }
    write_chamber(root / "content", "men", files=files)
    build_chamber("men", root / "content", root / "sites", today=TODAY)
    return root / "sites" / "men"


def test_a_profile_lists_the_published_posts_naming_the_member(mention_site: Path) -> None:
    doc = parse(mention_site / "members/wenzhou-hongxing-dianqi/index.html")
    items = [
        (text_of(li.cssselect("time")[0]), text_of(li.cssselect("a")[0]))
        for li in doc.cssselect(".cp-profile__news li")
    ]
    assert items == [("2026年6月1日", "红星电器新厂投产"), ("2026年3月1日", "春季座谈会")]
    assert doc.cssselect(".cp-profile__news time")[0].get("datetime") == "2026-06-01"
    for link in doc.cssselect(".cp-profile__news a"):
        assert (mention_site / "members/wenzhou-hongxing-dianqi" / link.get("href") / "index.html").resolve().is_file()
    # A trade name that is only a place (浙江集团 → 浙江) finds nothing by itself; a member nobody names has no list.
    for slug in ("zhejiang", "yi"):
        assert not parse(mention_site / "members" / slug / "index.html").cssselect(".cp-profile__news")


def test_a_few_posts_are_searched_name_by_name_as_the_automaton_finds(tmp_path: Path) -> None:
    """A text edit's posts are searched for each name in turn, many posts by the automaton: the same
    members found either way, overlapping names and names in the title included."""
    from chamberpress.content import mentions
    from chamberpress.content.load import load_chamber

    files = {
        "members.csv": MENTION_MEMBERS + "红星电器贸易有限公司,赵六,会员,贸易\n",
        "news/2026/2026-03-01-a.md": post("春季座谈会", "2026-03-01", "温州红星电器有限公司、红星电器贸易公司参加。"),
        "news/2026/2026-06-01-b.md": post("红星电器新厂投产", "2026-06-01", "乙公司承运。"),
        "news/2026/2026-07-01-c.md": post("浙江企业交流", "2026-07-01", "浙江各地企业家参加。"),
    }
    write_chamber(tmp_path / "content", "men", files=files)
    chamber = load_chamber(tmp_path / "content", "men", today=TODAY)
    posts, members = chamber.published_posts, chamber.listed_members
    names = mentions.mention_names(members)
    by_automaton = mentions.mentions(posts * (mentions.FEW_POSTS + 1), members, names)
    one_by_one = {name: [p.title for p in found] for name, found in mentions.mentions(posts, members, names).items()}
    assert one_by_one == {
        name: [p.title for p in found[:: mentions.FEW_POSTS + 1]] for name, found in by_automaton.items()
    }
    assert one_by_one == {
        "温州红星电器有限公司": ["红星电器新厂投产", "春季座谈会"],
        "红星电器贸易有限公司": ["春季座谈会"],
        "乙公司": ["红星电器新厂投产"],
    }


# --- in a browser: nothing wider than a phone ------------------------------------------------------------


def test_chart_and_directory_fit_a_phone(browser, demo_sites: Path) -> None:
    """At 390 px the page never scrolls sideways and every chart box is inside the viewport; at 1280 px too.
    Screenshots of both go to test-artifacts/directory/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
        try:
            page = context.new_page()
            for name, path in (("organization", "anhui/organization/"), ("directory", "anhui/members/")):
                page.goto((demo_sites / path / "index.html").as_uri())
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
                outside = page.evaluate(
                    """() => [...document.querySelectorAll('.cp-org__node, .cp-member, .cp-az-letters a')]
                    .map(e => e.getBoundingClientRect())
                    .filter(r => r.left < 0 || r.right > window.innerWidth).length"""
                )
                assert outside == 0
                # No label broken inside a word: each box's name on one line.
                broken = page.evaluate(
                    """() => [...document.querySelectorAll('.cp-org__name')]
                    .filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 40)
                    .map(e => e.textContent)"""
                )
                assert broken == []
                if name == "directory":
                    sizes = page.evaluate(
                        "() => [...document.querySelectorAll('.cp-az-letters a')].map(a => [a.offsetWidth, a.offsetHeight])"
                    )
                    assert sizes and all(w >= 24 and h >= 24 for w, h in sizes)
                    fields = page.evaluate(
                        "() => [...document.querySelectorAll('.cp-member__field')].filter(e => e.getClientRects().length > 1).length"
                    )
                    assert fields == 0  # a field never breaks across lines (no lone 市, no line starting with ·)
                page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        finally:
            context.close()
