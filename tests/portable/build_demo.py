"""The portable run's build (tests/test_portable.py): every module imported, then the demo chambers built as
the session's demo_sites fixture builds them, but with two processes, so that each step that would fork
takes its path for systems without fork; the first two chambers through build_many's spawned workers.

Usage: python build_demo.py <out folder> <content folder> <yyyy-mm-dd>
"""

import datetime as dt
import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path

import chamberpress
from chamberpress import platform_support
from chamberpress.build.pipeline import build_chamber, build_many
from chamberpress.build.portal import write_portal
from chamberpress.content.load import chamber_slugs
from chamberpress.search import index


def main() -> None:
    out, content, today = Path(sys.argv[1]), Path(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
    failed = []
    for module in pkgutil.walk_packages(chamberpress.__path__, "chamberpress."):
        try:
            importlib.import_module(module.name)
        except Exception as exc:  # noqa: BLE001 - every failure reported, not only the first
            failed.append(f"{module.name}: {type(exc).__name__}: {exc}")
    slugs = chamber_slugs(content)
    # sichuan's search index in bundles, as the demo_sites fixture builds it: a patch that spawned workers
    # would not see, so it is built here with two processes of its own.
    alone = [slug for slug in slugs if slug == "sichuan"]
    for slug, result in build_many([s for s in slugs if s not in alone], content, out, today=today, jobs=2):
        if isinstance(result, Exception):
            failed.append(f"{slug}: {result}")
    # conftest.in_bundles(patch, SICHUAN_BUNDLE_PAGES)
    index.SPLIT_FROM, index.BUNDLE_PAGES, index.POST_BUNDLE_PAGES, index.MOST_OTHER_BUNDLES = 0, 8, 8, 64
    for slug in alone:
        build_chamber(slug, content, out, today=today, workers=2)
    write_portal(out, content, today=today)
    taken = {"fork": hasattr(os, "fork"), "fcntl": sys.modules.get("fcntl") is not None}
    taken |= {"getuid": hasattr(os, "getuid"), "statvfs": hasattr(os, "statvfs")}
    withheld = {name: platform_support.libc_function(name) for name in ("renameat2", "prctl")}
    withheld |= {"memory": platform_support.memory_folder(), "fc-list": platform_support.tool("fc-list")}
    report = {"failed": failed, "taken": taken, "withheld": {k: v and str(v) for k, v in withheld.items()}}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
