"""The bench's own tools still run against the code they time (they patch functions by name, so a moved
function breaks them silently until someone needs the figures)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, write_chamber


def test_phases_times_every_step_of_a_real_build(content: Path, out: Path, capsys) -> None:
    from bench import phases

    write_chamber(content, "t")
    phases.main([str(content), "t", str(out), "--jobs", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("t: ") and " pages, " in lines[0], lines
    labels = {line.split(" s  ", 1)[1] for line in lines[1:]}
    assert {"load and check content", "search index (Pagefind)", "the rest"} <= labels, labels
    assert (out / "t" / "index.html").is_file()


# The pure parts of `make bench` (bench/edits.py, bench/tables.py, bench/run.py's shapes): no benchmark runs.


@pytest.fixture(scope="module")
def bench_corpus(tmp_path_factory) -> Path:
    """A small corpus of bench.corpus, half of its posts with `<!-- more -->`; its chamber's folder."""
    from bench.corpus import write_chamber as write_corpus

    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, "b", seed=7, posts=24, members=12, years=5, more=0.5)
    return root / "content" / "b"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def body(data: bytes) -> str:
    return data.decode("utf-8").split("\n---\n\n", 1)[1]


@pytest.mark.parametrize("key", ["edit", "summary", "added", "deleted", "roster"])
def test_each_edit_changes_one_file_and_is_undone_byte_for_byte(bench_corpus: Path, key: str) -> None:
    from bench.edits import SCENARIOS

    original = snapshot(bench_corpus)
    edited = set()
    for run in range(3):
        edit = SCENARIOS[key][1](bench_corpus, run, 3, TODAY)
        edit.apply()
        changed = snapshot(bench_corpus)
        differ = {name for name in original.keys() | changed.keys() if original.get(name) != changed.get(name)}
        assert differ == {str(edit.path.relative_to(bench_corpus))}, differ
        edited.add(edit.path)
        edit.restore()
        assert snapshot(bench_corpus) == original
    assert len(edited) == (1 if key == "roster" else 3)  # another post each run (the roster is one file)


def test_a_post_edit_keeps_its_summary_and_a_summary_edit_changes_it(bench_corpus: Path) -> None:
    from bench.edits import append_sentence, change_summary, posts

    from chamberpress.content.news import first_paragraph

    found = posts(bench_corpus)
    assert sum("<!-- more -->" in body(p.read_bytes()) for p in found) == 12
    for post in found[:2]:  # one without `<!-- more -->`, one with
        before = post.read_bytes()
        appended, summary = append_sentence(post, 0), change_summary(post, 0)
        assert appended.after.startswith(before) and appended.after != before
        assert first_paragraph(body(appended.after)) == first_paragraph(body(before))
        assert first_paragraph(body(summary.after)) != first_paragraph(body(before))
        if "<!-- more -->" in body(before):
            excerpt = body(before).split("<!-- more -->")[0]
            assert body(appended.after).split("<!-- more -->")[0] == excerpt
            assert body(summary.after).split("<!-- more -->")[0] != excerpt
        assert summary.after.split(b"\n---\n\n")[0] == before.split(b"\n---\n\n")[0]  # front matter kept
    assert {"<!-- more -->" in body(p.read_bytes()) for p in found[:2]} == {True, False}


def SCENARIO(key: str):
    from bench.edits import SCENARIOS

    return SCENARIOS[key][1]


def test_the_added_post_is_recent_and_the_deleted_one_unlinked(bench_corpus: Path) -> None:
    import yaml

    added = SCENARIO("added")(bench_corpus, 0, 3, TODAY)
    meta = yaml.safe_load(added.after.decode("utf-8").split("---\n")[1])
    assert added.before is None and not added.path.exists()
    assert TODAY - dt.timedelta(days=365) < meta["date"] <= TODAY, meta
    linked = "".join(p.read_text(encoding="utf-8") for p in (bench_corpus / "news").glob("*.md"))
    assert "](post-" in linked  # the corpus links posts to each other: the choice matters
    for run in range(3):
        deleted = SCENARIO("deleted")(bench_corpus, run, 3, TODAY)
        assert deleted.after is None and f"]({deleted.path.name})" not in linked


def test_the_roster_edit_changes_one_members_industry(bench_corpus: Path) -> None:
    import csv

    edit = SCENARIO("roster")(bench_corpus, 1, 3, TODAY)
    before = list(csv.DictReader(edit.before.decode("utf-8-sig").splitlines()))
    after = list(csv.DictReader(edit.after.decode("utf-8-sig").splitlines()))
    assert edit.after.startswith("\ufeff".encode()) and len(before) == len(after) == 12
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 1
    b, a = changed[0]
    assert {k for k in b if b[k] != a[k]} == {"行业"}, (b, a)


def test_no_roster_no_roster_edit(tmp_path: Path) -> None:
    from bench.corpus import write_chamber as write_corpus

    write_corpus(tmp_path, "n", seed=8, posts=3, members=0)
    assert SCENARIO("roster")(tmp_path / "content" / "n", 0, 3, TODAY) is None


def cells(markdown: str) -> dict[str, list[str]]:
    rows = [line.strip("|").split("|") for line in markdown.splitlines()[2:]]
    return {row[0].strip(): [c.strip() for c in row[1:]] for row in rows}


