"""The membership application form: join.pdf printed from chamber.yml, with form fields, linked from the join page."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from chamberpress.build.pipeline import build_chamber
from chamberpress.content.chamber import DEFAULT_JOIN_FIELDS, DEFAULT_JOIN_STEPS
from conftest import CHAMBER_YML, TODAY, parse, text_of, write_chamber

DUES = """\
dues:
  - position: 会长
    amount: 50000
  - position: 会员
    amount: 2000
"""


@pytest.fixture(scope="module")
def join_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("join")
    write_chamber(root / "content", chamber_yml=CHAMBER_YML + DUES)
    build_chamber("test", root / "content", root / "sites", today=TODAY)
    return root / "sites" / "test"


def _text(path: Path) -> str:
    """The PDF's text by pdftotext, without whitespace; NFKC: the fonts map some characters to radicals."""
    args = ["pdftotext", "-enc", "UTF-8", str(path), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    # 长 comes back as the radical ⻓, which NFKC leaves as it is.
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", text)).replace("\u2ed3", "长")


def test_join_pdf_holds_the_fields_the_dues_and_form_fields(join_site: Path) -> None:
    pdf = PdfReader(join_site / "join.pdf")
    assert len(pdf.pages) == 1
    assert (join_site / "join.pdf").stat().st_size < 1_500_000  # the fields' font is not a whole CJK face
    width, height = (float(v) * 25.4 / 72 for v in pdf.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (210, 297)
    text = _text(join_site / "join.pdf")
    assert "温州市测试商会入会申请表" in text
    for label in DEFAULT_JOIN_FIELDS:
        assert label in text
    assert "职务会费(元/年)会长50,000会员2,000" in text
    for step in DEFAULT_JOIN_STEPS:
        assert unicodedata.normalize("NFKC", step) in text
    assert "申请单位(盖章)" in text and "法定代表人(签字)" in text and "秘书处审核意见" in text
    fields = pdf.get_fields()
    assert list(fields) == DEFAULT_JOIN_FIELDS
    assert all(field["/FT"] == "/Tx" for field in fields.values())


def test_join_page_links_the_form_and_numbers_the_procedure(join_site: Path) -> None:
    page = parse(join_site / "join/index.html")
    steps = page.cssselect("#join-steps + ol li")
    assert [text_of(li) for li in steps] == DEFAULT_JOIN_STEPS
    (link,) = page.cssselect("a.cp-join-pdf")
    assert link.get("href") == "../join.pdf" and text_of(link).startswith("下载入会申请表")


def test_join_keys_choose_the_fields_and_the_steps(tmp_path: Path) -> None:
    yml = CHAMBER_YML + "join:\n  fields: [企业名称, 微信号]\n  procedure: [提交申请, 秘书处审核]\n"
    write_chamber(tmp_path / "content", chamber_yml=yml)
    build_chamber("test", tmp_path / "content", tmp_path / "sites", today=TODAY)
    pdf = PdfReader(tmp_path / "sites/test/join.pdf")
    assert list(pdf.get_fields()) == ["企业名称", "微信号"]
    assert "会费标准" not in _text(tmp_path / "sites/test/join.pdf")  # no dues in chamber.yml: no table
    page = parse(tmp_path / "sites/test/join/index.html")
    assert [text_of(li) for li in page.cssselect("#join-steps + ol li")] == ["提交申请", "秘书处审核"]
