"""The package installs: a wheel built from the checkout carries the theme and the base config, and once
installed into a fresh virtualenv outside the checkout, `chamber new` and `chamber build` in an empty folder
give a complete, styled site with its PDFs.

To stay quick and offline after the wheel's build, the wheel is installed without its dependencies; the fresh
virtualenv sees those of this test run through a `.pth` line. Such a line only adds a folder to the path (it
does not run the `__editable__` finder of a development install), so `chamberpress` is the wheel's copy, as
the first test checks.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import site
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, parse, read_search_fragment

NAME = "温州市测试商会"
# Left out of the copy of the checkout that the wheel is built from, as a fresh clone has none of them: tools'
# folders, and (at the top only: `generator/build/` is a subpackage) earlier builds and built sites.
_NOT_COPIED_ANYWHERE = {"__pycache__", ".pytest_cache", ".ruff_cache"}
_NOT_COPIED_AT_TOP = {".git", ".venv", "venv", "build", "dist", "node_modules", "sites", ".cache", "test-artifacts"}


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path  # the fresh virtualenv's interpreter
    chamber: Path  # its `chamber` command
    site_packages: Path


def _copy_checkout(target: Path) -> None:
    """The checkout as a fresh clone has it, plus a built site and build records, which must stay out."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        left_out = {n for n in names if n in _NOT_COPIED_ANYWHERE or n.endswith(".egg-info")}
        return left_out | (_NOT_COPIED_AT_TOP & set(names)) if Path(folder) == ROOT else left_out

    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)
    for planted in (".cache/builds/demo.json", "sites/demo/index.html", "sites/index.html"):
        (target / planted).parent.mkdir(parents=True, exist_ok=True)
        (target / planted).write_text("{}", encoding="utf-8")


