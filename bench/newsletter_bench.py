"""Newsletter benchmark: a 24-page A4 issue with 30 posts and 10 images, time and peak memory per variant.

    python -m bench.newsletter_bench [--runs 3] [--variants ours,four-faces,...]

Each variant runs in a fresh process (peak RSS is per process): load the chamber, build the print model,
write the HTML and the PDF. Variants:
  ours                   two faces (serif regular for text, sans bold for headings), HarfBuzz subsetting
  four-faces             serif regular + bold and sans regular + bold, as a naive stylesheet would use
  ours-fonttools         two faces, subset with fontTools (what WeasyPrint does without libharfbuzz-subset)
  four-faces-fonttools   four faces, subset with fontTools (the starting point measured in perf-notes)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import CATEGORIES, make_image, paragraph, post_body

TODAY = dt.date(2026, 11, 25)
POSTS, IMAGES = 30, 10
# Extra rules that make the stylesheet use the serif bold and sans regular faces too.
FOUR_FACES_CSS = (
    "<style>.article-body p:first-child { font-family: 'Noto Serif CJK SC'; font-weight: bold; }"
    " .article-meta, .cover-date { font-family: 'Noto Sans CJK SC'; font-weight: normal; }</style>"
)
VARIANTS = ("ours", "four-faces", "ours-fonttools", "four-faces-fonttools")


def write_issue_chamber(root: Path) -> Path:
    """A chamber with 30 posts of the third quarter, 10 of them with a photo, and an issue file."""
    rng = random.Random(3)
    folder = root / "content" / "bench"
    (folder / "news" / "images").mkdir(parents=True)
    (folder / "newsletters").mkdir()
    (folder / "chamber.yml").write_text(
        "name: 温州市基准商会\nhometown: 安徽省\ncity: 温州\naddress: 温州市鹿城区会展路1号\n"
        "phone: 0577-88880000\nemail: office@example.cn\n"
        "newsletter: {title: 基准会讯, frequency: 季刊, permit: 浙内准字第2026-001号}\n",
        encoding="utf-8",
    )
    for index in range(IMAGES):
        make_image(folder / "news" / "images" / f"photo-{index}.jpg", rng)
    start = dt.date(2026, 7, 1)
    for index in range(POSTS):
        images = [f"photo-{index // 3}.jpg"] if index % 3 == 0 else []
        body = post_body(rng, index, POSTS, rng.randint(100, 220), images)
        body = body.replace("](post-", "](#post-")  # links between synthetic posts: not printed
        date = start + dt.timedelta(days=index * 3)
        (folder / "news" / f"{date.isoformat()}-post-{index:02d}.md").write_text(
            f"---\ntitle: 商会{paragraph(rng, 1)[:14]}（第{index + 1}篇）\ndate: {date.isoformat()}\n"
            f"category: {CATEGORIES[index % len(CATEGORIES)]}\nauthor: 秘书处\nsource: 商会秘书处\n---\n\n{body}",
            encoding="utf-8",
        )
    (folder / "newsletters" / "2026-q3.yml").write_text(
        "number: 2026年第3期\ntotal_number: 18\nfrom: 2026-07-01\nto: 2026-09-30\n"
        f"foreword: |\n  {paragraph(rng, 3)}\n",
        encoding="utf-8",
    )
    return root / "content"


def run_variant(content: Path, variant: str, out: Path) -> dict:
    """One print of the issue in this process; returns seconds, pages, size, faces and peak RSS."""
    started = time.perf_counter()
    if variant.endswith("fonttools"):
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None  # WeasyPrint's own fallback path
    from chamberpress.print import newsletter
    from chamberpress.content.load import load_chamber

    imported = time.perf_counter()
    if variant.startswith("four-faces"):
        original = newsletter.issue_html
        newsletter.issue_html = lambda model, fonts: original(model, fonts).replace(
            "</head>", FOUR_FACES_CSS + "</head>"
        )
    chamber = load_chamber(content, "bench", today=TODAY)
    (issue,) = newsletter.load_issues(chamber)
    result = newsletter.write_issue(chamber, issue, out)
    done = time.perf_counter()
    fonts = subprocess.run(["pdffonts", str(result.pdf.path)], capture_output=True, text=True).stdout
    return {
        "variant": variant,
        "seconds": round(done - imported, 2),
        "with_imports": round(done - started, 2),
        "pages": result.pdf.pages,
        "pdf_kb": round(result.pdf.size / 1024),
        "faces": len(fonts.splitlines()) - 2,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def measure(content: Path, variant: str, runs: int) -> list[dict]:
    """`runs` prints of the issue, each in a fresh process (`run_variant`'s figures for each)."""
    results = []
    for _ in range(runs):
        child = subprocess.run(
            [sys.executable, "-m", "bench.newsletter_bench", "--child", str(content), variant],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--child", nargs=2, metavar=("CONTENT", "VARIANT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        with tempfile.TemporaryDirectory() as out:
            print(json.dumps(run_variant(Path(args.child[0]), args.child[1], Path(out))))
        return

    with tempfile.TemporaryDirectory(prefix="newsletter-bench-") as root:
        content = write_issue_chamber(Path(root))
        print("| variant | time (median) | runs | with imports | pages | faces | PDF | peak RSS |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for variant in args.variants.split(","):
            results = measure(content, variant, args.runs)
            seconds = [r["seconds"] for r in results]
            last = results[-1]
            print(
                f"| {variant} | {statistics.median(seconds):.2f} s | {', '.join(f'{s:.2f}' for s in seconds)} | "
                f"{statistics.median(r['with_imports'] for r in results):.2f} s | {last['pages']} | "
                f"{last['faces']} | {last['pdf_kb']} KB | {max(r['peak_mb'] for r in results)} MB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