def test_the_table_marks_each_target() -> None:
    from bench.tables import Figure, shape_rows, table

    figures = {
        "stock": Figure((30.0, 31.0, 29.0), 300 * 1024),
        "floor": Figure((2.0, 2.0, 2.0)),
        "cold": Figure((9.0, 8.0, 10.0), 2048 * 1024),
        "nochange": Figure((0.04, 0.05, 0.03)),
        "edit": Figure((0.9, 1.2, 0.8)),
        "summary": Figure((2.0, 2.1, 1.9)),  # median 2.0: not under 2 s
        "added": Figure((1.5,)),
        "deleted": Figure((3.0,)),
        "roster": Figure((), note="n/a: nothing to edit"),
    }
    shown = cells(table(shape_rows(figures)))
    assert shown["stock MkDocs + Material"][:2] == ["30.00 s, peak 300 MiB", "30.00, 31.00, 29.00"]
    assert shown["ours, cold (no `.cache/`)"] == ["9.00 s", "9.00, 8.00, 10.00", "0.30× stock", "≤ 0.3× stock", "met"]
    assert shown["ours, cold, against the floor"][2:] == ["4.50× floor", "≤ 4× floor", "**not met**"]
    assert shown["ours, cold: peak memory"][0] == "2048 MiB" and shown["ours, cold: peak memory"][4] == "**not met**"
    assert shown["ours, rebuild with no change"][4] == "met"
    assert shown["ours, one post edited, summary unchanged"][2:] == ["0.10× cold", "< 1 s", "met"]
    assert shown["ours, a post's summary changed"][4] == "**not met**"
    assert shown["ours, a post added"][4] == "met"
    assert shown["ours, a post deleted"][2:] == ["0.33× cold", "", ""]  # no target set
    assert shown["ours, a roster row changed"] == ["n/a: nothing to edit", "", "", "", ""]

    unmeasured = cells(table(shape_rows({k: v for k, v in figures.items() if k not in ("stock", "edit")})))
    assert unmeasured["stock MkDocs + Material"][0] == "not measured"
    assert unmeasured["ours, cold (no `.cache/`)"][2:] == ["stock not measured", "≤ 0.3× stock", "not measured"]
    assert unmeasured["ours, one post edited, summary unchanged"][0::4] == ["not measured", "not measured"]


def test_target_marks_at_their_bounds() -> None:
    from bench.tables import TARGETS, mark

    assert mark(0.999, TARGETS["edit"]) == "met" and mark(1.0, TARGETS["edit"]) == "**not met**"
    assert mark(0.3, TARGETS["cold_vs_stock"]) == "met" and mark(0.31, TARGETS["cold_vs_stock"]) == "**not met**"
    assert mark(None, TARGETS["added"]) == "not measured" and mark(5.0, None) == ""


def test_the_section_replaces_the_previous_one_and_keeps_the_others() -> None:
    from bench.tables import Section, replace_section

    old = (
        "# Benchmark results\n\n## Newsletter\n\nA.\n\n## Build (`make bench`, 2026-11-27)\n\n| x |\n\n## Later\n\nB.\n"
    )
    section = Section("2026-12-07", "Machine.", [("today: corpus", "| t |\n"), ("Measured once", "| o |\n")]).text()
    assert section == (
        "## Build (`make bench`, 2026-12-07)\n\nMachine.\n\n### today: corpus\n\n| t |\n\n### Measured once\n\n| o |\n"
    )
    new = replace_section(old, section)
    assert new == old.replace("## Build (`make bench`, 2026-11-27)\n\n| x |\n", section)
    assert replace_section(new, section) == new
    assert replace_section("# Benchmark results\n", section) == "# Benchmark results\n\n" + section


def test_the_shapes_span_the_issue_and_stock_is_reused_only_for_the_same_corpus() -> None:
    from dataclasses import asdict, replace

    from bench.run import SHAPES, reused_stock

    per_year = [s.posts / s.years for s in SHAPES.values()]
    assert min(per_year) == 100 and max(per_year) >= 1000
    assert {s.more for s in SHAPES.values()} >= {0.0, 1.0}
    assert {s.members for s in SHAPES.values()} >= {0, 3000} and max(s.images for s in SHAPES.values()) >= 4
    shape = SHAPES["today"]
    last = {"today": {"shape": asdict(shape), "runs": [30.0, 32.0], "peak_kib": 1024, "date": "2026-12-07"}}
    reused = reused_stock(last, shape)
    assert reused is not None and reused.median == 31.0 and "2026-12-07" in reused.note
    assert reused_stock(last, replace(shape, seed=99)) is None and reused_stock({}, shape) is None


def test_the_newsletter_issue_is_written_with_its_photos(tmp_path: Path) -> None:
    from bench.newsletter_bench import IMAGES, POSTS, write_issue_chamber

    folder = write_issue_chamber(tmp_path) / "bench"
    texts = [p.read_text(encoding="utf-8") for p in sorted((folder / "news").glob("*.md"))]
    assert len(texts) == POSTS
    assert sum("](images/photo-" in text for text in texts) == IMAGES