def _run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    source = tmp_path_factory.mktemp("checkout") / "chamberpress"
    _copy_checkout(source)
    dist = tmp_path_factory.mktemp("dist")
    build = _run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", dist, source], cwd=dist)
    output = build.stdout + build.stderr
    # No warning from the backend (pip names them BuildBackendWarning, older pips by setuptools' own classes):
    # no deprecated setting, no data folder setuptools would stop shipping.
    assert not re.findall(r"\w+Warning: .*", output) and "deprecated" not in output.lower()
    (wheel,) = dist.glob("chamberpress-*.whl")

    env_dir = tmp_path_factory.mktemp("fresh") / "venv"
    assert not env_dir.resolve().is_relative_to(ROOT)
    venv.create(env_dir, with_pip=False, symlinks=True)
    python = env_dir / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel], env_dir)
    paths = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], env_dir)
    site_packages = Path(paths.stdout.strip())
    (site_packages / "test_run_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return Installed(wheel, python, env_dir / "bin" / "chamber", site_packages)


@pytest.fixture(scope="module")
def user_folder(installed: Installed, tmp_path_factory) -> Path:
    """An empty folder, not a checkout, after `chamber new`, `chamber build`, `chamber newsletter` and
    `chamber audit` as a user types them."""
    folder = tmp_path_factory.mktemp("user")
    today = dt.date.today()
    _run([installed.chamber, "new", "demo", "--name", NAME], folder)
    _run([installed.chamber, "build", "demo"], folder)
    period = ["--from", f"{today.year}-01-01", "--to", today.isoformat()]
    _run([installed.chamber, "newsletter", "demo", *period], folder)
    _run([installed.chamber, "audit"], folder)
    return folder


def test_the_installed_package_is_the_wheels_copy_with_its_own_theme(installed: Installed, tmp_path: Path) -> None:
    probe = "import chamberpress, chamberpress.paths as p; print(chamberpress.__file__); print(p.PROJECT_DIR)"
    module, project = _run([installed.python, "-c", probe], tmp_path).stdout.split("\n")[:2]
    package = installed.site_packages / "chamberpress"
    assert Path(module) == package / "__init__.py"
    assert Path(project) == package / "_project"


def test_the_wheel_holds_the_package_its_scaffold_theme_and_base_config_and_nothing_else(installed: Installed) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    generator, theme = ROOT / "generator", ROOT / "theme"
    expected = {
        f"chamberpress/{path.relative_to(generator).as_posix()}"
        for path in generator.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and (
            path.suffix == ".py"
            or path.is_relative_to(generator / "content" / "scaffold")
            or path == generator / "content" / "places.txt"  # the place names trade_name strips
            or (path.suffix in (".po", ".mo") and path.is_relative_to(generator / "locale"))
        )
    }
    expected |= {
        f"chamberpress/_project/theme/{p.relative_to(theme).as_posix()}" for p in theme.rglob("*") if p.is_file()
    }
    expected.add("chamberpress/_project/mkdocs.yml")
    assert {
        "chamberpress/_project/theme/print/print.css",
        "chamberpress/content/scaffold/chamber.yml",
        "chamberpress/locale/zh_CN/LC_MESSAGES/chamberpress.po",  # the Chinese interface
        "chamberpress/locale/zh_CN/LC_MESSAGES/chamberpress.mo",  # compiled, read at run time
    } <= expected
    # Every file of theme/ (site overrides, print, portal, audit), the base config and the scaffold; no tests,
    # content/, sites/ or .cache/ (planted in the copied checkout), nothing else of the repository's top.
    assert {n for n in names if not n.startswith("chamberpress-")} == expected
    assert {n.split("/")[0] for n in names if n.startswith("chamberpress-")} == {"chamberpress-0.1.0.dist-info"}


def test_new_and_build_in_an_empty_folder_give_a_complete_styled_site(user_folder: Path) -> None:
    assert sorted(p.name for p in user_folder.iterdir()) == [".cache", "content", "sites"]
    site_dir = user_folder / "sites" / "demo"
    home = parse(site_dir / "index.html")
    assert NAME in home.findtext(".//title")
    sheets = [link.get("href") for link in home.iterfind(".//link[@rel='stylesheet']")]
    material = [href for href in sheets if href.startswith("assets/stylesheets/main.") and href.endswith(".min.css")]
    assert material and "assets/stylesheets/chamber.css" in sheets
    for href in sheets:
        assert (site_dir / href).stat().st_size > 0, href
    assert (site_dir / material[0]).stat().st_size > 50_000  # Material's own, not an empty stand-in
    ours = ROOT / "theme/material/assets/stylesheets/chamber.css"
    assert (site_dir / "assets/stylesheets/chamber.css").read_bytes() == ours.read_bytes()
    # Our template overrides drew the page: the footer with the chamber's name.
    assert home.findtext(".//p[@class='cp-footer__name']") == NAME

    (post,) = site_dir.glob("news/*/*/*/wangzhan-kaitong/index.html")
    pages = [site_dir / "news/index.html", post, site_dir / "members/index.html", site_dir / "charter/index.html"]
    for page in pages:
        doc = parse(page)
        assert NAME in doc.findtext(".//title"), page
        assert doc.find(".//article") is not None, page
    assert "第一条" in parse(site_dir / "charter/index.html").text_content()

    assert (site_dir / "pagefind/pagefind-entry.json").is_file()
    urls = {read_search_fragment(path)["url"] for path in (site_dir / "pagefind/fragment").iterdir()}
    assert {"/charter/", "/members/", f"/{post.parent.relative_to(site_dir).as_posix()}/"} <= urls

    portal = parse(user_folder / "sites/index.html")
    assert "demo/index.html" in {a.get("href") for a in portal.iterfind(".//a")} and NAME in portal.text_content()
    assert NAME in parse(user_folder / "sites/_audit/index.html").text_content()


def test_the_installed_build_prints_its_pdfs(user_folder: Path) -> None:
    charter = PdfReader(user_folder / "sites/demo/charter.pdf")
    assert "第一条" in "".join(page.extract_text() for page in charter.pages)
    (newsletter,) = (user_folder / "sites/_newsletter/demo").glob("*.pdf")
    text = "".join(page.extract_text() for page in PdfReader(newsletter).pages)
    assert "测试商会通讯" in text


def test_the_installed_command_speaks_chinese_from_the_wheels_catalogue(installed: Installed, tmp_path: Path) -> None:
    locale = ("CHAMBERPRESS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", *locale)}
    shown = subprocess.run(
        [installed.chamber, "check", "--help"], cwd=tmp_path, env=env | {"LANG": "C"}, capture_output=True, text=True
    )
    assert shown.stdout.startswith("用法：chamber check") and "内容文件夹（默认：content/）" in shown.stdout
