"""The bench's own tools still run against the code they time (they patch functions by name, so a moved
function breaks them silently until someone needs the figures)."""

from __future__ import annotations

from pathlib import Path

from conftest import write_chamber


def test_phases_times_every_step_of_a_real_build(content: Path, out: Path, capsys) -> None:
    from bench import phases

    write_chamber(content, "t")
    phases.main([str(content), "t", str(out), "--jobs", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("t: ") and " pages, " in lines[0], lines
    labels = {line.split(" s  ", 1)[1] for line in lines[1:]}
    assert {"load and check content", "search index (Pagefind)", "the rest"} <= labels, labels
    assert (out / "t" / "index.html").is_file()
